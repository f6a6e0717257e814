package io.setsync.fs;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * Names left out of a file set, given as {@link java.nio.file.FileSystem#getPathMatcher glob}
 * patterns and applied the way rsync applies its exclude patterns:
 *
 * <ul>
 *   <li>A pattern without '/' is matched against the name (the last component) only, at any depth:
 *       {@code *.tmp} excludes {@code x.tmp} and {@code a/b/x.tmp}.
 *   <li>A pattern containing '/' is matched against the whole relative path: {@code a/*.log}
 *       excludes {@code a/x.log} but not {@code b/a/x.log}. A leading '/' only anchors the pattern
 *       at the root and is stripped, so {@code /build} excludes {@code build} but not
 *       {@code src/build}. Use {@code **} to cross directories, e.g. {@code a/**}{@code /x}.
 *   <li>A pattern ending in '/' matches directories only: {@code cache/} excludes a directory
 *       named cache but not a file of that name.
 * </ul>
 *
 * <p>An excluded directory is not descended into, so everything under it is excluded too.
 */
public final class ExcludeFilter {

  /** Excludes nothing. */
  public static final ExcludeFilter NONE = new ExcludeFilter(List.of(), List.of());

  private record Rule(PathMatcher matcher, boolean wholePath, boolean directoriesOnly) {}

  private final List<String> globs;
  private final List<Rule> rules;

  private ExcludeFilter(List<String> globs, List<Rule> rules) {
    this.globs = globs;
    this.rules = rules;
  }

  /**
   * @throws IllegalArgumentException naming the pattern if one is empty or does not compile
   */
  public static ExcludeFilter of(List<String> globs) {
    List<Rule> rules = new ArrayList<>(globs.size());
    for (String glob : globs) {
      rules.add(compile(glob));
    }
    return rules.isEmpty() ? NONE : new ExcludeFilter(List.copyOf(globs), List.copyOf(rules));
  }

  private static Rule compile(String glob) {
    String pattern = glob;
    boolean directoriesOnly = pattern.endsWith("/");
    if (directoriesOnly) {
      pattern = pattern.substring(0, pattern.length() - 1);
    }
    boolean wholePath = pattern.contains("/");
    if (pattern.startsWith("/")) {
      pattern = pattern.substring(1);
    }
    if (pattern.isEmpty()) {
      throw new IllegalArgumentException("exclude pattern \"" + glob + "\" matches no name");
    }
    try {
      // Relative paths are '/'-separated, which is also the default file system's separator on
      // the POSIX hosts this tool runs on, so its glob dialect applies unchanged.
      PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
      return new Rule(matcher, wholePath, directoriesOnly);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "bad exclude pattern \"" + glob + "\": " + e.getDescription(), e);
    }
  }

  /** Whether the name at {@code relPath} ('/'-separated, relative to the root) is excluded. */
  public boolean matches(String relPath, boolean isDirectory) {
    if (rules.isEmpty()) {
      return false;
    }
    Path whole = Path.of(relPath);
    Path name = whole.getFileName();
    for (Rule rule : rules) {
      if (rule.directoriesOnly() && !isDirectory) {
        continue;
      }
      if (rule.matcher().matches(rule.wholePath() ? whole : name)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "ExcludeFilter" + globs;
  }
}
