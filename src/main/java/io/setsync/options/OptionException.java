package io.setsync.options;

/** Bad option input; the message names the offending word. */
public final class OptionException extends RuntimeException {
  public OptionException(String message) {
    super(message);
  }
}
