package io.setsync.destination;

import static io.setsync.sync.Failures.describe;

import io.setsync.fs.UnsafeNameException;
import io.setsync.transfer.ProtocolException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** A failure that ends a session, in the words its Abort says. */
final class SessionFailure extends RuntimeException {

  SessionFailure(String reason) {
    super(reason);
  }

  /** A failure of the destination at {@code where} (a root, as requested or as found). */
  static SessionFailure at(Path where, Throwable cause) {
    return new SessionFailure("destination " + where + ": " + describe(cause));
  }

  /**
   * The Abort's reason for what a step of the session threw: the source's broken promise, the
   * destination's failure at {@code requestedRoot}; anything else is a bug and thrown on.
   */
  static String reason(Exception e, Path requestedRoot) {
    if (e instanceof SessionFailure || e instanceof ProtocolException || e instanceof UnsafeNameException) {
      return e.getMessage();
    }
    if (e instanceof IOException || e instanceof UncheckedIOException) return at(requestedRoot, e).getMessage();
    throw (RuntimeException) e;
  }
}
