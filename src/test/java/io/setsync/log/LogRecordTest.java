package io.setsync.log;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.Test;

public class LogRecordTest {

  private static final long WHEN = Instant.parse("2026-11-21T19:01:02.345Z").toEpochMilli();

  @Test
  public void formatsAFileSetRecordOnOneLineInTheGivenZone() {
    LogRecord r = new LogRecord(WHEN, 3L, Origin.SOURCE, Severity.WARNING, "skipped /a/b: open for writing");
    assertEquals(
        "2026-11-21 20:01:02 #3 SOURCE WARNING skipped /a/b: open for writing",
        r.format(ZoneId.of("Europe/Paris")));
    assertEquals(
        "2026-11-21 19:01:02 #3 SOURCE WARNING skipped /a/b: open for writing", r.format(ZoneOffset.UTC));
  }

  @Test
  public void aUserLevelRecordHasNoFileSetNumber() {
    LogRecord r = new LogRecord(WHEN, null, Origin.CONFIG, Severity.INFO, "ADD SYNCFILESET 4");
    assertEquals("2026-11-21 19:01:02 CONFIG INFO ADD SYNCFILESET 4", r.format(ZoneOffset.UTC));
  }

  @Test
  public void lineBreaksInTheTextStayOnOneLine() {
    LogRecord r = new LogRecord(WHEN, 7L, Origin.TRIGGER, Severity.INFO, "one\ntwo\r\nthree\rfour");
    assertEquals(
        "2026-11-21 19:01:02 #7 TRIGGER INFO one\\ntwo\\nthree\\nfour", r.format(ZoneOffset.UTC));
  }

  @Test
  public void refusesMissingParts() {
    assertThrows(NullPointerException.class, () -> new LogRecord(WHEN, 1L, null, Severity.INFO, "x"));
    assertThrows(NullPointerException.class, () -> new LogRecord(WHEN, 1L, Origin.SOURCE, null, "x"));
    assertThrows(NullPointerException.class, () -> new LogRecord(WHEN, 1L, Origin.SOURCE, Severity.INFO, null));
  }
}
