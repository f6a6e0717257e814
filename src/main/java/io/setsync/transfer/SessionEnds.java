package io.setsync.transfer;

import static io.setsync.sync.Failures.describe;

import io.setsync.sync.SyncCounts;
import io.setsync.sync.SyncStatus;
import io.setsync.transfer.SourceSession.Outcome;

/** How a source session ends, as its {@link Outcome}: the receiver's Done, a Stop, or a failure. */
final class SessionEnds {

  private SessionEnds() {}

  /**
   * The receiver's counts and code, with the names the source could not list counted as skipped
   * and making the status at least WARNINGS.
   */
  static Outcome done(Frame.Done done, long sourceWarnings, long frameBytesSent, long laneBytesSent) {
    SyncCounts c = done.counts();
    SyncCounts counts = new SyncCounts(c.scanned(), c.copied(), c.bytes(), c.purged(),
        c.skipped() + sourceWarnings, c.keptNewer(), c.errors());
    SyncStatus status = SyncStatus.ofExitCode(done.completionCode());
    if (sourceWarnings > 0) status = status.worst(SyncStatus.WARNINGS);
    return new Outcome(counts, status, null, frameBytesSent + laneBytesSent, laneBytesSent);
  }

  /** Stopped before the receiver was ready: nothing was transferred. */
  static Outcome stoppedBeforeReady(String reason) {
    return new Outcome(SyncCounts.ZERO, SyncStatus.WARNINGS, "stopped at a file boundary: " + reason);
  }

  /**
   * Stopped at a file boundary: the receiver's counts are what reached the destination; the rest
   * comes at the next sync, so the status is at least WARNINGS.
   */
  static Outcome stopped(Outcome done, String reason) {
    return new Outcome(done.counts(), done.status().worst(SyncStatus.WARNINGS), "stopped at a file boundary: " + reason,
        done.wireBytesSent(), done.laneBytesSent());
  }

  static Outcome connectionFailed(Throwable cause, String host, int port) {
    if (cause instanceof akka.stream.StreamTcpException) {
      return Outcome.failed("cannot reach the destination endpoint at " + host + ":" + port + ": " + cause.getMessage());
    }
    return Outcome.failed("connection to the destination failed: " + describe(cause));
  }

  static Outcome unexpected(Frame frame) {
    return Outcome.failed("protocol error: the destination sent an unexpected " + frame.getClass().getSimpleName()
        + " frame");
  }
}
