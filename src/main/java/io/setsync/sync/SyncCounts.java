package io.setsync.sync;

/** The counts every synchronization reports, named as the summary and JSON show them. */
public record SyncCounts(
    long scanned, long copied, long bytes, long purged, long skipped, long keptNewer, long errors) {

  public static final SyncCounts ZERO = new SyncCounts(0, 0, 0, 0, 0, 0, 0);
}
