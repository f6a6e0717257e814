package io.setsync.destination;

import io.setsync.fs.FileEntry;

/**
 * Turns the merge's verdicts into what the session does; the verdicts that change nothing are
 * alike for a real sync ({@link ApplyingJudge}) and for REPORT ({@link ReportJudge}).
 */
abstract class ListingJudge implements ListingMerge.Actions {

  protected final Tally tally;
  private final PurgeList purges;
  private LinkTargets links;

  ListingJudge(Tally tally, PurgeList purges) {
    this.tally = tally;
    this.purges = purges;
  }

  /** The merge this judge hears from; its link targets record what becomes of each file. */
  final void judging(ListingMerge merge) {
    links = merge.linkTargets();
  }

  protected final LinkTargets.Target linksOf(FileEntry source) {
    return links.get(source.path());
  }

  /** A multiply-linked file the destination keeps: its later names link to the file there. */
  protected final void keptInPlace(FileEntry source) {
    LinkTargets.Target target = linksOf(source);
    if (target != null) target.inPlace();
  }

  @Override
  public void keptNewer(FileEntry source, FileEntry existing) {
    // Not the source's content: the file's other names must not be linked to it.
    LinkTargets.Target target = linksOf(source);
    if (target != null) target.kept();
    tally.keptNewer();
  }

  @Override
  public void conflict(FileEntry source, FileEntry existing) {
    tally.skipped(source.path(),
        "not replaced: the source has a " + kind(source) + " where the destination has a " + kind(existing));
  }

  @Override
  public void unsupported(FileEntry source) {
    tally.skipped(source.path(), "not copied: a special file (FIFO, socket or device)");
  }

  @Override
  public void skippedBeneathConflict(FileEntry source) {
    tally.skipped();
  }

  @Override
  public void extra(FileEntry existing, boolean purge) {
    if (purge) purges.add(existing);
  }

  /** A hard link whose file is not there: the name is left as it is. */
  protected final boolean unlinkable(FileEntry source, LinkTargets.Target target) {
    if (target.state() == LinkTargets.State.ABSENT || target.state() == LinkTargets.State.FAILED) {
      tally.skipped(source.path(), "not linked: " + target.reason());
      return true;
    }
    return false;
  }

  static String kind(FileEntry e) {
    return switch (e.type()) {
      case FILE -> "file";
      case DIRECTORY -> "directory";
      case SYMLINK -> "symbolic link";
      case OTHER -> "special file";
      case LEFT_OUT -> "name left out";
      case HARDLINK -> "hard link";
    };
  }
}
