package io.setsync.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * When a file set runs: the INTERVAL / START / STOP arithmetic of AutoSYNC, free of actors and
 * clocks (every method takes the instant it reasons about).
 *
 * <p>Three shapes:
 *
 * <ul>
 *   <li><b>INTERVAL only</b>: the first run is at once; each next run is INTERVAL after the
 *       previous sync ended.
 *   <li><b>START alone</b>: once a day at START; INTERVAL plays no part. The first run is the
 *       next START at or after now. After a sync, the next run is the first START <em>strictly
 *       after</em> the sync ended, so one START occurrence never yields two runs, and an
 *       occurrence that passed while a long sync was still running is skipped rather than run
 *       late (a sync from 23:00 to 01:30 with START 23:00 runs again at 23:00 the same day it
 *       ended).
 *   <li><b>START and STOP</b>: a daily window [START, STOP): START inclusive, STOP exclusive.
 *       STOP earlier than START means the window crosses midnight (22:00 to 06:00 belongs to the
 *       day it opens). START equal to STOP means a window of a full day, which never closes, so
 *       the schedule then behaves like INTERVAL only. Inside the window runs follow INTERVAL
 *       (from the end of one sync to the start of the next); when that would fall outside the
 *       window, the run waits for the next opening. A sync that runs past STOP is not
 *       interrupted; the schedule only decides when runs start.
 * </ul>
 *
 * <p>Times of day are wall-clock times in the schedule's zone. On a spring-forward day a time
 * inside the gap (02:30 in Paris) means the first valid instant after the gap (03:00). A window
 * lying wholly inside the gap is therefore empty that day and is skipped. On a fall-back day a
 * START inside the repeated hour means its first occurrence and a STOP its last, so a window
 * never gets shorter and a START-only schedule runs once.
 */
public final class Schedule {

  /** Shortest INTERVAL: the command language's smallest unit. */
  public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

  /** Longest INTERVAL, as in AutoSYNC. */
  public static final Duration MAX_INTERVAL = Duration.ofDays(366);

  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");
  private static final DateTimeFormatter HH_MM_SS = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final Duration interval;
  private final LocalTime start;
  private final LocalTime stop;
  private final ZoneId zone;

  private Schedule(Duration interval, LocalTime start, LocalTime stop, ZoneId zone) {
    this.interval = interval;
    this.start = start;
    this.stop = stop;
    this.zone = zone;
  }

  /**
   * A schedule; {@code start} and {@code stop} may be null (no START, no STOP), but STOP needs a
   * START. Throws {@link IllegalArgumentException} naming the problem for a missing, non-positive,
   * fractional-second or too long interval, a STOP without START, or a missing zone.
   */
  public static Schedule of(Duration interval, LocalTime start, LocalTime stop, ZoneId zone) {
    if (interval == null) {
      throw new IllegalArgumentException("INTERVAL is missing");
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("INTERVAL must be positive, got " + interval);
    }
    if (interval.getNano() != 0) {
      throw new IllegalArgumentException("INTERVAL must be a whole number of seconds, got " + interval);
    }
    if (interval.compareTo(MAX_INTERVAL) > 0) {
      throw new IllegalArgumentException("INTERVAL must be at most 366 days, got " + interval);
    }
    if (stop != null && start == null) {
      throw new IllegalArgumentException("STOP " + clock(stop) + " needs a START");
    }
    if (zone == null) {
      throw new IllegalArgumentException("the time zone of the schedule is missing");
    }
    return new Schedule(interval, start, stop, zone);
  }

  public Duration interval() {
    return interval;
  }

  public Optional<LocalTime> start() {
    return Optional.ofNullable(start);
  }

  public Optional<LocalTime> stop() {
    return Optional.ofNullable(stop);
  }

  public ZoneId zone() {
    return zone;
  }

  /** When a file set that was just added or activated at {@code now} runs first. */
  public Instant firstRun(Instant now) {
    Objects.requireNonNull(now, "now");
    if (start == null || alwaysOpen()) {
      return now;
    }
    if (stop == null) {
      return nextStart(now, false);
    }
    return allowsStartAt(now) ? now : nextOpening(now);
  }

  /** When a file set runs next after a sync that ended at {@code lastEnd}. */
  public Instant nextRun(Instant lastEnd) {
    Objects.requireNonNull(lastEnd, "lastEnd");
    if (start == null) {
      return lastEnd.plus(interval);
    }
    if (stop == null) {
      return nextStart(lastEnd, true);
    }
    Instant candidate = lastEnd.plus(interval);
    return allowsStartAt(candidate) ? candidate : nextOpening(candidate);
  }

  /**
   * Whether a run may start at {@code t}: inside a START/STOP window, and always when there is
   * no window (no START, START alone, or START equal to STOP). A START-only run that could not
   * start on time (its scheduler was busy) may still start late.
   */
  public boolean allowsStartAt(Instant t) {
    Objects.requireNonNull(t, "t");
    if (stop == null || alwaysOpen()) {
      return true;
    }
    LocalDate day = localDate(t);
    for (LocalDate d = day.minusDays(1); !d.isAfter(day); d = d.plusDays(1)) {
      if (!t.isBefore(opening(d)) && t.isBefore(closing(d))) {
        return true;
      }
    }
    return false;
  }

  /** The schedule in words: "every 5 minutes", "daily at 02:00", "every 10 minutes between 22:00 and 06:00". */
  public String describe() {
    if (start == null) {
      return "every " + describe(interval);
    }
    if (stop == null) {
      return "daily at " + clock(start);
    }
    String window = "every " + describe(interval) + " between " + clock(start) + " and " + clock(stop);
    return alwaysOpen() ? window + " (all day)" : window;
  }

  @Override
  public String toString() {
    return describe() + " (" + zone + ")";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Schedule s
        && interval.equals(s.interval)
        && Objects.equals(start, s.start)
        && Objects.equals(stop, s.stop)
        && zone.equals(s.zone);
  }

  @Override
  public int hashCode() {
    return Objects.hash(interval, start, stop, zone);
  }

  // ---- windows and occurrences ----

  private boolean alwaysOpen() {
    return start != null && start.equals(stop);
  }

  private LocalDate localDate(Instant t) {
    return t.atZone(zone).toLocalDate();
  }

  /** The START occurrence at or after {@code t} ({@code strict}: strictly after). */
  private Instant nextStart(Instant t, boolean strict) {
    // The day before is looked at too: a START resolved forward out of a gap can land on a
    // later date than its own, and the loop ends within a few days whatever the zone does.
    for (LocalDate d = localDate(t).minusDays(1); ; d = d.plusDays(1)) {
      Instant occurrence = at(d, start, false);
      if (strict ? occurrence.isAfter(t) : !occurrence.isBefore(t)) {
        return occurrence;
      }
    }
  }

  /** The first opening of a non-empty window at or after {@code t}. */
  private Instant nextOpening(Instant t) {
    for (LocalDate d = localDate(t).minusDays(1); ; d = d.plusDays(1)) {
      Instant opening = opening(d);
      if (!opening.isBefore(t) && opening.isBefore(closing(d))) {
        return opening;
      }
    }
  }

  /** Where the window of {@code day} (the day it opens) begins. */
  private Instant opening(LocalDate day) {
    return at(day, start, false);
  }

  /** Where the window of {@code day} ends (exclusive); the next day for a window across midnight. */
  private Instant closing(LocalDate day) {
    return at(stop.isBefore(start) ? day.plusDays(1) : day, stop, true);
  }

  /**
   * The instant of wall-clock {@code time} on {@code day}: in a gap the first instant after it,
   * in an overlap the earlier or ({@code latest}) the later of the two.
   */
  private Instant at(LocalDate day, LocalTime time, boolean latest) {
    LocalDateTime local = LocalDateTime.of(day, time);
    List<ZoneOffset> offsets = zone.getRules().getValidOffsets(local);
    if (offsets.isEmpty()) {
      ZoneOffsetTransition gap = zone.getRules().getTransition(local);
      return gap.getInstant();
    }
    Instant result = local.toInstant(offsets.get(0));
    for (ZoneOffset offset : offsets) {
      Instant other = local.toInstant(offset);
      if (latest ? other.isAfter(result) : other.isBefore(result)) {
        result = other;
      }
    }
    return result;
  }

  // ---- words ----

  private static String clock(LocalTime t) {
    return (t.getSecond() == 0 && t.getNano() == 0 ? HH_MM : HH_MM_SS).format(t);
  }

  /** "5 minutes", "day", "1 hour 30 minutes": the singular alone reads "every day". */
  static String describe(Duration d) {
    long seconds = d.getSeconds();
    long[] amounts = {seconds / 86_400, seconds / 3_600 % 24, seconds / 60 % 60, seconds % 60};
    String[] units = {"day", "hour", "minute", "second"};
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < amounts.length; i++) {
      if (amounts[i] != 0) {
        parts.add(amounts[i] + " " + units[i] + (amounts[i] == 1 ? "" : "s"));
      }
    }
    if (parts.size() == 1 && parts.get(0).startsWith("1 ")) {
      return parts.get(0).substring(2);
    }
    return String.join(" ", parts);
  }
}
