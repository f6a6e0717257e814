package io.setsync.monitor;

import io.setsync.options.Durations;
import io.setsync.schedule.FileSetConfig;
import java.time.Duration;

/**
 * When a file set is overdue: its last successful sync (one that ended without errors) is older
 * than {@code intervals} of its period, or its last {@code failures} syncs all failed. The period is
 * its INTERVAL, or a day for a file set that runs at START or within a daily window. A file set
 * that has not succeeded yet counts from {@code sinceMillis}: when this monitor started or the
 * file set was added, whichever is later. Pure: facts and a clock reading in, a reason out.
 *
 * @param intervals how many periods without a success make it overdue (at least 1)
 * @param failures how many failed syncs in a row make it overdue (at least 1)
 */
public record Overdue(int intervals, int failures) {

  public Overdue {
    if (intervals < 1 || failures < 1) {
      throw new IllegalArgumentException("setsync.monitor.overdue: intervals and failures must be at least 1");
    }
  }

  private static final Duration DAY = Duration.ofDays(1);

  /** From {@code setsync.monitor.overdue}. */
  public static Overdue from(com.typesafe.config.Config setsync) {
    return new Overdue(setsync.getInt("monitor.overdue.intervals"), setsync.getInt("monitor.overdue.failures"));
  }

  /** The period one sync is expected in. */
  static Duration period(FileSetConfig f) {
    return f.start() != null ? DAY : f.interval();
  }

  /**
   * Why the file set is overdue, or null. {@code lastSuccessMillis} null: no success recorded;
   * {@code failuresInARow}: failed syncs since the last success.
   */
  public String reason(FileSetConfig f, Long lastSuccessMillis, int failuresInARow, long sinceMillis, long nowMillis) {
    if (failuresInARow >= failures) {
      return "overdue: its last " + failuresInARow + " syncs failed";
    }
    Duration allowed = period(f).multipliedBy(intervals);
    long from = lastSuccessMillis != null ? lastSuccessMillis : sinceMillis;
    Duration without = Duration.ofMillis(Math.max(0, nowMillis - from));
    if (without.compareTo(allowed) <= 0) return null;
    return lastSuccessMillis != null
        ? "overdue: no successful sync for " + about(without) + " (more than " + intervals
            + " x " + Durations.render(period(f)) + ")"
        : "overdue: no successful sync yet, after " + about(without) + " (more than "
            + intervals + " x " + Durations.render(period(f)) + ")";
  }

  /** About how long, in the largest whole unit that is at least two of it: "3 hours", "2 days". */
  static String about(Duration d) {
    long s = d.getSeconds();
    if (s >= 2 * 86400) return s / 86400 + " days";
    if (s >= 2 * 3600) return s / 3600 + " hours";
    if (s >= 120) return s / 60 + " minutes";
    return s + " seconds";
  }
}
