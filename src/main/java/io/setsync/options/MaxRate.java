package io.setsync.options;

import java.util.Locale;

/**
 * MAXRATE: the most data a synchronization sends per second, in whole MB (1 MB = 2^20 bytes), and
 * RATE: the most as a share of the link. AutoSYNC writes {@code MAXRATE n MB}; MB is its only unit,
 * so a bare {@code MAXRATE n} (and the command line's {@code --maxrate n}) means MB as well, and the
 * canonical text always names the unit ({@code MAXRATE 2 MB}) so that a log never leaves it to be
 * guessed.
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

  /** The canonical value text: {@code 2 MB}. */
  public static String render(long mb) {
    return mb + " MB";
  }

  /** What is wrong with a RATE value, or null when fine. */
  public static String percentProblem(String value) {
    try {
      parsePercent(value);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /** RATE's share of the link, 1 to 100, from {@code N%}. */
  public static int parsePercent(String value) {
    String v = value == null ? "" : value.trim();
    String expected = "expected a share of the link from 1% to 100%, like 50%";
    if (!v.endsWith("%")) throw new IllegalArgumentException(expected);
    v = v.substring(0, v.length() - 1).trim();
    if (v.isEmpty() || v.length() > 3 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(expected);
    }
    int n = Integer.parseInt(v);
    if (n < 1 || n > 100) throw new IllegalArgumentException(expected);
    return n;
  }

  public static long bytesPerSecond(long mb) {
    return mb << 20;
  }
}
