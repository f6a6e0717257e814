package io.setsync.sync;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import org.junit.Test;

/** What each record call adds to the text a scrape gives, and that an unused node records nothing. */
public class SyncMetricsTest {

  private static final SyncCounts COUNTS = new SyncCounts(10, 3, 4096, 2, 1, 0, 0);

  @Test
  public void aSyncsEndAddsItsCountsUnderItsFileSetAndStatus() {
    SyncMetrics m = new SyncMetrics(true, false);
    m.syncStarted(7L);
    m.noticed(7L, new SyncNotice(SyncNotice.Side.DESTINATION, SyncNotice.Kind.WARNING, "a.log",
        OpenFileSkips.NOT_COPIED + OpenFileSkips.REASON + "pid 12 (vim)"));
    m.noticed(7L, new SyncNotice(SyncNotice.Side.DESTINATION, SyncNotice.Kind.WARNING, "b", "cannot set mode: x"));
    m.noticed(7L, new SyncNotice(SyncNotice.Side.SOURCE, SyncNotice.Kind.ERROR, "c", "permission denied"));
    m.syncEnded(7L, SyncStatus.WARNINGS, COUNTS, false, Duration.ofMillis(1500), 1_700_000_000_000L);
    m.syncEnded(null, SyncStatus.ERRORS, COUNTS, true, Duration.ofMillis(20), 1_700_000_001_000L);
    m.schedulersRunning(4);
    m.journalWrite(Duration.ofMillis(3));
    String text = m.scrape();
    for (String sample : new String[] {
        "setsync_syncs_started_total{fileset=\"7\"} 1.0",
        "setsync_syncs_ended_total{fileset=\"7\",status=\"warnings\"} 1.0",
        "setsync_syncs_ended_total{fileset=\"none\",status=\"errors\"} 1.0",
        "setsync_files_copied_total{fileset=\"7\"} 3.0",
        "setsync_bytes_copied_total{fileset=\"7\"} 4096.0",
        "setsync_files_purged_total{fileset=\"7\"} 2.0",
        "setsync_sync_warnings_total{fileset=\"7\"} 2.0",
        "setsync_sync_errors_total{fileset=\"7\"} 1.0",
        "setsync_files_skipped_open_total{fileset=\"7\"} 1.0",
        "setsync_sync_duration_seconds_bucket{fileset=\"7\",le=\"5.0\"} 1",
        "setsync_sync_duration_seconds_sum{fileset=\"7\"} 1.5",
        "setsync_last_success_timestamp_seconds{fileset=\"7\"} 1.7E9",
        "setsync_schedulers_running 4.0",
        "setsync_journal_write_seconds_count 1"}) {
      assertTrue(sample + " in\n" + text, text.contains(sample + "\n"));
    }
    // A REPORT moved nothing; a failed sync is no success; a one-time sync has no file set to time.
    assertTrue(text, !text.contains("setsync_files_copied_total{fileset=\"none\"}"));
    assertTrue(text, !text.contains("setsync_last_success_timestamp_seconds{fileset=\"none\"}"));
  }

  @Test
  public void offItRecordsNothing() {
    SyncMetrics m = new SyncMetrics(false, false);
    m.syncStarted(1L);
    m.syncEnded(1L, SyncStatus.OK, COUNTS, false, Duration.ofSeconds(1), 0);
    m.schedulersRunning(1);
    assertEquals("", m.scrape());
  }
}
