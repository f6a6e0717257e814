package io.setsync.destination;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import akka.util.ByteString;
import io.setsync.fs.EntryType;
import io.setsync.fs.FileEntry;
import io.setsync.transfer.Frame;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class BatchFlushTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final long MTIME = 1_600_000_000_123_456_789L;

  /**
   * Where the JVM runs as the launcher and the tests run it (Linux, the add-opens), the batch
   * flush is what is used: a silent fall-back to one fsync per file would cost the disk-small time.
   */
  @Test
  public void onLinuxTheScratchAreaGetsABatchFlush() throws Exception {
    assumeTrue(System.getProperty("os.name").equals("Linux"));
    DestinationRoot root = DestinationRoot.open(tmp.newFolder("dest").toPath());
    try (BatchFlush flush = BatchFlush.open(root.scratch())) {
      assertNotNull(flush);
      flush.flush();
      flush.flush();
    }
  }

  /** Temps written for a batch flush are complete, with their mode and mtime, before any flush. */
  @Test
  public void wholeFilesWrittenForABatchFlushAreCompleteTemps() throws Exception {
    DestinationRoot root = DestinationRoot.open(tmp.newFolder("dest").toPath());
    FileIntake intake = new FileIntake(root, new ScratchNames(root, "s1"), FileSecurity.DEFAULT, 1000, false);
    byte[] bytes = "batched".getBytes(StandardCharsets.UTF_8);
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    intake.ask(new FileEntry("a", EntryType.FILE, bytes.length, MTIME, 0640, null, null), null, null);
    intake.whole(new Frame.FileWhole(1, MTIME, crc.getValue(), ByteString.fromArray(bytes)));
    WholeFileGroup group = intake.takeGroup();
    List<FileIntake.Outcome> outcomes = intake.written(group, group.write());
    FileIntake.Written written = (FileIntake.Written) outcomes.get(0);
    Path temp = root.resolve(written.temp());
    assertArrayEquals(bytes, Files.readAllBytes(temp));
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(temp)));
    assertEquals(MTIME, Files.getLastModifiedTime(temp).to(TimeUnit.NANOSECONDS));
    assertTrue(temp.startsWith(root.scratch()));
  }
}
