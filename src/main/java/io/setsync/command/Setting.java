package io.setsync.command;

import io.setsync.CborSerializable;
import java.util.Objects;

/**
 * One option of a command as the parser validated it: {@code PURGE}, {@code EXCLUDE "*.tmp"},
 * {@code INTERVAL 2 SECONDS}, or a removal {@code NO PURGE} (ALTER only).
 *
 * @param keyword canonical upper-case keyword, e.g. "EXCLUDE"
 * @param value the value as written (quotes removed, several words joined by one space); null for a
 *     flag, for an option given without its optional value, and for a removal
 * @param negated whether this is {@code NO keyword}: remove the option or turn the flag off
 */
public record Setting(String keyword, String value, boolean negated) implements CborSerializable {

  public Setting {
    Objects.requireNonNull(keyword, "keyword");
    if (negated && value != null) {
      throw new IllegalArgumentException("NO " + keyword + " takes no value");
    }
  }

  /** A flag, or an option given without its optional value. */
  public static Setting of(String keyword) {
    return new Setting(keyword, null, false);
  }

  /** An option with a value. */
  public static Setting of(String keyword, String value) {
    return new Setting(keyword, Objects.requireNonNull(value, "value"), false);
  }

  /** {@code NO keyword}. */
  public static Setting no(String keyword) {
    return new Setting(keyword, null, true);
  }
}
