package io.setsync.transfer;

import static io.setsync.sync.Failures.describe;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.BehaviorBuilder;
import akka.actor.typed.javadsl.Behaviors;
import io.setsync.fs.OpenFiles;
import io.setsync.options.OptionText;
import io.setsync.options.SyncOptions;
import io.setsync.sync.SessionPools;
import io.setsync.sync.SyncCounts;
import io.setsync.sync.SyncNotice;
import io.setsync.sync.SyncStatus;
import io.setsync.transfer.FrameLink.Ack;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The source side of one file-set synchronization: connects to a destination endpoint, streams
 * the sorted listing, sends each file the receiver asks for, and reports the receiver's counts.
 * Listing and data overlap; the listing pauses while too many needed files wait to be sent, so
 * memory stays flat however large the tree.
 *
 * <p>Phases: connecting (Hello sent, until Ready) → transferring (listing and files, until DataEnd
 * is sent, or a Stop at a file boundary) → draining (until Done); any of them ends the session on
 * Abort or a failure, and connecting on Stop as well.
 * The listing is {@link SourceListing}, reading is {@link NeededFiles} and {@link OutgoingFile},
 * the lane is {@link LaneSender}, and what goes out next is {@link Outgoing}'s.
 */
public final class SourceSession {

  public interface Command extends io.setsync.LocalMessage {}

  private record Opened(ActorRef<Ack> ack) implements Command {}

  private record Received(FrameLink.Batch batch, ActorRef<Ack> ack) implements Command {}

  private enum Closed implements Command { INSTANCE }

  private record Failed(Throwable cause) implements Command {}

  private enum OutboundReady implements Command { INSTANCE }

  /** The pump gave way after a delta's Copy (see {@link #pump}) and goes on now. */
  private enum Resume implements Command { INSTANCE }

  /** The closing phase waited long enough for its last frames to leave. */
  private enum ClosingTimedOut implements Command { INSTANCE }

  /**
   * Ends the session at the next file boundary: the file being sent is finished, then the source
   * tells the receiver it stops there ({@link Frame.Stop}), and the receiver commits what it has
   * and answers with its counts. The rest comes at the next sync.
   */
  public record Stop(String reason) implements Command {}

  /** What one reader task did with its needs, in order. */
  private record FilesOpened(List<NeededFiles.Opened> files) implements Command {}

  /** The content lane is open (or could not be opened: the session then does without it). */
  private record LaneOpened(ContentLanes.Lane lane, Throwable failure) implements Command {}

  /** A lane thread is done with a file, or why the lane failed. */
  private record LaneSent(LaneSender.Sent sent, Throwable failure) implements Command {}

  /**
   * What to synchronize, and where to; {@code ticket}: what the destination's endpoint issued for
   * this root and these options (its {@code IssueTicket}), without which it admits no session.
   */
  public record Request(
      Path sourceRoot, String host, int port, String destinationRoot, SyncOptions options, String ticket,
      boolean outsideCluster) {
    /** Without a ticket yet: for a caller whose {@code SyncRun} obtains it before the session starts. */
    public Request(Path sourceRoot, String host, int port, String destinationRoot, SyncOptions options) {
      this(sourceRoot, host, port, destinationRoot, options, null);
    }

    /** To a node of the cluster, with the ticket its endpoint issued. */
    public Request(Path sourceRoot, String host, int port, String destinationRoot, SyncOptions options, String ticket) {
      this(sourceRoot, host, port, destinationRoot, options, ticket, false);
    }
  }

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
    void notice(SyncNotice notice);

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

  /** How long the closing phase waits for the last frames to leave: a peer that reads nothing is not waited for. */
  private static final Duration CLOSING_GRACE = Duration.ofSeconds(10);

  /** OPENUPDATE's quiet window when a one-time sync has no interval: the default INTERVAL. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);

  public static Behavior<Command> create(
      Request request, Settings settings, Observer observer, ActorRef<Outcome> replyTo) {
    return Behaviors.setup(ctx -> new SourceSession(ctx, request, settings, observer, replyTo).connecting);
  }

  private final ActorContext<Command> context;
  private final Request request;
  private final Settings settings;
  private final Observer observer;
  private final ActorRef<Outcome> replyTo;
  private final FrameLink.Outbox outbox;
  /** Where files are read and the tree is walked: blocking work, off the session's own thread. */
  private final Executor readers;
  /** The node's pools for the walk's read-ahead and the content lane. */
  private final SessionPools pools;
  private final NeededFiles neededFiles;
  private final LaneSender lane;
  private final Outgoing outgoing;
  /** Set once Ready came. */
  private SourceListing listing;
  private String stopReason;
  /** The Stop frame went: the receiver's Done now says what reached the destination. */
  private boolean stopSent;
  /** A Resume is in the mailbox. */
  private boolean resumeQueued;
  private final OpenFilesSnapshots openFiles;
  private final Behavior<Command> stopped = Behaviors.stopped();
  private final Behavior<Command> connecting;
  private final Behavior<Command> transferring;
  private final Behavior<Command> draining;
  private final Behavior<Command> closing;

  private SourceSession(
      ActorContext<Command> ctx, Request request, Settings settings, Observer observer, ActorRef<Outcome> replyTo) {
    this.context = ctx;
    this.request = request;
    this.settings = settings;
    this.observer = observer;
    this.replyTo = replyTo;
    this.readers = ctx.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("setsync.io-dispatcher"));
    this.pools = SessionPools.get(ctx.getSystem());
    this.neededFiles = new NeededFiles(request.sourceRoot(), request.options(), settings.chunkBytes());
    this.openFiles = new OpenFilesSnapshots(request.options().unprotected());
    NodeTls tls = NodeTls.get(ctx.getSystem());
    this.lane = new LaneSender(request.host(), settings.laneMinBytes(), settings.idleTimeout(), pools.lanes(),
        tls.enabled() ? tls : null, request.outsideCluster());
    this.outgoing = new Outgoing(settings, observer, new Outgoing.Work(this::startRead,
        file -> context.pipeToSelf(lane.send(file), LaneSent::new),
        need -> neededFiles.openForDelta(need, openFiles.current())), lane);
    this.connecting = connectingPhase();
    this.transferring = transferringPhase();
    this.draining = drainingPhase();
    this.closing = closingPhase();
    this.outbox = FrameLink.connect(ctx,
        tls.connect(ctx.getSystem(), request.host(), request.port(), request.outsideCluster()),
        FrameLink.Messages.of(Opened::new, Received::new, Closed.INSTANCE, Failed::new, OutboundReady.INSTANCE),
        request.options().rateLimitBytesPerSecond(
            ctx.getSystem().settings().config().getBytes("setsync.transfer.link-rate")),
        settings.idleTimeout());
    outbox.compressContent(request.options().compress());
    outbox.send(new Frame.Hello(Frame.PROTOCOL_VERSION, request.destinationRoot(),
        OptionText.render(request.options()), request.sourceRoot().toString(),
        request.ticket() == null ? "" : request.ticket()));
  }

  // ---------------------------------------------------------------- phases

  /** Hello is on its way; nothing more goes out until Ready. */
  private Behavior<Command> connectingPhase() {
    return phase(this::connectingFrame, this::stopIfAsked).build();
  }

  /** Listing and needed files go out as the connection takes them. */
  private Behavior<Command> transferringPhase() {
    return phase(this::transferringFrame, this::pump)
        .onMessage(FilesOpened.class, this::onFilesOpened)
        .onMessage(LaneSent.class, this::onLaneSent)
        .onMessage(Resume.class, m -> {
          resumeQueued = false;
          return pump();
        })
        .build();
  }

  /**
   * DataEnd (or Stop) went: the receiver finishes and answers with Done. A Stop now changes
   * nothing: no more data goes out anyway.
   */
  private Behavior<Command> drainingPhase() {
    return phase(this::transferringFrame, Behaviors::same)
        .onMessage(Resume.class, m -> Behaviors.same())
        .onMessage(FilesOpened.class, m -> {
          closeFiles(m.files()); // read for a Stop's session: never sent
          return Behaviors.same();
        })
        .build();
  }

  /**
   * The outcome went; the last frames (an Abort) and the end of the stream are still on their way.
   * Stopping before they left would leave the connection open, and the receiver's root claimed,
   * until the idle timeout.
   */
  private Behavior<Command> closingPhase() {
    return Behaviors.receive(Command.class)
        .onMessage(OutboundReady.class, m -> closeWhenSent())
        .onMessage(Received.class, m -> ack(m.ack()))
        .onMessage(Opened.class, m -> ack(m.ack()))
        .onMessage(FilesOpened.class, m -> closeFiles(m.files()))
        .onMessage(LaneOpened.class, m -> closeLane(m.lane()))
        .onMessage(ClosingTimedOut.class, m -> stopped)
        .onMessage(Resume.class, m -> Behaviors.same())
        .onMessage(Closed.class, m -> stopped)
        .onMessage(Failed.class, m -> stopped)
        .onSignal(PostStop.class, s -> cleanUp())
        .build();
  }

  /**
   * What every phase does. The phase's own: {@code onFrame}, its answer to one frame (null: the
   * phase goes on; or the next phase, or closing), and {@code onTurn}, what it does whenever it
   * may send (the phase it is in afterwards).
   */
  private BehaviorBuilder<Command> phase(
      Function<Frame, Behavior<Command>> onFrame, Supplier<Behavior<Command>> onTurn) {
    return Behaviors.receive(Command.class)
        .onMessage(Opened.class, m -> ack(m.ack()))
        .onMessage(Received.class, m -> onBatch(m, onFrame, onTurn))
        .onMessage(OutboundReady.class, m -> onOutboundReady(onTurn))
        .onMessage(Stop.class, m -> onStop(m, onTurn))
        .onMessage(LaneOpened.class, m -> onLaneOpened(m, onTurn))
        .onMessage(Closed.class, m -> end(Outcome.failed("the destination closed the connection before the end")))
        .onMessage(Failed.class, m -> end(SessionEnds.connectionFailed(m.cause(), request.host(), request.port())))
        .onSignal(PostStop.class, s -> cleanUp());
  }

  private Behavior<Command> connectingFrame(Frame frame) {
    if (frame instanceof Frame.Ready) return startListing();
    return anyPhaseFrame(frame);
  }

  /** Transferring and draining: needs may still come while DataEnd is on its way. */
  private Behavior<Command> transferringFrame(Frame frame) {
    if (frame instanceof Frame.LaneOffer offer) {
      if (LaneSender.usable(request.options(), settings.laneMinBytes())) {
        if (lane.takeSlot()) {
          context.pipeToSelf(lane.open(offer), LaneOpened::new);
        } else {
          context.getLog().info("no content-lane slot free (setsync.pools.lane-sessions): large files go through the session's connection");
        }
      }
      return null;
    }
    return outgoing.take(frame) ? null : anyPhaseFrame(frame);
  }

  /** The wire's notice kind as the observers' kind: spelled out, so a kind added to one side does not compile alone. */
  static SyncNotice.Kind kindOf(Frame.NoticeKind kind) {
    return switch (kind) {
      case WOULD_COPY -> SyncNotice.Kind.WOULD_COPY;
      case WOULD_PURGE -> SyncNotice.Kind.WOULD_PURGE;
      case PURGED -> SyncNotice.Kind.PURGED;
      case WARNING -> SyncNotice.Kind.WARNING;
      case ERROR -> SyncNotice.Kind.ERROR;
      case COPIED -> SyncNotice.Kind.COPIED;
    };
  }

  /** Frames any phase takes; null: the phase goes on. */
  private Behavior<Command> anyPhaseFrame(Frame frame) {
    if (frame instanceof Frame.Notice notice) {
      observer.notice(new SyncNotice(SyncNotice.Side.DESTINATION, kindOf(notice.kind()), notice.path(), notice.text()));
      return null;
    }
    if (frame instanceof Frame.Done done) return onDone(done);
    if (frame instanceof Frame.Abort abort) return finish(Outcome.failed(abort.reason()));
    outbox.sendLast(new Frame.Abort("unexpected " + frame.getClass().getSimpleName() + " frame"));
    return finish(SessionEnds.unexpected(frame));
  }

  // ---------------------------------------------------------------- messages

  /** The source never holds back what the receiver says: needs must flow for the listing to go on. */
  private Behavior<Command> ack(ActorRef<Ack> ack) {
    ack.tell(Ack.INSTANCE);
    return Behaviors.same();
  }

  /**
   * Frames of one batch in order, each by the phase it arrives in; a frame that ends the session
   * ends the batch.
   */
  private Behavior<Command> onBatch(
      Received m, Function<Frame, Behavior<Command>> onFrame, Supplier<Behavior<Command>> onTurn) {
    m.ack().tell(Ack.INSTANCE);
    Function<Frame, Behavior<Command>> handler = onFrame;
    Supplier<Behavior<Command>> turn = onTurn;
    for (Frame frame : m.batch().frames()) {
      Behavior<Command> next = handler.apply(frame);
      if (next == closing || next == stopped) return next;
      if (next != null) { // Ready: from now on the transferring phase's
        handler = this::transferringFrame;
        turn = this::pump;
      }
    }
    if (m.batch().malformed() != null) {
      return finish(SessionEnds.connectionFailed(m.batch().malformed(), request.host(), request.port()));
    }
    return turn.get();
  }

  private Behavior<Command> onOutboundReady(Supplier<Behavior<Command>> onTurn) {
    outbox.onReady();
    return onTurn.get();
  }

  private Behavior<Command> onStop(Stop stop, Supplier<Behavior<Command>> onTurn) {
    if (stopReason == null) stopReason = stop.reason();
    return onTurn.get();
  }

  private Behavior<Command> startListing() {
    java.nio.file.attribute.UserPrincipal fromOwner;
    try {
      fromOwner = SourceListing.fromOwner(request.options());
    } catch (IllegalArgumentException e) {
      outbox.sendLast(new Frame.Abort("FROMOWNER: " + e.getMessage()));
      return finish(Outcome.failed("FROMOWNER: " + e.getMessage()));
    }
    try {
      listing = SourceListing.open(request.sourceRoot(), request.options(), fromOwner, this::sourceWarning, pools.walks());
    } catch (IOException e) {
      outbox.sendLast(new Frame.Abort("source unreadable: " + e.getMessage()));
      return finish(Outcome.failed("source " + request.sourceRoot() + ": " + e.getMessage()));
    }
    outgoing.listFrom(listing);
    return transferring;
  }

  private Behavior<Command> onDone(Frame.Done done) {
    outbox.close();
    Outcome outcome = SessionEnds.done(done, outgoing.sourceWarnings(), outbox.bytesSent(), lane.bytesSent());
    return finish(stopSent ? SessionEnds.stopped(outcome, stopReason) : outcome);
  }

  private Behavior<Command> onFilesOpened(FilesOpened opened) {
    outgoing.opened(opened.files());
    return pump();
  }

  /** In any phase: DataEnd may go before a lane that took long to open, and it must not leak. */
  private Behavior<Command> onLaneOpened(LaneOpened m, Supplier<Behavior<Command>> onTurn) {
    lane.opened(m.lane(), m.failure());
    if (m.failure() != null) {
      context.getLog().warn("content lane to {} cannot be opened ({}); large files go through the session's connection",
          lane.where(), describe(m.failure()));
    }
    return onTurn.get();
  }

  private Behavior<Command> onLaneSent(LaneSent m) {
    if (m.failure() != null) {
      String reason = lane.failure(m.failure());
      outbox.sendLast(new Frame.Abort(reason));
      return finish(Outcome.failed(reason));
    }
    outgoing.laneDone(m.sent());
    return pump();
  }

  // ---------------------------------------------------------------- sending

  /**
   * Offers the next frame whenever the connection can take one; the phase afterwards. A Stop takes
   * effect before the next frame that is not part of the file being sent.
   */
  private Behavior<Command> pump() {
    if (stopReason != null && !outgoing.midFile()) return stopAtFileBoundary();
    while (outbox.wantsMore()) {
      if (stopReason != null && !outgoing.midFile()) return stopAtFileBoundary();
      Frame next = outgoing.next();
      if (next == null) break;
      outbox.send(next);
      if (next == Frame.DataEnd.INSTANCE) return draining;
      if (next instanceof Frame.FileCopy) return giveWay();
    }
    return transferring;
  }

  /**
   * A delta's Copy frames are small, so the loop above would match a whole file before the
   * outbound-ready that lets the gathered frames leave is handled, and the receiver would copy
   * nothing meanwhile. Each Copy stood for megabytes of matching: the pump goes on behind whatever
   * came into the mailbox in that time.
   */
  private Behavior<Command> giveWay() {
    if (!resumeQueued) {
      resumeQueued = true;
      context.getSelf().tell(Resume.INSTANCE);
    }
    return transferring;
  }

  /** Connecting sends nothing of its own; a stop before Ready ends the session: nothing was transferred. */
  private Behavior<Command> stopIfAsked() {
    if (stopReason == null) return Behaviors.same();
    outbox.sendLast(new Frame.Abort("stopped by the source: " + stopReason));
    return finish(SessionEnds.stoppedBeforeReady(stopReason));
  }

  /** Nothing more goes out but the Stop; the receiver commits what it has and answers with Done. */
  private Behavior<Command> stopAtFileBoundary() {
    context.getLog().info("session to {}:{} stops at a file boundary: {}", request.host(), request.port(), stopReason);
    outbox.send(new Frame.Stop(stopReason));
    stopSent = true;
    outgoing.close();
    return draining;
  }

  /** Needed files are read by reader threads, a few per task. */
  private void startRead(List<Frame.Need> group) {
    OpenFiles snapshot = openFiles.current();
    context.pipeToSelf(
        CompletableFuture.supplyAsync(() -> new FilesOpened(neededFiles.openAll(group, snapshot)), readers),
        (opened, failure) -> opened != null ? opened
            : new FilesOpened(group.stream().map(need ->
                NeededFiles.Opened.unavailable(need.id(), "cannot read: " + describe(failure))).toList()));
  }

  private void sourceWarning(String text) {
    outgoing.sourceWarning();
    observer.notice(SyncNotice.sourceWarning("", text));
  }

  // ---------------------------------------------------------------- the end

  /**
   * Answers with the outcome and ends the outbound side once its last frames left, then waits for
   * the peer to close: stopping earlier would cancel the connection's inbound side, and the peer
   * could see a reset instead of the last frames and their end.
   */
  private Behavior<Command> finish(Outcome outcome) {
    replyTo.tell(outcome);
    outbox.close();
    context.scheduleOnce(CLOSING_GRACE, context.getSelf(), ClosingTimedOut.INSTANCE);
    return closing;
  }

  /** The connection is gone (or going): nothing more can leave. */
  private Behavior<Command> end(Outcome outcome) {
    replyTo.tell(outcome);
    return stopped;
  }

  private Behavior<Command> closeWhenSent() {
    outbox.onReady();
    return closing;
  }

  private Behavior<Command> closeFiles(List<NeededFiles.Opened> files) {
    files.stream().filter(f -> f.large() != null).forEach(f -> f.large().close());
    return closing;
  }

  private Behavior<Command> closeLane(ContentLanes.Lane channel) {
    ContentLanes.closeQuietly(channel);
    return closing;
  }

  private Behavior<Command> cleanUp() {
    outbox.shutdown();
    lane.close();
    outgoing.close();
    if (listing != null) listing.close();
    return Behaviors.same();
  }
}
