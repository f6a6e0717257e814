package io.setsync.options;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lengths of time as the command language writes them: a whole number and a unit, either as two
 * words ({@code 2 SECONDS}, {@code 1 minute}, {@code 3 Hours}) or with the unit as a suffix
 * ({@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}). Units are seconds, minutes, hours and days,
 * case-insensitive, singular or plural, also abbreviated (S/SEC/SECS, M/MIN/MINS, H/HR/HRS, D).
 * A number without a unit is refused, because AutoSYNC's bare numbers meant different units in
 * different places.
 */
public final class Durations {
  private Durations() {}

  private static final Pattern SHAPE = Pattern.compile("([0-9]+)[ \t]*([A-Za-z]+)");

  private static final Map<String, Long> UNIT_SECONDS =
      Map.ofEntries(
          Map.entry("S", 1L),
          Map.entry("SEC", 1L),
          Map.entry("SECS", 1L),
          Map.entry("SECOND", 1L),
          Map.entry("SECONDS", 1L),
          Map.entry("M", 60L),
          Map.entry("MIN", 60L),
          Map.entry("MINS", 60L),
          Map.entry("MINUTE", 60L),
          Map.entry("MINUTES", 60L),
          Map.entry("H", 3600L),
          Map.entry("HR", 3600L),
          Map.entry("HRS", 3600L),
          Map.entry("HOUR", 3600L),
          Map.entry("HOURS", 3600L),
          Map.entry("D", 86400L),
          Map.entry("DAY", 86400L),
          Map.entry("DAYS", 86400L));

  /** Canonical units, largest first, with their long and short names. */
  private enum Unit {
    DAYS(86400, "DAYS", "d"),
    HOURS(3600, "HOURS", "h"),
    MINUTES(60, "MINUTES", "m"),
    SECONDS(1, "SECONDS", "s");

    final long seconds;
    final String name;
    final String suffix;

    Unit(long seconds, String name, String suffix) {
      this.seconds = seconds;
      this.name = name;
      this.suffix = suffix;
    }
  }

  /**
   * Parses a duration; throws {@link OptionException} naming the text and what is wrong with it.
   */
  public static Duration parse(String text) {
    if (text == null) {
      throw new OptionException("missing duration (expected N UNIT, e.g. 30 SECONDS or 5m)");
    }
    String problem = problem(text);
    if (problem != null) {
      throw new OptionException("bad duration \"" + text + "\" (" + problem + ")");
    }
    Matcher m = SHAPE.matcher(text.strip());
    m.matches();
    long n = Long.parseLong(m.group(1));
    return Duration.ofSeconds(n * UNIT_SECONDS.get(m.group(2).toUpperCase(Locale.ROOT)));
  }

  /** What is wrong with {@code text} as a duration, without quoting it; null when it parses. */
  public static String problem(String text) {
    Matcher m = SHAPE.matcher(text.strip());
    if (!m.matches()) {
      return "expected N UNIT, N a whole number and UNIT one of SECONDS, MINUTES, HOURS, DAYS"
          + " (or 30s, 5m, 2h, 1d)";
    }
    Long unit = UNIT_SECONDS.get(m.group(2).toUpperCase(Locale.ROOT));
    if (unit == null) {
      return "unknown unit \"" + m.group(2) + "\", expected SECONDS, MINUTES, HOURS or DAYS";
    }
    try {
      Math.multiplyExact(Long.parseLong(m.group(1)), unit);
    } catch (NumberFormatException | ArithmeticException e) {
      return "number too large";
    }
    return null;
  }

  /**
   * The canonical command-language form, in the largest unit that divides the duration exactly:
   * {@code 90 SECONDS}, {@code 5 MINUTES}, {@code 1 DAYS} (always the plural, so the form is
   * unique); {@code 0 SECONDS} for zero.
   *
   * @throws IllegalArgumentException for a negative duration or one with a fraction of a second
   */
  public static String render(Duration duration) {
    Unit unit = unitOf(duration);
    return duration.getSeconds() / unit.seconds + " " + unit.name;
  }

  /** The short form, e.g. {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}; see {@link #render}. */
  public static String renderShort(Duration duration) {
    Unit unit = unitOf(duration);
    return duration.getSeconds() / unit.seconds + unit.suffix;
  }

  private static Unit unitOf(Duration duration) {
    if (duration.isNegative() || duration.getNano() != 0) {
      throw new IllegalArgumentException(
          "only whole, non-negative seconds can be written as a duration: " + duration);
    }
    long seconds = duration.getSeconds();
    if (seconds == 0) {
      return Unit.SECONDS;
    }
    for (Unit unit : Unit.values()) {
      if (seconds % unit.seconds == 0) {
        return unit;
      }
    }
    throw new AssertionError("SECONDS divides everything");
  }
}
