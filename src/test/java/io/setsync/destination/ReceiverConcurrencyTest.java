package io.setsync.destination;


import static io.setsync.destination.RawSource.assertAbortMentions;
import static io.setsync.destination.RawSource.file;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.setsync.node.SetSyncNode;
import io.setsync.sync.SyncStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import io.setsync.transfer.Frame;
import io.setsync.transfer.SourceSession;

/**
 * One session at a time per destination root: while a (deliberately slow) raw-socket session
 * holds a root after Ready, a second session to that root is refused as busy, and a session to
 * another root proceeds. Once the first ends, the root is free again.
 */
public class ReceiverConcurrencyTest {

  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  private static SetSyncNode node;
  private static Path base;
  private static Path source;

  @BeforeClass
  public static void startNode() throws Exception {
    base = TMP.getRoot().toPath().toRealPath();
    source = ReceiverNode.sourceTree(base.resolve("source"));
    node = ReceiverNode.start(Files.createDirectories(base.resolve("home")));
  }

  @AfterClass
  public static void stopNode() {
    if (node != null) node.close();
  }

  @Test
  public void secondSessionToABusyRootIsRefusedWhileAnotherRootProceeds() throws Exception {
    Path busy = Files.createDirectories(base.resolve("busy-dest"));
    Path other = Files.createDirectories(base.resolve("other-dest"));
    try (RawSource holder = new RawSource(node)) {
      assertNotNull(holder.open(busy.toString(), ""));

      // A raw second session to the same root: refused, named, closed.
      try (RawSource second = new RawSource(node)) {
        second.hello(busy.toString(), "");
        Frame first = second.read();
        assertTrue("expected an Abort, got " + first, first instanceof Frame.Abort);
        assertAbortMentions((Frame.Abort) first, busy.toString(), "busy");
        second.expectClosed();
      }

      // The same root spelled with "sub/.." is the same root.
      try (RawSource third = new RawSource(node)) {
        third.hello(busy + "/sub/..", "");
        Frame first = third.read();
        assertTrue("expected an Abort, got " + first, first instanceof Frame.Abort);
        assertAbortMentions((Frame.Abort) first, "busy");
        third.expectClosed();
      }

      // A real source session to the same root: fails with the receiver's reason.
      SourceSession.Outcome refused = ReceiverNode.synchronize(node, source, busy);
      assertNotNull("a session to a busy root must fail", refused.failure());
      assertTrue(refused.failure(), refused.failure().contains("busy"));
      assertEquals(SyncStatus.ERRORS, refused.status());
      assertTrue(Files.notExists(busy.resolve("hello.txt")));

      // Another root is not held up.
      ReceiverNode.assertGoodSession(node, source, other);

      // The holder is still served normally after all that.
      holder.entries(file("held.txt", 5));
      holder.send(Frame.ListingEnd.INSTANCE);
      List<Frame> seen = new ArrayList<>();
      List<Frame.Need> needs = holder.readNeeds(seen);
      assertEquals(1, needs.size());
      holder.sendFile(needs.get(0).id(), "held!");
      holder.send(Frame.DataEnd.INSTANCE);
      Frame.Done done = holder.readUntil(Frame.Done.class, seen);
      assertEquals("errors in " + seen, 0, done.counts().errors());
      holder.expectClosed();
    }
    assertEquals("held!", Files.readString(busy.resolve("held.txt")));

    // The holder has gone: the root is free for the next session.
    ReceiverNode.assertGoodSession(node, source, busy);
  }

  @Test
  public void rootReachedThroughASymlinkIsTheSameBusyRoot() throws Exception {
    Path real = Files.createDirectories(base.resolve("aliased-dest"));
    Path alias = Files.createSymbolicLink(base.resolve("alias-dest"), real);
    String aliasAnswer;
    Frame last = null;
    List<Frame> seen = new ArrayList<>();
    try (RawSource holder = new RawSource(node)) {
      String sessionId = holder.open(real.toString(), "");
      holder.entries(file("held.txt", 5));
      holder.send(Frame.ListingEnd.INSTANCE);
      List<Frame.Need> needs = holder.readNeeds(seen);
      int id = needs.get(0).id();
      byte[] bytes = ReceiverNode.utf8("held!");
      holder.send(new Frame.FileBegin(id, bytes.length, RawSource.MTIME));
      holder.send(new Frame.FileData(akka.util.ByteString.fromArray(bytes, 0, 2)));
      ReceiverNode.awaitFileNamed(real.resolve(".setsync"), "T" + sessionId + "-"); // the file is on its way

      try (RawSource second = new RawSource(node)) {
        second.hello(alias.toString(), "");
        Frame answer = second.read();
        aliasAnswer = String.valueOf(answer);
      }

      holder.send(new Frame.FileData(akka.util.ByteString.fromArray(bytes, 2, bytes.length - 2)));
      holder.send(new Frame.FileEnd(id, RawSource.crc32c(bytes)));
      holder.send(Frame.DataEnd.INSTANCE);
      for (Frame f = holder.read(); f != null; f = holder.read()) {
        seen.add(f);
        last = f;
        if (f instanceof Frame.Done || f instanceof Frame.Abort) break;
      }
    }
    String facts = "alias session got " + aliasAnswer + "; holder saw " + seen;
    assertTrue(facts, aliasAnswer.contains("Abort") && aliasAnswer.contains("busy"));
    assertTrue(facts, last instanceof Frame.Done d && d.counts().errors() == 0);
    assertEquals("held!", Files.readString(real.resolve("held.txt")));
  }

  @Test
  public void twoRealSessionsToOneRootNeverBothWrite() throws Exception {
    // Without a holder the sessions may or may not overlap; either both succeed one after the
    // other, or one is refused as busy. Never anything else.
    Path dest = Files.createDirectories(base.resolve("race-dest"));
    var a = node.synchronize(request(dest), new ReceiverNode.Recorder()).toCompletableFuture();
    var b = node.synchronize(request(dest), new ReceiverNode.Recorder()).toCompletableFuture();
    int ok = 0;
    for (SourceSession.Outcome o : List.of(a.get(60, java.util.concurrent.TimeUnit.SECONDS),
        b.get(60, java.util.concurrent.TimeUnit.SECONDS))) {
      if (o.failure() == null) {
        assertEquals(o.toString(), SyncStatus.OK, o.status());
        ok++;
      } else {
        assertTrue(o.failure(), o.failure().contains("busy"));
      }
    }
    assertTrue("at least one session must succeed", ok >= 1);
    assertEquals("hello from the source\n", Files.readString(dest.resolve("hello.txt")));
    try (var scratch = Files.list(dest.resolve(".setsync"))) {
      assertNull(scratch.findAny().orElse(null));
    }
  }

  private static SourceSession.Request request(Path dest) {
    var at = node.endpoint();
    return new SourceSession.Request(
        source, at.getHostString(), at.getPort(), dest.toString(), io.setsync.options.SyncOptions.DEFAULTS);
  }
}
