package io.setsync.bench;

import static io.setsync.bench.Shell.exec;
import static io.setsync.bench.Shell.say;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * scale-1m ({@code --scale}): a tree of a million tiny files (100,000 with --quick) synced to an
 * empty destination (scale-1m-initial), then again unchanged (scale-1m-noop); each time at most
 * rsync's, and setsync's peak RSS at most rsync's.
 *
 * <p>setsync runs in a node process of its own (the harness JVM carries the other data sets),
 * started with scripts/setsync's defaults, on loopback, source and destination in that one node; a
 * SYNCHRONIZE on its console socket is timed. Its peak RSS is the node JVM's VmHWM, reset (clear_refs)
 * before each run and read after it. rsync's is the sum of the VmHWM of its client and of its
 * daemon's forked children for that run, sampled every 50 ms ({@link PeakRss}); the daemon's
 * listening parent, idle, is not counted. After every run the destination's file count and bytes
 * must be the source's.
 */
final class ScaleMillion {

  static final String NAME = "scale-1m";
  static final String INITIAL = "initial";
  static final String NOOP = "noop";
  static final double TARGET = 1.0;

  /**
   * Per phase (initial, noop) and tool: the times, and the peak RSS of each run in bytes;
   * {@code rsyncProcesses}: the most rsync processes one run's peak was summed over.
   */
  record Result(int files, long bytes, Map<String, Map<String, Samples>> seconds, Map<String, Map<String, List<Long>>> rss,
      String nodeJava, int rsyncProcesses) {

    double ratio(String phase, String setsync, String rsync) {
      return seconds.get(phase).get(setsync).median() / seconds.get(phase).get(rsync).median();
    }

    long rssMedian(String phase, String tool) {
      List<Long> sorted = new ArrayList<>(rss.get(phase).get(tool));
      sorted.sort(null);
      return sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
    }
  }

  private ScaleMillion() {}

  /**
   * Builds the tree under {@code source}, runs {@code warmUps} untimed rounds and {@code rounds}
   * timed ones, alternating which tool goes first. {@code rsync}: the bench's loopback daemon,
   * whose module is {@code module}; {@code work}: a new directory for the node's home.
   */
  static Result measure(Path launcher, Path work, Path source, Path module, Rsync rsync, DataSets data, int files, int warmUps,
      int rounds, String setsyncTool, String rsyncTool) throws Exception {
    requireRoom(source.getParent(), files);
    long t0 = System.nanoTime();
    long bytes = data.createMany(source, files, Math.max(1, files / Scale.SCALE_FILES_PER_DIRECTORY));
    say("%s: %d files (%d MiB) in %d directories built in %.1f s", NAME, files, bytes >> 20,
        Math.max(1, files / Scale.SCALE_FILES_PER_DIRECTORY), (System.nanoTime() - t0) / 1e9);
    Map<String, Map<String, Samples>> seconds = new LinkedHashMap<>();
    Map<String, Map<String, List<Long>>> rss = new LinkedHashMap<>();
    for (String phase : List.of(INITIAL, NOOP)) {
      seconds.put(phase, new LinkedHashMap<>(Map.of(setsyncTool, new Samples(), rsyncTool, new Samples())));
      rss.put(phase, new LinkedHashMap<>(Map.of(setsyncTool, new ArrayList<>(), rsyncTool, new ArrayList<>())));
    }
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    int rsyncProcesses = 0;
    String javaOpts = System.getenv().getOrDefault("SETSYNC_JAVA_OPTS", "");
    try (NodeProcess node = NodeProcess.start(launcher, "scale", work.resolve("node"),
        "setsync.node { name = \"scale\", host = \"127.0.0.1\", port = " + port + ", seed-nodes = [] }\n"
            + "setsync.endpoint { host = \"127.0.0.1\", port = 0 }\n", null)) {
      say("%s: setsync in a node process of its own (scripts/setsync node%s), SYNCHRONIZE on its console socket timed;"
          + " peak RSS: the node JVM's VmHWM (reset before each run), rsync's client + daemon children's VmHWM summed;"
          + " %d untimed warm-up rounds first", NAME, javaOpts.isBlank() ? ", its default JVM options" : ", SETSYNC_JAVA_OPTS=" + javaOpts,
          warmUps);
      for (int round = 1 - warmUps; round <= rounds; round++) {
        boolean warmUp = round <= 0;
        long roundStart = System.nanoTime();
        List<String> order = round % 2 == 1 ? List.of(setsyncTool, rsyncTool) : List.of(rsyncTool, setsyncTool);
        for (String phase : List.of(INITIAL, NOOP)) {
          for (String tool : order) {
            Path target = module.resolve(tool + "-scale");
            if (phase.equals(INITIAL)) exec("rm", "-rf", target.toString());
            long[] peak = new long[2];
            double s = tool.equals(rsyncTool) ? rsync(rsync, source, target, peak) : setsync(node, source, target, peak);
            TreeTotals.requireSame(source, target, NAME + "-" + phase + " " + tool);
            rsyncProcesses = Math.max(rsyncProcesses, (int) peak[1]);
            if (warmUp) continue;
            seconds.get(phase).get(tool).add(s);
            rss.get(phase).get(tool).add(peak[0]);
          }
        }
        say(warmUp ? "%s: warm-up round done in %4$.1f s (not counted)" : "%s: round %d/%d done in %.1f s", NAME, round, rounds,
            (System.nanoTime() - roundStart) / 1e9);
      }
    }
    return new Result(files, bytes, seconds, rss, javaOpts.isBlank() ? "scripts/setsync's defaults" : javaOpts, rsyncProcesses);
  }

  /**
   * What the source and its two copies take at most: a page per file and its inode and name, three
   * times. A tmpfs holds them in memory: a run that does not fit would have the kernel kill
   * processes, so it is refused with one line saying why instead.
   */
  private static void requireRoom(Path dir, int files) throws IOException {
    long needed = 3L * files * 6 * 1024;
    java.nio.file.FileStore store = Files.getFileStore(dir);
    long usable = store.getUsableSpace();
    if (store.type().equals("tmpfs")) {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemAvailable:")) {
          // 4 GiB left for the node, rsync and the rest of the machine.
          usable = Math.min(usable, Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024 - (4L << 30));
        }
      }
    }
    if (usable < needed) {
      throw new IOException(String.format(java.util.Locale.ROOT, "%s needs about %d GiB under %s (%s) for %d files and two copies;"
          + " %d GiB are free there (give --dir, or --quick)", NAME, needed >> 30, dir, store.type(), files, Math.max(0, usable) >> 30));
    }
  }

  private static double setsync(NodeProcess node, Path source, Path target, long[] peak) throws IOException {
    PeakRss.reset(node.pid());
    double seconds = node.synchronize(source, target.toString());
    peak[0] = PeakRss.vmHwm(node.pid());
    return seconds;
  }

  private static double rsync(Rsync rsync, Path source, Path target, long[] peak) throws IOException, InterruptedException {
    PeakRss.Watch watch = PeakRss.watch(rsync.pid());
    long start = System.nanoTime();
    try {
      rsync.push(source, target.getFileName().toString(), watch::add);
      return (System.nanoTime() - start) / 1e9;
    } finally {
      peak[0] = watch.stop();
      peak[1] = watch.processes();
    }
  }

}
