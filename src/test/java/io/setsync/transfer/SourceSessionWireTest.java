package io.setsync.transfer;

import io.setsync.destination.ReceiverNode;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.util.ByteString;
import com.typesafe.config.ConfigFactory;
import io.setsync.delta.BlockSignatures;
import io.setsync.fs.FileEntry;
import io.setsync.options.SyncOptions;
import io.setsync.sync.SyncCounts;
import io.setsync.sync.SyncNotice;
import io.setsync.sync.SyncStatus;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A whole session against a scripted raw destination of the test's own: the frames the source
 * sends, in order, and the outcome it makes of the destination's Done.
 */
public class SourceSessionWireTest {

  @ClassRule public static final TestKitJunitResource testKit = new TestKitJunitResource(ConfigFactory.load());

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final int CHUNK = 4096;
  private static final long MTIME_MILLIS = 1_600_000_000_000L;
  private static final long MTIME_NANOS = MTIME_MILLIS * 1_000_000;

  private static final SourceSession.Settings SETTINGS =
      new SourceSession.Settings(CHUNK, 2, 1000, 2, 0, Duration.ofSeconds(30));

  private static final SyncCounts COUNTS = new SyncCounts(5, 3, 9000, 0, 1, 0, 0);

  private Path write(Path root, String name, byte[] content) throws IOException {
    Path file = root.resolve(name);
    Files.createDirectories(file.getParent());
    Files.write(file, content);
    Files.setLastModifiedTime(file, FileTime.fromMillis(MTIME_MILLIS));
    return file;
  }

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    new java.util.Random(seed).nextBytes(b);
    return b;
  }

  private static long crc(byte[] b) {
    CRC32C crc = new CRC32C();
    crc.update(b);
    return crc.getValue();
  }

  @Test
  public void theSourceSendsListingThenFilesInTheOrderNeededThenDataEnd() throws Exception {
    Path root = tmp.newFolder("src").toPath();
    byte[] small = bytes(100, 1);
    byte[] large = bytes(2 * CHUNK + 10, 2);
    byte[] delta = bytes(CHUNK + 1, 3);
    write(root, "a-small", small);
    write(root, "b-large", large);
    write(root, "d/c-delta", delta);
    Files.setLastModifiedTime(root.resolve("d"), FileTime.fromMillis(MTIME_MILLIS));

    List<Frame> sent = new ArrayList<>();
    SourceSession.Outcome outcome;
    ReceiverNode.Recorder notices = new ReceiverNode.Recorder();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> destination = CompletableFuture.runAsync(() -> script(server, sent));
      TestProbe<SourceSession.Outcome> probe = testKit.createTestProbe();
      testKit.spawn(SourceSession.create(
          new SourceSession.Request(root, "127.0.0.1", server.getLocalPort(), "/dest",
              SyncOptions.builder().allHardLinks(false).build()),
          SETTINGS, notices, probe.getRef()));
      outcome = probe.expectMessageClass(SourceSession.Outcome.class, Duration.ofSeconds(30));
      destination.get(30, TimeUnit.SECONDS);
    }

    assertNull(outcome.failure());
    assertEquals(COUNTS, outcome.counts());
    assertEquals(SyncStatus.OK, outcome.status());
    assertTrue("bytes on the wire", outcome.wireBytesSent() > small.length + large.length);
    assertEquals(List.of(new SyncNotice(SyncNotice.Side.DESTINATION, SyncNotice.Kind.WARNING, "p", "t")),
        notices.notices);

    List<String> expected = new ArrayList<>();
    expected.add("Hello " + Frame.PROTOCOL_VERSION + " /dest " + root);
    expected.add("Entries [, a-small]"); // the root first, as ""
    expected.add("Entries [b-large, d]");
    expected.add("Entries [d/c-delta]");
    expected.add("ListingEnd");
    expected.add("FileBegin 2 " + delta.length);
    expected.add("FileData " + CHUNK);
    expected.add("FileData 1");
    expected.add("FileEnd 2 " + crc(delta));
    expected.add("FileWhole 0 " + crc(small) + " " + small.length);
    expected.add("FileUnavailable 3 cannot read: ");
    expected.add("FileBegin 1 " + large.length);
    expected.add("FileData " + CHUNK);
    expected.add("FileData " + CHUNK);
    expected.add("FileData 10");
    expected.add("FileEnd 1 " + crc(large));
    expected.add("DataEnd");
    assertEquals(expected, sent.stream().map(SourceSessionWireTest::describe).toList());
  }

  @Test
  public void aStopBeforeReadyAbortsAtOnce() throws Exception {
    Path root = tmp.newFolder("src").toPath();
    List<Frame> sent = new ArrayList<>();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> destination = CompletableFuture.runAsync(() -> readUntilClosed(server, sent));
      TestProbe<SourceSession.Outcome> probe = testKit.createTestProbe();
      var session = testKit.spawn(SourceSession.create(
          new SourceSession.Request(root, "127.0.0.1", server.getLocalPort(), "/dest", SyncOptions.DEFAULTS),
          SETTINGS, new ReceiverNode.Recorder(), probe.getRef()));
      session.tell(new SourceSession.Stop("shutdown"));
      SourceSession.Outcome outcome = probe.expectMessageClass(SourceSession.Outcome.class, Duration.ofSeconds(30));
      assertEquals(SyncStatus.WARNINGS, outcome.status());
      assertEquals("stopped at a file boundary: shutdown", outcome.failure());
      destination.get(30, TimeUnit.SECONDS);
    }
    assertEquals(List.of("Hello", "Abort stopped by the source: shutdown"),
        sent.stream().map(f -> f instanceof Frame.Abort a ? "Abort " + a.reason() : f.getClass().getSimpleName()).toList());
  }

  @Test
  public void aFrameOutOfPlaceIsAProtocolError() throws Exception {
    Path root = tmp.newFolder("src").toPath();
    List<Frame> sent = new ArrayList<>();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> destination = CompletableFuture.runAsync(() -> {
        try (Socket peer = server.accept()) {
          DataInputStream in = new DataInputStream(peer.getInputStream());
          sent.add(read(in));
          send(new DataOutputStream(peer.getOutputStream()), new Frame.FileEnd(1, 2));
          while (true) sent.add(read(in));
        } catch (EOFException closed) {
          // the source closed its side
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      TestProbe<SourceSession.Outcome> probe = testKit.createTestProbe();
      testKit.spawn(SourceSession.create(
          new SourceSession.Request(root, "127.0.0.1", server.getLocalPort(), "/dest", SyncOptions.DEFAULTS),
          SETTINGS, new ReceiverNode.Recorder(), probe.getRef()));
      SourceSession.Outcome outcome = probe.expectMessageClass(SourceSession.Outcome.class, Duration.ofSeconds(30));
      assertEquals(SyncStatus.ERRORS, outcome.status());
      assertEquals("protocol error: the destination sent an unexpected FileEnd frame", outcome.failure());
      destination.get(30, TimeUnit.SECONDS);
    }
    assertEquals(new Frame.Abort("unexpected FileEnd frame"), sent.get(1));
  }

  private static void readUntilClosed(ServerSocket server, List<Frame> sent) {
    try (Socket peer = server.accept()) {
      DataInputStream in = new DataInputStream(peer.getInputStream());
      while (true) sent.add(read(in));
    } catch (EOFException closed) {
      // the source closed its side
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Frames reduced to what this test pins: types, ids, sizes, checksums, names. */
  private static String describe(Frame f) {
    if (f instanceof Frame.Hello h) return "Hello " + h.version() + " " + h.destinationRoot() + " " + h.source();
    if (f instanceof Frame.Entries e) {
      // The root, listed first as "", has the time the test's folder has.
      for (FileEntry entry : e.entries()) if (!entry.path().isEmpty()) assertEquals(entry.path(), MTIME_NANOS, entry.mtimeNanos());
      return "Entries " + e.entries().stream().map(FileEntry::path).toList();
    }
    if (f instanceof Frame.FileWhole w) return "FileWhole " + w.id() + " " + w.crc32c() + " " + w.bytes().length();
    if (f instanceof Frame.FileUnavailable u) {
      return "FileUnavailable " + u.id() + " " + u.reason().substring(0, Math.min(u.reason().length(), 13));
    }
    if (f instanceof Frame.FileBegin b) {
      assertEquals(MTIME_NANOS, b.mtimeNanos());
      return "FileBegin " + b.id() + " " + b.size();
    }
    if (f instanceof Frame.FileData d) return "FileData " + d.bytes().length();
    if (f instanceof Frame.FileEnd e) return "FileEnd " + e.id() + " " + e.crc32c();
    return f.getClass().getSimpleName();
  }

  /**
   * The destination's side: Ready; after the listing, needs for every file (one by delta against
   * nothing, one missing); after DataEnd a notice and Done; then the source closes.
   */
  private static void script(ServerSocket server, List<Frame> sent) {
    try (Socket peer = server.accept()) {
      DataInputStream in = new DataInputStream(peer.getInputStream());
      DataOutputStream out = new DataOutputStream(peer.getOutputStream());
      sent.add(read(in));
      send(out, new Frame.Ready("wire-test"));
      while (sent.get(sent.size() - 1) != Frame.ListingEnd.INSTANCE) sent.add(read(in));
      // The delta first: needs read meanwhile by reader threads would race it.
      send(out, new Frame.NeedDelta(2, "d/c-delta", new BlockSignatures(1024, 0, new int[0], new long[0])));
      send(out, new Frame.Needs(List.of(new Frame.Need(0, "a-small"), new Frame.Need(1, "b-large"),
          new Frame.Need(3, "gone"))));
      send(out, Frame.NeedsEnd.INSTANCE);
      while (sent.get(sent.size() - 1) != Frame.DataEnd.INSTANCE) sent.add(read(in));
      send(out, new Frame.Notice(Frame.NoticeKind.WARNING, "p", "t"));
      send(out, new Frame.Done(COUNTS, 0));
      try {
        Frame more = read(in);
        throw new AssertionError("nothing after DataEnd, got " + more);
      } catch (EOFException closed) {
        // the source closed its side
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The next frame the source sent, keep-alives (length zero) skipped. */
  private static Frame read(DataInputStream in) throws IOException {
    int length;
    do {
      length = in.readInt();
    } while (length == 0);
    byte[] frame = new byte[length];
    in.readFully(frame);
    return FrameCodec.decode(ByteString.fromArray(frame));
  }

  private static void send(DataOutputStream out, Frame frame) throws IOException {
    byte[] bytes = FrameCodec.encode(frame).toArray();
    out.writeInt(bytes.length);
    out.write(bytes);
    out.flush();
  }
}
