package io.setsync.fs;

import java.nio.file.Path;

/**
 * Checks on relative paths that arrive from the network before they touch the local file system.
 * A peer that is buggy or hostile must not be able to make the receiver write outside its root
 * ("..", absolute paths), hit names the kernel would refuse or interpret oddly (NUL, over-long
 * components), or corrupt line-oriented logs and journals (control characters).
 */
public final class PathGuard {

  /** The tool's own folder at a destination root: never listed, synced or purged. */
  public static final String METADATA_DIR = ".setsync";

  /** Linux PATH_MAX; longer paths cannot be opened in one call anyway. */
  static final int MAX_PATH_CHARS = 4096;

  /** Linux NAME_MAX, which counts bytes, not chars. */
  static final int MAX_NAME_BYTES = 255;

  private PathGuard() {}

  /**
   * Refuses a relative path that is empty, absolute, ends with '/', has an empty, "." or ".."
   * component, contains a control character (below 0x20, or 0x7F), is longer than 4096 chars, or
   * has a component longer than 255 bytes, or holds a surrogate that stands for no byte ({@link
   * RawNames}).
   *
   * @throws UnsafeNameException naming the path and the reason
   */
  public static void checkRelativePath(String rel) {
    if (rel.isEmpty()) {
      throw new UnsafeNameException(rel, "empty path");
    }
    if (rel.length() > MAX_PATH_CHARS) {
      throw new UnsafeNameException(
          rel, "path longer than " + MAX_PATH_CHARS + " chars (" + rel.length() + ")");
    }
    if (rel.charAt(0) == '/') {
      throw new UnsafeNameException(rel, "absolute path");
    }
    if (rel.charAt(rel.length() - 1) == '/') {
      throw new UnsafeNameException(rel, "trailing '/'");
    }
    for (int i = 0; i < rel.length(); i++) {
      char c = rel.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        throw new UnsafeNameException(
            rel, String.format("control character \\u%04x at index %d", (int) c, i));
      }
    }
    checkSurrogates(rel, 0);
    int start = 0;
    while (start <= rel.length()) {
      int slash = rel.indexOf('/', start);
      int end = slash < 0 ? rel.length() : slash;
      checkComponent(rel, start, end);
      start = end + 1;
    }
  }

  /**
   * As {@link #checkRelativePath} for a path whose parent, {@code rel[0, nameStart - 1)}, already
   * passed it (or is the root, {@code nameStart == 0}): only the last component and the length are
   * checked, so a walk pays for each name once rather than for every level above it.
   *
   * @throws UnsafeNameException naming the path and the reason
   */
  public static void checkChildPath(String rel, int nameStart) {
    if (rel.length() > MAX_PATH_CHARS) {
      throw new UnsafeNameException(
          rel, "path longer than " + MAX_PATH_CHARS + " chars (" + rel.length() + ")");
    }
    for (int i = nameStart; i < rel.length(); i++) {
      char c = rel.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        throw new UnsafeNameException(
            rel, String.format("control character \\u%04x at index %d", (int) c, i));
      }
      if (c == '/') {
        throw new UnsafeNameException(rel, i == rel.length() - 1 ? "trailing '/'" : "'/' inside a name");
      }
    }
    checkSurrogates(rel, nameStart);
    checkComponent(rel, nameStart, rel.length());
  }

  /**
   * A name is bytes ({@link RawNames}): a surrogate that is neither half of a pair nor an escaped
   * byte stands for no bytes at all.
   */
  private static void checkSurrogates(String rel, int from) {
    int bad = RawNames.badSurrogate(rel.substring(from));
    if (bad >= 0) {
      throw new UnsafeNameException(
          rel, String.format("unpaired surrogate \\u%04x at index %d", (int) rel.charAt(from + bad), from + bad));
    }
  }

  /** Checks {@code rel[start, end)} without copying it: every listed name passes here. */
  private static void checkComponent(String rel, int start, int end) {
    int length = end - start;
    if (length == 0) {
      throw new UnsafeNameException(rel, "empty component");
    }
    if (rel.charAt(start) == '.' && (length == 1 || (length == 2 && rel.charAt(start + 1) == '.'))) {
      throw new UnsafeNameException(rel, "component '" + rel.substring(start, end) + "'");
    }
    if (length * 3 > MAX_NAME_BYTES) {
      int bytes = RawNames.bytes(rel.substring(start, end)).length;
      if (bytes > MAX_NAME_BYTES) {
        throw new UnsafeNameException(
            rel, "component longer than " + MAX_NAME_BYTES + " bytes (" + bytes + ")");
      }
    }
  }

  /**
   * Checks {@code rel} and resolves it under {@code root}. The result is confirmed to lie under the
   * root again after normalization, so that a gap in the name rules cannot become an escape.
   *
   * @throws UnsafeNameException if the name is refused or would leave the root
   */
  public static Path resolve(Path root, String rel) {
    checkRelativePath(rel);
    Path base = root.normalize();
    Path resolved = RawNames.resolve(base, rel).normalize();
    if (!resolved.startsWith(base) || resolved.equals(base)) {
      throw new UnsafeNameException(rel, "resolves outside the root " + root);
    }
    return resolved;
  }

  /** True for the metadata folder at the root and everything under it. */
  public static boolean isReserved(String rel) {
    return rel.startsWith(METADATA_DIR)
        && (rel.length() == METADATA_DIR.length() || rel.charAt(METADATA_DIR.length()) == '/');
  }
}
