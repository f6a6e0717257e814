package io.setsync.options;

import java.nio.file.FileSystems;
import java.util.regex.PatternSyntaxException;

/** Checks EXCLUDE-style globs the way the engine will compile them. */
final class Globs {
  private Globs() {}

  /** What is wrong with {@code glob}, or null when it compiles as a "glob:" path matcher. */
  static String problem(String glob) {
    try {
      FileSystems.getDefault().getPathMatcher("glob:" + glob);
      return null;
    } catch (PatternSyntaxException e) {
      return "bad glob: " + e.getDescription() + (e.getIndex() >= 0 ? " near index " + e.getIndex() : "");
    } catch (RuntimeException e) {
      return "bad glob: " + e.getMessage();
    }
  }
}
