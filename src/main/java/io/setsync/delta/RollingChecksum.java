package io.setsync.delta;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

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

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** Every other byte of a long, as four 16-bit lanes. */
  private static final long LANES = 0x00ff00ff00ff00ffL;

  /** Longs summed lane by lane before the lanes are added up: the most no 16-bit lane overflows for. */
  private static final int GROUP = 8;

  /**
   * {@code a} (low half) and {@code b} (high half) over a range. b weights each byte by its
   * distance from the end, i.e. {@code length * a - sum(i * x[i])}. A byte at a time this loop was
   * 60% of the receiver's signing time (the JIT does not vectorise it), so it takes eight bytes
   * from one long load, even and odd bytes in 16-bit lanes, and adds eight such longs lane by lane
   * before it adds up the lanes: in a group, {@code p} sums the byte pairs, {@code o} the odd bytes,
   * {@code t} the running {@code p}s, which weights the u-th long by {@code GROUP - u}. A lane stays
   * below 2^16 (t, the largest: 510 × 8 × 9 / 2). The rest goes a long, then a byte at a time. int
   * overflow wraps alike in every form.
   */
  static long sums(byte[] bytes, int offset, int length) {
    java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
    int sa = 0;
    int sw = 0;
    int i = 0;
    for (; i <= length - 8 * GROUP; i += 8 * GROUP) {
      long p = 0;
      long o = 0;
      long t = 0;
      for (int u = 0; u < GROUP; u++) {
        long w = (long) LONGS.get(bytes, offset + i + 8 * u);
        long odd = (w >>> 8) & LANES;
        p += (w & LANES) + odd;
        o += odd;
        t += p;
      }
      int sum = lanes(p);
      // sum(u * pairs of long u) = GROUP * p - t; within a long, byte k weighs k: a pair in lane j
      // weighs 2j, and its odd byte one more.
      int weighted = 8 * (GROUP * sum - lanes(t)) + 2 * weightedLanes(p) + lanes(o);
      sw += i * sum + weighted;
      sa += sum;
    }
    for (; i <= length - 8; i += 8) {
      long w = (long) LONGS.get(bytes, offset + i);
      long odd = (w >>> 8) & LANES;
      long pairs = (w & LANES) + odd;
      int sum = lanes(pairs);
      sw += i * sum + 2 * weightedLanes(pairs) + lanes(odd);
      sa += sum;
    }
    for (; i < length; i++) {
      int x = bytes[offset + i] & 0xff;
      sa += x;
      sw += i * x;
    }
    int sb = length * sa - sw;
    return (sa & 0xffffffffL) | ((long) sb << 32);
  }

  private static int lanes(long x) {
    return (int) ((x & 0xffff) + ((x >>> 16) & 0xffff) + ((x >>> 32) & 0xffff) + (x >>> 48));
  }

  /** Lane j weighted by j. */
  private static int weightedLanes(long x) {
    return (int) (((x >>> 16) & 0xffff) + 2 * ((x >>> 32) & 0xffff) + 3 * (x >>> 48));
  }

  /** The same sums a byte at a time: the definition the fast form is tested against. */
  static long sumsByteByByte(byte[] bytes, int offset, int length) {
    int a = 0;
    int b = 0;
    for (int i = 0; i < length; i++) {
      a += bytes[offset + i] & 0xff;
      b += a;
    }
    return (a & 0xffffffffL) | ((long) b << 32);
  }
}
