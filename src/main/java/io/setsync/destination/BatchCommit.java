package io.setsync.destination;

import java.io.IOException;

/**
 * The disk side of a batch's two-phase commit, between the journal's two writes: once the batch
 * is journaled as begun its replacements are made (and counted), once it is journaled as
 * committed the old files it kept are deleted.
 */
final class BatchCommit {

  private BatchCommit() {}

  static void begun(DestinationRoot root, Staging staging, CommitBatcher.Batch batch) throws IOException {
    CrashPoint.BEGUN_JOURNALED.reach();
    staging.replaced(batch, root.replace(batch.replacements(), staging::replaceFailed));
  }

  static void committed(DestinationRoot root, CommitBatcher.Batch batch) throws IOException {
    CrashPoint.COMMITTED_JOURNALED.reach();
    root.deleteSaved(batch.replacements());
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
