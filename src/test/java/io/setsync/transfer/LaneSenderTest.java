package io.setsync.transfer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.setsync.options.SyncOptions;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The source's end of the content lane against a raw peer of the test's own. */
public class LaneSenderTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final Duration STALL = Duration.ofSeconds(1);
  private static final long MARGIN_SECONDS = 15;

  /** Far more than loopback socket buffers hold, so a peer that reads nothing stalls the sender. */
  private static final long BIG = 256L << 20;

  private Path sparseFile(long size) throws Exception {
    Path file = tmp.newFile().toPath();
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(size);
    }
    return file;
  }

  private static OutgoingFile open(Path file) throws Exception {
    return OutgoingFile.open(1, file.getParent(), file, 64 * 1024, false);
  }

  @Test
  public void aPeerThatStopsReadingFailsTheSendAfterTheStallTimeout() throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
      LaneSender sender = new LaneSender("127.0.0.1", 1, STALL, new io.setsync.sync.SessionPools.Lanes(1));
      int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
      ContentLanes.Lane lane = sender.open(new Frame.LaneOffer(port, "t".repeat(32))).get(MARGIN_SECONDS, TimeUnit.SECONDS);
      try (SocketChannel peer = server.accept(); OutgoingFile file = open(sparseFile(BIG))) {
        sender.opened(lane, null);
        assertTrue(sender.takes(file));
        long started = System.nanoTime();
        try {
          sender.send(file).get(STALL.toSeconds() + MARGIN_SECONDS, TimeUnit.SECONDS);
          fail("the send completed although the peer read nothing");
        } catch (TimeoutException e) {
          fail("the send still waits on a peer that reads nothing, " + MARGIN_SECONDS + " s after the stall timeout");
        } catch (ExecutionException e) {
          assertTrue("a timeout: " + e.getCause(), e.getCause() instanceof SocketTimeoutException
              || e.getCause().getCause() instanceof SocketTimeoutException);
          assertTrue(sender.failure(e.getCause()), sender.failure(e.getCause()).contains("read nothing for 1 s"));
        }
        assertTrue("not before the stall timeout", System.nanoTime() - started >= STALL.toNanos());
      } finally {
        sender.close();
      }
      assertFalse("closed with the sender", lane.channel().isOpen());
    }
  }

  /** The session may end while its lane is still being opened; the late connection must not outlive it. */
  @Test
  public void aLaneThatOpensAfterTheSessionClosedIsClosedToo() throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
      LaneSender sender = new LaneSender("127.0.0.1", 1, STALL, new io.setsync.sync.SessionPools.Lanes(1));
      assertTrue(sender.takeSlot());
      int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
      java.util.concurrent.CompletableFuture<ContentLanes.Lane> opening = sender.open(new Frame.LaneOffer(port, "t".repeat(32)));
      sender.close(); // the session ended; its LaneOpened message would go to dead letters
      ContentLanes.Lane lane = opening.get(MARGIN_SECONDS, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MARGIN_SECONDS);
      while (lane.channel().isOpen() && System.nanoTime() < deadline) Thread.sleep(10);
      assertFalse("the lane opened after the session's end is closed", lane.channel().isOpen());
      sender.opened(lane, null); // a late answer changes nothing
      assertFalse(sender.takes(open(sparseFile(4))));
    }
  }

  @Test
  public void aPeerThatReadsGetsEveryByteAndTheChecksum() throws Exception {
    byte[] content = new byte[3 << 20];
    new java.util.Random(5).nextBytes(content);
    Path path = tmp.newFile().toPath();
    Files.write(path, content);
    try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
      LaneSender sender = new LaneSender("127.0.0.1", 1, STALL, new io.setsync.sync.SessionPools.Lanes(1));
      int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
      ContentLanes.Lane lane = sender.open(new Frame.LaneOffer(port, "t".repeat(32))).get(MARGIN_SECONDS, TimeUnit.SECONDS);
      try (SocketChannel peer = server.accept(); OutgoingFile file = open(path)) {
        sender.opened(lane, null);
        ByteBuffer hello = ByteBuffer.allocate(4 + 32);
        while (hello.hasRemaining()) peer.read(hello);
        var sent = sender.send(file);
        ByteBuffer got = ByteBuffer.allocate(content.length);
        while (got.hasRemaining()) peer.read(got);
        LaneSender.Sent done = sent.get(MARGIN_SECONDS, TimeUnit.SECONDS);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(content);
        assertEquals(crc.getValue(), done.crc32c());
        assertFalse(done.shrank());
        assertTrue(java.util.Arrays.equals(content, got.array()));
        assertTrue("marked as on the lane", file.begin() instanceof Frame.FileOnLane);
        sender.sent(file);
        assertEquals(content.length, sender.bytesSent());
      } finally {
        sender.close();
      }
    }
  }

  @Test
  public void theLaneIsNotForCompressedThrottledOrUnprotectedSessions() {
    assertTrue(LaneSender.usable(SyncOptions.DEFAULTS, 1));
    assertFalse("no lane configured", LaneSender.usable(SyncOptions.DEFAULTS, 0));
    assertFalse("COMPRESS", LaneSender.usable(SyncOptions.builder().compress(true).build(), 1));
    assertFalse("MAXRATE", LaneSender.usable(SyncOptions.builder().maxRateMb(5).build(), 1));
    assertFalse("RATE", LaneSender.usable(SyncOptions.builder().ratePercent(5).build(), 1));
    assertFalse("UNPROTECTED", LaneSender.usable(SyncOptions.builder().unprotected(true).build(), 1));
  }

  /** A session holds at most one lane slot, and gives it back when it ends. */
  @Test
  public void aLaneSlotIsHeldOnceAndGivenBackAtClose() {
    io.setsync.sync.SessionPools.Lanes pool = new io.setsync.sync.SessionPools.Lanes(1);
    LaneSender first = new LaneSender("127.0.0.1", 1, STALL, pool);
    LaneSender second = new LaneSender("127.0.0.1", 1, STALL, pool);
    org.junit.Assert.assertTrue(first.takeSlot());
    org.junit.Assert.assertTrue("taking it again keeps the one slot", first.takeSlot());
    org.junit.Assert.assertFalse("no slot left for another session", second.takeSlot());
    first.close();
    org.junit.Assert.assertTrue(second.takeSlot());
    second.close();
    second.close();
    org.junit.Assert.assertEquals(1, pool.freeSlots());
  }
}
