package io.setsync.destination;

import static io.setsync.sync.Failures.describe;

import java.io.IOException;

/**
 * The disk side of a batch's two-phase commit, between the journal's two writes: once the batch
 * is journaled as begun its replacements are made (and counted), once it is journaled as
 * committed the old files it kept are deleted.
 */
final class BatchCommit {

  private BatchCommit() {}

  /** The journal wrote the batch as begun (or failed to: {@code journalFailure}): the replacements are made. */
  static void begun(DestinationRoot root, Staging staging, CommitBatcher.Batch batch, Throwable journalFailure) {
    journaled(journalFailure);
    CrashPoint.BEGUN_JOURNALED.reach();
    try {
      staging.replaced(batch, root.replace(batch.replacements(), staging::replaceFailed));
    } catch (IOException e) {
      throw SessionFailure.at(root.path(), e);
    }
  }

  /** The journal wrote the batch as committed (or failed to): the old files it kept go. */
  static void committed(DestinationRoot root, CommitBatcher.Batch batch, Throwable journalFailure) {
    journaled(journalFailure);
    CrashPoint.COMMITTED_JOURNALED.reach();
    try {
      root.deleteSaved(batch.replacements());
    } catch (IOException e) {
      throw SessionFailure.at(root.path(), e);
    }
  }

  private static void journaled(Throwable failure) {
    if (failure != null) throw new SessionFailure("rename journal write failed: " + describe(failure));
  }

  /** After the session ended: finishes the replacements unsaid; false when the next session's recovery must. */
  static boolean finishQuietly(DestinationRoot root, CommitBatcher.Batch batch) {
    try {
      root.replace(batch.replacements(), (r, e) -> { });
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static void deleteSavedQuietly(DestinationRoot root, CommitBatcher.Batch batch) {
    try {
      root.deleteSaved(batch.replacements());
    } catch (IOException e) {
      // scratch: the next session's orphan sweep removes it
    }
  }
}
