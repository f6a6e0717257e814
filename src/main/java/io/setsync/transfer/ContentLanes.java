package io.setsync.transfer;

import io.setsync.sync.SessionPools;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content lane: a companion TCP connection per session that carries large files' bytes as a
 * plain byte stream, so they move with sendfile on the source and one copy into the temp file on
 * the destination, instead of through the session's framed stream (several copies and allocations
 * per chunk). The session's Akka Streams connection still says which file the bytes belong to and
 * carries their checksum; the lane carries nothing else.
 *
 * <p>The destination's endpoint owns one listener ({@link #open}); each receiver {@link #offer}s a
 * lane under a random token, and the source connects with that token ({@link #connect}). A
 * connection with any other token is closed unanswered.
 *
 * <p>With TLS ({@link NodeTls}, conf/cluster-tls.conf) a lane is a TLS connection with mutual
 * authentication like the session's: the listener's handshake and certificate check come before
 * the token is read, and the bytes go through the JDK's TLS socket (sendfile is then out of reach:
 * every byte is encrypted on the way).
 *
 * <p>Lane transfers block a thread each, so they run on the node's lane threads ({@link
 * SessionPools.Lanes}, through {@link #async}) rather than on the io dispatcher, whose threads the
 * session actors and the small-file writers need. A receiver offers a lane only while a lane slot
 * is free; without one its source sends everything through the session's connection.
 */
public final class ContentLanes implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ContentLanes.class);

  /** What a source sends first on a lane: a magic word, then the token. */
  private static final byte[] MAGIC = "SSL4".getBytes(StandardCharsets.US_ASCII);

  private static final int TOKEN_BYTES = 16;
  private static final int TOKEN_CHARS = TOKEN_BYTES * 2;

  /** How long an accepted connection may take to present its token. */
  private static final int HANDSHAKE_MILLIS = 10_000;

  /** How long a source tries to reach an offered lane before it does without. */
  private static final int CONNECT_MILLIS = 10_000;

  /** Bytes moved per system call on either side. */
  private static final int BUFFER_BYTES = 1 << 20;

  /** One buffer per lane thread: a lane moves one file at a time. */
  private static final ThreadLocal<ByteBuffer> BUFFERS = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER_BYTES));

  /**
   * Connections waiting to present their token: few threads, and a short queue, so a flood of
   * connections that say nothing costs a bounded amount; the overflow is closed at once.
   */
  private static final int HANDSHAKE_THREADS = 2;
  private static final int HANDSHAKE_QUEUE = 64;

  private final SessionPools.Lanes pool;
  private final ThreadPoolExecutor handshakes;
  /** TLS on the lane; null: plain TCP. */
  private final NodeTls tls;

  private final ServerSocketChannel server;
  private final int port;
  private final Map<String, CompletableFuture<Lane>> offers = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Thread acceptor;

  private ContentLanes(ServerSocketChannel server, SessionPools.Lanes pool, NodeTls tls) throws IOException {
    this.server = server;
    this.pool = pool;
    this.tls = tls;
    this.handshakes = new ThreadPoolExecutor(HANDSHAKE_THREADS, HANDSHAKE_THREADS, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(HANDSHAKE_QUEUE), SessionPools.daemons("setsync-lane-handshake-"));
    handshakes.allowCoreThreadTimeOut(true);
    this.port = ((InetSocketAddress) server.getLocalAddress()).getPort();
    this.acceptor = SessionPools.daemons("setsync-lane-accept-").newThread(this::acceptLoop);
    acceptor.start();
  }

  /** Listens on {@code host:port} (port 0: any free port); lanes run on {@code pool}'s threads. */
  public static ContentLanes open(String host, int port, SessionPools.Lanes pool) throws IOException {
    return open(host, port, pool, null);
  }

  /** As above, each lane a TLS connection with mutual authentication when {@code tls} is given. */
  public static ContentLanes open(String host, int port, SessionPools.Lanes pool, NodeTls tls) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open();
    try {
      server.bind(new InetSocketAddress(host, port));
      return new ContentLanes(server, pool, tls);
    } catch (IOException e) {
      server.close();
      throw e;
    }
  }

  public int port() {
    return port;
  }

  /**
   * A lane a source may open with {@code token}; {@code connection} completes when it does. It
   * holds a lane slot until withdrawn ({@code withdrawn} makes a second withdrawal harmless).
   */
  public record Offer(String token, CompletableFuture<Lane> connection, AtomicBoolean withdrawn) {}

  /**
   * One open lane: its channel, and over it the TLS socket that carries its bytes (null: plain, the
   * bytes go on the channel itself).
   */
  public static final class Lane implements java.io.Closeable {
    private final SocketChannel channel;
    private final javax.net.ssl.SSLSocket tls;

    Lane(SocketChannel channel, javax.net.ssl.SSLSocket tls) {
      this.channel = channel;
      this.tls = tls;
    }

    /** A plain lane over {@code channel}. */
    public static Lane plain(SocketChannel channel) {
      return new Lane(channel, null);
    }

    public SocketChannel channel() {
      return channel;
    }

    public boolean encrypted() {
      return tls != null;
    }

    @Override
    public void close() {
      if (tls != null) closeQuietly(tls);
      closeQuietly(channel);
    }
  }

  /** A lane for one session, or null when every lane slot is taken (the session does without). */
  public Offer offer() {
    if (!pool.tryTake()) return null;
    byte[] bytes = new byte[TOKEN_BYTES];
    random.nextBytes(bytes);
    String token = HexFormat.of().formatHex(bytes);
    CompletableFuture<Lane> connection = new CompletableFuture<>();
    offers.put(token, connection);
    return new Offer(token, connection, new AtomicBoolean());
  }

  /** The session is over: the offer goes, its connection (if any) is closed, its slot is free. */
  public void withdraw(Offer offer) {
    if (offer.withdrawn().compareAndSet(false, true)) pool.give();
    offers.remove(offer.token());
    offer.connection().cancel(false);
    offer.connection().thenAccept(ContentLanes::closeQuietly);
  }

  @Override
  public void close() {
    closeQuietly(server);
    handshakes.shutdownNow();
    offers.values().forEach(f -> f.completeExceptionally(new ClosedChannelException()));
    offers.clear();
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      try {
        SocketChannel channel = server.accept();
        try {
          handshakes.execute(() -> handshake(channel));
        } catch (RejectedExecutionException full) {
          log.warn("content lane: too many connections waiting to present a token; closed one from {}",
              channel.getRemoteAddress());
          closeQuietly(channel);
        }
      } catch (IOException e) {
        if (server.isOpen()) log.warn("content lane: accept failed: {}", e.getMessage());
      }
    }
  }

  private void handshake(SocketChannel channel) {
    Lane lane = Lane.plain(channel);
    Object peer = channel.socket().getRemoteSocketAddress(); // before a failed handshake closes the channel
    try {
      channel.socket().setSoTimeout(HANDSHAKE_MILLIS);
      if (tls != null) {
        try {
          lane = new Lane(channel, tls.laneServer(channel));
        } catch (IOException e) {
          // A plaintext peer, a certificate this node does not accept, or a peer gone in the
          // handshake (the JDK may report a refused certificate so): nothing was read.
          log.warn("content lane: refused a connection from {}: TLS: {}", peer,
              PeerText.of(sslReason(e)));
          closeQuietly(channel);
          return;
        }
      }
      InputStream in = lane.tls != null ? lane.tls.getInputStream() : channel.socket().getInputStream();
      byte[] hello = in.readNBytes(MAGIC.length + TOKEN_CHARS);
      String token = hello.length == MAGIC.length + TOKEN_CHARS && startsWithMagic(hello)
          ? new String(hello, MAGIC.length, TOKEN_CHARS, StandardCharsets.US_ASCII) : null;
      CompletableFuture<Lane> offer = token == null ? null : offers.remove(token);
      if (offer == null || !offer.complete(lane)) {
        log.warn("content lane: refused a connection from {} without a valid token", peer);
        lane.close();
      } else {
        channel.socket().setSoTimeout(0);
      }
    } catch (IOException e) { // a timeout included: no token in time
      lane.close();
    }
  }

  /** A TLS failure's reason with its innermost cause (the certificate check that failed), for the log. */
  public static String sslReason(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String why = t.getMessage();
    return root != t && root.getMessage() != null && (why == null || !why.contains(root.getMessage()))
        ? why + " (" + root.getMessage() + ")" : why;
  }

  private static boolean startsWithMagic(byte[] hello) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (hello[i] != MAGIC[i]) return false;
    }
    return true;
  }

  /** The source's side: opens the lane a receiver offered, with TLS when {@code tls} is given (null: plain). */
  public static Lane connect(String host, int port, String token, NodeTls tls) throws IOException {
    return connect(host, port, token, tls, false);
  }

  /** As above; {@code outsideCluster}: to an IPHOST node, whose certificate must name {@code host}. */
  public static Lane connect(String host, int port, String token, NodeTls tls, boolean outsideCluster)
      throws IOException {
    if (tls == null) return Lane.plain(connect(host, port, token));
    SocketChannel channel = SocketChannel.open();
    try {
      channel.socket().connect(new InetSocketAddress(host, port), CONNECT_MILLIS);
      channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
      channel.socket().setSoTimeout(HANDSHAKE_MILLIS);
      javax.net.ssl.SSLSocket socket = tls.laneClient(channel, host, port, outsideCluster);
      channel.socket().setSoTimeout(0);
      Lane lane = new Lane(channel, socket);
      java.io.OutputStream out = socket.getOutputStream();
      out.write(MAGIC);
      out.write(token.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return lane;
    } catch (IOException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  /** The source's side: opens the lane a receiver offered (plain TCP). */
  public static SocketChannel connect(String host, int port, String token) throws IOException {
    SocketChannel channel = SocketChannel.open();
    try {
      channel.socket().connect(new InetSocketAddress(host, port), CONNECT_MILLIS);
      channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
      ByteBuffer hello = ByteBuffer.allocate(MAGIC.length + token.length());
      hello.put(MAGIC).put(token.getBytes(StandardCharsets.US_ASCII)).flip();
      while (hello.hasRemaining()) channel.write(hello);
      return channel;
    } catch (IOException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  /**
   * Sends exactly {@code size} bytes of {@code file} from its start (sendfile where the platform
   * has it); a file that shrank meanwhile is padded with zeros, so the lane stays in step (the
   * caller sees the change and tells the receiver not to keep the file). Returns whether it shrank.
   */
  public static boolean send(FileChannel file, long size, SocketChannel lane) throws IOException {
    long position = 0;
    while (position < size) {
      long n = file.transferTo(position, size - position, lane);
      if (n > 0) {
        position += n;
      } else if (file.size() <= position) {
        pad(size - position, lane);
        return true;
      }
    }
    return false;
  }

  /**
   * As {@link #send(FileChannel, long, SocketChannel)}, but fails once the peer has taken no byte
   * for {@code stall} (zero: waits for ever), so a lane whose reader stopped frees its thread.
   */
  public static boolean send(FileChannel file, long size, SocketChannel lane, java.time.Duration stall)
      throws IOException {
    if (stall.isZero()) return send(file, size, lane);
    lane.configureBlocking(false);
    try (java.nio.channels.Selector selector = java.nio.channels.Selector.open()) {
      lane.register(selector, java.nio.channels.SelectionKey.OP_WRITE);
      long position = 0;
      while (position < size) {
        long n = file.transferTo(position, size - position, lane);
        if (n > 0) {
          position += n;
        } else if (file.size() <= position) {
          ByteBuffer zeros = ByteBuffer.allocateDirect(BUFFER_BYTES);
          for (long count = size - position; count > 0; ) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), count));
            while (zeros.hasRemaining()) {
              int written = lane.write(zeros);
              if (written == 0) awaitWritable(selector, stall);
              count -= written;
            }
          }
          return true;
        } else {
          awaitWritable(selector, stall);
        }
      }
      return false;
    } finally {
      if (lane.isOpen()) lane.configureBlocking(true); // the selector is closed: the lane is no longer registered
    }
  }

  /** As {@link #send(FileChannel, long, SocketChannel, java.time.Duration)}, on a plain or TLS lane. */
  public static boolean send(FileChannel file, long size, Lane lane, java.time.Duration stall) throws IOException {
    if (lane.tls == null) return send(file, size, lane.channel, stall);
    java.io.OutputStream out = lane.tls.getOutputStream();
    byte[] bytes = HEAP_BUFFERS.get();
    long position = 0;
    boolean shrank = false;
    while (position < size) {
      int want = (int) Math.min(bytes.length, size - position);
      int n = shrank ? -1 : file.read(ByteBuffer.wrap(bytes, 0, want), position);
      if (n <= 0) { // shrank: zeros keep the lane in step
        shrank = true;
        java.util.Arrays.fill(bytes, 0, want, (byte) 0);
        n = want;
      }
      writeWatched(out, bytes, n, lane, stall);
      position += n;
    }
    writeWatched(null, bytes, 0, lane, stall);
    return shrank;
  }

  /**
   * A blocking TLS write has no timeout of its own: a watchdog closes the lane once one chunk has
   * waited {@code stall} for the peer to read (zero: waits for ever); {@code out} null: flushes.
   */
  private static void writeWatched(java.io.OutputStream out, byte[] bytes, int n, Lane lane, java.time.Duration stall)
      throws IOException {
    AtomicBoolean stalled = new AtomicBoolean();
    java.util.concurrent.ScheduledFuture<?> watch = stall.isZero() ? null : WATCHDOG.schedule(() -> {
      stalled.set(true);
      // The channel, not the TLS socket: closing that would wait for the stuck write's lock.
      closeQuietly(lane.channel);
    }, stall.toMillis(), TimeUnit.MILLISECONDS);
    try {
      if (out == null) lane.tls.getOutputStream().flush();
      else out.write(bytes, 0, n);
    } catch (IOException e) {
      if (stalled.get()) {
        throw new java.net.SocketTimeoutException("the content lane's peer read nothing for " + stall.toSeconds()
            + " s (setsync.transfer.idle-timeout)");
      }
      throw e;
    } finally {
      if (watch != null) watch.cancel(false);
    }
  }

  private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(SessionPools.daemons("setsync-lane-watchdog-"));

  /** TLS lanes move heap arrays through the socket's streams; one per lane thread. */
  private static final ThreadLocal<byte[]> HEAP_BUFFERS = ThreadLocal.withInitial(() -> new byte[BUFFER_BYTES]);

  private static void awaitWritable(java.nio.channels.Selector selector, java.time.Duration stall) throws IOException {
    long deadline = System.nanoTime() + stall.toNanos();
    while (selector.select(Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))) == 0) {
      if (System.nanoTime() - deadline >= 0) {
        throw new java.net.SocketTimeoutException("the content lane's peer read nothing for " + stall.toSeconds()
            + " s (setsync.transfer.idle-timeout)");
      }
    }
    selector.selectedKeys().clear();
  }

  private static void pad(long count, SocketChannel lane) throws IOException {
    ByteBuffer zeros = ByteBuffer.allocateDirect(BUFFER_BYTES);
    while (count > 0) {
      zeros.clear().limit((int) Math.min(zeros.capacity(), count));
      while (zeros.hasRemaining()) count -= lane.write(zeros);
    }
  }

  /**
   * The CRC32C of {@code file}'s first {@code size} bytes, read with positional reads (never a
   * mapping: a file truncated under a mapping faults), as the source's checksum of what it sent.
   */
  public static long crc32c(FileChannel file, long size) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer buffer = BUFFERS.get();
    long position = 0;
    while (position < size) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), size - position));
      int n = file.read(buffer, position);
      if (n <= 0) break; // shrank: the transfer pads, and the file is not kept
      buffer.flip();
      crc.update(buffer);
      position += n;
    }
    return crc.getValue();
  }

  /** What a receiver does with lane bytes: typically writes them to a temp file and checksums them. */
  public interface Sink {
    void write(ByteBuffer bytes) throws IOException;
  }

  /** The receiver's side: reads exactly {@code size} bytes from the lane into {@code sink}. */
  public static void receive(SocketChannel lane, long size, Sink sink) throws IOException {
    receive(lane, size, sink, java.time.Duration.ZERO);
  }

  /**
   * As {@link #receive(SocketChannel, long, Sink)}, failing with a {@link
   * java.net.SocketTimeoutException} once no byte has come for {@code idleTimeout} (zero: never):
   * a source that goes silent on the lane must not hold its session forever.
   */
  public static void receive(SocketChannel lane, long size, Sink sink, java.time.Duration idleTimeout)
      throws IOException {
    if (idleTimeout.isZero()) {
      receiveBlocking(lane, size, sink);
      return;
    }
    ByteBuffer buffer = BUFFERS.get();
    long remaining = size;
    long idleMillis = Math.max(1, idleTimeout.toMillis());
    lane.configureBlocking(false);
    try (java.nio.channels.Selector selector = java.nio.channels.Selector.open()) {
      lane.register(selector, java.nio.channels.SelectionKey.OP_READ);
      while (remaining > 0) {
        buffer.clear().limit((int) Math.min(buffer.capacity(), remaining));
        int n = lane.read(buffer);
        if (n < 0) throw new EOFException("the content lane closed " + remaining + " bytes before the file's end");
        if (n == 0) {
          awaitBytes(selector, idleMillis, idleTimeout, remaining, lane);
          continue;
        }
        buffer.flip();
        sink.write(buffer);
        remaining -= n;
      }
    } finally {
      if (lane.isOpen()) lane.configureBlocking(true);
    }
  }

  /** Waits in slices, so a lane closed meanwhile (the session ended) ends the read at once. */
  private static void awaitBytes(java.nio.channels.Selector selector, long idleMillis, java.time.Duration idle,
      long remaining, SocketChannel lane) throws IOException {
    long deadline = System.nanoTime() + idleMillis * 1_000_000L;
    while (selector.select(Math.max(1, Math.min(WAIT_SLICE_MILLIS, (deadline - System.nanoTime()) / 1_000_000L))) == 0) {
      if (!lane.isOpen()) throw new java.nio.channels.AsynchronousCloseException();
      if (System.nanoTime() - deadline >= 0) {
        throw new java.net.SocketTimeoutException("the source sent nothing on the content lane for "
            + idle.toSeconds() + " s with " + remaining + " bytes of the file to come (setsync.transfer.idle-timeout)");
      }
    }
    selector.selectedKeys().clear();
  }

  private static final long WAIT_SLICE_MILLIS = 200;

  /** As {@link #receive(SocketChannel, long, Sink, java.time.Duration)}, on a plain or TLS lane. */
  public static void receive(Lane lane, long size, Sink sink, java.time.Duration idleTimeout) throws IOException {
    if (lane.tls == null) {
      receive(lane.channel, size, sink, idleTimeout);
      return;
    }
    lane.tls.setSoTimeout(idleTimeout.isZero() ? 0 : (int) Math.max(1, Math.min(Integer.MAX_VALUE, idleTimeout.toMillis())));
    InputStream in = lane.tls.getInputStream();
    byte[] bytes = HEAP_BUFFERS.get();
    long remaining = size;
    while (remaining > 0) {
      int n;
      try {
        n = in.read(bytes, 0, (int) Math.min(bytes.length, remaining));
      } catch (java.net.SocketTimeoutException e) {
        throw new java.net.SocketTimeoutException("the source sent nothing on the content lane for "
            + idleTimeout.toSeconds() + " s with " + remaining + " bytes of the file to come (setsync.transfer.idle-timeout)");
      }
      if (n < 0) throw new EOFException("the content lane closed " + remaining + " bytes before the file's end");
      sink.write(ByteBuffer.wrap(bytes, 0, n));
      remaining -= n;
    }
  }

  private static void receiveBlocking(SocketChannel lane, long size, Sink sink) throws IOException {
    ByteBuffer buffer = BUFFERS.get();
    long remaining = size;
    while (remaining > 0) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), remaining));
      int n = lane.read(buffer);
      if (n < 0) throw new EOFException("the content lane closed " + remaining + " bytes before the file's end");
      buffer.flip();
      sink.write(buffer);
      remaining -= n;
    }
  }

  /** Blocking lane work: what {@link #async} runs. */
  public interface LaneCall<T> {
    T call() throws Exception;
  }

  /** Runs blocking lane work on {@code threads}; a failure completes the future exceptionally. */
  public static <T> CompletableFuture<T> async(Executor threads, LaneCall<T> work) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return work.call();
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }, threads);
  }

  public static void closeQuietly(java.io.Closeable closeable) {
    try {
      if (closeable != null) closeable.close();
    } catch (IOException ignored) {
      // nothing more to do with it
    }
  }
}
