package io.setsync.options;

import java.util.Locale;

/**
 * MAXRATE: the most data a synchronization sends per second, in whole MB (1 MB = 2^20 bytes).
 * AutoSYNC writes it {@code MAXRATE n MB}; until the command language takes multi-word values,
 * the value is one word, {@code N} or {@code NMB}.
 */
public final class MaxRate {

  public static final long MAX_MB = 1_000_000;

  private MaxRate() {}

  /** What is wrong with the value, or null when fine. */
  public static String problem(String value) {
    try {
      parseMb(value);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /** The rate in MB per second. */
  public static long parseMb(String value) {
    String v = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
    if (v.endsWith("MB")) v = v.substring(0, v.length() - 2).trim();
    if (v.isEmpty() || !v.chars().allMatch(c -> c >= '0' && c <= '9') || v.length() > 7) {
      throw new IllegalArgumentException("expected a whole number of MB per second, 1 to " + MAX_MB);
    }
    long mb = Long.parseLong(v);
    if (mb < 1 || mb > MAX_MB) {
      throw new IllegalArgumentException("expected a whole number of MB per second, 1 to " + MAX_MB);
    }
    return mb;
  }

  public static long bytesPerSecond(long mb) {
    return mb << 20;
  }
}
