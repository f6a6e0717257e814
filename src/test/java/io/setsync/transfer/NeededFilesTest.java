package io.setsync.transfer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.setsync.fs.OpenFiles;
import io.setsync.options.SyncOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Opening needed files by the source's policies, and the open-file policy itself. */
public class NeededFilesTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final OpenFiles.Usage WRITING =
      new OpenFiles.Usage(true, List.of(new OpenFiles.Holder(42, "app", OpenFiles.Access.WRITE)));
  private static final OpenFiles.Usage READING =
      new OpenFiles.Usage(true, List.of(new OpenFiles.Holder(43, "cat", OpenFiles.Access.READ)));

  @Test
  public void aFileOpenForWritingWaitsForOpenUpdate() {
    assertNull(NeededFiles.refusal(OpenFiles.Usage.CLOSED, null, Duration.ZERO));
    assertNull("only writers count", NeededFiles.refusal(READING, null, Duration.ZERO));
    assertEquals("open for writing by app[42] write (OPENUPDATE or UNPROTECTED would copy it)",
        NeededFiles.refusal(WRITING, null, Duration.ofDays(1)));
    assertEquals("open for writing by app[42] write and changed 10 s ago, within OPENUPDATE's quiet window of 60 s",
        NeededFiles.refusal(WRITING, Duration.ofSeconds(60), Duration.ofSeconds(10)));
    assertNull("quiet long enough", NeededFiles.refusal(WRITING, Duration.ofSeconds(60), Duration.ofSeconds(60)));
  }

  @Test
  public void smallFilesComeBackReadLargerOnesOpen() throws Exception {
    Path root = tmp.newFolder("src").toPath();
    Files.write(root.resolve("small"), new byte[10]);
    Files.write(root.resolve("large"), new byte[100]);
    Files.createDirectory(root.resolve("dir"));
    NeededFiles files = new NeededFiles(root, SyncOptions.DEFAULTS, 50);
    List<NeededFiles.Opened> opened = files.openAll(List.of(
        new Frame.Need(1, "small"), new Frame.Need(2, "large"), new Frame.Need(3, "dir"),
        new Frame.Need(4, "../outside"), new Frame.Need(5, "gone")), null);
    assertTrue(opened.get(0).frame() instanceof Frame.FileWhole);
    assertNull(opened.get(0).large());
    assertNotNull(opened.get(1).large());
    assertEquals(100, opened.get(1).large().size());
    opened.get(1).large().close();
    for (int i = 2; i < 5; i++) {
      Frame.FileUnavailable no = (Frame.FileUnavailable) opened.get(i).frame();
      assertEquals(i + 1, no.id());
      assertTrue(no.reason(), no.reason().startsWith("cannot read: "));
    }
  }

  @Test
  public void aDeltaFileIsOpenedAsADelta() throws Exception {
    Path root = tmp.newFolder("src").toPath();
    Files.write(root.resolve("f"), new byte[100]);
    NeededFiles files = new NeededFiles(root, SyncOptions.DEFAULTS, 50);
    io.setsync.delta.BlockSignatures none = new io.setsync.delta.BlockSignatures(64, 0, new int[0], new long[0]);
    NeededFiles.Opened opened = files.openForDelta(new Frame.NeedDelta(9, "f", none), null);
    try (OutgoingFile file = opened.large()) {
      assertEquals(new Frame.FileBegin(9, 100, Files.getLastModifiedTime(root.resolve("f")).to(
          java.util.concurrent.TimeUnit.NANOSECONDS)), file.begin());
      assertTrue("against no old blocks: literal bytes", file.next().frame() instanceof Frame.FileData);
    }
    assertTrue(files.openForDelta(new Frame.NeedDelta(10, "missing", none), null).frame()
        instanceof Frame.FileUnavailable);
  }
}
