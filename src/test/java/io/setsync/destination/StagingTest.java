package io.setsync.destination;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.setsync.fs.EntryType;
import io.setsync.fs.FileEntry;
import io.setsync.fs.OpenFiles;
import io.setsync.sync.SyncCounts;
import io.setsync.transfer.Frame;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** New objects join the commit batch under temp names, and count as copied only once replaced. */
public class StagingTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final long MTIME = 1_600_000_000_000_000_000L;
  private final List<Frame.Notice> notices = new ArrayList<>();
  private final Tally tally = new Tally(notices::add);
  private DestinationRoot root;
  private ScratchNames names;
  private CommitBatcher batcher;
  private Staging staging;

  @Before
  public void open() throws IOException {
    root = DestinationRoot.open(tmp.newFolder("dest").toPath());
    names = new ScratchNames(root, "s1");
    batcher = new CommitBatcher(100, 1 << 20);
    // This process counts too: a file it holds open for writing is "open" for the policy.
    OpenFilePolicy openFiles = new OpenFilePolicy(root, false, () -> OpenFiles.scan(Paths.get("/proc"), -1));
    staging = new Staging(root, names, openFiles, batcher, FileSecurity.DEFAULT, tally, true);
  }

  private static FileEntry file(String path) {
    return new FileEntry(path, EntryType.FILE, 5, MTIME, 0644, null, null);
  }

  private String temp(String content) throws IOException {
    String temp = names.temp();
    Files.writeString(root.resolve(temp), content);
    return temp;
  }

  private FileIntake.Needed needed(String path, FileEntry existing) {
    return new FileIntake.Needed(file(path), existing, null, null);
  }

  @Test
  public void aWrittenFileCountsAsCopiedOnceReplaced() throws IOException {
    staging.settle(new FileIntake.Written(needed("a", null), temp("hello"), 5));
    assertEquals("nothing counted before the commit", SyncCounts.ZERO, tally.counts());
    CommitBatcher.Batch batch = batcher.begin();
    staging.replaced(batch, root.replace(batch.replacements(), staging::replaceFailed));
    assertEquals(new SyncCounts(0, 1, 5, 0, 0, 0, 0), tally.counts());
    assertEquals("hello", Files.readString(root.resolve("a")));
    assertEquals(List.of(new Frame.Notice(Frame.NoticeKind.COPIED, "a", "")), notices);
  }

  @Test
  public void aFailedFileIsAnErrorAndNeverACopy() {
    staging.settle(new FileIntake.Failed(needed("a", null), FileIntake.CHECKSUM_MISMATCH));
    assertTrue(batcher.isEmpty());
    assertEquals(new SyncCounts(0, 0, 0, 0, 0, 0, 1), tally.counts());
    assertEquals(List.of(new Frame.Notice(Frame.NoticeKind.ERROR, "a", "checksum mismatch in transfer; not replaced")),
        notices);
  }

  @Test
  public void aReplacementThatFailsIsAnErrorNotACopy() throws IOException {
    staging.settle(new FileIntake.Written(needed("a", null), temp("hello"), 5));
    CommitBatcher.Batch batch = batcher.begin();
    Replacement r = batch.replacements().get(0);
    staging.replaceFailed(r, new IOException("disk full"));
    staging.replaced(batch, List.of(r));
    assertEquals(new SyncCounts(0, 0, 0, 0, 0, 0, 1), tally.counts());
  }

  @Test
  public void aFileOpenForWritingIsNotReplacedAndItsTempGoes() throws IOException {
    Path old = Files.writeString(root.resolve("busy"), "old");
    String temp = temp("new");
    try (FileChannel writer = FileChannel.open(old, StandardOpenOption.WRITE)) {
      staging.settle(new FileIntake.Written(needed("busy", file("busy")), temp, 3));
    }
    assertTrue(batcher.isEmpty());
    assertFalse(Files.exists(root.resolve(temp)));
    assertEquals(new SyncCounts(0, 0, 0, 0, 1, 0, 0), tally.counts());
    assertTrue(notices.toString(), notices.get(0).text().startsWith("not replaced: open for writing by"));
  }

  @Test
  public void aHardLinkToAMissingFileIsAnError() {
    staging.hardLink(file("b"), null, "missing");
    assertTrue(batcher.isEmpty());
    assertEquals(1, tally.counts().errors());
    assertTrue(notices.get(0).text().startsWith("cannot create hard link"));
  }

  @Test
  public void aSourceThatCannotSendAFileSkipsIt() {
    staging.unavailable(needed("a", null), "vanished");
    assertEquals(new SyncCounts(0, 0, 0, 0, 1, 0, 0), tally.counts());
    assertEquals(List.of(new Frame.Notice(Frame.NoticeKind.WARNING, "a", "not copied: vanished")), notices);
  }
}
