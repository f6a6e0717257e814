package io.setsync.command;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The rule on a sync's SRC and DEST on one machine: neither inside the other, nor the same. A
 * destination inside its source would copy itself into itself on every run; a source inside its
 * destination would be purged or overwritten. Pure: the caller gives absolute paths, resolved as
 * far as it can (the CLI resolves them on disk; the monitor, which may run elsewhere, normalizes).
 */
public final class SyncPaths {

  private SyncPaths() {}

  /** What is wrong with syncing {@code source} to {@code destination}; empty when nothing is. */
  public static Optional<String> nestingProblem(Path source, Path destination) {
    Path s = source.normalize();
    Path d = destination.normalize();
    if (d.equals(s)) return Optional.of("source and destination are the same directory: " + s);
    if (d.startsWith(s)) return Optional.of("destination " + d + " is inside the source " + s);
    if (s.startsWith(d)) return Optional.of("source " + s + " is inside the destination " + d);
    return Optional.empty();
  }
}
