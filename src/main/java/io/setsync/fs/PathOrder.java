package io.setsync.fs;

import java.util.Comparator;

/**
 * The order in which both sides list a file set: relative paths compared component by component,
 * each component by its bytes ({@link RawNames#bytes}, unsigned), so that a path sorts right before its own
 * descendants. This is exactly the order of a depth-first pre-order walk that visits each
 * directory's children sorted by name, which is what lets sender and receiver merge their listings
 * in one pass. Bytes, not chars: a name that is not UTF-8 has no char order of its own, and UTF-16
 * order differs from byte order for chars above U+FFFF, so two sides could disagree otherwise.
 *
 * <p>Plain string order is not the same: it puts "a-c" before "a/b" because '-' &lt; '/', while a
 * walk finishes directory "a" before it reaches "a-c".
 */
public final class PathOrder implements Comparator<String> {

  public static final PathOrder INSTANCE = new PathOrder();

  private PathOrder() {}

  @Override
  public int compare(String a, String b) {
    return comparePaths(a, b);
  }

  /**
   * Static form of {@link #compare}. It cannot be called {@code compare} because a static method
   * may not share the signature of the instance method {@link Comparator#compare}.
   *
   * <p>Runs once per file during a merge, so it walks the chars in place instead of splitting.
   * At the first differing char a '/' means that side's component ended first, and a component
   * that is a prefix of the other sorts first; so '/' ranks below every other char. Two chars that
   * are not surrogates rank as their UTF-8 bytes do; from a surrogate (a char above U+FFFF, or an
   * escaped byte) on, the rest of both components are compared as bytes. If no char differs, the
   * shorter path is a prefix of the other — either its ancestor or a shorter last component — and
   * sorts first either way.
   */
  public static int comparePaths(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char ca = a.charAt(i);
      char cb = b.charAt(i);
      if (ca != cb) {
        if (ca == '/') {
          return -1;
        }
        if (cb == '/') {
          return 1;
        }
        if (Character.isSurrogate(ca) || Character.isSurrogate(cb)) {
          int from = i > 0 && Character.isHighSurrogate(a.charAt(i - 1)) ? i - 1 : i;
          return compareBytes(componentRest(a, from), componentRest(b, from));
        }
        return ca - cb;
      }
    }
    return a.length() - b.length();
  }

  private static byte[] componentRest(String s, int from) {
    int slash = s.indexOf('/', from);
    return RawNames.bytes(s.substring(from, slash < 0 ? s.length() : slash));
  }

  private static int compareBytes(byte[] a, byte[] b) {
    int c = java.util.Arrays.compareUnsigned(a, b);
    // Different strings are different bytes; equal bytes would mean a broken escape.
    return c != 0 ? c : a.length - b.length;
  }
}
