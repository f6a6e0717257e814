package io.setsync.fs;

import java.util.Comparator;

/**
 * The order in which both sides list a file set: relative paths compared component by component,
 * each component by {@link String#compareTo}, so that a path sorts right before its own
 * descendants. This is exactly the order of a depth-first pre-order walk that visits each
 * directory's children sorted by name, which is what lets sender and receiver merge their listings
 * in one pass.
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
   * that is a prefix of the other sorts first, exactly as in {@link String#compareTo}; so '/' ranks
   * below every other char. If no char differs, the shorter path is a prefix of the other — either
   * its ancestor or a shorter last component — and sorts first either way.
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
        return ca - cb;
      }
    }
    return a.length() - b.length();
  }
}
