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
    int sa = 0;
    int sb = 0;
    for (int i = offset, end = offset + window; i < end; i++) {
      sa += bytes[i] & 0xff;
      sb += sa;
    }
    a = sa;
    b = sb;
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
    int sa = 0;
    int sb = 0;
    for (int i = offset, end = offset + length; i < end; i++) {
      sa += bytes[i] & 0xff;
      sb += sa;
    }
    return (sa & 0xffff) | (sb << 16);
  }
}
