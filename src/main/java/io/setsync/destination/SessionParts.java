package io.setsync.destination;

import io.setsync.fs.ExcludeFilter;
import io.setsync.fs.FileEntry;
import io.setsync.fs.OpenFiles;
import io.setsync.fs.PrefetchingWalk;
import io.setsync.fs.Walk;
import io.setsync.sync.ContentHash;
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

  private SessionParts(SessionStart start, String sessionId, Receiver.Settings settings, Tally tally,
      Walk walk, PurgeList purges, Path emptyStandIn) {
    this.root = start.root();
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
