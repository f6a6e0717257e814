package io.setsync.transfer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import io.setsync.sync.SyncCounts;
import io.setsync.sync.SyncStatus;
import org.junit.Test;

public class SessionEndsTest {

  private static final Frame.Done DONE = new Frame.Done(new SyncCounts(10, 3, 300, 1, 2, 1, 0), 0);

  @Test
  public void theReceiversCountsAndCode() {
    SourceSession.Outcome o = SessionEnds.done(DONE, 0, 1000, 200);
    assertEquals(DONE.counts(), o.counts());
    assertEquals(SyncStatus.OK, o.status());
    assertNull(o.failure());
    assertEquals(1200, o.wireBytesSent());
    assertEquals(200, o.laneBytesSent());
  }

  @Test
  public void namesTheSourceCouldNotListAreSkippedAndWarnings() {
    SourceSession.Outcome o = SessionEnds.done(DONE, 4, 0, 0);
    assertEquals(6, o.counts().skipped());
    assertEquals(SyncStatus.WARNINGS, o.status());
    assertEquals("errors stay errors", SyncStatus.ERRORS,
        SessionEnds.done(new Frame.Done(SyncCounts.ZERO, 2), 4, 0, 0).status());
  }

  @Test
  public void aStopIsAWarningWithItsReason() {
    SourceSession.Outcome o = SessionEnds.stoppedBeforeReady("shutdown");
    assertEquals(SyncStatus.WARNINGS, o.status());
    assertEquals("stopped at a file boundary: shutdown", o.failure());
  }

  @Test
  public void aStopAtAFileBoundaryKeepsTheReceiversCounts() {
    SourceSession.Outcome o = SessionEnds.stopped(SessionEnds.done(DONE, 0, 10, 0), "suspended");
    assertEquals(DONE.counts(), o.counts());
    assertEquals(SyncStatus.WARNINGS, o.status());
    assertEquals("stopped at a file boundary: suspended", o.failure());
    assertEquals(10, o.wireBytesSent());
  }

  @Test
  public void failuresNameWhatFailed() {
    assertEquals("cannot reach the destination endpoint at h:1: refused",
        SessionEnds.connectionFailed(new akka.stream.StreamTcpException("refused"), "h", 1).failure());
    assertEquals(SyncStatus.ERRORS, SessionEnds.unexpected(new Frame.Ready("x")).status());
    assertEquals("protocol error: the destination sent an unexpected Ready frame",
        SessionEnds.unexpected(new Frame.Ready("x")).failure());
  }
}
