package io.setsync.schedule;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.Test;

public class ScheduleTest {

  private static final ZoneId UTC = ZoneOffset.UTC;
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  private static Instant utc(String localDateTime) {
    return LocalDateTime.parse(localDateTime).toInstant(ZoneOffset.UTC);
  }

  private static LocalTime time(String hhmm) {
    return LocalTime.parse(hhmm);
  }

  private static Schedule every(Duration interval) {
    return Schedule.of(interval, null, null, UTC);
  }

  private static Schedule daily(String start, ZoneId zone) {
    return Schedule.of(Duration.ofMinutes(5), time(start), null, zone);
  }

  private static Schedule window(Duration interval, String start, String stop, ZoneId zone) {
    return Schedule.of(interval, time(start), time(stop), zone);
  }

  private static void assertRejected(String expectedPart, Runnable make) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make::run);
    assertTrue(
        "message \"" + e.getMessage() + "\" should mention \"" + expectedPart + "\"",
        e.getMessage().contains(expectedPart));
  }

  // ---- validation ----

  @Test
  public void rejectsAMissingInterval() {
    assertRejected("INTERVAL is missing", () -> Schedule.of(null, null, null, UTC));
  }

  @Test
  public void rejectsZeroAndNegativeIntervals() {
    assertRejected("must be positive", () -> every(Duration.ZERO));
    assertRejected("must be positive", () -> every(Duration.ofMinutes(-5)));
  }

  @Test
  public void rejectsFractionalSeconds() {
    assertRejected("whole number of seconds", () -> every(Duration.ofMillis(500)));
    assertRejected("whole number of seconds", () -> every(Duration.ofMillis(1500)));
  }

  @Test
  public void acceptsOneSecondToThreeHundredSixtySixDaysAndNothingLonger() {
    assertEquals(Duration.ofSeconds(1), every(Duration.ofSeconds(1)).interval());
    assertEquals(Duration.ofDays(366), every(Duration.ofDays(366)).interval());
    assertRejected("at most 366 days", () -> every(Duration.ofDays(366).plusSeconds(1)));
  }

  @Test
  public void rejectsStopWithoutStart() {
    assertRejected(
        "STOP 06:00 needs a START",
        () -> Schedule.of(Duration.ofMinutes(5), null, time("06:00"), UTC));
  }

  @Test
  public void rejectsAMissingZone() {
    assertRejected("time zone", () -> Schedule.of(Duration.ofMinutes(5), null, null, null));
  }

  // ---- INTERVAL only ----

  @Test
  public void intervalOnlyRunsAtOnceThenIntervalAfterEachEnd() {
    Schedule s = every(Duration.ofMinutes(5));
    Instant now = utc("2026-11-21T20:01:02");
    assertEquals(now, s.firstRun(now));
    assertEquals(utc("2026-11-21T20:08:00"), s.nextRun(utc("2026-11-21T20:03:00")));
    assertTrue(s.allowsStartAt(utc("2026-11-21T03:00:00")));
    assertTrue(s.allowsStartAt(utc("2026-11-21T15:00:00")));
  }

  @Test
  public void intervalIsElapsedTimeEvenAcrossADaylightSavingChange() {
    Schedule s = Schedule.of(Duration.ofDays(1), null, null, PARIS);
    // Paris springs forward in the night of 2026-03-28/29: 24 real hours later the clock reads
    // one hour more.
    assertEquals(utc("2026-03-29T12:00:00"), s.nextRun(utc("2026-03-28T12:00:00")));
  }

  // ---- START alone ----

  @Test
  public void startAloneFirstRunsAtTheNextStartAtOrAfterNow() {
    Schedule s = daily("02:00", UTC);
    assertEquals(utc("2026-11-21T02:00:00"), s.firstRun(utc("2026-11-21T01:00:00")));
    assertEquals(utc("2026-11-21T02:00:00"), s.firstRun(utc("2026-11-21T02:00:00")));
    assertEquals(utc("2026-11-22T02:00:00"), s.firstRun(utc("2026-11-21T02:00:01")));
  }

  @Test
  public void startAloneRunsOnceADayEvenWhenTheSyncEndsAtTheStartInstant() {
    Schedule s = daily("02:00", UTC);
    assertEquals(utc("2026-11-22T02:00:00"), s.nextRun(utc("2026-11-21T02:00:00")));
    assertEquals(utc("2026-11-22T02:00:00"), s.nextRun(utc("2026-11-21T02:05:00")));
  }

  @Test
  public void startAloneRunsTodayWhenTheLastSyncEndedBeforeTodaysStart() {
    Schedule s = daily("02:00", UTC);
    assertEquals(utc("2026-11-21T02:00:00"), s.nextRun(utc("2026-11-21T01:59:59")));
  }

  @Test
  public void startAloneAfterASyncThatEndedPastMidnight() {
    Schedule s = daily("23:00", UTC);
    assertEquals(utc("2026-11-22T23:00:00"), s.nextRun(utc("2026-11-22T01:30:00")));
  }

  @Test
  public void startAloneSkipsAnOccurrenceThatPassedDuringALongSync() {
    Schedule s = daily("02:00", UTC);
    // Started 2026-11-21 02:00, still running at 2026-11-22 02:00.
    assertEquals(utc("2026-11-23T02:00:00"), s.nextRun(utc("2026-11-22T03:00:00")));
  }

  @Test
  public void startAloneIgnoresTheInterval() {
    Schedule s = Schedule.of(Duration.ofDays(3), time("02:00"), null, UTC);
    assertEquals(utc("2026-11-22T02:00:00"), s.nextRun(utc("2026-11-21T02:10:00")));
    assertTrue(s.allowsStartAt(utc("2026-11-21T15:00:00")));
  }

  @Test
  public void startAloneInsideTheSpringForwardGapRunsWhenTheGapEnds() {
    Schedule s = daily("02:30", PARIS);
    // 2026-03-29 in Paris: 02:00 CET jumps to 03:00 CEST (01:00 UTC); 02:30 does not exist.
    Instant gapEnd = utc("2026-03-29T01:00:00");
    assertEquals(gapEnd, s.nextRun(utc("2026-03-28T01:40:00"))); // day before ran at 02:30 CET
    assertEquals(gapEnd, s.firstRun(utc("2026-03-28T23:00:00"))); // 00:00 CET
    // The next day is back to 02:30, now CEST.
    assertEquals(utc("2026-03-30T00:30:00"), s.nextRun(utc("2026-03-29T01:10:00")));
  }

  @Test
  public void startAloneInsideTheFallBackOverlapRunsOnceAtTheFirstOccurrence() {
    Schedule s = daily("02:30", PARIS);
    // 2026-10-25 in Paris: 03:00 CEST falls back to 02:00 CET; 02:30 happens at 00:30 and 01:30 UTC.
    assertEquals(utc("2026-10-25T00:30:00"), s.firstRun(utc("2026-10-25T00:00:00")));
    // A sync that ended between the two 02:30s does not run again at the second one.
    assertEquals(utc("2026-10-26T01:30:00"), s.nextRun(utc("2026-10-25T00:40:00")));
  }

  // ---- START and STOP across midnight ----

  private static final Schedule NIGHT = window(Duration.ofMinutes(10), "22:00", "06:00", UTC);

  @Test
  public void nightWindowIncludesStartAndExcludesStop() {
    assertFalse(NIGHT.allowsStartAt(utc("2026-11-21T21:59:59")));
    assertTrue(NIGHT.allowsStartAt(utc("2026-11-21T22:00:00")));
    assertTrue(NIGHT.allowsStartAt(utc("2026-11-22T00:00:00")));
    assertTrue(NIGHT.allowsStartAt(utc("2026-11-22T05:59:59")));
    assertFalse(NIGHT.allowsStartAt(utc("2026-11-22T06:00:00")));
    assertFalse(NIGHT.allowsStartAt(utc("2026-11-22T12:00:00")));
  }

  @Test
  public void nightWindowFirstRunIsNowInsideOrTheNextOpening() {
    assertEquals(utc("2026-11-21T22:00:00"), NIGHT.firstRun(utc("2026-11-21T12:00:00")));
    assertEquals(utc("2026-11-21T23:00:00"), NIGHT.firstRun(utc("2026-11-21T23:00:00")));
    assertEquals(utc("2026-11-22T03:00:00"), NIGHT.firstRun(utc("2026-11-22T03:00:00")));
    assertEquals(utc("2026-11-22T22:00:00"), NIGHT.firstRun(utc("2026-11-22T06:00:00")));
  }

  @Test
  public void nightWindowRunsEveryIntervalInsideTheWindow() {
    assertEquals(utc("2026-11-21T23:10:00"), NIGHT.nextRun(utc("2026-11-21T23:00:00")));
    assertEquals(utc("2026-11-22T00:05:00"), NIGHT.nextRun(utc("2026-11-21T23:55:00")));
    assertEquals(utc("2026-11-22T05:59:59"), NIGHT.nextRun(utc("2026-11-22T05:49:59")));
  }

  @Test
  public void nightWindowWaitsForTheNextOpeningWhenTheCandidateIsAtOrPastStop() {
    assertEquals(utc("2026-11-22T22:00:00"), NIGHT.nextRun(utc("2026-11-22T05:50:00")));
  }

  @Test
  public void aSyncEndingAfterTheWindowClosedRunsAtTheNextOpening() {
    assertEquals(utc("2026-11-22T22:00:00"), NIGHT.nextRun(utc("2026-11-22T07:30:00")));
  }

  @Test
  public void longIntervalsSkipDaysAndStillRespectTheWindow() {
    Schedule threeDays = window(Duration.ofDays(3), "22:00", "06:00", UTC);
    // Monday 23:00 + 3 days = Thursday 23:00, inside Thursday's window.
    assertEquals(utc("2026-11-26T23:00:00"), threeDays.nextRun(utc("2026-11-23T23:00:00")));
    // Monday 05:00 + 3 days lands in the part of Wednesday's window after midnight.
    assertEquals(utc("2026-11-26T05:00:00"), threeDays.nextRun(utc("2026-11-23T05:00:00")));
    Schedule twentyHours = window(Duration.ofHours(20), "22:00", "06:00", UTC);
    // 23:00 + 20 h = 19:00 the next day: outside, so the window of that evening.
    assertEquals(utc("2026-11-24T22:00:00"), twentyHours.nextRun(utc("2026-11-23T23:00:00")));
  }

  // ---- START and STOP within a day ----

  @Test
  public void dayWindowWaitsOverNightForTheNextOpening() {
    Schedule office = window(Duration.ofHours(1), "08:00", "17:00", UTC);
    assertEquals(utc("2026-11-21T08:00:00"), office.firstRun(utc("2026-11-21T07:00:00")));
    assertEquals(utc("2026-11-22T08:00:00"), office.firstRun(utc("2026-11-21T18:00:00")));
    assertEquals(utc("2026-11-21T16:59:59"), office.nextRun(utc("2026-11-21T15:59:59")));
    assertEquals(utc("2026-11-22T08:00:00"), office.nextRun(utc("2026-11-21T16:00:00")));
    assertFalse(office.allowsStartAt(utc("2026-11-21T17:00:00")));
    assertFalse(office.allowsStartAt(utc("2026-11-21T03:00:00")));
  }

  @Test
  public void startEqualToStopIsAWindowThatNeverCloses() {
    Schedule allDay = window(Duration.ofMinutes(10), "02:00", "02:00", UTC);
    Instant now = utc("2026-11-21T13:17:00");
    assertEquals(now, allDay.firstRun(now));
    assertEquals(utc("2026-11-21T02:09:00"), allDay.nextRun(utc("2026-11-21T01:59:00")));
    assertTrue(allDay.allowsStartAt(utc("2026-11-21T01:59:59")));
    assertTrue(allDay.allowsStartAt(utc("2026-11-21T02:00:00")));
  }

  // ---- windows and daylight saving time ----

  @Test
  public void aWindowWhollyInsideTheSpringForwardGapIsSkippedThatDay() {
    Schedule s = window(Duration.ofMinutes(5), "02:15", "02:45", PARIS);
    // 01:00 CET on the day of the jump: the next window is the following night, 02:15 CEST.
    assertEquals(utc("2026-03-30T00:15:00"), s.firstRun(utc("2026-03-29T00:00:00")));
    assertFalse(s.allowsStartAt(utc("2026-03-29T01:00:00")));
  }

  @Test
  public void aStopInsideTheSpringForwardGapClosesTheWindowWhenTheGapEnds() {
    Schedule s = window(Duration.ofMinutes(10), "01:30", "02:30", PARIS);
    // Opens at 01:30 CET (00:30 UTC), closes at 03:00 CEST (01:00 UTC).
    assertTrue(s.allowsStartAt(utc("2026-03-29T00:30:00")));
    assertTrue(s.allowsStartAt(utc("2026-03-29T00:59:59")));
    assertFalse(s.allowsStartAt(utc("2026-03-29T01:00:00")));
    assertEquals(utc("2026-03-29T23:30:00"), s.nextRun(utc("2026-03-29T00:55:00")));
  }

  @Test
  public void aWindowAroundTheFallBackOverlapCoversBothPassesOfTheRepeatedHour() {
    Schedule s = window(Duration.ofMinutes(10), "02:00", "02:30", PARIS);
    // Opens at the first 02:00 (CEST, 00:00 UTC), closes at the second 02:30 (CET, 01:30 UTC).
    assertTrue(s.allowsStartAt(utc("2026-10-25T00:00:00")));
    assertTrue(s.allowsStartAt(utc("2026-10-25T01:15:00")));
    assertFalse(s.allowsStartAt(utc("2026-10-25T01:30:00")));
    assertFalse(s.allowsStartAt(utc("2026-10-24T23:59:59")));
  }

  @Test
  public void aNightWindowAcrossTheSpringForwardNightIsAnHourShorter() {
    Schedule s = window(Duration.ofMinutes(10), "22:00", "06:00", PARIS);
    // 22:00 CET on the 28th = 21:00 UTC; 06:00 CEST on the 29th = 04:00 UTC.
    assertFalse(s.allowsStartAt(utc("2026-03-28T20:59:59")));
    assertTrue(s.allowsStartAt(utc("2026-03-28T21:00:00")));
    assertTrue(s.allowsStartAt(utc("2026-03-29T03:59:59")));
    assertFalse(s.allowsStartAt(utc("2026-03-29T04:00:00")));
    assertEquals(utc("2026-03-29T20:00:00"), s.nextRun(utc("2026-03-29T03:55:00")));
  }

  // ---- words and identity ----

  @Test
  public void describesEachShape() {
    assertEquals("every 5 minutes", every(Duration.ofMinutes(5)).describe());
    assertEquals("daily at 02:00", daily("02:00", UTC).describe());
    assertEquals("daily at 02:00:30", daily("02:00:30", UTC).describe());
    assertEquals("every 10 minutes between 22:00 and 06:00", NIGHT.describe());
    assertEquals(
        "every 10 minutes between 02:00 and 02:00 (all day)",
        window(Duration.ofMinutes(10), "02:00", "02:00", UTC).describe());
  }

  @Test
  public void describesIntervalsInTheirLargestUnits() {
    assertEquals("every second", every(Duration.ofSeconds(1)).describe());
    assertEquals("every day", every(Duration.ofDays(1)).describe());
    assertEquals("every 2 hours", every(Duration.ofHours(2)).describe());
    assertEquals("every 1 hour 30 minutes", every(Duration.ofMinutes(90)).describe());
    assertEquals("every 366 days", every(Duration.ofDays(366)).describe());
    assertEquals("every 1 day 1 second", every(Duration.ofDays(1).plusSeconds(1)).describe());
  }

  @Test
  public void equalSchedulesAreEqual() {
    assertEquals(
        window(Duration.ofMinutes(10), "22:00", "06:00", UTC),
        window(Duration.ofMinutes(10), "22:00", "06:00", UTC));
    assertEquals(
        window(Duration.ofMinutes(10), "22:00", "06:00", UTC).hashCode(),
        window(Duration.ofMinutes(10), "22:00", "06:00", UTC).hashCode());
    assertNotEquals(NIGHT, window(Duration.ofMinutes(10), "22:00", "06:00", PARIS));
    assertNotEquals(NIGHT, window(Duration.ofMinutes(10), "22:00", "07:00", UTC));
  }
}
