package io.setsync.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Peak resident set sizes from /proc (Linux): a process's own peak is its VmHWM, which writing 5
 * to its clear_refs resets to its current RSS. {@link #watch} samples a tree of processes that
 * come and go during a run (rsync's client and its daemon's forked children): every 50 ms it reads
 * the VmHWM of each process under the given roots and keeps each one's last value; {@link
 * Watch#stop} returns their sum. A sum of peaks: at least the peak of the sum. What grows in the
 * last 50 ms before a process exits is missed.
 */
final class PeakRss {

  private static final Path PROC = Paths.get("/proc");
  private static final long SAMPLE_MILLIS = 50;

  private PeakRss() {}

  /** Process {@code pid}'s VmHWM in bytes; -1 when it is gone or /proc does not say. */
  static long vmHwm(long pid) {
    try {
      for (String line : Files.readAllLines(PROC.resolve(Long.toString(pid)).resolve("status"))) {
        if (line.startsWith("VmHWM:")) return Long.parseLong(line.substring(6).replace("kB", "").strip()) * 1024;
      }
    } catch (IOException | RuntimeException gone) {
      return -1;
    }
    return -1;
  }

  /** Resets process {@code pid}'s VmHWM to its current RSS (needs the right to write its clear_refs: its owner or root). */
  static void reset(long pid) throws IOException {
    Files.writeString(PROC.resolve(Long.toString(pid)).resolve("clear_refs"), "5");
  }

  /** Starts sampling the processes under {@code roots} (not the roots themselves) and any added later with {@link Watch#add}. */
  static Watch watch(long... roots) {
    Watch watch = new Watch(roots);
    watch.thread.start();
    return watch;
  }

  /** A sampling under way. */
  static final class Watch {
    private final Set<Long> roots = new HashSet<>();
    /** Processes counted themselves, with their descendants. */
    private final Set<Long> counted = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Map<Long, Long> peaks = new HashMap<>();
    private final Thread thread = new Thread(this::sample, "peak-rss");
    private volatile boolean stopping;

    private Watch(long[] roots) {
      for (long root : roots) this.roots.add(root);
      thread.setDaemon(true);
    }

    /** Counts process {@code pid} too, with everything it starts. */
    void add(long pid) {
      counted.add(pid);
    }

    /** Ends the sampling, after one last sample; the sum of each process's last-seen VmHWM, in bytes. */
    long stop() throws InterruptedException {
      stopping = true;
      thread.join();
      synchronized (peaks) {
        return peaks.values().stream().mapToLong(Long::longValue).sum();
      }
    }

    /** How many processes were seen. */
    int processes() {
      synchronized (peaks) {
        return peaks.size();
      }
    }

    private void sample() {
      while (true) {
        boolean last = stopping;
        Map<Long, Long> parents = parents();
        for (long pid : parents.keySet()) {
          if (!under(pid, parents)) continue;
          long hwm = vmHwm(pid);
          if (hwm > 0) {
            synchronized (peaks) {
              peaks.merge(pid, hwm, Math::max);
            }
          }
        }
        if (last) return;
        try {
          Thread.sleep(SAMPLE_MILLIS);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private boolean under(long pid, Map<Long, Long> parents) {
      if (counted.contains(pid)) return true;
      for (Long p = parents.get(pid); p != null && p > 1; p = parents.get(p)) {
        if (roots.contains(p) || counted.contains(p)) return true;
      }
      return false;
    }

    /** Every process's parent, from /proc/PID/stat. */
    private static Map<Long, Long> parents() {
      Map<Long, Long> parents = new HashMap<>();
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, "[0-9]*")) {
        for (Path dir : dirs) {
          try {
            String stat = Files.readString(dir.resolve("stat"));
            // pid (comm) state ppid ...: comm may hold spaces and parentheses, so after the last ')'.
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            parents.put(Long.parseLong(dir.getFileName().toString()), Long.parseLong(rest[1]));
          } catch (IOException | RuntimeException gone) {
            // exited between the listing and the read
          }
        }
      } catch (IOException e) {
        return parents;
      }
      return parents;
    }
  }
}
