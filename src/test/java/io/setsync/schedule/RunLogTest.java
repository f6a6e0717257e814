package io.setsync.schedule;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.setsync.log.LogRecord;
import io.setsync.log.Origin;
import io.setsync.log.Severity;
import io.setsync.sync.SyncCounts;
import io.setsync.sync.SyncNotice.Kind;
import io.setsync.sync.SyncNotice.Side;
import io.setsync.sync.SyncNotice;
import io.setsync.sync.Trigger;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.Test;

public class RunLogTest {

  private static LogRecord record(Side side, Kind kind, String path, String text) {
    return RunLog.notice(5, 3L, new SyncNotice(side, kind, path, text)).orElseThrow();
  }

  @Test
  public void warningsAndErrorsKeepTheirSideAndPath() {
    assertEquals(new LogRecord(5, 3L, Origin.SOURCE, Severity.WARNING, "a/b: not copied: open"),
        record(Side.SOURCE, Kind.WARNING, "a/b", "not copied: open"));
    assertEquals(new LogRecord(5, 3L, Origin.DESTINATION, Severity.ERROR, "disk full"),
        record(Side.DESTINATION, Kind.ERROR, "", "disk full"));
  }

  @Test
  public void purgesAndReportLinesSayWhatHappenedOrWould() {
    assertEquals(new LogRecord(5, 3L, Origin.DESTINATION, Severity.INFO, "purged old.txt"),
        record(Side.DESTINATION, Kind.PURGED, "old.txt", ""));
    assertEquals(new LogRecord(5, 3L, Origin.REPORT, Severity.INFO, "would copy b (hard link to a)"),
        record(Side.DESTINATION, Kind.WOULD_COPY, "b", "hard link to a"));
    assertEquals(new LogRecord(5, 3L, Origin.REPORT, Severity.INFO, "would purge c"),
        record(Side.DESTINATION, Kind.WOULD_PURGE, "c", ""));
  }

  @Test
  public void aCopiedNameIsNoRecord() {
    assertEquals(Optional.empty(), RunLog.notice(5, 3L, new SyncNotice(Side.DESTINATION, Kind.COPIED, "x", "")));
  }

  @Test
  public void theConsoleSeesWarningsAndErrorsOnly() {
    assertEquals(Optional.of("warning: source: a: open"), RunLog.consoleLine(SyncNotice.sourceWarning("a", "open")));
    assertEquals(Optional.of("error: b: bad"),
        RunLog.consoleLine(new SyncNotice(Side.DESTINATION, Kind.ERROR, "b", "bad")));
    assertEquals(Optional.empty(), RunLog.consoleLine(new SyncNotice(Side.DESTINATION, Kind.PURGED, "c", "")));
  }

  @Test
  public void aTriggersOutputLinesThenHowItEnded() {
    Trigger.Result failed = new Trigger.Result(4, false, "one\n\ntwo\n", 0, null);
    List<LogRecord> records = RunLog.trigger(9, null, failed, null, Duration.ofSeconds(30));
    assertEquals(List.of("one", "two", "trigger exit 4"), records.stream().map(LogRecord::text).toList());
    assertEquals(Severity.WARNING, records.get(2).severity());
    assertTrue(records.stream().allMatch(r -> r.origin() == Origin.TRIGGER && r.fileSetId() == null));
    assertEquals("trigger failed: no sh",
        RunLog.trigger(9, 1L, null, new java.io.IOException("no sh"), Duration.ofSeconds(30)).get(0).text());
  }

  @Test
  public void theEndIsAsSeriousAsItsCode() {
    SyncResult warned = new SyncResult(1000, 3000, SyncCounts.ZERO, 1, null);
    LogRecord end = RunLog.ended(2L, warned, false);
    assertEquals(3000, end.timeMillis());
    assertEquals(Severity.WARNING, end.severity());
    assertTrue(end.text(), end.text().startsWith("sync ended: scanned 0"));
  }

  /** A REPORT run copied nothing: its last line says what it would have done, not "copied". */
  @Test
  public void aReportRunEndsWithWhatItWouldHaveDone() {
    SyncResult report = new SyncResult(1000, 2000, new io.setsync.sync.SyncCounts(9, 7, 3145746, 2, 0, 0, 0), 0, null);
    LogRecord end = RunLog.ended(3L, report, true);
    assertEquals(Origin.REPORT, end.origin());
    assertTrue(end.text(), end.text().startsWith("report ended: scanned 9, would copy 7 (3145746 bytes), would purge 2"));
    assertTrue(end.text(), !end.text().contains("copied"));
  }
}
