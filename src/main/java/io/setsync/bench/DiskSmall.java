package io.setsync.bench;

import static io.setsync.bench.Shell.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The disk-small scenario: an initial copy of small files (1–64 KiB) on a real disk, each tool's
 * time including a final {@code sync(1)} run inside the timed span. On tmpfs durability is free;
 * here setsync pays for its fsyncs while rsync, which makes nothing durable itself, pays for the
 * same data in the final sync, so both are timed to the same end state: the copy on the disk.
 *
 * <p>Source and destination both live in {@code dir} (a directory of its own on the disk); rsync
 * pushes to a daemon of its own whose module is the destination there.
 */
final class DiskSmall {

  static final String NAME = "disk-small";
  static final double TARGET = 1.0;

  /** One sync of a whole tree into a target directory, by one tool. */
  interface Tool {
    void sync(Path source, Path target) throws Exception;
  }

  private DiskSmall() {}

  /**
   * Builds {@code files} small files in {@code dir} and times both tools on them, {@code warmUps}
   * untimed rounds then {@code rounds} timed ones, alternating which goes first.
   */
  static void measure(Path dir, int files, Tool setsync, int warmUps, int rounds, Samples setsyncTimes,
      Samples rsyncTimes) throws Exception {
    Path src = dir.resolve("src");
    Path dst = Files.createDirectories(dir.resolve("dst"));
    // A data set of its own: the shared one's list of small files feeds small-1pct.
    new DataSets().createSmall(src, files, Math.max(1, files / 10));
    try (Rsync rsync = Rsync.start(Files.createDirectories(dir.resolve("rsyncd")), dst)) {
      Tool push = (source, target) -> rsync.push(source, dst.relativize(target).toString());
      for (int round = 1 - warmUps; round <= rounds; round++) {
        List<String> order = round % 2 == 1 ? List.of("setsync", "rsync") : List.of("rsync", "setsync");
        for (String tool : order) {
          Path target = dst.resolve(tool);
          exec("rm", "-rf", target.toString());
          // What the wipe and the other tool left dirty is written back outside the timed span.
          exec("sync");
          long start = System.nanoTime();
          (tool.equals("setsync") ? setsync : push).sync(src, target);
          exec("sync");
          double seconds = (System.nanoTime() - start) / 1e9;
          if (round > 0) (tool.equals("setsync") ? setsyncTimes : rsyncTimes).add(seconds);
        }
      }
    }
  }

  /** The default: under the project's {@code target/} (where the bench's jar is), on its disk. */
  static Path defaultDir() {
    try {
      Path code = Path.of(DiskSmall.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return code.getParent();
    } catch (Exception e) {
      return Path.of("target").toAbsolutePath();
    }
  }

}
