package io.setsync.options;

/**
 * The MAXPURGE limit: an absolute number of purged names, or a percentage of the names the
 * destination holds. Guards against purging everything because a source was empty or unmounted.
 *
 * @param limit a non-negative count, or a percentage from 0 to 100 when {@code percent}
 * @param percent whether {@code limit} is a percentage of the destination's names
 */
public record MaxPurge(long limit, boolean percent) {

  public static final MaxPurge ALL = new MaxPurge(100, true);

  public MaxPurge {
    if (limit < 0) {
      throw new IllegalArgumentException("MAXPURGE limit must not be negative: " + limit);
    }
    if (percent && limit > 100) {
      throw new IllegalArgumentException("MAXPURGE percentage must be at most 100: " + limit);
    }
  }

  /**
   * Parses "N" or "N%", N a non-negative whole number written with ASCII digits only (no sign, no
   * spaces), at most 100 when followed by "%". Throws {@link OptionException} naming the bad text.
   */
  public static MaxPurge parse(String text) {
    if (text == null) {
      throw new OptionException("missing MAXPURGE limit (expected N or N%)");
    }
    String problem = problem(text);
    if (problem != null) {
      throw new OptionException("bad MAXPURGE limit \"" + text + "\" (" + problem + ")");
    }
    boolean percent = text.endsWith("%");
    return new MaxPurge(Long.parseLong(percent ? text.substring(0, text.length() - 1) : text), percent);
  }

  /** What is wrong with {@code text} as a limit, without quoting it; null when it parses. */
  static String problem(String text) {
    boolean percent = text.endsWith("%");
    String digits = percent ? text.substring(0, text.length() - 1) : text;
    if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return "expected N or N%, N a whole number";
    }
    long limit;
    try {
      limit = Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return "number too large";
    }
    if (percent && limit > 100) {
      return "a percentage must be at most 100";
    }
    return null;
  }

  /**
   * Whether purging {@code purges} names out of {@code destinationNames} stays within the limit.
   * Zero purges are always allowed; a count limit allows {@code purges <= limit}; a percentage
   * allows {@code purges * 100 <= limit * destinationNames} (computed without overflow).
   */
  public boolean allows(long purges, long destinationNames) {
    if (purges < 0 || destinationNames < 0) {
      throw new IllegalArgumentException(
          "negative count: purges=" + purges + ", destinationNames=" + destinationNames);
    }
    if (purges == 0) {
      return true;
    }
    if (!percent) {
      return purges <= limit;
    }
    return compareProducts(purges, 100, limit, destinationNames) <= 0;
  }

  /** Compares a*b with c*d for non-negative operands, exactly (128-bit products). */
  private static int compareProducts(long a, long b, long c, long d) {
    long hi1 = Math.multiplyHigh(a, b);
    long hi2 = Math.multiplyHigh(c, d);
    if (hi1 != hi2) {
      return Long.compare(hi1, hi2);
    }
    return Long.compareUnsigned(a * b, c * d);
  }

  @Override
  public String toString() {
    return percent ? limit + "%" : Long.toString(limit);
  }
}
