package io.setsync.destination;

import io.setsync.fs.RawNames;
import io.setsync.sync.SyncCounts;
import io.setsync.sync.SyncStatus;
import io.setsync.transfer.Frame;
import java.util.function.Consumer;

/**
 * A session's counts, each settled once the outcome it counts is known (a file is counted as
 * copied when its replacement is in place, never forecast and corrected), together with the
 * notices that tell the source why.
 */
final class Tally {

  private final Consumer<Frame.Notice> notices;
  private long scanned, copied, bytes, purged, skipped, keptNewer, errors, warnings;

  Tally(Consumer<Frame.Notice> notices) {
    this.notices = notices;
  }

  void listed() {
    scanned++;
  }

  long scanned() {
    return scanned;
  }

  void copied(long byteCount) {
    copied++;
    bytes += byteCount;
  }

  void keptNewer() {
    keptNewer++;
  }

  void purged() {
    purged++;
  }

  /** Left out without a word of its own (its parent's warning covers it). */
  void skipped() {
    skipped++;
  }

  void skipped(String path, String why) {
    skipped++;
    warning(path, why);
  }

  void warning(String path, String text) {
    warnings++;
    notice(Frame.NoticeKind.WARNING, path, text);
  }

  void error(String path, String text) {
    errors++;
    notice(Frame.NoticeKind.ERROR, path, text);
  }

  /** A notice that counts nothing by itself. */
  void notice(Frame.NoticeKind kind, String path, String text) {
    // Notices are for people and logs (and TRIGGER's lists): a name that is not UTF-8 is shown
    // with its odd bytes escaped, so that no log, journal or terminal has to carry raw bytes.
    notices.accept(new Frame.Notice(kind, RawNames.display(path), RawNames.display(text)));
  }

  SyncCounts counts() {
    return new SyncCounts(scanned, copied, bytes, purged, skipped, keptNewer, errors);
  }

  SyncStatus status() {
    if (errors > 0) return SyncStatus.ERRORS;
    if (skipped > 0 || warnings > 0) return SyncStatus.WARNINGS;
    return SyncStatus.OK;
  }
}
