package io.setsync.destination;

import static org.junit.Assert.assertEquals;

import akka.util.ByteString;
import io.setsync.fs.FileEntry;
import io.setsync.node.SetSyncNode;
import io.setsync.transfer.Frame;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * However a session ends, its receiver leaves nothing in the root's scratch area: small files
 * whose group write is still running when the source goes away are removed once it ends.
 */
public class ReceiverScratchTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private SetSyncNode node;
  private Path dest;

  @Before
  public void startNode() throws Exception {
    node = ReceiverNode.start(tmp.newFolder("home").toPath());
    dest = tmp.newFolder("dest").toPath();
  }

  @After
  public void stopNode() {
    if (node != null) node.close();
  }

  @Test
  public void aSourceThatVanishesDuringSmallFileWritesLeavesNoTemps() throws Exception {
    int files = 3000;
    byte[] content = new byte[4096];
    try (RawSource s = new RawSource(node)) {
      s.open(dest.toString(), "");
      List<FileEntry> entries = new ArrayList<>();
      for (int i = 0; i < files; i++) entries.add(RawSource.file(String.format("f%04d", i), content.length));
      for (int i = 0; i < files; i += 500) {
        s.send(new Frame.Entries(entries.subList(i, Math.min(files, i + 500))));
      }
      s.send(Frame.ListingEnd.INSTANCE);
      List<Frame.Need> needs = s.readNeeds(new ArrayList<>());
      assertEquals(files, needs.size());
      for (Frame.Need need : needs) {
        s.send(new Frame.FileWhole(need.id(), RawSource.MTIME, RawSource.crc32c(content), ByteString.fromArray(content)));
      }
    } // gone without DataEnd, while the receiver still writes
    ReceiverNode.awaitSessionsOver(node, dest);
    try (Stream<Path> scratch = Files.list(dest.resolve(".setsync"))) {
      assertEquals(List.of(), scratch.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }
}
