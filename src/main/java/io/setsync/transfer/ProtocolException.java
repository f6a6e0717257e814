package io.setsync.transfer;

/** A frame that breaks the protocol: malformed, oversize, unknown, or out of place. */
public final class ProtocolException extends RuntimeException {
  public ProtocolException(String message) {
    super(message);
  }
}
