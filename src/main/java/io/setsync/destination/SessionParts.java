package io.setsync.destination;

import io.setsync.fs.ExcludeFilter;
import io.setsync.fs.FileEntry;
import io.setsync.fs.OpenFiles;
import io.setsync.fs.PrefetchingWalk;
import io.setsync.fs.Walk;
import io.setsync.sync.ContentHash;
import io.setsync.transfer.Frame;
import io.setsync.transfer.ProtocolException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executor;

/**
 * The plain parts of one session once its root is claimed and recovered: the destination walk
 * and the merge that judges the listing against it, the intake of needed files, the staging and
 * batching of new objects, and the finish. REPORT gets the same parts with a judge that changes
 * nothing, its purge spool in the system's temp folder and a missing root walked as an empty one.
 */
final class SessionParts {

  final Walk walk;
  final PurgeList purges;
  final FileIntake intake;
  final CommitBatcher batcher;
  final Staging staging;
  final SessionFinish finish;
  final ListingMerge merge;
  private final DestinationRoot root;
  private final Path emptyStandIn;
  private final Tally tally;
  private boolean listingEnded;
  private boolean needsEndSent;

  private SessionParts(SessionStart start, String sessionId, Receiver.Settings settings, Tally tally,
      Walk walk, PurgeList purges, Path emptyStandIn) {
    this.root = start.root();
    this.tally = tally;
    this.walk = walk;
    this.purges = purges;
    this.emptyStandIn = emptyStandIn;
    ScratchNames names = new ScratchNames(root, sessionId);
    OpenFilePolicy openFiles = new OpenFilePolicy(root, start.options().renameOpen(), OpenFiles::scan);
    batcher = new CommitBatcher(settings.commitBatchFiles(), settings.commitBatchBytes());
    intake = new FileIntake(root, names, start.security(), settings.deltaThreshold());
    boolean trigger = start.options().trigger() != null;
    staging = new Staging(root, names, openFiles, batcher, start.security(), tally, trigger);
    finish = new SessionFinish(root, start.options(), start.security(), purges, tally, OpenFiles::scan);
    ListingJudge judge = start.options().report()
        ? new ReportJudge(tally, purges)
        : new ApplyingJudge(tally, purges, root, start.security(), trigger, openFiles, intake, staging, finish);
    merge = new ListingMerge(walk, start.options(), this::destinationHash, this::sameFile, judge);
    judge.judging(merge);
  }

  static SessionParts open(SessionStart start, String sessionId, Receiver.Settings settings, Tally tally, Executor io)
      throws IOException {
    DestinationRoot root = start.root();
    ExcludeFilter excluded = ExcludeFilter.of(start.options().excludes());
    if (!start.options().report()) {
      Walk walk = PrefetchingWalk.open(root.path(), excluded, text -> tally.warning("", text), io);
      try {
        PurgeList purges = PurgeList.create(root.scratch().resolve("purge-" + sessionId));
        return new SessionParts(start, sessionId, settings, tally, walk, purges, null);
      } catch (IOException | RuntimeException e) {
        walk.close();
        throw e;
      }
    }
    Path emptyStandIn = root.exists() ? null : Files.createTempDirectory("setsync-report-");
    Walk walk = PrefetchingWalk.open(
        emptyStandIn == null ? root.path() : emptyStandIn, excluded, text -> tally.warning("", text), io);
    return new SessionParts(start, sessionId, settings, tally, walk,
        PurgeList.create(Files.createTempFile("setsync-purge-", "")), emptyStandIn);
  }

  /**
   * Finishes or rolls back what an interrupted sync left (its journaled batches), removes orphaned
   * scratch files and sweeps the open area; what was done, in words, or null when nothing was.
   */
  static String recover(DestinationRoot root, java.util.Map<Long, java.util.List<Replacement>> batches)
      throws IOException {
    DestinationRoot.RecoveryReport report = root.recover(batches);
    report = report.withOrphans(root.removeOrphans());
    root.sweepOpenArea(OpenFiles::scan);
    if (!report.anything()) return null;
    return "recovered an interrupted sync: " + report.finished() + " replacement(s) finished, "
        + report.rolledBack() + " rolled back, " + report.orphansRemoved() + " scratch file(s) removed";
  }

  private String destinationHash(FileEntry existing) {
    try {
      return ContentHash.of(root.resolve(existing.path()));
    } catch (IOException e) {
      return null; // unreadable: treated as different, so it is replaced
    }
  }

  /** Whether two destination names are one file (hard links of each other). */
  private boolean sameFile(String a, String b) {
    try {
      return OpenFiles.FileKey.of(root.resolve(a)).equals(OpenFiles.FileKey.of(root.resolve(b)));
    } catch (IOException e) {
      return false; // unreadable: linked again
    }
  }

  /**
   * A listing or data frame: judged, or its bytes taken in. What it starts (needs to send, old
   * copies to sign, small files to write, a lane to read) the receiver takes from {@link #intake}.
   */
  void handle(Frame frame, boolean laneOffered) throws IOException {
    if (frame instanceof Frame.Entries entries) listed(entries);
    else if (frame == Frame.ListingEnd.INSTANCE) listingEnded();
    else if (frame instanceof Frame.FileWhole whole) intake.whole(whole);
    else if (frame instanceof Frame.FileBegin begin) intake.begin(begin);
    else if (frame instanceof Frame.FileOnLane onLane) intake.beginOnLane(onLane, laneOffered);
    else if (frame instanceof Frame.FileData data) intake.data(data);
    else if (frame instanceof Frame.FileCopy copy) intake.copy(copy);
    else if (frame instanceof Frame.FileEnd end) staging.settle(intake.end(end));
    else if (frame instanceof Frame.FileUnavailable gone) staging.unavailable(intake.unavailable(gone), gone.reason());
    else throw Inbox.unexpected(frame);
  }

  private void listed(Frame.Entries entries) {
    if (listingEnded) throw new ProtocolException("listing entries after the end of the listing");
    for (FileEntry entry : entries.entries()) {
      // The root's own entry is no name of the set: it counts neither as scanned nor against the
      // empty-source guard.
      if (merge.accept(entry)) tally.listed();
    }
  }

  private void listingEnded() throws IOException {
    if (listingEnded) throw new ProtocolException("listing ended twice");
    merge.finish();
    walk.close();
    listingEnded = true;
  }

  /** NeedsEnd goes out once: when the listing has ended and no old copy is still being signed. */
  boolean needsEndDue() {
    if (!listingEnded || intake.signing() || needsEndSent) return false;
    needsEndSent = true;
    return true;
  }

  /** The source says it sent every file. */
  void dataEnded() {
    if (!listingEnded) throw new ProtocolException("data ended before the listing");
    intake.dataEnd();
  }

  /** Whatever was not journaled is scratch; the next session removes it, but tidy up now. */
  void cleanUp() {
    intake.discard();
    walk.close();
    for (CommitBatcher.Staged s : batcher.staged()) deleteQuietly(root.resolve(s.replacement().temp()));
    purges.delete();
    if (emptyStandIn != null) deleteQuietly(emptyStandIn);
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // left for the next session's orphan sweep (or, for REPORT, an empty folder in the temp area)
    }
  }
}
