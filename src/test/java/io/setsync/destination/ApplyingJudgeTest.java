package io.setsync.destination;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.setsync.fs.EntryType;
import io.setsync.fs.FileEntry;
import io.setsync.fs.OpenFiles;
import io.setsync.sync.SyncCounts;
import io.setsync.transfer.Frame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** A real sync's verdicts: files asked for, directories and links made, conflicts said. */
public class ApplyingJudgeTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final long MTIME = 1_600_000_000_000_000_000L;
  private final List<Frame.Notice> notices = new ArrayList<>();
  private final Tally tally = new Tally(notices::add);
  private DestinationRoot root;
  private FileIntake intake;
  private CommitBatcher batcher;
  private Staging staging;
  private ApplyingJudge judge;

  @Before
  public void open() throws IOException {
    root = DestinationRoot.open(tmp.newFolder("dest").toPath());
    ScratchNames names = new ScratchNames(root, "s1");
    OpenFilePolicy openFiles = new OpenFilePolicy(root, false, OpenFiles::scan);
    batcher = new CommitBatcher(100, 1 << 20);
    intake = new FileIntake(root, names, FileSecurity.DEFAULT, 1 << 20);
    staging = new Staging(root, names, openFiles, batcher, FileSecurity.DEFAULT, tally, false);
    PurgeList purges = PurgeList.create(root.scratch().resolve("purge-test"));
    SessionFinish finish = new SessionFinish(root, io.setsync.options.SyncOptions.DEFAULTS, FileSecurity.DEFAULT,
        purges, tally, OpenFiles::scan);
    judge = new ApplyingJudge(tally, purges, root, FileSecurity.DEFAULT, false, openFiles, intake, staging, finish);
    judge.judging(new ListingMerge(new io.setsync.fs.Walk() {
      @Override public boolean hasNext() {
        return false;
      }

      @Override public FileEntry next() {
        throw new java.util.NoSuchElementException();
      }

      @Override public void skipChildren() {}

      @Override public Object fileKey() {
        return null;
      }

      @Override public void close() {}
    }, io.setsync.options.SyncOptions.DEFAULTS, e -> null, (a, b) -> false, judge));
  }

  @Test
  public void aFileIsAskedForAndCountsNothingYet() {
    judge.copy(new FileEntry("a", EntryType.FILE, 5, MTIME, 0644, null, null), null);
    assertEquals(List.of(new Frame.Need(1, "a")), intake.takeNeeds());
    assertEquals(SyncCounts.ZERO, tally.counts());
  }

  @Test
  public void aDirectoryIsMadeAtOnceAndCounted() {
    judge.makeDirectory(new FileEntry("d", EntryType.DIRECTORY, 0, MTIME, 0755, null, null), null);
    assertTrue(Files.isDirectory(root.resolve("d"), LinkOption.NOFOLLOW_LINKS));
    assertEquals(1, tally.counts().copied());
  }

  @Test
  public void aSymlinkIsStagedAndCountedOnceReplaced() throws IOException {
    judge.copy(new FileEntry("l", EntryType.SYMLINK, 0, MTIME, 0777, "target", null), null);
    assertEquals(0, tally.counts().copied());
    CommitBatcher.Batch batch = batcher.begin();
    BatchCommit.begun(root, staging, batch, null);
    assertEquals("target", Files.readSymbolicLink(root.resolve("l")).toString());
    assertEquals(1, tally.counts().copied());
  }

  @Test
  public void aConflictIsSkippedWithAWarning() {
    judge.conflict(new FileEntry("x", EntryType.FILE, 1, MTIME, 0644, null, null),
        new FileEntry("x", EntryType.DIRECTORY, 0, MTIME, 0755, null, null));
    assertEquals(new SyncCounts(0, 0, 0, 0, 1, 0, 0), tally.counts());
    assertEquals(List.of(new Frame.Notice(Frame.NoticeKind.WARNING, "x",
        "not replaced: the source has a file where the destination has a directory")), notices);
  }
}
