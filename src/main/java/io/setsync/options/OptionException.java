package io.setsync.options;

/** Bad option input; the message names the offending word (and its column when known). */
public final class OptionException extends RuntimeException {
  private final int column;

  /** An error not tied to a place in a line. */
  public OptionException(String message) {
    this(message, 0);
  }

  /**
   * An error at a 1-based column of a line; the message is expected to end with " at column N".
   *
   * @param column the column, or 0 when unknown
   */
  public OptionException(String message, int column) {
    super(message);
    this.column = column;
  }

  /** The 1-based column of the offending word, or 0 when not known. */
  public int column() {
    return column;
  }
}
