package io.setsync.destination;


import static io.setsync.destination.RawSource.assertAbortMentions;
import static io.setsync.destination.RawSource.dir;
import static io.setsync.destination.RawSource.file;
import static io.setsync.destination.ReceiverNode.assertGoodSession;
import static io.setsync.destination.ReceiverNode.assertSameTree;
import static io.setsync.destination.ReceiverNode.snapshot;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import akka.util.ByteString;
import io.setsync.fs.FileEntry;
import io.setsync.node.SetSyncNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.TestName;
import io.setsync.transfer.ContentLanes;
import io.setsync.transfer.Frame;
import io.setsync.transfer.FrameCodec;

/**
 * A hostile or broken source, played by a raw socket against a real node. Every attack must end
 * with an Abort that names the problem and a closed connection, must write nothing outside the
 * destination root (a sibling canary directory stays as it was) and nothing at the refused name
 * inside it, and must leave the root usable: a normal session right after succeeds with status OK
 * and an empty scratch area.
 */
public class ReceiverAttackTest {

  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  @Rule public final TestName testName = new TestName();

  private static SetSyncNode node;
  private static Path base;
  private static Path home;
  private static Path source;

  private Path dest;
  private Path outside;

  @BeforeClass
  public static void startNode() throws Exception {
    base = TMP.getRoot().toPath().toRealPath();
    home = Files.createDirectories(base.resolve("home"));
    source = ReceiverNode.sourceTree(base.resolve("source"));
    node = ReceiverNode.start(home);
  }

  @AfterClass
  public static void stopNode() {
    if (node != null) node.close();
  }

  @Before
  public void layout() throws IOException {
    Path work = Files.createDirectories(base.resolve("case-" + testName.getMethodName()));
    dest = Files.createDirectories(work.resolve("dest"));
    outside = Files.createDirectories(work.resolve("outside"));
    Files.writeString(outside.resolve("canary.txt"), "canary\n");
    Files.createDirectories(outside.resolve("inner"));
    Files.writeString(outside.resolve("inner/secret.txt"), "secret\n");
  }

  /**
   * Everything the test may look at, without the node's home and the root's scratch area, once
   * every session to the root has ended (an aborted receiver cleans up its scratch files as it
   * stops).
   */
  private Map<String, String> world() throws Exception {
    ReceiverNode.awaitSessionsOver(node, dest);
    return snapshot(base, home, dest.resolve(".setsync"));
  }

  private RawSource connect() throws IOException {
    return new RawSource(node);
  }

  /** Opens a session, sends the entries in one frame, expects an Abort naming the problem. */
  private void refusedListing(List<String> expected, FileEntry... entries) throws Exception {
    refusedListing(expected, Set.of(), entries);
  }

  /**
   * As above; {@code listedDirectories} are directories the listing named (validly) before the
   * refused entry. The receiver creates directories as it judges the listing, so those may
   * appear; nothing else may.
   */
  private void refusedListing(List<String> expected, Set<String> listedDirectories, FileEntry... entries)
      throws Exception {
    Set<String> allowed = new HashSet<>();
    for (String d : listedDirectories) allowed.add(base.relativize(dest.resolve(d)).toString());
    Map<String, String> before = world();
    try (RawSource s = connect()) {
      s.open(dest.toString(), "");
      s.entries(entries);
      Frame.Abort abort = s.expectAbort();
      assertAbortMentions(abort, expected.toArray(String[]::new));
      s.expectClosed();
    }
    assertSameTree("nothing may change outside the scratch area", before, world(), allowed);
    assertGoodSession(node, source, dest);
  }

  // ---- names

  @Test
  public void dotDotNameIsRefused() throws Exception {
    refusedListing(List.of("unsafe name", "\"../escape\"", "'..'"), file("../escape", 5));
    assertFalse(Files.exists(dest.getParent().resolve("escape"), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  public void absoluteNameIsRefused() throws Exception {
    String absolute = outside.resolve("canary.txt").toString();
    refusedListing(List.of("unsafe name", absolute, "absolute path"), file(absolute, 5));
  }

  @Test
  public void dotDotInsideNameIsRefused() throws Exception {
    refusedListing(List.of("unsafe name", "\"a/../../x\"", "'..'"), Set.of("a"), dir("a"), file("a/../../x", 5));
  }

  @Test
  public void nulInNameIsRefused() throws Exception {
    refusedListing(List.of("unsafe name", "a\\x00b", "control character"), file("a\u0000b", 5));
  }

  @Test
  public void newlineInNameIsRefused() throws Exception {
    refusedListing(List.of("unsafe name", "new\\x0aline", "control character"), file("new\nline", 5));
  }

  @Test
  public void reservedNameIsRefused() throws Exception {
    refusedListing(List.of("refused", "\".setsync/x\"", "reserved"), file(".setsync/x", 5));
  }

  @Test
  public void reservedDirectoryIsRefused() throws Exception {
    refusedListing(List.of("refused", "\".setsync\"", "reserved"), dir(".setsync"));
  }

  @Test
  public void emptyNameIsRefused() throws Exception {
    refusedListing(List.of("unsafe name", "\"\"", "empty path"), file("", 5));
  }

  @Test
  public void emptyComponentIsRefused() throws Exception {
    refusedListing(List.of("unsafe name", "\"a//b\"", "empty component"), Set.of("a"), dir("a"), file("a//b", 5));
  }

  @Test
  public void trailingSlashIsRefused() throws Exception {
    refusedListing(List.of("unsafe name", "\"a/\"", "trailing"), dir("a/"));
  }

  // ---- hard links

  @Test
  public void hardLinkToAnUnlistedNameIsRefused() throws Exception {
    // A destination symlink leads out of the root; a hard link through it would expose the file.
    Files.createSymbolicLink(dest.resolve("esc"), outside.resolve("inner"));
    refusedListing(
        List.of("refused name \"x\"", "hard link to \"esc/secret.txt\"", "not an earlier file"),
        file("x", 7).asHardLinkTo("esc/secret.txt"));
  }

  @Test
  public void hardLinkToAFileWithOneNameIsRefused() throws Exception {
    refusedListing(List.of("refused name \"b\"", "hard link to \"a\""), file("a", 1), file("b", 1).asHardLinkTo("a"));
  }

  @Test
  public void moreHardLinksThanTheFileHasNamesAreRefused() throws Exception {
    refusedListing(
        List.of("refused name \"c\"", "hard link to \"a\""),
        file("a", 1).withLinkCount(2), file("b", 1).asHardLinkTo("a"), file("c", 1).asHardLinkTo("a"));
  }

  // ---- order

  @Test
  public void outOfOrderIsRefused() throws Exception {
    refusedListing(List.of("refused", "\"a\"", "out of order", "\"b\""), file("b", 1), file("a", 1));
  }

  @Test
  public void outOfOrderAcrossFramesIsRefused() throws Exception {
    Map<String, String> before = world();
    try (RawSource s = connect()) {
      s.open(dest.toString(), "");
      s.entries(file("b", 1));
      s.entries(file("a", 1));
      assertAbortMentions(s.expectAbort(), "refused", "\"a\"", "out of order");
      s.expectClosed();
    }
    assertSameTree("nothing may change", before, world());
    assertGoodSession(node, source, dest);
  }

  @Test
  public void nameListedTwiceIsRefused() throws Exception {
    refusedListing(List.of("refused", "\"a\"", "listed twice"), file("a", 1), file("a", 1));
  }

  @Test
  public void childWithoutParentIsRefused() throws Exception {
    refusedListing(List.of("refused", "\"x/y\"", "parent"), file("x/y", 1));
    assertFalse(Files.exists(dest.resolve("x"), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  public void childOfFileIsRefused() throws Exception {
    refusedListing(List.of("refused", "\"f/c\"", "parent"), file("f", 1), file("f/c", 1));
  }

  @Test
  public void childOfClosedDirectoryIsRefused() throws Exception {
    // "d" is closed by "e"; "d/z" after "e" is both out of order and under a closed parent.
    refusedListing(List.of("refused", "\"d/z\""), Set.of("d"), dir("d"), file("e", 1), file("d/z", 1));
  }

  // ---- the content lane

  /** Opens a session listing one file of {@code size} bytes; returns the lane offer and its need. */
  private static Frame.Need openWithOneFile(RawSource s, Path dest, long size, Frame.LaneOffer[] offer) throws IOException {
    s.open(dest.toString(), "");
    List<Frame> seen = new ArrayList<>();
    offer[0] = s.laneOffer();
    s.entries(file("big", size));
    s.send(Frame.ListingEnd.INSTANCE);
    return s.readNeeds(seen).get(0);
  }

  @Test
  public void laneThatEndsBeforeTheFileDoesAbortsAndReplacesNothing() throws Exception {
    Map<String, String> before = world();
    try (RawSource s = connect()) {
      Frame.LaneOffer[] offer = new Frame.LaneOffer[1];
      Frame.Need need = openWithOneFile(s, dest, 2 << 20, offer);
      s.send(new Frame.FileOnLane(need.id(), 2 << 20, RawSource.MTIME));
      try (java.nio.channels.SocketChannel lane = ContentLanes.connect("127.0.0.1", offer[0].port(), offer[0].token())) {
        lane.write(ByteBuffer.wrap(new byte[1000]));
      }
      assertAbortMentions(s.expectAbort(), "content lane", "before the file's end");
      s.expectClosed();
    }
    assertSameTree("nothing may change", before, world());
    assertGoodSession(node, source, dest);
  }

  @Test
  public void fileOnTheLaneWithBadChecksumIsNotReplaced() throws Exception {
    byte[] bytes = new byte[(2 << 20) + 3];
    new java.util.Random(5).nextBytes(bytes);
    try (RawSource s = connect()) {
      Frame.LaneOffer[] offer = new Frame.LaneOffer[1];
      Frame.Need need = openWithOneFile(s, dest, bytes.length, offer);
      s.send(new Frame.FileOnLane(need.id(), bytes.length, RawSource.MTIME));
      try (java.nio.channels.SocketChannel lane = ContentLanes.connect("127.0.0.1", offer[0].port(), offer[0].token())) {
        ByteBuffer content = ByteBuffer.wrap(bytes);
        while (content.hasRemaining()) lane.write(content);
        s.send(new Frame.FileEnd(need.id(), RawSource.crc32c(bytes) ^ 1));
        s.send(Frame.DataEnd.INSTANCE);
        List<Frame> seen = new ArrayList<>();
        Frame.Done done = s.readUntil(Frame.Done.class, seen);
        assertEquals("errors in " + seen, 1, done.counts().errors());
        s.expectClosed();
      }
    }
    assertFalse("a file whose checksum is wrong is not kept", Files.exists(dest.resolve("big")));
    assertGoodSession(node, source, dest);
  }

  @Test
  public void fileOnTheLaneWhileAnotherFileIsOpenIsRefused() throws Exception {
    try (RawSource s = connect()) {
      Frame.LaneOffer[] offer = new Frame.LaneOffer[1];
      Frame.Need need = openWithOneFile(s, dest, 2 << 20, offer);
      s.send(new Frame.FileBegin(need.id(), 2 << 20, RawSource.MTIME));
      s.send(new Frame.FileOnLane(need.id(), 2 << 20, RawSource.MTIME));
      assertAbortMentions(s.expectAbort(), "began inside file");
      s.expectClosed();
    }
    assertFalse(Files.exists(dest.resolve("big")));
    assertGoodSession(node, source, dest);
  }

  // ---- the fast paths: whole small files, block copies

  @Test
  public void blockCopyForAFileWithoutOldCopyIsRefused() throws Exception {
    Map<String, String> before = world();
    try (RawSource s = connect()) {
      s.open(dest.toString(), "");
      s.entries(file("fresh", 4));
      s.send(Frame.ListingEnd.INSTANCE);
      List<Frame.Need> needs = s.readNeeds(new ArrayList<>());
      s.send(new Frame.FileBegin(needs.get(0).id(), 4, RawSource.MTIME));
      s.send(new Frame.FileCopy(0, 1));
      assertAbortMentions(s.expectAbort(), "file copy", "no old copy");
      s.expectClosed();
    }
    assertSameTree("nothing may change", before, world());
    assertGoodSession(node, source, dest);
  }

  @Test
  public void blockCopyOutsideAFileIsRefused() throws Exception {
    try (RawSource s = connect()) {
      s.open(dest.toString(), "");
      s.send(new Frame.FileCopy(0, 1));
      assertAbortMentions(s.expectAbort(), "file copy outside a file");
      s.expectClosed();
    }
    assertGoodSession(node, source, dest);
  }

  @Test
  public void wholeFileNotAskedForOrSentTwiceIsRefused() throws Exception {
    Map<String, String> before = world();
    try (RawSource s = connect()) {
      s.open(dest.toString(), "");
      s.entries(file("one", 3));
      s.send(Frame.ListingEnd.INSTANCE);
      List<Frame.Need> needs = s.readNeeds(new ArrayList<>());
      byte[] bytes = "abc".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      Frame.FileWhole whole = new Frame.FileWhole(needs.get(0).id(), RawSource.MTIME, RawSource.crc32c(bytes),
          ByteString.fromArray(bytes));
      s.send(whole);
      s.send(whole);
      assertAbortMentions(s.expectAbort(), "was not asked for");
      s.expectClosed();
    }
    assertFalse("a refused session replaces nothing", Files.exists(dest.resolve("one")) && !before.containsKey("one"));
    assertGoodSession(node, source, dest);
  }

  @Test
  public void wholeFileWithBadChecksumIsNotReplaced() throws Exception {
    try (RawSource s = connect()) {
      s.open(dest.toString(), "");
      s.entries(file("bad", 3));
      s.send(Frame.ListingEnd.INSTANCE);
      List<Frame> seen = new ArrayList<>();
      List<Frame.Need> needs = s.readNeeds(seen);
      s.send(new Frame.FileWhole(needs.get(0).id(), RawSource.MTIME, 12345, ByteString.fromString("abc")));
      s.send(Frame.DataEnd.INSTANCE);
      Frame.Done done = s.readUntil(Frame.Done.class, seen);
      assertEquals("errors in " + seen, 1, done.counts().errors());
      s.expectClosed();
    }
    assertFalse(Files.exists(dest.resolve("bad")));
    assertGoodSession(node, source, dest);
  }


  @Test
  public void symlinkToOutsideDirectoryIsReplacedByADirectory() throws Exception {
    Path outsideDir = outside.resolve("inner");
    Files.createSymbolicLink(dest.resolve("link"), outsideDir);
    Map<String, String> canary = snapshot(outside);
    try (RawSource s = connect()) {
      s.open(dest.toString(), "");
      s.entries(dir("link"), file("link/pwned", 6));
      s.send(Frame.ListingEnd.INSTANCE);
      List<Frame> seen = new ArrayList<>();
      List<Frame.Need> needs = s.readNeeds(seen);
      assertEquals("needs " + needs, List.of("link/pwned"), needs.stream().map(Frame.Need::path).toList());
      s.sendFile(needs.get(0).id(), "pwned\n");
      s.send(Frame.DataEnd.INSTANCE);
      Frame.Done done = s.readUntil(Frame.Done.class, seen);
      assertEquals("errors in " + seen, 0, done.counts().errors());
      s.expectClosed();
    }
    assertEquals("the outside directory must be untouched", canary, snapshot(outside));
    assertFalse(Files.exists(outsideDir.resolve("pwned"), LinkOption.NOFOLLOW_LINKS));
    assertFalse("link must now be a real directory", Files.isSymbolicLink(dest.resolve("link")));
    assertTrue(Files.isDirectory(dest.resolve("link"), LinkOption.NOFOLLOW_LINKS));
    assertEquals("pwned\n", Files.readString(dest.resolve("link/pwned")));
    assertGoodSession(node, source, dest);
  }

  @Test
  public void symlinkToOutsideFileIsReplacedByAFile() throws Exception {
    Path outsideFile = outside.resolve("canary.txt");
    Files.createSymbolicLink(dest.resolve("f"), outsideFile);
    Map<String, String> canary = snapshot(outside);
    try (RawSource s = connect()) {
      s.open(dest.toString(), "");
      s.entries(file("f", 11));
      s.send(Frame.ListingEnd.INSTANCE);
      List<Frame> seen = new ArrayList<>();
      List<Frame.Need> needs = s.readNeeds(seen);
      assertEquals("needs " + needs, List.of("f"), needs.stream().map(Frame.Need::path).toList());
      s.sendFile(needs.get(0).id(), "overwrite!\n");
      s.send(Frame.DataEnd.INSTANCE);
      Frame.Done done = s.readUntil(Frame.Done.class, seen);
      assertEquals("errors in " + seen, 0, done.counts().errors());
      s.expectClosed();
    }
    assertEquals("the outside file must be untouched", canary, snapshot(outside));
    assertEquals("canary\n", Files.readString(outsideFile));
    assertFalse(Files.isSymbolicLink(dest.resolve("f")));
    assertTrue(Files.isRegularFile(dest.resolve("f"), LinkOption.NOFOLLOW_LINKS));
    assertEquals("overwrite!\n", Files.readString(dest.resolve("f")));
    assertGoodSession(node, source, dest);
  }

  @Test
  public void symlinkDirectoryWithoutSourceDirectoryIsNotFollowed() throws Exception {
    // The source never lists "link" itself, only a child: refused as an unlisted parent, and
    // nothing lands in the directory the destination's symlink points to.
    Files.createSymbolicLink(dest.resolve("link"), outside.resolve("inner"));
    refusedListing(List.of("refused", "\"link/pwned\"", "parent"), file("link/pwned", 1));
    assertTrue(Files.isSymbolicLink(dest.resolve("link")));
  }

  // ---- protocol

  @Test
  public void unknownTagIsRefused() throws Exception {
    Map<String, String> before = world();
    try (RawSource s = connect()) {
      s.open(dest.toString(), "");
      s.sendPayload(new byte[] {99, 0, 0, 0, 1});
      assertAbortMentions(s.expectAbort(), "unknown frame tag 99");
      s.expectClosed();
    }
    assertSameTree("nothing may change", before, world());
    assertGoodSession(node, source, dest);
  }

  @Test
  public void truncatedEntriesFrameIsRefused() throws Exception {
    Map<String, String> before = world();
    try (RawSource s = connect()) {
      s.open(dest.toString(), "");
      byte[] whole = FrameCodec.encode(new Frame.Entries(List.of(file("a", 1), file("b", 1)))).toArray();
      s.sendPayload(Arrays.copyOf(whole, whole.length - 3));
      assertAbortMentions(s.expectAbort(), "malformed Entries frame");
      s.expectClosed();
    }
    assertSameTree("nothing may change", before, world());
    assertFalse(Files.exists(dest.resolve("a")));
    assertGoodSession(node, source, dest);
  }

  private void sendOversizePrefix() throws IOException {
    try (RawSource s = connect()) {
      s.open(dest.toString(), "");
      byte[] prefix = ByteBuffer.allocate(4 + 16).putInt(FrameCodec.MAX_FRAME_BYTES + 1).array();
      s.sendRaw(prefix);
      List<Frame> after = s.drainUntilClosed();
      for (Frame f : after) {
        assertTrue("only an Abort may follow, got " + after, f instanceof Frame.Abort);
      }
    }
  }

  @Test
  public void oversizeLengthPrefixClosesTheConnection() throws Exception {
    Map<String, String> before = world();
    sendOversizePrefix();
    assertSameTree("nothing may change", before, world());
    // The node survives; the root is usable again once the session is over.
    assertGoodSession(node, source, dest);
  }

  @Test
  public void oversizeLengthPrefixReleasesTheRootAtOnce() throws Exception {
    sendOversizePrefix();
    assertGoodSession(node, source, dest);
  }

  @Test
  public void oversizeLengthPrefixBeforeHelloClosesTheConnection() throws Exception {
    try (RawSource s = connect()) {
      s.sendRaw(ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array());
      List<Frame> after = s.drainUntilClosed();
      for (Frame f : after) {
        assertTrue("only an Abort may follow, got " + after, f instanceof Frame.Abort);
      }
    }
    assertGoodSession(node, source, dest);
  }

  @Test
  public void zeroLengthFramesAreKeepAlivesAndChangeNothing() throws Exception {
    Map<String, String> before = world();
    try (RawSource s = connect()) {
      s.open(dest.toString(), "");
      for (int i = 0; i < 1000; i++) s.sendPayload(new byte[0]);
      // Still in the session: the next real frame is judged as if no keep-alive had come.
      s.entries(file("../escape", 5));
      assertAbortMentions(s.expectAbort(), "unsafe name", "\"../escape\"");
      s.expectClosed();
    }
    assertSameTree("nothing may change", before, world());
    assertGoodSession(node, source, dest);
  }

  @Test
  public void dataForAFileNeverNeededIsRefused() throws Exception {
    Map<String, String> before = world();
    try (RawSource s = connect()) {
      s.open(dest.toString(), "");
      s.entries(file("a", 5));
      s.send(Frame.ListingEnd.INSTANCE);
      List<Frame.Need> needs = s.readNeeds(new ArrayList<>());
      assertEquals(1, needs.size());
      s.send(new Frame.FileBegin(999, 5, RawSource.MTIME));
      assertAbortMentions(s.expectAbort(), "file 999", "not asked for");
      s.expectClosed();
    }
    assertSameTree("nothing may change", before, world());
    assertFalse(Files.exists(dest.resolve("a")));
    assertGoodSession(node, source, dest);
  }

  @Test
  public void fileDataOutsideAFileIsRefused() throws Exception {
    Map<String, String> before = world();
    try (RawSource s = connect()) {
      s.open(dest.toString(), "");
      s.send(new Frame.FileData(ByteString.fromString("stray")));
      assertAbortMentions(s.expectAbort(), "file data outside a file");
      s.expectClosed();
    }
    assertSameTree("nothing may change", before, world());
    assertGoodSession(node, source, dest);
  }

  @Test
  public void dataEndWithNeedsUnsentIsRefused() throws Exception {
    Map<String, String> before = world();
    try (RawSource s = connect()) {
      s.open(dest.toString(), "");
      s.entries(file("a", 5));
      s.send(Frame.ListingEnd.INSTANCE);
      s.readNeeds(new ArrayList<>());
      s.send(Frame.DataEnd.INSTANCE);
      assertAbortMentions(s.expectAbort(), "1 needed file(s) never sent");
      s.expectClosed();
    }
    assertSameTree("nothing may change", before, world());
    assertGoodSession(node, source, dest);
  }

  @Test
  public void wrongChecksumIsAnErrorAndReplacesNothing() throws Exception {
    Path old = dest.resolve("old.txt");
    Files.writeString(old, "old content\n");
    Files.setLastModifiedTime(old, FileTime.fromMillis(1_000_000_000_000L)); // older than the source
    Map<String, String> before = world();
    List<Frame> seen = new ArrayList<>();
    Frame.Done done;
    try (RawSource s = connect()) {
      s.open(dest.toString(), "");
      s.entries(file("new.txt", 5), file("old.txt", 5));
      s.send(Frame.ListingEnd.INSTANCE);
      List<Frame.Need> needs = s.readNeeds(seen);
      assertEquals("needs " + needs, List.of("new.txt", "old.txt"), needs.stream().map(Frame.Need::path).toList());
      for (Frame.Need need : needs) {
        byte[] bytes = ReceiverNode.utf8("evil!");
        s.send(new Frame.FileBegin(need.id(), bytes.length, RawSource.MTIME));
        s.send(new Frame.FileData(ByteString.fromArray(bytes)));
        s.send(new Frame.FileEnd(need.id(), RawSource.crc32c(bytes) ^ 1));
      }
      s.send(Frame.DataEnd.INSTANCE);
      done = s.readUntil(Frame.Done.class, seen);
      s.expectClosed();
    }
    assertEquals("errors in " + done, 2, done.counts().errors());
    assertEquals("completion code", 2, done.completionCode());
    for (String path : List.of("new.txt", "old.txt")) {
      assertTrue("an ERROR notice for " + path + " in " + seen,
          seen.stream().anyMatch(f -> f instanceof Frame.Notice n && n.kind() == Frame.NoticeKind.ERROR
              && n.path().equals(path) && n.text().contains("checksum")));
    }
    assertSameTree("nothing may be replaced or created", before, world());
    assertEquals("old content\n", Files.readString(old));
    assertFalse(Files.exists(dest.resolve("new.txt"), LinkOption.NOFOLLOW_LINKS));
    assertGoodSession(node, source, dest);
  }

  // ---- Hello

  /** A Hello with a valid ticket for its root and options: what is refused then is the Hello itself. */
  private static Frame.Hello ticketed(int version, String root, String options) throws Exception {
    return new Frame.Hello(version, root, options, "attack-test", ReceiverNode.ticket(node, root, options));
  }

  private Frame.Abort refusedHello(Frame.Hello hello) throws IOException {
    try (RawSource s = connect()) {
      s.send(hello);
      Frame first = s.read();
      assertTrue("expected an Abort, got " + first, first instanceof Frame.Abort);
      s.expectClosed();
      return (Frame.Abort) first;
    }
  }

  @Test
  public void wrongProtocolVersionIsRefused() throws Exception {
    Map<String, String> before = world();
    Frame.Abort abort = refusedHello(ticketed(Frame.PROTOCOL_VERSION + 98, dest.toString(), ""));
    assertAbortMentions(abort, "protocol version " + (Frame.PROTOCOL_VERSION + 98), "not supported");
    assertSameTree("nothing may change", before, world());
    assertFalse(Files.exists(dest.resolve(".setsync")));
    assertGoodSession(node, source, dest);
  }

  @Test
  public void relativeDestinationIsRefused() throws Exception {
    Map<String, String> before = world();
    String relative = "relative-" + testName.getMethodName() + "/dest";
    Frame.Abort abort = refusedHello(ticketed(Frame.PROTOCOL_VERSION, relative, ""));
    assertAbortMentions(abort, relative, "not an absolute path");
    assertSameTree("nothing may change", before, world());
    assertFalse(Files.exists(Paths.get(relative).getParent(), LinkOption.NOFOLLOW_LINKS));
    assertGoodSession(node, source, dest);
  }

  @Test
  public void badOptionsAreRefused() throws Exception {
    Map<String, String> before = world();
    Frame.Abort abort = refusedHello(new Frame.Hello(Frame.PROTOCOL_VERSION, dest.toString(), "PURG", "attack-test", "no-ticket-for-bad-options"));
    assertAbortMentions(abort, "bad options", "PURG");
    assertSameTree("nothing may change", before, world());
    assertFalse(Files.exists(dest.resolve(".setsync")));
    assertGoodSession(node, source, dest);
  }

  @Test
  public void goodOptionsAreAccepted() throws Exception {
    try (RawSource s = connect()) {
      assertNotNull(s.open(dest.toString(), "PURGE"));
      s.send(Frame.ListingEnd.INSTANCE);
      s.readNeeds(new ArrayList<>());
      s.send(Frame.DataEnd.INSTANCE);
      s.readUntil(Frame.Done.class, new ArrayList<>());
      s.expectClosed();
    }
    assertGoodSession(node, source, dest);
  }

  @Test
  public void frameBeforeHelloIsRefused() throws Exception {
    Map<String, String> before = world();
    try (RawSource s = connect()) {
      s.entries(file("a", 1));
      assertAbortMentions(s.expectAbort(), "unexpected Entries frame");
      s.expectClosed();
    }
    assertSameTree("nothing may change", before, world());
    assertGoodSession(node, source, dest);
  }

  @Test
  public void destinationWithNulIsRefused() throws Exception {
    Map<String, String> before = world();
    Frame.Abort abort =
        refusedHello(ticketed(Frame.PROTOCOL_VERSION, dest + "/a\u0000b", ""));
    assertAbortMentions(abort, "destination");
    assertSameTree("nothing may change", before, world());
    assertGoodSession(node, source, dest);
  }

  @Test
  public void destinationThatIsAFileIsRefused() throws Exception {
    Path notADir = Files.writeString(dest.getParent().resolve("plain-file"), "x");
    Map<String, String> before = world();
    try (RawSource s = connect()) {
      s.hello(notADir.toString(), "");
      assertAbortMentions(s.expectAbort(), notADir.toString(), "not a directory");
      s.expectClosed();
    }
    assertSameTree("nothing may change", before, world());
    assertGoodSession(node, source, dest);
  }
}
