package io.setsync.destination;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import akka.util.ByteString;
import io.setsync.delta.BlockSignatures;
import io.setsync.fs.EntryType;
import io.setsync.fs.FileEntry;
import io.setsync.transfer.Frame;
import io.setsync.transfer.ProtocolException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.zip.CRC32C;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class FileIntakeTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final long MTIME = 1_600_000_000_000_000_000L;
  private DestinationRoot root;
  private FileIntake intake;

  @Before
  public void open() throws IOException {
    root = DestinationRoot.open(tmp.newFolder("dest").toPath());
    intake = new FileIntake(root, new ScratchNames(root, "s1"), FileSecurity.DEFAULT, 1000);
  }

  private static FileEntry file(String path, long size) {
    return new FileEntry(path, EntryType.FILE, size, MTIME, 0644, null, null);
  }

  private static long crc(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return crc.getValue();
  }

  @Test
  public void smallFilesAreAskedForWholeAndLargeOldCopiesSignedFirst() {
    intake.ask(file("new", 5), null, null);
    intake.ask(file("big", 5000), file("big", 4000), null);
    assertEquals(List.of(new Frame.Need(1, "new")), intake.takeNeeds());
    assertEquals(List.of(), intake.takeNeeds());
    List<FileIntake.ToSign> signings = intake.takeSignings();
    assertEquals(1, signings.size());
    assertEquals(2, signings.get(0).id());
    assertTrue(intake.signing());
  }

  @Test
  public void anOldCopyThatCannotBeSignedIsSaidAndTheWholeFileAskedFor() {
    intake.ask(file("big", 5000), file("big", 4000), null);
    FileIntake.ToSign old = intake.takeSignings().get(0);
    Throwable failure = new java.util.concurrent.CompletionException(
        new java.io.UncheckedIOException(new NoSuchFileException(old.old().toString())));
    FileIntake.SignedAsk ask = intake.signed(old.id(), null, failure);
    assertEquals(new Frame.Needs(List.of(new Frame.Need(old.id(), "big"))), ask.ask());
    assertEquals("big", ask.path());
    assertTrue("warning: " + ask.warning(), ask.warning() != null
        && ask.warning().contains("old copy") && ask.warning().contains("no such file"));
    assertTrue(!intake.signing());
  }

  @Test
  public void signingAShortenedOldCopyFailsWithItsReason() throws Exception {
    Path old = Files.write(root.resolve("old"), new byte[100]);
    try {
      OldCopySigner.sign(new FileIntake.ToSign(1, old, 5000), Runnable::run).get();
      fail("a file shorter than its listed size cannot be signed");
    } catch (ExecutionException e) {
      assertTrue(e.getCause().toString(), e.getCause() instanceof java.io.IOException);
    }
  }

  @Test
  public void aSignedOldCopyIsAskedForAsADelta() throws Exception {
    intake.ask(file("big", 5000), file("big", 4000), null);
    FileIntake.ToSign old = intake.takeSignings().get(0);
    Files.write(old.old(), new byte[4000]);
    BlockSignatures signatures = OldCopySigner.sign(old, Runnable::run).get();
    FileIntake.SignedAsk ask = intake.signed(old.id(), signatures, null);
    assertTrue(ask.ask() instanceof Frame.NeedDelta);
    assertNull(ask.warning());
  }

  /** A delta's old copy stays open past its end, so that its replacement does not free it inline. */
  @Test
  public void aDeltaKeepsItsOldCopyOpenUntilTakenAndTheSessionsEndClosesTheRest() throws Exception {
    byte[] content = new byte[4096];
    new java.util.Random(3).nextBytes(content);
    for (String name : List.of("a", "b")) {
      Files.write(root.resolve(name), content);
      intake.ask(file(name, 4096), file(name, 4096), null);
    }
    List<FileIntake.ToSign> olds = intake.takeSignings();
    List<java.nio.channels.FileChannel> retired = new java.util.ArrayList<>();
    for (FileIntake.ToSign old : olds) {
      intake.signed(old.id(), OldCopySigner.sign(old, Runnable::run).get(), null);
      intake.begin(new Frame.FileBegin(old.id(), 4096, MTIME));
      intake.copy(new Frame.FileCopy(0, (int) BlockSignatures.blockCount(4096, BlockSignatures.blockSizeFor(4096))));
      FileIntake.Outcome outcome = intake.end(new Frame.FileEnd(old.id(), crc(content)));
      assertTrue(outcome.toString(), outcome instanceof FileIntake.Written);
      assertTrue(Files.readAllBytes(root.resolve(((FileIntake.Written) outcome).temp())).length == 4096);
      if (retired.isEmpty()) {
        retired.addAll(intake.takeRetired());
        assertEquals(1, retired.size());
        assertTrue("open until closed by whoever took it", retired.get(0).isOpen());
        assertEquals(List.of(), intake.takeRetired());
      }
    }
    retired.get(0).close();
    intake.discard();
    assertEquals("the session's end closed (and forgot) the second", List.of(), intake.takeRetired());
  }

  /** A delta that fails its checksum keeps nothing open: its old copy is not being replaced. */
  @Test
  public void aFailedDeltaClosesItsOldCopyAtOnce() throws Exception {
    byte[] content = new byte[4096];
    new java.util.Random(4).nextBytes(content);
    Path a = root.resolve("a");
    Files.write(a, content);
    intake.ask(file("a", 4096), file("a", 4096), null);
    FileIntake.ToSign old = intake.takeSignings().get(0);
    intake.signed(old.id(), OldCopySigner.sign(old, Runnable::run).get(), null);
    intake.begin(new Frame.FileBegin(old.id(), 4096, MTIME));
    assertEquals("the old copy is open while the delta is applied", 1, descriptorsOn(a));
    intake.copy(new Frame.FileCopy(0, (int) BlockSignatures.blockCount(4096, BlockSignatures.blockSizeFor(4096))));
    FileIntake.Outcome outcome = intake.end(new Frame.FileEnd(old.id(), crc(content) ^ 1));
    assertEquals(new FileIntake.Failed(outcome.need(), FileIntake.CHECKSUM_MISMATCH), outcome);
    assertEquals(List.of(), intake.takeRetired());
    assertEquals(0, descriptorsOn(a));
  }

  /** How many of this process's descriptors are open on {@code file} (Linux's /proc). */
  private static long descriptorsOn(Path file) throws IOException {
    Path real = file.toRealPath();
    try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).equals(real);
        } catch (IOException gone) {
          return false; // the listing's own descriptor, closed by now
        }
      }).count();
    }
  }

  @Test
  public void aChunkedFileIsWrittenIntoATempOrFailsItsChecksum() throws Exception {
    intake.ask(file("a", 5), null, null);
    intake.ask(file("b", 5), null, null);
    byte[] bytes = "hello".getBytes(StandardCharsets.UTF_8);
    intake.begin(new Frame.FileBegin(1, 5, MTIME));
    intake.data(new Frame.FileData(ByteString.fromArray(bytes)));
    FileIntake.Outcome a = intake.end(new Frame.FileEnd(1, crc(bytes)));
    assertTrue(a instanceof FileIntake.Written);
    FileIntake.Written written = (FileIntake.Written) a;
    assertEquals(5, written.bytes());
    assertEquals("hello", Files.readString(root.resolve(written.temp())));

    intake.begin(new Frame.FileBegin(2, 5, MTIME));
    intake.data(new Frame.FileData(ByteString.fromArray(bytes)));
    FileIntake.Outcome b = intake.end(new Frame.FileEnd(2, crc(bytes) ^ 1));
    assertEquals(new FileIntake.Failed(b.need(), FileIntake.CHECKSUM_MISMATCH), b);
  }

  @Test
  public void wholeFilesGoToAWriterInGroups() throws Exception {
    byte[] bytes = "abc".getBytes(StandardCharsets.UTF_8);
    for (int i = 1; i <= FileIntake.WHOLES_PER_TASK; i++) intake.ask(file("f" + i, 3), null, null);
    boolean full = false;
    for (int i = 1; i <= FileIntake.WHOLES_PER_TASK; i++) {
      full = intake.whole(new Frame.FileWhole(i, MTIME, i == 1 ? crc(bytes) ^ 1 : crc(bytes), ByteString.fromArray(bytes)));
    }
    assertTrue(full);
    WholeFileGroup group = intake.takeGroup();
    assertEquals(1, intake.writesInFlight());
    List<FileIntake.Outcome> outcomes = intake.written(group, group.write());
    assertEquals(0, intake.writesInFlight());
    assertTrue(outcomes.get(0) instanceof FileIntake.Failed);
    for (FileIntake.Outcome o : outcomes.subList(1, outcomes.size())) {
      // Written together and flushed at once: each temp has its bytes, mode and mtime all the same.
      Path temp = root.resolve(((FileIntake.Written) o).temp());
      assertEquals("abc", Files.readString(temp));
      assertEquals(0644, (int) Files.getAttribute(temp, "unix:mode") & 07777);
      assertEquals(MTIME, Files.getLastModifiedTime(temp).to(java.util.concurrent.TimeUnit.NANOSECONDS));
    }
    // The mismatched one left no temp behind: only the group's good files are in the scratch area.
    try (var listed = Files.list(root.resolve(group.writes().get(0).temp()).getParent())) {
      assertEquals(FileIntake.WHOLES_PER_TASK - 1, listed.filter(p -> group.writes().stream()
          .anyMatch(w -> w.path().equals(p))).count());
    }
    intake.dataEnd();
  }

  @Test
  public void framesThatBreakTheProtocolAreRefused() throws Exception {
    intake.ask(file("a", 5), null, null);
    expectRefused(() -> intake.begin(new Frame.FileBegin(9, 5, MTIME)), "file 9 was not asked for");
    expectRefused(() -> intake.data(new Frame.FileData(ByteString.emptyByteString())), "file data outside a file");
    expectRefused(() -> intake.dataEnd(), "1 needed file(s) never sent");
    expectRefused(() -> intake.beginOnLane(new Frame.FileOnLane(1, 5, MTIME), false), "lane that was not offered");
    intake.begin(new Frame.FileBegin(1, 5, MTIME));
    expectRefused(() -> intake.dataEnd(), "data ended inside file 1");
    assertEquals("a", intake.unavailable(new Frame.FileUnavailable(1, "gone")).path());
    intake.dataEnd();
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void expectRefused(Step step, String words) throws Exception {
    try {
      step.run();
      fail("expected a refusal naming \"" + words + "\"");
    } catch (ProtocolException e) {
      assertTrue(e.getMessage(), e.getMessage().contains(words));
    }
  }
}
