package io.setsync.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * The rule on a sync's SRC and DEST on one machine: neither inside the other, nor the same, and
 * never the whole file system. A destination inside its source would copy itself into itself on
 * every run; a source inside its destination would be purged or overwritten; {@code /} holds every
 * other directory, including the product's own state. {@link #nestingProblem} is pure: the caller
 * gives absolute paths, resolved as far as it can ({@link #real} follows symbolic links on this
 * machine; a path on another node can only be normalized).
 */
public final class SyncPaths {

  private SyncPaths() {}

  /** What is wrong with syncing {@code source} to {@code destination}; empty when nothing is. */
  public static Optional<String> nestingProblem(Path source, Path destination) {
    Path s = source.normalize();
    Path d = destination.normalize();
    Optional<String> root = rootProblem(s, d);
    if (root.isPresent()) return root;
    if (d.equals(s)) return Optional.of("source and destination are the same directory: " + s);
    if (d.startsWith(s)) return Optional.of("destination " + d + " is inside the source " + s);
    if (s.startsWith(d)) return Optional.of("source " + s + " is inside the destination " + d);
    return Optional.empty();
  }

  /**
   * Refuses {@code /} as a source or a destination wherever they are: the whole file system is
   * never a file set.
   */
  public static Optional<String> rootProblem(Path source, Path destination) {
    if (isRoot(source)) return Optional.of("the source is " + source + ", the whole file system; name a directory below it");
    if (isRoot(destination)) {
      return Optional.of("the destination is " + destination + ", the whole file system; name a directory below it");
    }
    return Optional.empty();
  }

  private static boolean isRoot(Path p) {
    return p.isAbsolute() && p.normalize().getNameCount() == 0;
  }

  /**
   * Where an absolute path really leads on this machine: the real path ({@link Path#toRealPath})
   * of its longest existing ancestor, with the names that do not exist yet appended. So a symbolic
   * link anywhere along the existing part is followed, and a destination that a sync will create
   * is judged by where it will be created.
   */
  public static Path real(Path path) {
    Path p = path.toAbsolutePath().normalize();
    Deque<Path> missing = new ArrayDeque<>();
    while (p != null) {
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        try {
          Path resolved = p.toRealPath();
          for (Path name : missing) resolved = resolved.resolve(name);
          return resolved.normalize();
        } catch (IOException e) {
          // A dangling link or an unreadable ancestor: judge it by the part above it.
        }
      }
      if (p.getFileName() == null) break;
      missing.addFirst(p.getFileName());
      p = p.getParent();
    }
    return path.toAbsolutePath().normalize();
  }
}
