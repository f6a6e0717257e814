package io.setsync.transfer;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.stream.javadsl.Tcp;
import akka.util.ByteString;
import io.setsync.fs.ExcludeFilter;
import io.setsync.fs.FileEntry;
import io.setsync.fs.EntryType;
import io.setsync.fs.OpenFiles;
import io.setsync.fs.Ownership;
import io.setsync.fs.PathGuard;
import io.setsync.options.OptionText;
import io.setsync.options.SyncOptions;
import io.setsync.sync.ContentHash;
import static io.setsync.sync.Failures.describe;
import io.setsync.sync.SyncCounts;
import io.setsync.sync.SyncStatus;
import io.setsync.transfer.FrameLink.Ack;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The source side of one file-set synchronization: connects to a destination endpoint, streams
 * the sorted listing, sends each file the receiver asks for, and reports the receiver's counts.
 * Listing and data overlap; the listing pauses while too many needed files wait to be sent, so
 * memory stays flat however large the tree.
 */
public final class SourceSession extends AbstractBehavior<SourceSession.Command> {

  public interface Command {}

  private record Opened(ActorRef<Ack> ack) implements Command {}

  private record Received(FrameLink.Batch batch, ActorRef<Ack> ack) implements Command {}

  private enum Closed implements Command { INSTANCE }

  private record Failed(Throwable cause) implements Command {}

  private enum OutboundReady implements Command { INSTANCE }

  /**
   * Ends the session at the next file boundary: the file being sent is finished, then the session
   * aborts. What the destination had committed stays; the rest comes at the next sync.
   */
  public record Stop(String reason) implements Command {}

  /**
   * What a reader thread did with one needed file: a small one comes back read (FileWhole, or
   * FileUnavailable), a larger one open, to be sent in chunks; {@code warning}, when not null, is
   * said about it on the session's thread.
   */
  private record FileOpened(Frame frame, OutgoingFile large, String warning) {
    FileOpened(Frame frame, OutgoingFile large) {
      this(frame, large, null);
    }
  }

  /**
   * A lane thread is done with a file: its checksum, and whether it shrank while being sent (then
   * zeros filled it up), or why the lane failed.
   */
  private record LaneSent(long crc32c, boolean shrank, Throwable failure) implements Command {}

  /** The content lane is open (or could not be opened: the session then does without it). */
  private record LaneOpened(java.nio.channels.SocketChannel lane, Throwable failure) implements Command {}

  /** What one reader task did with its needs, in order. */
  private record FilesOpened(List<FileOpened> files) implements Command {}

  /** Needs one reader task takes: fewer thread hand-overs than one task per file. */
  private static final int NEEDS_PER_TASK = 8;

  /** What to synchronize, and where to. */
  public record Request(
      Path sourceRoot, String host, int port, String destinationRoot, SyncOptions options) {}

  /**
   * The end of a session: the receiver's counts, or why there are none.
   *
   * @param wireBytesSent bytes this side sent: frames with their length prefixes, and the
   *     content lane's bytes; for benchmarks and transfer statistics
   * @param laneBytesSent the part of {@code wireBytesSent} that went on the content lane
   */
  public record Outcome(SyncCounts counts, SyncStatus status, String failure, long wireBytesSent, long laneBytesSent) {
    public Outcome(SyncCounts counts, SyncStatus status, String failure) {
      this(counts, status, failure, 0, 0);
    }

    public static Outcome failed(String reason) {
      return new Outcome(SyncCounts.ZERO, SyncStatus.ERRORS, reason);
    }
  }

  /** Sees what happens as it happens: progress for a terminal, notices for the log or report. */
  public interface Observer {
    void notice(io.setsync.sync.SyncNotice notice);

    void progress(long entriesListed, long filesSent, long bytesSent);
  }

  /** Tunables from setsync.transfer. */
  public record Settings(
      int chunkBytes, int entriesPerFrame, int needWindow, int parallelReads, long laneMinBytes, Duration idleTimeout) {
    /** {@code laneMinBytes}: files at least this big take the content lane when offered; 0: never. */
    public static Settings from(com.typesafe.config.Config transfer) {
      return new Settings(
          (int) transfer.getBytes("chunk-bytes").longValue(),
          transfer.getInt("entries-per-frame"),
          transfer.getInt("need-window"),
          transfer.getInt("parallel-reads"),
          transfer.getBoolean("content-lane") ? transfer.getBytes("lane-min-bytes") : 0,
          transfer.getDuration("idle-timeout"));
    }
  }

  public static Behavior<Command> create(
      Request request, Settings settings, Observer observer, ActorRef<Outcome> replyTo) {
    return Behaviors.setup(ctx -> new SourceSession(ctx, request, settings, observer, replyTo));
  }

  private final Request request;
  private final Settings settings;
  private final Observer observer;
  private final ActorRef<Outcome> replyTo;
  private final FrameLink.Outbox outbox;

  private io.setsync.fs.Walk listing;
  private boolean ready;
  private boolean listingEnded;
  private boolean needsEnded;
  private boolean dataEnded;
  private final ArrayDeque<Frame.Need> needs = new ArrayDeque<>();
  private OutgoingFile sending;
  private int readsInFlight;
  private final ArrayDeque<Frame> readFrames = new ArrayDeque<>();
  private final ArrayDeque<OutgoingFile> largeFiles = new ArrayDeque<>();
  private final ArrayDeque<Frame.NeedDelta> deltaNeeds = new ArrayDeque<>();
  private final java.util.concurrent.Executor readers;
  private final io.setsync.sync.SessionPools pools;
  /** This session holds a lane slot of the node's lane threads. */
  private boolean laneSlot;
  private long entriesListed;
  private long filesSent;
  private long bytesSent;
  private long sourceWarnings;
  private boolean finished;
  private String stopReason;
  private UserPrincipal fromOwner;
  private OpenFiles openFiles;
  /** The content lane the receiver offered, when this session may take it; null otherwise. */
  private Frame.LaneOffer laneOffer;
  /** The lane once open: large files go on it from then on. Lane threads use it one file at a time. */
  private java.nio.channels.SocketChannel lane;
  /** The lane is being opened: large files wait for it (a few milliseconds on a reachable host). */
  private boolean laneOpening;
  private long laneBytesSent;
  /** ALLHARDLINKS: finds the later names of multiply-linked files; null when it is off. */
  private io.setsync.fs.HardLinks hardLinks;

  /** OPENUPDATE's quiet window when a one-time sync has no interval: the default INTERVAL. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);

  /** How old a snapshot of open files may be when deciding about a file to send. */
  private static final long OPEN_FILES_MAX_AGE_NANOS = 1_000_000_000L;

  private SourceSession(
      ActorContext<Command> ctx,
      Request request,
      Settings settings,
      Observer observer,
      ActorRef<Outcome> replyTo) {
    super(ctx);
    this.request = request;
    this.settings = settings;
    this.observer = observer;
    this.replyTo = replyTo;
    this.pools = io.setsync.sync.SessionPools.get(ctx.getSystem());
    this.readers =
        ctx.getSystem().dispatchers().lookup(akka.actor.typed.DispatcherSelector.fromConfig("setsync.io-dispatcher"));
    this.outbox =
        FrameLink.connect(
            ctx,
            Tcp.get(ctx.getSystem()).outgoingConnection(request.host(), request.port()),
            FrameLink.Messages.of(
                Opened::new, Received::new, Closed.INSTANCE, Failed::new, OutboundReady.INSTANCE),
            io.setsync.options.MaxRate.bytesPerSecond(request.options().maxRateMb()),
            settings.idleTimeout());
    outbox.compressContent(request.options().compress());
    outbox.send(
        new Frame.Hello(
            Frame.PROTOCOL_VERSION,
            request.destinationRoot(),
            OptionText.render(request.options()),
            request.sourceRoot().toString()));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Opened.class, m -> ack(m.ack()))
        .onMessage(Received.class, this::onBatch)
        .onMessage(OutboundReady.class, m -> onOutboundReady())
        .onMessage(Stop.class, this::onStop)
        .onMessage(FilesOpened.class, this::onFilesOpened)
        .onMessage(LaneSent.class, this::onLaneSent)
        .onMessage(LaneOpened.class, this::onLaneOpened)
        .onMessage(Closed.class, m -> finish(Outcome.failed("the destination closed the connection before the end")))
        .onMessage(Failed.class, m -> finish(Outcome.failed(connectionFailure(m.cause()))))
        .onSignal(PostStop.class, s -> cleanUp())
        .build();
  }

  /** The source never holds back what the receiver says: needs must flow for the listing to go on. */
  private Behavior<Command> ack(ActorRef<Ack> ack) {
    ack.tell(Ack.INSTANCE);
    return this;
  }

  private Behavior<Command> onBatch(Received m) {
    m.ack().tell(Ack.INSTANCE);
    for (Frame frame : m.batch().frames()) {
      Behavior<Command> next = onFrame(frame);
      if (finished) return next;
    }
    if (m.batch().malformed() != null) {
      return finish(Outcome.failed(connectionFailure(m.batch().malformed())));
    }
    pump();
    return finished ? Behaviors.stopped() : this;
  }

  /** Handles one frame; the session goes on unless it is {@link #finished} afterwards. */
  private Behavior<Command> onFrame(Frame frame) {
    if (frame instanceof Frame.Ready) {
      try {
        if (request.options().fromOwner() != null) fromOwner = Ownership.user(request.options().fromOwner());
      } catch (IllegalArgumentException e) {
        outbox.sendLast(new Frame.Abort("FROMOWNER: " + e.getMessage()));
        return finish(Outcome.failed("FROMOWNER: " + e.getMessage()));
      }
      try {
        listing = io.setsync.fs.PrefetchingWalk.open(
            request.sourceRoot(), ExcludeFilter.of(request.options().excludes()), this::sourceWarning, pools.walks());
      } catch (IOException e) {
        outbox.sendLast(new Frame.Abort("source unreadable: " + e.getMessage()));
        return finish(Outcome.failed("source " + request.sourceRoot() + ": " + e.getMessage()));
      }
      if (request.options().allHardLinks()) hardLinks = new io.setsync.fs.HardLinks();
      ready = true;
    } else if (frame instanceof Frame.LaneOffer offer) {
      if (laneUsable()) openLane(offer);
    } else if (frame instanceof Frame.Needs n) {
      needs.addAll(n.needs());
    } else if (frame instanceof Frame.NeedDelta d) {
      deltaNeeds.add(d);
    } else if (frame == Frame.NeedsEnd.INSTANCE) {
      needsEnded = true;
    } else if (frame instanceof Frame.Notice notice) {
      observer.notice(new io.setsync.sync.SyncNotice(io.setsync.sync.SyncNotice.Side.DESTINATION,
          io.setsync.sync.SyncNotice.Kind.valueOf(notice.kind().name()), notice.path(), notice.text()));
    } else if (frame instanceof Frame.Done done) {
      outbox.close();
      long skipped = done.counts().skipped() + sourceWarnings;
      SyncCounts c = done.counts();
      SyncCounts counts = new SyncCounts(c.scanned(), c.copied(), c.bytes(), c.purged(), skipped, c.keptNewer(), c.errors());
      SyncStatus status = SyncStatus.ofExitCode(done.completionCode());
      if (sourceWarnings > 0) status = status.worst(SyncStatus.WARNINGS);
      return finish(new Outcome(counts, status, null, outbox.bytesSent() + laneBytesSent, laneBytesSent));
    } else if (frame instanceof Frame.Abort abort) {
      return finish(Outcome.failed(abort.reason()));
    } else {
      outbox.sendLast(new Frame.Abort("unexpected " + frame.getClass().getSimpleName() + " frame"));
      return finish(Outcome.failed("protocol error: the destination sent an unexpected "
          + frame.getClass().getSimpleName() + " frame"));
    }
    return this;
  }

  private Behavior<Command> onOutboundReady() {
    outbox.onReady();
    pump();
    return finished ? Behaviors.stopped() : this;
  }

  private Behavior<Command> onStop(Stop stop) {
    if (stopReason == null) stopReason = stop.reason();
    pump();
    return finished ? Behaviors.stopped() : this;
  }

  /** Offers the next frame whenever the connection can take one. */
  private void pump() {
    if (stopReason != null && sending == null && !finished && outbox.wantsMore()) {
      outbox.sendLast(new Frame.Abort("stopped by the source: " + stopReason));
      finish(new Outcome(SyncCounts.ZERO, SyncStatus.WARNINGS, "stopped at a file boundary: " + stopReason));
      return;
    }
    while (ready && !finished && outbox.wantsMore()) {
      Frame next = nextFrame();
      if (next == null) return;
      outbox.send(next);
    }
  }

  /**
   * Files already read go first, then the chunks of a large file, then more listing; needed
   * files are read by reader threads meanwhile, a few at a time.
   */
  private Frame nextFrame() {
    if (sending != null) return sending.next();
    if (!readFrames.isEmpty()) return readFrames.poll();
    if (!largeFiles.isEmpty() && !laneOpening) {
      sending = largeFiles.poll();
      if (lane != null && sending.before.size() >= settings.laneMinBytes()) return sendOnLane(sending);
      return sending.begin();
    }
    if (!deltaNeeds.isEmpty()) return beginDelta(deltaNeeds.poll());
    startReads();
    if (!listingEnded && needs.size() < settings.needWindow()) return nextListingFrame();
    if (listingEnded && needsEnded && needs.isEmpty() && deltaNeeds.isEmpty() && largeFiles.isEmpty()
        && readsInFlight == 0 && !dataEnded) {
      dataEnded = true;
      return Frame.DataEnd.INSTANCE;
    }
    return null;
  }

  /**
   * The lane carries a file's bytes as they are on disk, so not with COMPRESS or MAXRATE (which
   * shape the session's stream) nor UNPROTECTED (whose checksum must be of the very bytes sent).
   */
  private boolean laneUsable() {
    SyncOptions o = request.options();
    return settings.laneMinBytes() > 0 && !o.compress() && o.maxRateMb() <= 0 && !o.unprotected();
  }

  /** Opens the lane at once, so that a lane that cannot be reached costs nothing but speed. */
  private void openLane(Frame.LaneOffer offer) {
    if (!pools.lanes().tryTake()) {
      getContext().getLog().info("no content-lane slot free (setsync.pools.lane-sessions); large files go through the session's connection");
      return;
    }
    laneSlot = true;
    laneOffer = offer;
    laneOpening = true;
    getContext().pipeToSelf(
        ContentLanes.async(pools.lanes().threads(), () -> ContentLanes.connect(request.host(), offer.port(), offer.token())),
        LaneOpened::new);
  }

  private Behavior<Command> onLaneOpened(LaneOpened m) {
    laneOpening = false;
    if (finished) {
      ContentLanes.closeQuietly(m.lane());
      return Behaviors.stopped();
    }
    if (m.failure() != null) {
      getContext().getLog().warn("content lane to {}:{} cannot be opened ({}); large files go through the session's connection",
          request.host(), laneOffer.port(), describe(m.failure()));
    } else {
      lane = m.lane();
    }
    pump();
    return finished ? Behaviors.stopped() : this;
  }

  /**
   * Sends the file's bytes on the lane from a lane thread while another reads them for the
   * checksum; FileEnd follows on this connection once both are done ({@link #onLaneSent}).
   */
  private Frame sendOnLane(OutgoingFile file) {
    file.onLane = true;
    java.nio.channels.SocketChannel channel = lane;
    long size = file.before.size();
    java.util.concurrent.CompletableFuture<Long> crc = ContentLanes.async(pools.lanes().threads(), () -> ContentLanes.crc32c(file.channel, size));
    java.util.concurrent.CompletableFuture<Boolean> sent = ContentLanes.async(pools.lanes().threads(), () -> ContentLanes.send(file.channel, size, channel));
    getContext().pipeToSelf(sent.thenCombine(crc, (shrank, sum) -> new LaneSent(sum, shrank, null)),
        (done, failure) -> done != null ? done : new LaneSent(0, false, failure));
    return file.begin();
  }

  private Behavior<Command> onLaneSent(LaneSent m) {
    if (finished) return Behaviors.stopped();
    if (m.failure() != null) {
      String reason = "content lane to " + request.host() + ":" + laneOffer.port() + " failed: " + describe(m.failure());
      outbox.sendLast(new Frame.Abort(reason));
      return finish(Outcome.failed(reason));
    }
    sending.laneDone(m.crc32c(), m.shrank());
    laneBytesSent += sending.before.size();
    pump();
    return finished ? Behaviors.stopped() : this;
  }

  private Frame beginDelta(Frame.NeedDelta need) {
    try {
      Path path = PathGuard.resolve(request.sourceRoot(), need.path());
      sending = openFile(need.id(), path);
      String refusal = openForWritingRefusal(openFilesSnapshot(), path, sending.before);
      if (refusal != null) {
        sending.close();
        sending = null;
        return new Frame.FileUnavailable(need.id(), refusal);
      }
      sending.asDelta(need.signatures());
      return sending.begin();
    } catch (IOException | RuntimeException e) {
      if (sending != null) sending.close();
      sending = null;
      return new Frame.FileUnavailable(need.id(), "cannot read: " + describe(e));
    }
  }

  private void startReads() {
    while (!needs.isEmpty()
        && readsInFlight + (readFrames.size() + largeFiles.size()) / NEEDS_PER_TASK < settings.parallelReads()) {
      List<Frame.Need> group = new ArrayList<>(NEEDS_PER_TASK);
      while (group.size() < NEEDS_PER_TASK && !needs.isEmpty()) group.add(needs.poll());
      readsInFlight++;
      OpenFiles snapshot = openFilesSnapshot();
      getContext().pipeToSelf(
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> new FilesOpened(group.stream().map(need -> openNeeded(need, snapshot)).toList()), readers),
          (opened, failure) -> opened != null ? opened
              : new FilesOpened(group.stream().map(need -> new FileOpened(
                  new Frame.FileUnavailable(need.id(), "cannot read: " + describe(failure)), null)).toList()));
    }
  }

  /** On a reader thread: touches no session state. */
  private FileOpened openNeeded(Frame.Need need, OpenFiles snapshot) {
    try {
      Path path = PathGuard.resolve(request.sourceRoot(), need.path());
      OutgoingFile file = openFile(need.id(), path);
      String refusal = openForWritingRefusal(snapshot, path, file.before);
      if (refusal != null) {
        file.close();
        return new FileOpened(new Frame.FileUnavailable(need.id(), refusal), null);
      }
      if (!file.fitsOneFrame()) return new FileOpened(null, file);
      Frame whole = file.whole();
      return new FileOpened(whole, null, file.unprotectedWarning);
    } catch (IOException | RuntimeException e) {
      return new FileOpened(new Frame.FileUnavailable(need.id(), "cannot read: " + describe(e)), null);
    }
  }

  private Behavior<Command> onFilesOpened(FilesOpened opened) {
    readsInFlight--;
    for (FileOpened m : opened.files()) {
      if (m.warning() != null) {
        observer.notice(io.setsync.sync.SyncNotice.sourceWarning("", m.warning()));
      }
      if (m.large() != null) {
        if (finished) m.large().close();
        else largeFiles.add(m.large());
      } else {
        if (m.frame() instanceof Frame.FileWhole whole) {
          filesSent++;
          bytesSent += whole.bytes().length();
        }
        readFrames.add(m.frame());
      }
    }
    observer.progress(entriesListed, filesSent, bytesSent);
    pump();
    return finished ? Behaviors.stopped() : this;
  }

  private Frame nextListingFrame() {
    List<FileEntry> batch = new ArrayList<>(settings.entriesPerFrame());
    while (batch.size() < settings.entriesPerFrame() && listing.hasNext()) {
      FileEntry entry = listing.next();
      if (fromOwner != null && entry.type() != EntryType.DIRECTORY && !ownedByFromOwner(entry)) {
        entry = new FileEntry(entry.path(), EntryType.LEFT_OUT, 0, entry.mtimeNanos(), 0, null, null);
      }
      entry = withHardLinks(entry);
      if (request.options().checksum() && entry.type() == EntryType.FILE) {
        entry = withHash(entry);
      }
      batch.add(entry);
    }
    entriesListed += batch.size();
    observer.progress(entriesListed, filesSent, bytesSent);
    if (batch.isEmpty()) {
      listingEnded = true;
      listing.close();
      return Frame.ListingEnd.INSTANCE;
    }
    return new Frame.Entries(batch);
  }

  /**
   * ALLHARDLINKS: a later name of a multiply-linked file becomes a hard link to its first name
   * (which keeps its link count, so the receiver remembers it); without it every name is an
   * independent file. Only names that made it into the listing count (EXCLUDE, FROMOWNER).
   */
  private FileEntry withHardLinks(FileEntry entry) {
    if (entry.type() != EntryType.FILE || entry.linkCount() == 1) return entry;
    Object key = listing.fileKey();
    if (hardLinks == null || key == null) return entry.withLinkCount(1); // off, or no identity to group by
    String first = hardLinks.earlierName(key, entry.linkCount(), entry.path());
    return first == null ? entry : entry.asHardLinkTo(first);
  }

  /** FROMOWNER: whether the source name belongs to that user (an unreadable owner does not). */
  private boolean ownedByFromOwner(FileEntry entry) {
    try {
      return Ownership.ownedBy(request.sourceRoot().resolve(entry.path()), fromOwner);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Why a file open for writing must not be sent now, or null when it may be: never with
   * UNPROTECTED; with OPENUPDATE once unchanged for the quiet window; otherwise not while open.
   */
  private String openForWritingRefusal(OpenFiles snapshot, Path path, BasicFileAttributes attrs) {
    if (snapshot == null) return null;
    // The identity from the attributes read at open saves a stat per file sent.
    OpenFiles.FileKey key = OpenFiles.FileKey.of(attrs);
    OpenFiles.Usage usage = key != null ? snapshot.usage(key) : snapshot.usage(path);
    if (!usage.isOpenForWriting()) return null;
    Duration quiet = request.options().openUpdateQuiet(DEFAULT_INTERVAL);
    String who = "open for writing by " + usage.describe();
    if (quiet == null) return who + " (OPENUPDATE or UNPROTECTED would copy it)";
    Duration unchanged = Duration.ofMillis(Math.max(0, System.currentTimeMillis() - attrs.lastModifiedTime().toMillis()));
    if (unchanged.compareTo(quiet) >= 0) return null;
    return who + " and changed " + unchanged.toSeconds() + " s ago, within OPENUPDATE's quiet window of "
        + quiet.toSeconds() + " s";
  }

  /**
   * Which processes hold which files, at most a second old; null under UNPROTECTED, which copies
   * files however they are open. Taken on the session's thread, read by reader threads.
   */
  private OpenFiles openFilesSnapshot() {
    if (request.options().unprotected()) return null;
    if (openFiles == null || openFiles.ageNanos() > OPEN_FILES_MAX_AGE_NANOS) openFiles = OpenFiles.scan();
    return openFiles;
  }

  private FileEntry withHash(FileEntry entry) {
    try {
      return entry.withContentHash(ContentHash.of(request.sourceRoot().resolve(entry.path())));
    } catch (IOException e) {
      return entry; // no hash: the receiver sees a difference and asks for the file
    }
  }

  private OutgoingFile openFile(int id, Path path) throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    try {
      // The POSIX view: the same lstat, and it shows the identity the open-file check needs.
      BasicFileAttributes before = Files.readAttributes(path, java.nio.file.attribute.PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!before.isRegularFile()) throw new IOException("no longer a regular file");
      return new OutgoingFile(id, path, channel, before, settings.chunkBytes());
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  private void sourceWarning(String text) {
    sourceWarnings++;
    observer.notice(io.setsync.sync.SyncNotice.sourceWarning("", text));
  }

  private Behavior<Command> finish(Outcome outcome) {
    if (!finished) {
      finished = true;
      replyTo.tell(outcome);
    }
    return Behaviors.stopped();
  }

  private Behavior<Command> cleanUp() {
    ContentLanes.closeQuietly(lane);
    if (laneSlot) {
      laneSlot = false;
      pools.lanes().give();
    }
    if (sending != null) sending.close();
    largeFiles.forEach(OutgoingFile::close);
    if (listing != null) listing.close();
    return this;
  }

  private String connectionFailure(Throwable cause) {
    if (cause instanceof akka.stream.StreamTcpException) {
      return "cannot reach the destination endpoint at " + request.host() + ":" + request.port()
          + ": " + cause.getMessage();
    }
    return "connection to the destination failed: " + describe(cause);
  }

  /** A needed file being read: frames begin, data chunks, then end (or unavailable if it changed). */
  private final class OutgoingFile {
    private final int id;
    private final FileChannel channel;
    private final BasicFileAttributes before;
    private final int chunkBytes;
    private final CRC32C crc = new CRC32C();
    private final Path path;
    private long read;
    /** Set for a file sent as a delta against the receiver's old copy. */
    private io.setsync.delta.DeltaEncoder delta;
    /** What whole() has to say about an UNPROTECTED copy of a changing file, or null. */
    private String unprotectedWarning;
    /** Its bytes go on the content lane; {@code laneCrc} is set once they all went. */
    private boolean onLane;
    private Long laneCrc;
    private boolean laneShrank;

    private OutgoingFile(int id, Path path, FileChannel channel, BasicFileAttributes before, int chunkBytes) {
      this.id = id;
      this.path = path;
      this.channel = channel;
      this.before = before;
      this.chunkBytes = chunkBytes;
    }

    Frame begin() {
      return onLane ? new Frame.FileOnLane(id, before.size(), mtimeNanos()) : new Frame.FileBegin(id, before.size(), mtimeNanos());
    }

    void laneDone(long crc32c, boolean shrank) {
      laneCrc = crc32c;
      laneShrank = shrank;
    }

    private long mtimeNanos() {
      return before.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    boolean fitsOneFrame() {
      return before.size() <= chunkBytes;
    }

    /** The whole (small) file as one frame; touches no session state (reader threads call it). */
    Frame whole() {
      try {
        // One byte more than expected, so that a file that grew is noticed without a second read.
        ByteBuffer buffer = ByteBuffer.allocate((int) before.size() + 1);
        while (buffer.hasRemaining() && channel.read(buffer) > 0) {
          // keep reading until full or at the end
        }
        close();
        BasicFileAttributes after = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (buffer.position() != before.size() || changed(after)) {
          if (!request.options().unprotected() || buffer.position() < before.size()) {
            return new Frame.FileUnavailable(id, "changed while being read; it is taken at the next sync");
          }
          // UNPROTECTED: the announced bytes go, whatever was written meanwhile.
          buffer.position((int) before.size());
          unprotectedWarning = request.sourceRoot().relativize(path) + ": changed while being copied; copied anyway (UNPROTECTED)";
        }
        buffer.flip();
        crc.update(buffer.duplicate());
        return new Frame.FileWhole(id, mtimeNanos(), crc.getValue(),
            ByteString.fromArrayUnsafe(buffer.array(), 0, buffer.remaining()));
      } catch (IOException e) {
        close();
        return new Frame.FileUnavailable(id, "read failed: " + describe(e));
      }
    }

    private boolean changed(BasicFileAttributes after) {
      return after.size() != before.size() || !after.lastModifiedTime().equals(before.lastModifiedTime());
    }

    /** Describes this file as runs of the old copy's blocks and new bytes. */
    void asDelta(io.setsync.delta.BlockSignatures signatures) {
      delta = new io.setsync.delta.DeltaEncoder(signatures, channel, chunkBytes, crc);
    }

    private Frame nextDelta() throws IOException {
      io.setsync.delta.DeltaEncoder.Instruction step = delta.next();
      if (step instanceof io.setsync.delta.DeltaEncoder.Copy copy) return new Frame.FileCopy(copy.first(), copy.count());
      if (step instanceof io.setsync.delta.DeltaEncoder.Literal literal) {
        bytesSent += literal.bytes().length;
        return new Frame.FileData(ByteString.fromArrayUnsafe(literal.bytes()));
      }
      return null;
    }

    Frame next() {
      try {
        if (onLane) {
          if (laneCrc == null) return null; // still on its way
          bytesSent += before.size();
          read = before.size();
          return end();
        }
        if (delta != null) {
          Frame step = nextDelta();
          if (step != null) return step;
          return end();
        }
        // Never more than announced: a file growing meanwhile is caught by end() (or, UNPROTECTED, cut).
        // A fresh buffer per chunk: it travels on as an immutable ByteString.
        long remaining = before.size() - read;
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(chunkBytes, Math.max(0, remaining)));
        int n = remaining <= 0 ? 0 : channel.read(buffer);
        if (n > 0) {
          buffer.flip();
          crc.update(buffer.duplicate());
          bytesSent += n;
          read += n;
          return new Frame.FileData(ByteString.fromArrayUnsafe(buffer.array(), 0, n));
        }
        return end();
      } catch (IOException e) {
        close();
        sending = null;
        return new Frame.FileUnavailable(id, "read failed: " + describe(e));
      }
    }

    private Frame end() throws IOException {
      {
        close();
        sending = null;
        BasicFileAttributes after = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        boolean changed = changed(after) || laneShrank;
        if (changed && request.options().unprotected() && read == before.size() && delta == null) {
          observer.notice(io.setsync.sync.SyncNotice.sourceWarning(request.sourceRoot().relativize(path).toString(),
              "changed while being copied; copied anyway (UNPROTECTED)"));
        } else if (changed) {
          return new Frame.FileUnavailable(id, "changed while being read; it is taken at the next sync");
        }
        filesSent++;
        observer.progress(entriesListed, filesSent, bytesSent);
        return new Frame.FileEnd(id, onLane ? laneCrc : crc.getValue());
      }
    }

    void close() {
      try {
        channel.close();
      } catch (IOException ignored) {
        // read-only: nothing to lose
      }
    }
  }
}
