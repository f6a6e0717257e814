package io.setsync.transfer;

import static io.setsync.sync.Failures.describe;

import io.setsync.options.SyncOptions;
import io.setsync.sync.SessionPools;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The source's end of the content lane: opens the lane the receiver offered and sends large files'
 * bytes on it from lane threads, one file at a time, while another lane thread reads them for the
 * checksum. A lane whose peer stops reading fails after the stall timeout instead of holding a
 * thread and the session for ever.
 */
final class LaneSender implements AutoCloseable {

  /** A file's bytes all went: their checksum, and whether it shrank meanwhile (zeros filled it up). */
  record Sent(long crc32c, boolean shrank) {}

  private final String host;
  private final long minBytes;
  private final Duration stall;
  private final SessionPools.Lanes pool;
  /** The lane slot this session holds while it uses a lane. */
  private boolean slot;
  private Frame.LaneOffer offer;
  private ContentLanes.Lane lane;
  private boolean opening;
  /** The connection being opened: the session may end before it completes, and it must not leak. */
  private CompletableFuture<ContentLanes.Lane> pending;
  private boolean closed;
  private long bytesSent;

  /** TLS on the lane (null: plain), as on the session's connection. */
  private final NodeTls tls;
  private final boolean outsideCluster;

  /** {@code minBytes}: files at least this big take the lane once it is open. */
  LaneSender(String host, long minBytes, Duration stall, SessionPools.Lanes pool) {
    this(host, minBytes, stall, pool, null);
  }

  LaneSender(String host, long minBytes, Duration stall, SessionPools.Lanes pool, NodeTls tls) {
    this(host, minBytes, stall, pool, tls, false);
  }

  /** {@code outsideCluster}: the destination is an IPHOST node, whose certificate must name {@code host}. */
  LaneSender(String host, long minBytes, Duration stall, SessionPools.Lanes pool, NodeTls tls, boolean outsideCluster) {
    this.tls = tls;
    this.outsideCluster = outsideCluster;
    this.host = host;
    this.minBytes = minBytes;
    this.stall = stall;
    this.pool = pool;
  }

  /**
   * Takes a lane slot of the node's lane threads for this session; false when all are taken, and
   * the session then sends everything through its own connection.
   */
  boolean takeSlot() {
    if (!slot) slot = pool.tryTake();
    return slot;
  }

  /**
   * The lane carries a file's bytes as they are on disk, so not with COMPRESS, MAXRATE or RATE
   * (which shape the session's stream) nor UNPROTECTED (whose checksum must be of the very bytes
   * sent).
   */
  static boolean usable(SyncOptions o, long laneMinBytes) {
    return laneMinBytes > 0 && !o.compress() && !o.throttled() && !o.unprotected();
  }

  /** Opens the lane at once, so that a lane that cannot be reached costs nothing but speed. */
  CompletableFuture<ContentLanes.Lane> open(Frame.LaneOffer offered) {
    offer = offered;
    opening = true;
    pending = ContentLanes.async(pool.threads(), () -> ContentLanes.connect(host, offered.port(), offered.token(), tls,
        outsideCluster));
    return pending;
  }

  /** The lane is open, or (with {@code failure}) large files go on through the session's connection. */
  void opened(ContentLanes.Lane channel, Throwable failure) {
    opening = false;
    if (failure != null) return;
    if (closed) ContentLanes.closeQuietly(channel);
    else lane = channel;
  }

  /** Large files wait while the lane is being opened (a few milliseconds on a reachable host). */
  boolean opening() {
    return opening;
  }

  boolean takes(OutgoingFile file) {
    return lane != null && file.size() >= minBytes;
  }

  /** Sends the file's bytes on the lane; FileEnd is the session's once this completes. */
  CompletableFuture<Sent> send(OutgoingFile file) {
    file.toLane();
    ContentLanes.Lane channel = lane;
    long size = file.size();
    CompletableFuture<Long> crc = ContentLanes.async(pool.threads(), () -> ContentLanes.crc32c(file.channel(), size));
    CompletableFuture<Boolean> sent = ContentLanes.async(pool.threads(), () -> ContentLanes.send(file.channel(), size, channel, stall));
    return sent.thenCombine(crc, (shrank, sum) -> new Sent(sum, shrank));
  }

  void sent(OutgoingFile file) {
    bytesSent += file.size();
  }

  long bytesSent() {
    return bytesSent;
  }

  String where() {
    return host + ":" + (offer == null ? "?" : offer.port());
  }

  String failure(Throwable cause) {
    return "content lane to " + where() + " failed: " + describe(cause);
  }

  @Override
  public void close() {
    closed = true;
    ContentLanes.closeQuietly(lane);
    // Its answer goes to a session that is gone: whenever it connects, the connection is closed.
    if (pending != null) pending.thenAccept(ContentLanes::closeQuietly);
    if (slot) {
      slot = false;
      pool.give();
    }
  }
}
