package io.setsync.monitor;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import io.setsync.command.CommandParser;
import io.setsync.command.Statement;
import io.setsync.schedule.FileSetConfig;
import org.junit.Test;

/** The overdue rule with a fixed clock. */
public class OverdueTest {

  private static final Overdue RULE = new Overdue(3, 3);
  private static final long MIN = 60_000;
  private static final long NOW = 1_000_000 * MIN;

  private static FileSetConfig fileSet(String options) {
    return FileSetConfig.create("u", (Statement.AddFileSet) CommandParser.parse("ADD SYNCFILESET /s TO /d, " + options));
  }

  @Test
  public void withinItsIntervalsItIsOnTime() {
    FileSetConfig f = fileSet("INTERVAL 10 MINUTES");
    assertNull(RULE.reason(f, NOW - 30 * MIN, 0, 0, NOW));
    assertNull(RULE.reason(f, NOW - 5 * MIN, 2, 0, NOW));
  }

  @Test
  public void pastItsIntervalsItIsOverdue() {
    FileSetConfig f = fileSet("INTERVAL 10 MINUTES");
    assertEquals("overdue: no successful sync for 31 minutes (more than 3 x 10 MINUTES)",
        RULE.reason(f, NOW - 31 * MIN, 0, 0, NOW));
  }

  @Test
  public void failuresInARowMakeItOverdueAtOnce() {
    assertEquals("overdue: its last 3 syncs failed", RULE.reason(fileSet("INTERVAL 10 MINUTES"), NOW - MIN, 3, 0, NOW));
  }

  @Test
  public void withoutASuccessItCountsFromWhenItWasAddedOrTheMonitorStarted() {
    FileSetConfig f = fileSet("INTERVAL 1 HOURS");
    assertNull(RULE.reason(f, null, 0, NOW - 2 * 60 * MIN, NOW));
    assertEquals("overdue: no successful sync yet, after 4 hours (more than 3 x 1 HOURS)",
        RULE.reason(f, null, 0, NOW - 4 * 60 * MIN, NOW));
  }

  @Test
  public void aDailyFileSetHasADayForPeriod() {
    FileSetConfig daily = fileSet("START 06:00");
    assertNull(RULE.reason(daily, NOW - 2 * 1440 * MIN, 0, 0, NOW));
    assertEquals("overdue: no successful sync for 4 days (more than 3 x 1 DAYS)",
        RULE.reason(daily, NOW - 4 * 1440 * MIN, 0, 0, NOW));
    assertEquals(RULE.reason(fileSet("START 22:00, STOP 04:00"), NOW - 4 * 1440 * MIN, 0, 0, NOW),
        RULE.reason(daily, NOW - 4 * 1440 * MIN, 0, 0, NOW));
  }

  /** The facts the rule reads: a success resets the failures, an error adds one, a REPORT is neither. */
  @Test
  public void theMonitorsStateCountsFailuresSinceTheLastSuccess() {
    MonitorState state = new MonitorState();
    io.setsync.sync.SyncCounts none = io.setsync.sync.SyncCounts.ZERO;
    state.recordSync(1, new io.setsync.schedule.SyncResult(0, 100, none, 0, null));
    state.recordSync(1, new io.setsync.schedule.SyncResult(200, 300, none, 2, "no endpoint"));
    state.recordSync(1, new io.setsync.schedule.SyncResult(400, 500, none, 2, "no endpoint"));
    state.recordSync(1, new io.setsync.schedule.SyncResult(600, 700, none, 0, null, true));
    assertEquals(Long.valueOf(100), state.lastSuccessMillis.get(1L));
    assertEquals(Integer.valueOf(2), state.failuresInARow.get(1L));
    state.recordSync(1, new io.setsync.schedule.SyncResult(800, 900, none, 1, null));
    assertEquals(Long.valueOf(900), state.lastSuccessMillis.get(1L));
    assertNull(state.failuresInARow.get(1L));
    assertEquals(900, state.lastResults.get(1L).endedMillis());
  }

  @Test(expected = IllegalArgumentException.class)
  public void aRuleNeedsAtLeastOne() {
    new Overdue(0, 3);
  }
}
