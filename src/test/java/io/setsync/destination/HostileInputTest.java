package io.setsync.destination;

import static io.setsync.destination.RawSource.file;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import akka.util.ByteString;
import com.typesafe.config.ConfigFactory;
import io.setsync.node.SetSyncNode;
import io.setsync.transfer.Frame;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Hostile input against a running node over loopback, bounded in count and time: random bytes,
 * huge and negative lengths, truncated frames, garbage after a valid handshake, frames out of
 * order, a crowd of idle connections, a peer that sends one byte at a time, a decompression bomb,
 * connections dropped mid-session. After each, the node answers a normal sync, the attack's
 * destination does not exist, and the node holds no more file descriptors or threads than before
 * (with a small margin, waited for with a deadline).
 *
 * <p>{@link HostileTlsInputTest} runs the same attacks against a node with TLS on, inside an
 * authenticated TLS connection: it starts the node with its own {@link Transport}.
 */
public class HostileInputTest {

  /** How an attacker reaches the endpoint, and how it ends its side of a connection. */
  interface Transport {
    /** A connection to {@code at} over which the attack's bytes go (timeouts set). */
    Socket connect(InetSocketAddress at) throws IOException;

    /**
     * Ends the attacker's output after a truncated frame, then reads until the node closes.
     * Plain TCP half-closes; TLS has no half-close (an SSLSocket's shutdownOutput is unsupported).
     */
    void endOutputAndDrain(Socket s) throws IOException;
  }

  /** Plain TCP, as a source without TLS connects. */
  static final Transport PLAIN = new Transport() {
    @Override
    public Socket connect(InetSocketAddress at) throws IOException {
      Socket s = new Socket();
      s.connect(at, 10_000);
      s.setSoTimeout(15_000);
      return s;
    }

    @Override
    public void endOutputAndDrain(Socket s) throws IOException {
      s.shutdownOutput();
      drain(s);
    }
  };

  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  /** Connections from one address at once; the crowd test opens more. */
  private static final int PER_PEER = 100;
  /** What pools may still hold a little after a burst, beyond the baseline. */
  private static final int FD_MARGIN = 8;
  private static final int THREAD_MARGIN = 6;

  private static Transport transport;
  static SetSyncNode node;
  static Path base;
  private static Path source;
  private static Path dest;
  /** Attacks without a ticket name this root; it must never appear. */
  static Path victim;
  private static int fdsBefore;
  private static int threadsBefore;
  private final Random random = new Random(12);
  private static int admittedRoots;

  /** Shadowed by {@link HostileTlsInputTest}'s, which starts a node with TLS on instead. */
  @BeforeClass
  public static void startNode() throws Exception {
    startNode(PLAIN, ConfigFactory.empty(), TMP.getRoot().toPath().toRealPath());
  }

  /** {@code settings} go over the test's own (TLS, for instance); {@code dir}: the test's directory. */
  static void startNode(Transport how, com.typesafe.config.Config settings, Path dir) throws Exception {
    transport = how;
    base = dir;
    admittedRoots = 0;
    source = ReceiverNode.sourceTree(base.resolve("source"));
    dest = Files.createDirectories(base.resolve("dest"));
    victim = base.resolve("victim");
    node = SetSyncNode.start(settings.withFallback(ConfigFactory.parseMap(Map.of(
            "setsync.home", Files.createDirectories(base.resolve("home")).toString(),
            "setsync.transfer.handshake-timeout", "2s",
            "setsync.transfer.idle-timeout", "3s",
            "setsync.endpoint.max-connections-per-peer", Integer.toString(PER_PEER))))
        .withFallback(ConfigFactory.load())
        .resolve());
    // Warm up: the pools a session uses exist before the baseline is taken.
    ReceiverNode.assertGoodSession(node, source, dest);
    for (int i = 0; i < 20; i++) {
      try (Socket s = connect()) {
        s.getOutputStream().write(new byte[] {0, 0, 0, 1, 99});
        drain(s);
      }
    }
    ReceiverNode.assertGoodSession(node, source, dest);
    fdsBefore = openFds();
    threadsBefore = threads();
  }

  @AfterClass
  public static void stopNode() {
    if (node != null) node.close();
    node = null;
  }

  /** What every attack must leave: a working node, nothing written, nothing held. */
  @After
  public void nodeIsAsBefore() throws Exception {
    ReceiverNode.awaitNoConnections(node);
    ReceiverNode.assertGoodSession(node, source, dest);
    assertFalse("the attack's destination exists", Files.exists(victim, LinkOption.NOFOLLOW_LINKS));
    awaitAtMost("open file descriptors", HostileInputTest::openFds, fdsBefore + FD_MARGIN);
    awaitAtMost("threads", HostileInputTest::threads, threadsBefore + THREAD_MARGIN);
  }

  @Test
  public void randomBytes() throws Exception {
    for (int i = 0; i < 10; i++) {
      try (Socket s = connect()) {
        byte[] noise = new byte[64 * 1024];
        random.nextBytes(noise);
        writeQuietly(s, noise);
        drain(s);
      }
    }
  }

  @Test
  public void hugeAndNegativeLengths() throws Exception {
    for (int length : new int[] {Integer.MAX_VALUE, -1, Integer.MIN_VALUE, 4 * 1024 * 1024 + 5}) {
      try (Socket s = connect()) {
        writeQuietly(s, ByteBuffer.allocate(8).putInt(length).putInt(0).array());
        drain(s);
      }
    }
    // A Hello whose string lengths lie.
    try (Socket s = connect()) {
      byte[] hello = ByteBuffer.allocate(13).put((byte) 1).putInt(Frame.PROTOCOL_VERSION).putInt(-5).putInt(1 << 30)
          .array();
      writeQuietly(s, ByteBuffer.allocate(4 + hello.length).putInt(hello.length).put(hello).array());
      drain(s);
    }
  }

  @Test
  public void truncatedFrames() throws Exception {
    for (int cut = 1; cut < 40; cut += 7) {
      try (Socket s = connect()) {
        byte[] whole = framed(new Frame.Hello(Frame.PROTOCOL_VERSION, victim.toString(), "", "hostile", "x"));
        writeQuietly(s, java.util.Arrays.copyOf(whole, Math.min(cut, whole.length - 1)));
        transport.endOutputAndDrain(s);
      }
    }
  }

  @Test
  public void validHandshakeThenGarbage() throws Exception {
    Path victim = admittedRoot();
    try (RawSource s = rawSource()) {
      s.open(victim.toString(), "");
      byte[] noise = new byte[4096];
      random.nextBytes(noise);
      noise[0] = 0;
      noise[1] = 0;
      noise[2] = 0x10; // a plausible length, then garbage
      try {
        s.sendRaw(noise);
      } catch (IOException closed) {
        // the receiver may close first
      }
      s.drainUntilClosed();
    }
    ReceiverNode.awaitSessionsOver(node, victim);
    assertOnlyEmptyScratch(victim);
    deleteTree(victim);
  }

  @Test
  public void framesInTheWrongOrder() throws Exception {
    Path victim = admittedRoot();
    List<List<Frame>> orders = List.of(
        List.of(Frame.DataEnd.INSTANCE),
        List.of(new Frame.FileData(ByteString.fromString("stray"))),
        List.of(new Frame.FileEnd(1, 0)),
        List.of(Frame.ListingEnd.INSTANCE, Frame.ListingEnd.INSTANCE),
        List.of(new Frame.Hello(Frame.PROTOCOL_VERSION, victim.toString(), "", "again", "x")),
        List.of(new Frame.Entries(List.of(file("b", 1), file("a", 1)))));
    for (List<Frame> frames : orders) {
      try (RawSource s = rawSource()) {
        s.open(victim.toString(), "");
        for (Frame f : frames) s.send(f);
        s.drainUntilClosed();
      }
      ReceiverNode.awaitSessionsOver(node, victim);
    }
    assertOnlyEmptyScratch(victim);
    deleteTree(victim);
  }

  @Test
  public void aCrowdOfIdleConnectionsIsBoundedAndReleased() throws Exception {
    List<Socket> crowd = new ArrayList<>();
    int closedAtOnce = 0;
    try {
      // Plain TCP in both variants: against TLS too the cheap attack is a connection that never
      // starts its handshake (one that does would pay for it, and the node with it).
      for (int i = 0; i < PER_PEER + 50; i++) crowd.add(PLAIN.connect(node.endpoint()));
      // Past the limit a connection is closed unread; the rest end at the handshake deadline.
      for (Socket s : crowd) {
        s.setSoTimeout(15_000);
        if (drain(s) == 0) closedAtOnce++;
      }
    } finally {
      for (Socket s : crowd) s.close();
    }
    assertTrue("connections past the per-peer limit were refused: " + closedAtOnce, closedAtOnce >= 50);
  }

  @Test
  public void oneBytePerTickEndsAtTheHandshakeDeadline() throws Exception {
    try (Socket s = connect()) {
      byte[] hello = framed(new Frame.Hello(Frame.PROTOCOL_VERSION, victim.toString(), "", "slow".repeat(100), "x"));
      s.setSoTimeout(300);
      long deadline = System.nanoTime() + 8_000_000_000L;
      int sent = 0;
      boolean closed = false;
      while (!closed && System.nanoTime() < deadline && sent < hello.length) {
        try {
          s.getOutputStream().write(hello[sent++]);
          closed = s.getInputStream().read(new byte[256]) < 0; // waits up to 300 ms: the pace of this peer
        } catch (SocketTimeoutException quiet) {
          // nothing yet: send the next byte
        } catch (IOException reset) {
          closed = true;
        }
      }
      assertTrue("the node hung up on the slow peer before its Hello was whole (" + sent + " of " + hello.length
          + " bytes sent)", closed && sent < hello.length);
    }
  }

  /** Keep-alives keep the idle timeout away, not the handshake deadline. */
  @Test
  public void keepAlivesWithoutAHelloEndAtTheHandshakeDeadline() throws Exception {
    try (Socket s = connect()) {
      s.setSoTimeout(300);
      long deadline = System.nanoTime() + 8_000_000_000L;
      boolean closed = false;
      while (!closed && System.nanoTime() < deadline) {
        try {
          s.getOutputStream().write(new byte[4]);
          closed = s.getInputStream().read(new byte[256]) < 0; // waits up to 300 ms: the pace of this peer
        } catch (SocketTimeoutException quiet) {
          // nothing yet: the next keep-alive
        } catch (IOException reset) {
          closed = true;
        }
      }
      assertTrue("the node hung up on a peer that sends only keep-alives", closed);
    }
  }

  @Test
  public void decompressionBomb() throws Exception {
    byte[] zeros = new byte[4 * 1024 * 1024 - 8];
    byte[] packed = com.github.luben.zstd.Zstd.compress(zeros, 19);
    // Claims 4 MiB: refused by its header, before the Hello, without inflating.
    byte[] bomb = ByteBuffer.allocate(5 + packed.length).put((byte) 18).putInt(zeros.length).put(packed).array();
    // Claims what its zstd header says is 4 MiB, announcing less.
    byte[] liar = ByteBuffer.allocate(5 + packed.length).put((byte) 18).putInt(1000).put(packed).array();
    for (byte[] payload : List.of(bomb, liar)) {
      try (Socket s = connect()) {
        ByteBuffer many = ByteBuffer.allocate(300 * (4 + payload.length));
        for (int i = 0; i < 300; i++) many.putInt(payload.length).put(payload);
        writeQuietly(s, many.array());
        drain(s);
      }
    }
    // After a valid Hello too.
    Path victim = admittedRoot();
    try (RawSource s = rawSource()) {
      s.open(victim.toString(), "");
      try {
        for (int i = 0; i < 300; i++) s.sendPayload(bomb);
      } catch (IOException closed) {
        // the receiver closes after its Abort
      }
      s.drainUntilClosed();
    }
    ReceiverNode.awaitSessionsOver(node, victim);
    assertOnlyEmptyScratch(victim);
    deleteTree(victim);
  }

  @Test
  public void connectionsDroppedMidSession() throws Exception {
    Path victim = admittedRoot();
    for (int i = 0; i < 10; i++) {
      RawSource s = rawSource();
      s.open(victim.toString(), "");
      s.entries(file("f" + i, 100_000));
      s.send(Frame.ListingEnd.INSTANCE);
      List<Frame.Need> needs = s.readNeeds(new ArrayList<>());
      s.send(new Frame.FileBegin(needs.get(0).id(), 100_000, RawSource.MTIME));
      s.send(new Frame.FileData(ByteString.fromArray(new byte[1000])));
      s.abortive();
      ReceiverNode.awaitSessionsOver(node, victim);
    }
    ReceiverNode.awaitSessionsOver(node, victim);
    assertOnlyEmptyScratch(victim);
    deleteTree(victim);
  }

  // ---- helpers

  /** A root for sessions with a valid ticket: a hostile peer may get that far too. */
  static Path admittedRoot() throws IOException {
    return Files.createDirectories(base.resolve("admitted-" + (++admittedRoots)));
  }

  static Socket connect() throws IOException {
    return transport.connect(node.endpoint());
  }

  /** A hand-driven source over this test's transport, getting its tickets from the node. */
  static RawSource rawSource() throws IOException {
    return new RawSource(connect(), node);
  }

  static byte[] framed(Frame frame) {
    byte[] payload = io.setsync.transfer.FrameCodec.encode(frame).toArray();
    return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
  }

  static void writeQuietly(Socket s, byte[] bytes) {
    try {
      OutputStream out = s.getOutputStream();
      out.write(bytes);
      out.flush();
    } catch (IOException closed) {
      // the node may hang up before it has read everything: that is what it should do
    }
  }

  /** Reads until the node closes the connection (within the socket's timeout); the bytes read. */
  static int drain(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    byte[] buf = new byte[8192];
    int total = 0;
    try {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) total += n;
    } catch (SocketTimeoutException stillOpen) {
      throw new AssertionError("the node did not close the connection within " + s.getSoTimeout() + " ms");
    } catch (IOException reset) {
      // closed the hard way
    }
    return total;
  }

  /** A root that refused sessions used may hold the scratch area, empty, and nothing else. */
  static void assertOnlyEmptyScratch(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      List<String> left = all.filter(p -> !p.equals(root) && !p.equals(root.resolve(".setsync")))
          .map(p -> root.relativize(p).toString()).toList();
      assertTrue("left behind in " + root + ": " + left, left.isEmpty());
    }
  }

  static void deleteTree(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }

  private static int openFds() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return (int) fds.count();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static int threads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  private static void awaitAtMost(String what, java.util.function.IntSupplier count, int most) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    int now = count.getAsInt();
    while (now > most && System.nanoTime() < deadline) {
      // Polls a counter the kernel keeps; no event tells when a socket is finally closed.
      java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
      now = count.getAsInt();
    }
    assertTrue(what + ": " + now + " now, " + most + " at most", now <= most);
  }
}
