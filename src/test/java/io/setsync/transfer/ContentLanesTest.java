package io.setsync.transfer;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The content lane's listener, handshake and byte moving, over real loopback sockets. */
public class ContentLanesTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private ContentLanes lanes;
  private final io.setsync.sync.SessionPools.Lanes pool = new io.setsync.sync.SessionPools.Lanes(2);

  @Before
  public void open() throws Exception {
    lanes = ContentLanes.open("127.0.0.1", 0, pool);
  }

  @After
  public void close() {
    lanes.close();
  }

  private Path fileOf(byte[] bytes) throws Exception {
    Path file = tmp.newFile().toPath();
    Files.write(file, bytes);
    return file;
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Receives {@code size} bytes from the lane on this thread. */
  private static byte[] receive(SocketChannel lane, long size) throws Exception {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    ContentLanes.receive(lane, size, buffer -> {
      byte[] chunk = new byte[buffer.remaining()];
      buffer.get(chunk);
      got.write(chunk);
    });
    return got.toByteArray();
  }

  /** Sends on another thread: the lane's socket buffers are smaller than the files. */
  private static CompletableFuture<Boolean> sendAsync(FileChannel in, long size, SocketChannel lane) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return ContentLanes.send(in, size, lane);
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
  }

  @Test
  public void aFileCrossesTheLaneExactlyWithItsChecksum() throws Exception {
    byte[] content = random((3 << 20) + 17, 1);
    Path file = fileOf(content);
    ContentLanes.Offer offer = lanes.offer();
    try (SocketChannel source = ContentLanes.connect("127.0.0.1", lanes.port(), offer.token());
        FileChannel in = FileChannel.open(file)) {
      SocketChannel destination = offer.connection().get(10, TimeUnit.SECONDS).channel();
      CompletableFuture<Boolean> sent = sendAsync(in, content.length, source);
      assertArrayEquals(content, receive(destination, content.length));
      assertFalse("the file did not shrink", sent.get(10, TimeUnit.SECONDS));
      CRC32C crc = new CRC32C();
      crc.update(content);
      assertEquals(crc.getValue(), ContentLanes.crc32c(in, content.length));
      destination.close();
    }
  }

  @Test
  public void aFileShorterThanAnnouncedIsPaddedSoTheLaneStaysInStep() throws Exception {
    byte[] content = random(100_000, 2);
    Path file = fileOf(content);
    ContentLanes.Offer offer = lanes.offer();
    try (SocketChannel source = ContentLanes.connect("127.0.0.1", lanes.port(), offer.token());
        FileChannel in = FileChannel.open(file)) {
      SocketChannel destination = offer.connection().get(10, TimeUnit.SECONDS).channel();
      CompletableFuture<Boolean> sent = sendAsync(in, 150_000, source);
      byte[] got = receive(destination, 150_000);
      assertTrue("the sender says the file shrank", sent.get(10, TimeUnit.SECONDS));
      assertArrayEquals(content, Arrays.copyOf(got, content.length));
      assertArrayEquals(new byte[50_000], Arrays.copyOfRange(got, content.length, 150_000));
      destination.close();
    }
  }

  @Test
  public void aConnectionWithAnUnknownTokenIsClosedAndConnectsNothing() throws Exception {
    ContentLanes.Offer offer = lanes.offer();
    String wrong = offer.token().substring(1) + (offer.token().charAt(0) == '0' ? "1" : "0");
    try (SocketChannel intruder = ContentLanes.connect("127.0.0.1", lanes.port(), wrong)) {
      intruder.socket().setSoTimeout(10_000);
      assertEquals("the listener hangs up on it", -1, intruder.socket().getInputStream().read());
    }
    assertFalse("the real offer is still open", offer.connection().isDone());
    try (SocketChannel source = ContentLanes.connect("127.0.0.1", lanes.port(), offer.token())) {
      offer.connection().get(10, TimeUnit.SECONDS).close();
    }
  }

  @Test
  public void aTokenOpensOneConnectionOnly() throws Exception {
    ContentLanes.Offer offer = lanes.offer();
    try (SocketChannel first = ContentLanes.connect("127.0.0.1", lanes.port(), offer.token());
        SocketChannel second = ContentLanes.connect("127.0.0.1", lanes.port(), offer.token())) {
      SocketChannel accepted = offer.connection().get(10, TimeUnit.SECONDS).channel();
      accepted.write(ByteBuffer.wrap(new byte[] {42}));
      first.socket().setSoTimeout(10_000);
      second.socket().setSoTimeout(10_000);
      int a = first.socket().getInputStream().read();
      int b = second.socket().getInputStream().read();
      // The accepted one reads the byte; the other is hung up on.
      assertEquals("one accepted, one refused: " + a + ", " + b, java.util.Set.of(42, -1), java.util.Set.of(a, b));
      accepted.close();
    }
  }

  @Test
  public void aWithdrawnOfferClosesItsConnection() throws Exception {
    ContentLanes.Offer offer = lanes.offer();
    try (SocketChannel source = ContentLanes.connect("127.0.0.1", lanes.port(), offer.token())) {
      offer.connection().get(10, TimeUnit.SECONDS);
      lanes.withdraw(offer);
      source.socket().setSoTimeout(10_000);
      assertEquals("the receiver's side is closed", -1, source.socket().getInputStream().read());
    }
  }

  @Test
  public void aSilentLaneFailsAfterTheIdleTimeoutWithWhatIsMissing() throws Exception {
    ContentLanes.Offer offer = lanes.offer();
    try (SocketChannel source = ContentLanes.connect("127.0.0.1", lanes.port(), offer.token())) {
      SocketChannel destination = offer.connection().get(10, TimeUnit.SECONDS).channel();
      source.write(ByteBuffer.wrap(new byte[10]));
      long since = System.nanoTime();
      try {
        ContentLanes.receive(destination, 100, buffer -> buffer.position(buffer.limit()), java.time.Duration.ofMillis(500));
        org.junit.Assert.fail("a silent lane must fail");
      } catch (java.net.SocketTimeoutException e) {
        assertTrue(e.getMessage(), e.getMessage().contains("90 bytes") && e.getMessage().contains("idle-timeout"));
      }
      assertTrue("waited the idle timeout", System.nanoTime() - since >= TimeUnit.MILLISECONDS.toNanos(500));
      destination.close();
    }
  }

  @Test
  public void aLaneClosedWhileWaitingEndsTheReadAtOnce() throws Exception {
    ContentLanes.Offer offer = lanes.offer();
    try (SocketChannel source = ContentLanes.connect("127.0.0.1", lanes.port(), offer.token())) {
      SocketChannel destination = offer.connection().get(10, TimeUnit.SECONDS).channel();
      CompletableFuture<Void> read = CompletableFuture.runAsync(() -> {
        try {
          ContentLanes.receive(destination, 100, buffer -> buffer.position(buffer.limit()), java.time.Duration.ofMinutes(2));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      lanes.withdraw(offer);
      try {
        read.get(10, TimeUnit.SECONDS);
        org.junit.Assert.fail("the read must fail");
      } catch (java.util.concurrent.ExecutionException e) {
        assertTrue(String.valueOf(e.getCause()), e.getCause() instanceof java.io.UncheckedIOException);
      }
    }
  }

  @Test
  public void bytesArrivingInTimeCrossALaneWithAnIdleTimeout() throws Exception {
    byte[] content = random((1 << 20) + 5, 3);
    Path file = fileOf(content);
    ContentLanes.Offer offer = lanes.offer();
    try (SocketChannel source = ContentLanes.connect("127.0.0.1", lanes.port(), offer.token());
        FileChannel in = FileChannel.open(file)) {
      SocketChannel destination = offer.connection().get(10, TimeUnit.SECONDS).channel();
      CompletableFuture<Boolean> sent = sendAsync(in, content.length, source);
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      ContentLanes.receive(destination, content.length, buffer -> {
        byte[] chunk = new byte[buffer.remaining()];
        buffer.get(chunk);
        got.write(chunk);
      }, java.time.Duration.ofSeconds(10));
      assertArrayEquals(content, got.toByteArray());
      assertFalse(sent.get(10, TimeUnit.SECONDS));
      destination.close();
    }
  }

  /** Each offer holds a lane slot until withdrawn; with none free a session gets no lane at all. */
  @Test
  public void offersStopWhenEveryLaneSlotIsTaken() {
    ContentLanes.Offer first = lanes.offer();
    ContentLanes.Offer second = lanes.offer();
    assertNotNull(first);
    assertNotNull(second);
    assertNull("no third lane with two slots", lanes.offer());
    lanes.withdraw(first);
    lanes.withdraw(first); // a second withdrawal must not free a slot it does not hold
    assertEquals(1, pool.freeSlots());
    ContentLanes.Offer third = lanes.offer();
    assertNotNull(third);
    assertNull(lanes.offer());
    lanes.withdraw(second);
    lanes.withdraw(third);
    assertEquals(2, pool.freeSlots());
  }

  /**
   * Connections that never present a token wait on a few handshake threads; beyond a short queue
   * they are closed at once, so a flood of them holds neither threads nor sockets without bound.
   */
  @Test(timeout = 60_000)
  public void aFloodOfSilentConnectionsIsCutOff() throws Exception {
    java.util.List<SocketChannel> flood = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 100; i++) flood.add(SocketChannel.open(new java.net.InetSocketAddress("127.0.0.1", lanes.port())));
      java.util.Set<SocketChannel> closed = new java.util.HashSet<>();
      long deadline = System.nanoTime() + 5_000_000_000L; // well inside the 10 s a silent connection may wait
      while (closed.size() < 100 - 2 - 64 && System.nanoTime() < deadline) {
        for (SocketChannel c : flood) {
          if (closed.contains(c)) continue;
          c.socket().setSoTimeout(10);
          try {
            if (c.socket().getInputStream().read() < 0) closed.add(c);
          } catch (java.net.SocketTimeoutException stillWaiting) {
            // held by a handshake thread, queued, or not accepted yet
          }
        }
      }
      assertTrue("the connections beyond the handshake threads and queue are closed: " + closed.size(),
          closed.size() >= 100 - 2 - 64);
    } finally {
      for (SocketChannel c : flood) ContentLanes.closeQuietly(c);
    }
  }
}
