package io.setsync.command;

/**
 * A console command that does not parse or is not allowed. The message names the offending word
 * and, when it comes from a line, ends with its 1-based column: {@code unknown command "ADDD" at
 * column 1}.
 */
public final class CommandException extends RuntimeException {
  private final int column;

  /**
   * @param message what is wrong, ending with " at column N" when {@code column} is known
   * @param column 1-based column of the offending word in the line, or 0 when not tied to one
   */
  public CommandException(String message, int column) {
    super(message);
    this.column = column;
  }

  /** The 1-based column of the offending word, or 0 when not known. */
  public int column() {
    return column;
  }
}
