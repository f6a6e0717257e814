package io.setsync.destination;

import io.setsync.fs.FileEntry;
import io.setsync.transfer.Frame;

/** REPORT: each verdict is said and counted as if done; nothing at the destination changes. */
final class ReportJudge extends ListingJudge {

  ReportJudge(Tally tally, PurgeList purges) {
    super(tally, purges);
  }

  @Override
  public void copy(FileEntry source, FileEntry existing) {
    LinkTargets.Target links = linksOf(source);
    if (links != null) links.pending();
    tally.copied(source.size());
    tally.notice(Frame.NoticeKind.WOULD_COPY, source.path(), "");
  }

  @Override
  public void link(FileEntry source, FileEntry existing, LinkTargets.Target target) {
    if (unlinkable(source, target)) return;
    tally.copied(0);
    tally.notice(Frame.NoticeKind.WOULD_COPY, source.path(), "hard link to " + target.path());
  }

  @Override
  public void makeDirectory(FileEntry source, FileEntry existing) {
    tally.copied(0);
    tally.notice(Frame.NoticeKind.WOULD_COPY, source.path() + "/", "");
  }

  @Override
  public void same(FileEntry source, FileEntry existing) {
    keptInPlace(source);
  }

  @Override
  public void leaveDirectory(FileEntry source, FileEntry existing, boolean changedInside) {}
}
