package io.setsync.transfer;

import io.setsync.fs.OpenFiles;

/**
 * Which processes hold which files, for the open-file policy: one scan serves every file decided
 * within a second. Taken on the session's thread; the snapshot itself is read by reader threads.
 */
final class OpenFilesSnapshots {

  /** How old a snapshot may be when deciding about a file to send. */
  private static final long MAX_AGE_NANOS = 1_000_000_000L;

  private final boolean unprotected;
  private OpenFiles latest;

  /** UNPROTECTED copies files however they are open: then no snapshot is taken. */
  OpenFilesSnapshots(boolean unprotected) {
    this.unprotected = unprotected;
  }

  /** A snapshot at most a second old; null under UNPROTECTED. */
  OpenFiles current() {
    if (unprotected) return null;
    if (latest == null || latest.ageNanos() > MAX_AGE_NANOS) latest = OpenFiles.scan();
    return latest;
  }
}
