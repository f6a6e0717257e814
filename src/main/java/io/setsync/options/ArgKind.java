package io.setsync.options;

/** What an option takes after its keyword. */
public enum ArgKind {
  /** A flag: no value. */
  NONE,
  /** One free-text value (e.g. a glob); always quoted when rendered as command language. */
  TEXT,
  /** One MAXPURGE limit, "N" or "N%"; rendered bare. */
  PURGE_LIMIT,
  /** A length of time, "N UNIT" or "N" with a unit suffix ({@link Durations}); may be two words. */
  DURATION,
  /** A time of day, "hh:mm" or "hh:mm:ss" ({@link TimesOfDay}). */
  TIME_OF_DAY,
  /**
   * One or more bare words (e.g. "10 MB") that only the option's own value check interprets; the
   * words are joined by one space.
   */
  WORDS,
  /** One MAXRATE figure, whole MB per second: "N MB" (or "NMB", or a bare N, also in MB); rendered "N MB". */
  RATE,
  /** One RATE share of the link, "N%" with N from 1 to 100; rendered bare. */
  PERCENT;

  /** Whether the option takes a value (always, or optionally when its spec says so). */
  public boolean takesValue() {
    return this != NONE;
  }

  /**
   * Whether a value may span several words ({@code INTERVAL 2 SECONDS}); the other kinds refuse a
   * second word.
   */
  public boolean multiWord() {
    return this == DURATION || this == WORDS || this == RATE;
  }

  /** What is wrong with {@code value} for this kind (without quoting it); null when fine. */
  public String problem(String value) {
    return switch (this) {
      case PURGE_LIMIT -> MaxPurge.problem(value);
      case DURATION -> Durations.problem(value);
      case TIME_OF_DAY -> TimesOfDay.problem(value);
      case RATE -> MaxRate.problem(value);
      case PERCENT -> MaxRate.percentProblem(value);
      default -> null;
    };
  }
}
