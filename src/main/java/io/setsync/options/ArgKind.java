package io.setsync.options;

/** What an option takes after its keyword. */
public enum ArgKind {
  /** A flag: no value. */
  NONE,
  /** One free-text value (e.g. a glob); always quoted when rendered as command language. */
  TEXT,
  /** One MAXPURGE limit, "N" or "N%"; rendered bare. */
  PURGE_LIMIT,
  /** One MAXRATE figure, whole MB per second; rendered bare. */
  RATE;

  /** Whether the option needs exactly one value. */
  public boolean takesValue() {
    return this != NONE;
  }

  /** What is wrong with {@code value} for this kind (without quoting it); null when fine. */
  String problem(String value) {
    return switch (this) {
      case PURGE_LIMIT -> MaxPurge.problem(value);
      case RATE -> MaxRate.problem(value);
      default -> null;
    };
  }
}
