package io.setsync.log;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.time.Instant;
import java.util.List;
import org.junit.Test;

public class LogBufferTest {

  private static final Instant DAY1 = Instant.parse("2026-11-21T00:00:00Z");

  /** A record at {@code day} (1-based) plus {@code seconds}, text {@code text}, file set 1. */
  private static LogRecord at(int day, int seconds, String text) {
    return of(day, seconds, 1L, text);
  }

  private static LogRecord of(int day, int seconds, Long fileSetId, String text) {
    long millis = DAY1.plusSeconds((day - 1) * 86_400L + seconds).toEpochMilli();
    return new LogRecord(millis, fileSetId, Origin.SOURCE, Severity.INFO, text);
  }

  private static List<String> texts(List<LogRecord> records) {
    return records.stream().map(LogRecord::text).toList();
  }

  private static LogBuffer buffer(int max, LogRecord... records) {
    LogBuffer b = new LogBuffer(max);
    b.appendAll(List.of(records));
    return b;
  }

  @Test
  public void keepsEverythingUpToExactlyTheBound() {
    LogBuffer b = buffer(5, at(1, 1, "a"), at(1, 2, "b"), at(2, 1, "c"), at(3, 1, "d"), at(3, 2, "e"));
    assertEquals(5, b.size());
    assertEquals(List.of("a", "b", "c", "d", "e"), texts(b.records()));
  }

  @Test
  public void oneRecordPastTheBoundDropsTheWholeOldestDay() {
    LogBuffer b = buffer(5, at(1, 1, "a"), at(1, 2, "b"), at(2, 1, "c"), at(3, 1, "d"), at(3, 2, "e"));
    b.append(at(3, 3, "f"));
    assertEquals(List.of("c", "d", "e", "f"), texts(b.records()));
    // The room freed by the dropped day is used before anything else goes.
    b.append(at(3, 4, "g"));
    assertEquals(List.of("c", "d", "e", "f", "g"), texts(b.records()));
    b.append(at(4, 1, "h"));
    assertEquals(List.of("d", "e", "f", "g", "h"), texts(b.records()));
  }

  @Test
  public void whenEveryRecordIsOfOneDayOnlyTheOldestGo() {
    LogBuffer b = buffer(3, at(1, 1, "a"), at(1, 2, "b"), at(1, 3, "c"));
    b.append(at(1, 4, "d"));
    assertEquals(List.of("b", "c", "d"), texts(b.records()));
    b.append(at(1, 5, "e"));
    assertEquals(List.of("c", "d", "e"), texts(b.records()));
  }

  @Test
  public void theDroppedDayIsTheOldestEvenWhenItHoldsOneRecord() {
    LogBuffer b = buffer(3, at(1, 1, "a"), at(2, 1, "b"), at(2, 2, "c"));
    b.append(at(2, 3, "d"));
    assertEquals(List.of("b", "c", "d"), texts(b.records()));
    b.append(at(2, 4, "e"));
    assertEquals(List.of("c", "d", "e"), texts(b.records()));
  }

  @Test
  public void daysAreUtcCalendarDays() {
    // 23:59:59 and 00:00:00 the next day are different days, however close.
    LogBuffer b = buffer(2, at(1, 86_399, "late"), at(2, 0, "midnight"));
    b.append(at(2, 1, "next"));
    assertEquals(List.of("midnight", "next"), texts(b.records()));
  }

  @Test
  public void aBoundOfOneKeepsTheNewestRecord() {
    LogBuffer b = buffer(1, at(1, 1, "a"), at(1, 2, "b"), at(2, 1, "c"));
    assertEquals(List.of("c"), texts(b.records()));
  }

  @Test
  public void aLateRecordGoesIntoTimeOrderAfterEqualTimes() {
    LogBuffer b = buffer(10, at(1, 10, "a"), at(1, 30, "c"), at(1, 20, "b"), at(1, 20, "b2"), at(1, 5, "first"));
    assertEquals(List.of("first", "a", "b", "b2", "c"), texts(b.records()));
  }

  @Test
  public void aLateRecordOfAnOlderDayIntoAFullLogIsTheOneDropped() {
    LogBuffer b = buffer(3, at(2, 1, "a"), at(2, 2, "b"), at(2, 3, "c"));
    b.append(at(1, 1, "yesterday"));
    assertEquals(List.of("a", "b", "c"), texts(b.records()));
  }

  @Test
  public void lastGivesTheNewestRecordsInTimeOrder() {
    LogBuffer b = buffer(10, at(1, 1, "a"), at(1, 2, "b"), at(1, 3, "c"), at(1, 4, "d"));
    assertEquals(List.of("c", "d"), texts(b.last(null, 2)));
    assertEquals(List.of("a", "b", "c", "d"), texts(b.last(null, 100)));
    assertEquals(List.of(), b.last(null, 0));
  }

  @Test
  public void lastOfAFileSetSkipsOtherFileSetsAndUserRecords() {
    LogBuffer b =
        buffer(
            10,
            of(1, 1, 1L, "one-a"),
            of(1, 2, 2L, "two-a"),
            of(1, 3, null, "user"),
            of(1, 4, 1L, "one-b"),
            of(1, 5, 2L, "two-b"),
            of(1, 6, 1L, "one-c"));
    assertEquals(List.of("one-b", "one-c"), texts(b.last(1L, 2)));
    assertEquals(List.of("two-a", "two-b"), texts(b.last(2L, 5)));
    assertEquals(List.of(), b.last(3L, 5));
    assertEquals(List.of("user", "one-b", "two-b", "one-c"), texts(b.last(null, 4)));
  }

  @Test
  public void refusesBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> new LogBuffer(0));
    assertThrows(IllegalArgumentException.class, () -> new LogBuffer(5).last(null, -1));
    assertThrows(NullPointerException.class, () -> new LogBuffer(5).append(null));
  }
}
