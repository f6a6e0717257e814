package io.setsync.destination;

import static io.setsync.destination.RawSource.file;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import akka.util.ByteString;
import io.setsync.node.SetSyncNode;
import io.setsync.sync.SyncCounts;
import io.setsync.transfer.Frame;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The counts a receiver reports are settled by each file's outcome: a file is copied or failed, never both. */
public class ReceiverCountsTest {

  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  private static SetSyncNode node;
  private static Path base;

  @BeforeClass
  public static void startNode() throws Exception {
    base = TMP.getRoot().toPath().toRealPath();
    node = ReceiverNode.start(Files.createDirectories(base.resolve("home")));
  }

  @AfterClass
  public static void stopNode() {
    if (node != null) node.close();
  }

  @Test
  public void aChunkedFileThatFailsItsChecksumIsAnErrorNotACopy() throws Exception {
    Path dest = Files.createDirectories(base.resolve("chunked"));
    List<Frame> seen = new ArrayList<>();
    SyncCounts counts;
    try (RawSource s = new RawSource(node)) {
      s.open(dest.toString(), "");
      s.entries(file("bad.txt", 5), file("good.txt", 4));
      s.send(Frame.ListingEnd.INSTANCE);
      List<Frame.Need> needs = s.readNeeds(seen);
      assertEquals(2, needs.size());
      byte[] bytes = ReceiverNode.utf8("hello");
      s.send(new Frame.FileBegin(needs.get(0).id(), bytes.length, RawSource.MTIME));
      s.send(new Frame.FileData(ByteString.fromArray(bytes)));
      s.send(new Frame.FileEnd(needs.get(0).id(), RawSource.crc32c(bytes) ^ 1));
      s.sendFile(needs.get(1).id(), "good");
      s.send(Frame.DataEnd.INSTANCE);
      counts = s.readUntil(Frame.Done.class, seen).counts();
    }
    assertEquals("copied in " + seen, 1, counts.copied());
    assertEquals("errors in " + seen, 1, counts.errors());
    assertEquals("bytes in " + seen, 4, counts.bytes());
    assertTrue(Files.notExists(dest.resolve("bad.txt")));
  }

  @Test
  public void aWholeFileThatFailsItsChecksumIsAnErrorNotACopy() throws Exception {
    Path dest = Files.createDirectories(base.resolve("whole"));
    List<Frame> seen = new ArrayList<>();
    SyncCounts counts;
    try (RawSource s = new RawSource(node)) {
      s.open(dest.toString(), "");
      s.entries(file("bad.txt", 5));
      s.send(Frame.ListingEnd.INSTANCE);
      int id = s.readNeeds(seen).get(0).id();
      byte[] bytes = ReceiverNode.utf8("hello");
      s.send(new Frame.FileWhole(id, RawSource.MTIME, RawSource.crc32c(bytes) ^ 1, ByteString.fromArray(bytes)));
      s.send(Frame.DataEnd.INSTANCE);
      counts = s.readUntil(Frame.Done.class, seen).counts();
    }
    assertEquals("copied in " + seen, 0, counts.copied());
    assertEquals("errors in " + seen, 1, counts.errors());
    assertTrue(Files.notExists(dest.resolve("bad.txt")));
  }
}
