package io.setsync.options;

import java.time.LocalTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times of day as the command language writes them: {@code hh:mm} or {@code hh:mm:ss} on a
 * 24-hour clock, from {@code 00:00} to {@code 23:59:59}; the hour may have one digit ({@code
 * 7:30}).
 */
public final class TimesOfDay {
  private TimesOfDay() {}

  private static final Pattern SHAPE = Pattern.compile("([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?");

  /** Parses a time of day; throws {@link OptionException} naming the text and the problem. */
  public static LocalTime parse(String text) {
    if (text == null) {
      throw new OptionException("missing time of day (expected hh:mm or hh:mm:ss)");
    }
    String problem = problem(text);
    if (problem != null) {
      throw new OptionException("bad time of day \"" + text + "\" (" + problem + ")");
    }
    Matcher m = SHAPE.matcher(text);
    m.matches();
    return LocalTime.of(
        Integer.parseInt(m.group(1)),
        Integer.parseInt(m.group(2)),
        m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
  }

  /** What is wrong with {@code text} as a time of day, without quoting it; null when fine. */
  public static String problem(String text) {
    Matcher m = SHAPE.matcher(text);
    if (!m.matches()) {
      return "expected hh:mm or hh:mm:ss";
    }
    if (Integer.parseInt(m.group(1)) > 23) {
      return "hour must be 00 to 23";
    }
    if (Integer.parseInt(m.group(2)) > 59) {
      return "minute must be 00 to 59";
    }
    if (m.group(3) != null && Integer.parseInt(m.group(3)) > 59) {
      return "second must be 00 to 59";
    }
    return null;
  }

  /** The canonical form: {@code hh:mm}, or {@code hh:mm:ss} when the seconds are not zero. */
  public static String render(LocalTime time) {
    LocalTime whole = time.withNano(0);
    String hm = String.format("%02d:%02d", whole.getHour(), whole.getMinute());
    return whole.getSecond() == 0 ? hm : hm + String.format(":%02d", whole.getSecond());
  }
}
