package io.setsync;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a one-time sync's wall time goes, phase by phase, printed on stderr when the environment
 * has {@code SETSYNC_TIMING=1}: what the benchmark's cli-noop reports as its split. The first phase,
 * to {@code main}, runs from the launcher's start ({@code SETSYNC_T0}, which scripts/setsync sets
 * then) or else from the JVM's: the launcher's checks and the JVM's own start.
 */
public final class StartupTiming {

  private static final boolean ON = "1".equals(System.getenv("SETSYNC_TIMING"));
  private static final List<String> NAMES = new ArrayList<>();
  private static final List<Long> AT = new ArrayList<>();

  private StartupTiming() {}

  /** Marks the end of the phase called {@code name}. */
  public static synchronized void mark(String name) {
    if (!ON) return;
    if (AT.isEmpty()) {
      // The launcher notes when it began (epoch nanoseconds); without it, the JVM's own start.
      String launched = System.getenv("SETSYNC_T0");
      long startNanos = launched != null && launched.matches("[0-9]{1,19}") ? Long.parseLong(launched)
          : java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime() * 1_000_000L;
      NAMES.add("start");
      AT.add(System.nanoTime() - (System.currentTimeMillis() * 1_000_000L - startNanos));
    }
    NAMES.add(name);
    AT.add(System.nanoTime());
  }

  /** One line: each phase's milliseconds, then the total. */
  public static synchronized void print(PrintStream err) {
    if (!ON || AT.isEmpty()) return;
    StringBuilder line = new StringBuilder("timing:");
    for (int i = 1; i < AT.size(); i++) {
      line.append(' ').append(NAMES.get(i)).append(' ').append((AT.get(i) - AT.get(i - 1)) / 1_000_000).append(" ms,");
    }
    line.append(" total ").append((AT.get(AT.size() - 1) - AT.get(0)) / 1_000_000).append(" ms");
    err.println(line);
  }
}
