package io.setsync.monitor;

import io.setsync.log.LogRecord;
import io.setsync.log.Origin;
import io.setsync.log.Severity;
import io.setsync.options.OptionText;
import io.setsync.options.OptionText.Clause;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The log records the monitor itself writes. */
final class MonitorLog {
  private MonitorLog() {}

  /** A configuration change (ADD, ALTER, DELETE, SUSPEND, ACTIVATE). */
  static LogRecord config(Long fileSetId, String text) {
    return new LogRecord(System.currentTimeMillis(), fileSetId, Origin.CONFIG, Severity.INFO, text);
  }

  /** Something the monitor did on its own, such as restarting a failed scheduler. */
  static LogRecord monitor(Long fileSetId, String text) {
    return new LogRecord(System.currentTimeMillis(), fileSetId, Origin.MONITOR, Severity.WARNING, text);
  }

  /** Who made a change, as the monitor knows the console's user: " by alice"; "" when unknown. */
  static String by(String who) {
    return who == null || who.isEmpty() ? "" : " by " + who;
  }

  /**
   * What an ALTER changed, option by option, from one canonical option text to another: {@code
   * MAXRATE 1 MB -> 2 MB; PURGE off -> on; TRIGGER "a" -> (none)}. A flag reads on or off, an
   * absent valued option (none), a repeated option its values in order; unchanged options are left
   * out, and "nothing changed" when none did. Works from the text so that every option, present
   * and future, is covered the way INFO shows it.
   */
  static String changes(String before, String after) {
    Map<String, List<String>> old = byKeyword(before);
    Map<String, List<String>> now = byKeyword(after);
    Set<String> keywords = new LinkedHashSet<>(now.keySet());
    keywords.addAll(old.keySet());
    List<String> parts = new ArrayList<>();
    for (String keyword : keywords) {
      List<String> from = old.getOrDefault(keyword, List.of());
      List<String> to = now.getOrDefault(keyword, List.of());
      if (from.equals(to)) continue;
      if (from.contains(OFF) || to.contains(OFF)) { // a flag on by default: absent is on
        parts.add(keyword + " " + (from.contains(OFF) ? "off" : "on") + " -> " + (to.contains(OFF) ? "off" : "on"));
        continue;
      }
      boolean flag = from.stream().allMatch(String::isEmpty) && to.stream().allMatch(String::isEmpty);
      parts.add(keyword + " " + shown(from, flag) + " -> " + shown(to, flag));
    }
    return parts.isEmpty() ? "nothing changed" : String.join("; ", parts);
  }

  /** Stands for "turned off with NO"; no option value can hold a NUL. */
  private static final String OFF = "\0off";

  private static String shown(List<String> values, boolean flag) {
    if (values.isEmpty()) return flag ? "off" : "(none)";
    if (flag) return "on";
    List<String> words = new ArrayList<>();
    for (String v : values) words.add(v.isEmpty() ? "(no value)" : OptionText.isBareWords(v) ? v : OptionText.quote(v));
    return String.join(", ", words);
  }

  /** Each option's values (the empty string for a flag or a value left out), by upper-case keyword. */
  private static Map<String, List<String>> byKeyword(String optionText) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (Clause c : OptionText.clauses(optionText)) {
      String keyword = c.keyword().toUpperCase(Locale.ROOT);
      String value = c.value() == null ? "" : c.value();
      if (keyword.equals("NO")) { // NO ALLHARDLINKS: a flag that is on by default, turned off
        keyword = value.toUpperCase(Locale.ROOT);
        value = OFF;
      }
      map.computeIfAbsent(keyword, k -> new ArrayList<>()).add(value);
    }
    return map;
  }
}
