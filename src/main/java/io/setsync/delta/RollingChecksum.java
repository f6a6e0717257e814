package io.setsync.delta;

/**
 * rsync's weak checksum over a window of bytes: {@code a} is the sum of the bytes, {@code b} the
 * sum of each byte weighted by its distance from the window's end, both modulo 2^16. Sliding the
 * window by one byte updates it in constant time, which is what lets the sender look for a
 * matching block at every offset.
 */
public final class RollingChecksum {

  private final int window;
  private int a;
  private int b;

  public RollingChecksum(int window) {
    if (window <= 0) throw new IllegalArgumentException("window must be positive: " + window);
    this.window = window;
  }

  /** Restarts over {@code bytes[offset, offset + window)}. */
  public void reset(byte[] bytes, int offset) {
    long ab = sums(bytes, offset, window);
    a = (int) ab;
    b = (int) (ab >>> 32);
  }

  /** Slides the window one byte: {@code out} leaves at the front, {@code in} enters at the back. */
  public void roll(byte out, byte in) {
    int o = out & 0xff;
    a += (in & 0xff) - o;
    b += a - window * o;
  }

  public int value() {
    return (a & 0xffff) | (b << 16);
  }

  /** The checksum of {@code bytes[offset, offset + length)}, for blocks shorter than a window. */
  public static int of(byte[] bytes, int offset, int length) {
    long ab = sums(bytes, offset, length);
    return ((int) ab & 0xffff) | ((int) (ab >>> 32) << 16);
  }

  /**
   * {@code a} (low half) and {@code b} (high half) over a range. b weights each byte by its
   * distance from the end, i.e. {@code length * a - sum(i * x[i])}: written that way no step waits
   * on the one before, so the JIT can unroll and vectorise the loop (int overflow wraps alike).
   */
  private static long sums(byte[] bytes, int offset, int length) {
    int sa = 0;
    int sw = 0;
    for (int i = 0; i < length; i++) {
      int x = bytes[offset + i] & 0xff;
      sa += x;
      sw += i * x;
    }
    int sb = length * sa - sw;
    return (sa & 0xffffffffL) | ((long) sb << 32);
  }
}
