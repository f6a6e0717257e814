package io.setsync.transfer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import akka.util.ByteString;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** One needed file read into frames: whole, in chunks, on the lane, and when it changes meanwhile. */
public class OutgoingFileTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final int CHUNK = 1000;

  private Path file(String name, byte[] content) throws Exception {
    Path path = tmp.getRoot().toPath().resolve(name);
    Files.write(path, content);
    Files.setLastModifiedTime(path, FileTime.fromMillis(1_600_000_000_000L));
    return path;
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  private static long crc(byte[] b) {
    CRC32C crc = new CRC32C();
    crc.update(b);
    return crc.getValue();
  }

  private OutgoingFile open(Path path, boolean unprotected) throws Exception {
    return OutgoingFile.open(7, tmp.getRoot().toPath(), path, CHUNK, unprotected);
  }

  @Test
  public void aSmallFileIsOneFrame() throws Exception {
    byte[] content = random(CHUNK);
    OutgoingFile.Read read = open(file("s", content), false).whole();
    Frame.FileWhole whole = (Frame.FileWhole) read.frame();
    assertEquals(7, whole.id());
    assertEquals(ByteString.fromArray(content), whole.bytes());
    assertEquals(crc(content), whole.crc32c());
    assertEquals(1_600_000_000_000_000_000L, whole.mtimeNanos());
    assertNull(read.notice());
  }

  @Test
  public void aLargerFileGoesInChunksThenItsEnd() throws Exception {
    byte[] content = random(2 * CHUNK + 1);
    try (OutgoingFile file = open(file("l", content), false)) {
      assertEquals(new Frame.FileBegin(7, content.length, 1_600_000_000_000_000_000L), file.begin());
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      long accounted = 0;
      OutgoingFile.Step step;
      while (!(step = file.next()).last()) {
        Frame.FileData data = (Frame.FileData) step.frame();
        assertTrue(data.bytes().length() <= CHUNK);
        got.write(data.bytes().toArray());
        accounted += step.contentBytes();
      }
      assertEquals(new Frame.FileEnd(7, crc(content)), step.frame());
      assertEquals(content.length, accounted + step.contentBytes());
      assertEquals(ByteString.fromArray(content), ByteString.fromArray(got.toByteArray()));
    }
  }

  @Test
  public void aFileChangedWhileReadIsUnavailable() throws Exception {
    Path path = file("c", random(2 * CHUNK));
    try (OutgoingFile file = open(path, false)) {
      file.begin();
      file.next();
      Files.setLastModifiedTime(path, FileTime.fromMillis(1_700_000_000_000L));
      OutgoingFile.Step step;
      while (!(step = file.next()).last()) {
        // the rest of its chunks
      }
      assertEquals(new Frame.FileUnavailable(7, "changed while being read; it is taken at the next sync"), step.frame());
    }
  }

  @Test
  public void unprotectedSendsAChangedFileWithAWarning() throws Exception {
    Path path = file("u", random(2 * CHUNK));
    try (OutgoingFile file = open(path, true)) {
      file.begin();
      OutgoingFile.Step step = file.next();
      Files.setLastModifiedTime(path, FileTime.fromMillis(1_700_000_000_000L));
      while (!(step = file.next()).last()) {
        // the rest of its chunks
      }
      assertTrue(step.frame() instanceof Frame.FileEnd);
      assertEquals("u", step.notice().path());
      assertEquals("changed while being copied; copied anyway (UNPROTECTED)", step.notice().text());
    }
    Path small = file("w", random(10));
    OutgoingFile whole = open(small, true);
    Files.write(small, random(20)); // grew: the announced ten bytes go
    OutgoingFile.Read read = whole.whole();
    assertEquals(10, ((Frame.FileWhole) read.frame()).bytes().length());
    assertEquals("w: changed while being copied; copied anyway (UNPROTECTED)", read.notice().text());
  }

  @Test
  public void onTheLaneOnlyItsEndGoesHereOnceTheBytesWent() throws Exception {
    byte[] content = random(3 * CHUNK);
    try (OutgoingFile file = open(file("lane", content), false)) {
      file.toLane();
      assertEquals(new Frame.FileOnLane(7, content.length, 1_600_000_000_000_000_000L), file.begin());
      OutgoingFile.Step waiting = file.next();
      assertNull("nothing while the lane sends", waiting.frame());
      assertEquals(false, waiting.last());
      file.laneDone(42, false);
      OutgoingFile.Step end = file.next();
      assertEquals(new Frame.FileEnd(7, 42), end.frame());
      assertEquals(content.length, end.contentBytes());
      assertTrue(end.last());
    }
    try (OutgoingFile file = open(file("shrank", content), false)) {
      file.toLane();
      file.begin();
      file.laneDone(42, true);
      assertTrue("a file that shrank on the lane is not kept", file.next().frame() instanceof Frame.FileUnavailable);
    }
  }
}
