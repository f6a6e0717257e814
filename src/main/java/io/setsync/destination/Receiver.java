package io.setsync.destination;

import static io.setsync.sync.Failures.describe;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.BehaviorBuilder;
import akka.actor.typed.javadsl.Behaviors;
import akka.stream.javadsl.Flow;
import akka.util.ByteString;
import io.setsync.delta.BlockSignatures;
import io.setsync.fs.Confinement;
import io.setsync.sync.SessionPools;
import io.setsync.sync.SyncCounts;
import io.setsync.sync.SyncStatus;
import io.setsync.transfer.ContentLanes;
import io.setsync.transfer.Frame;
import io.setsync.transfer.FrameLink.Ack;
import io.setsync.transfer.FrameLink;
import io.setsync.transfer.PeerText;
import io.setsync.transfer.ProtocolException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The destination side of one file-set synchronization, started by the endpoint for each
 * incoming connection. Its phases are its behaviours: hello → claiming the root → recovering
 * what an earlier crash left → transferring (the listing judged against its own walk, the needed
 * files received, committed in batches through the root's {@link RenameJournal}) → committing the
 * last batch → closing. The actor keeps the phases, the outbox, the journal asks and the
 * completions of work done elsewhere; what it decides and does lives in plain classes: {@link
 * Inbox} (acks, the hold rule), {@link SessionStart} (the Hello), {@link SessionParts} with its
 * {@link ListingJudge} (deciding), {@link FileIntake} (reading bytes into temps), {@link Staging}
 * and {@link CommitBatcher} (lining new objects up), {@link BatchCommit} (committing), {@link
 * SessionFinish} and {@link Tally}.
 */
public final class Receiver {

  public interface Command extends io.setsync.LocalMessage {}

  private record Opened(ActorRef<Ack> ack) implements Command {}

  private record Received(FrameLink.Batch batch, ActorRef<Ack> ack) implements Command {}

  private enum Closed implements Command { INSTANCE }

  private record Failed(Throwable cause) implements Command {}

  private enum OutboundReady implements Command { INSTANCE }

  /** The endpoint's answer to a claim on a destination root. */
  public record Claimed(ActorRef<RenameJournal.Command> journal) implements Command {}

  public record ClaimRefused(String reason) implements Command {}

  private record Recovered(RenameJournal.Pending pending, Throwable failure) implements Command {}

  private record BatchBegun(CommitBatcher.Batch batch, Throwable failure) implements Command {}

  private record BatchCommitted(CommitBatcher.Batch batch, Throwable failure) implements Command {}

  /** An old copy is signed, or cannot be. */
  private record Signed(int id, BlockSignatures signatures, Throwable failure) implements Command {}

  private record WholesWritten(WholeFileGroup group, long[] bytes, Throwable failure) implements Command {}

  /** A lane thread has received a file's bytes into its temp (or failed to). */
  private record LaneRead(int id, Throwable failure) implements Command {}

  /** The handshake deadline passed: no admitted Hello by then. */
  private enum HandshakeTimedOut implements Command { INSTANCE }

  /** How the receiver reaches the endpoint that serializes access to destination roots. */
  public interface RootClaims {
    void claim(Path root, ActorRef<Command> receiver);

    /**
     * The receiver is done with the root (its Done is on the way, nothing of it is in flight), so
     * the next session may start before this one's connection has closed.
     */
    void release(Path root, ActorRef<Command> receiver);
  }

  /** Tunables from setsync.transfer. */
  public record Settings(
      int commitBatchFiles,
      long commitBatchBytes,
      Duration journalTimeout,
      int parallelWrites,
      long deltaThreshold,
      Duration idleTimeout,
      Duration handshakeTimeout) {}

  /** With {@code lanes} (null: none), the source may send large files' bytes over a content lane. */
  public static Behavior<Command> create(
      Flow<ByteString, ByteString, ?> connection,
      String sessionId,
      String peer,
      SessionTickets tickets,
      RootClaims claims,
      Settings settings,
      ContentLanes lanes) {
    return create(connection, sessionId, peer, () -> null, tickets, claims, settings, lanes);
  }

  /**
   * As above, over a connection whose peer's certificate {@code certificate} gives once the TLS
   * handshake verified it (null: plain TCP): a ticket issued to another node is refused.
   */
  public static Behavior<Command> create(
      Flow<ByteString, ByteString, ?> connection,
      String sessionId,
      String peer,
      java.util.function.Supplier<io.setsync.transfer.PeerIdentity> certificate,
      SessionTickets tickets,
      RootClaims claims,
      Settings settings,
      ContentLanes lanes) {
    return Behaviors.setup(
        ctx -> new Receiver(ctx, connection, sessionId, peer, certificate, tickets, claims, settings, lanes).hello());
  }

  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private final ActorContext<Command> context;
  private final String sessionId;
  /** The peer's address, for the log. */
  private final String peer;
  /** The peer's verified certificate, once the connection's TLS handshake is done; null without TLS. */
  private final java.util.function.Supplier<io.setsync.transfer.PeerIdentity> certificate;
  private final SessionTickets tickets;
  private final RootClaims claims;
  private final Settings settings;
  private final ContentLanes lanes;
  /** Where writes, walks and signing run. */
  private final Executor io;
  /** The node's pools for walks, signing and the content lane. */
  private final SessionPools pools;
  private final FrameLink.Outbox outbox;
  private final Inbox inbox = new Inbox();
  private final Tally tally;

  private SessionStart start;
  private ActorRef<RenameJournal.Command> journal;
  private long firstBatchId;
  /** Once the root is claimed and recovered. */
  private SessionParts parts;
  private FileIntake intake;
  private CommitBatcher batcher;
  private Staging staging;
  /** The lane offered to this session's source, until the session ends. */
  private ContentLanes.Offer laneOffer;
  /** The source stopped at a file boundary: what came is committed, nothing is purged. */
  private boolean stoppedBySource;

  private Behavior<Command> transferring;
  private Behavior<Command> committing;
  private Behavior<Command> closing;

  private Receiver(
      ActorContext<Command> context,
      Flow<ByteString, ByteString, ?> connection,
      String sessionId,
      String peer,
      java.util.function.Supplier<io.setsync.transfer.PeerIdentity> certificate,
      SessionTickets tickets,
      RootClaims claims,
      Settings settings,
      ContentLanes lanes) {
    this.context = context;
    context.setLoggerName(Receiver.class);
    this.sessionId = sessionId;
    this.peer = peer;
    this.certificate = certificate;
    this.tickets = tickets;
    this.claims = claims;
    this.settings = settings;
    this.lanes = lanes;
    this.io = context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("setsync.io-dispatcher"));
    this.pools = SessionPools.get(context.getSystem());
    this.outbox = FrameLink.connect(
        context,
        connection,
        FrameLink.Messages.of(Opened::new, Received::new, Closed.INSTANCE, Failed::new, OutboundReady.INSTANCE),
        0,
        settings.idleTimeout());
    this.tally = new Tally(outbox::send);
    // A peer that connects and says nothing, or too little, holds nothing for long.
    context.scheduleOnce(settings.handshakeTimeout(), context.getSelf(), HandshakeTimedOut.INSTANCE);
  }

  // ---- the phases

  private Behavior<Command> hello() {
    return connected()
        .onMessage(Opened.class, m -> opened(m.ack()))
        .onMessage(Received.class, m -> received(m, this::drainHello))
        .onMessage(OutboundReady.class, m -> outboundReady())
        .onMessage(HandshakeTimedOut.class, m -> refuse("no valid Hello within "
            + settings.handshakeTimeout().toSeconds() + " s (setsync.transfer.handshake-timeout)"))
        .build();
  }

  private Behavior<Command> claiming() {
    return waiting()
        .onMessage(Claimed.class, this::onClaimed)
        .onMessage(ClaimRefused.class, m -> abort(m.reason()))
        .build();
  }

  private Behavior<Command> recovering() {
    return waiting().onMessage(Recovered.class, this::onRecovered).build();
  }

  /** The listing is judged and the needed files come in; batches commit as they fill. */
  private Behavior<Command> transferring() {
    if (transferring == null) {
      transferring = working(this::drainTransfer)
          .onMessage(Signed.class, this::onSigned)
          .onMessage(LaneRead.class, this::onLaneRead)
          .build();
    }
    return transferring;
  }

  /** The data has ended: the writes and commits running now finish, then the session does. */
  private Behavior<Command> committing() {
    if (committing == null) committing = working(this::settleLast).build();
    return committing;
  }

  /** The last frame (Done or Abort) is queued; the source closes the connection once it has read it. */
  private Behavior<Command> closing() {
    if (closing == null) {
      closing = Behaviors.receive(Command.class)
          .onMessage(OutboundReady.class, m -> {
            outbox.onReady();
            return Behaviors.same();
          })
          .onMessage(WholesWritten.class, m -> {
            intake.abandon(m.group());
            return Behaviors.same();
          })
          .onMessage(BatchBegun.class, this::finishBegunBatch)
          .onMessage(BatchCommitted.class, this::deleteSavedQuietly)
          .onMessage(Received.class, this::dropLate)
          .onMessage(Closed.class, m -> stopWhenWritesDone())
          .onMessage(Failed.class, m -> stopWhenWritesDone())
          .onAnyMessage(m -> Behaviors.same())
          .onSignal(PostStop.class, s -> cleanUp())
          .build();
    }
    return closing;
  }

  /** What every phase before closing hears from the connection. */
  private BehaviorBuilder<Command> connected() {
    return Behaviors.receive(Command.class)
        .onMessage(Closed.class, m -> closedEarly())
        .onMessage(Failed.class, this::onFailed)
        .onSignal(PostStop.class, s -> cleanUp());
  }

  /** Claiming and recovering: frames wait in the inbox, unacknowledged. */
  private BehaviorBuilder<Command> waiting() {
    return connected()
        .onMessage(Received.class, m -> received(m, Behaviors::same))
        .onMessage(OutboundReady.class, m -> {
          outbox.onReady();
          return Behaviors.same();
        });
  }

  /** Transferring and committing: frames, writes and commits, each followed by {@code next}. */
  private BehaviorBuilder<Command> working(java.util.function.Supplier<Behavior<Command>> next) {
    return connected()
        .onMessage(Received.class, m -> received(m, next))
        .onMessage(OutboundReady.class, m -> outboundReady())
        .onMessage(WholesWritten.class, m -> step(() -> onWholesWritten(m), next))
        .onMessage(BatchBegun.class, m -> step(() -> onBatchBegun(m), Behaviors::same))
        .onMessage(BatchCommitted.class, m -> step(() -> onBatchCommitted(m), next));
  }

  // ---- inbound flow control

  /** Frames after the last one are read and dropped, so the source's close reaches the receiver at once. */
  private Behavior<Command> dropLate(Received m) {
    m.ack().tell(Ack.INSTANCE);
    return Behaviors.same();
  }

  private Behavior<Command> opened(ActorRef<Ack> ack) {
    inbox.opened(() -> ack.tell(Ack.INSTANCE));
    inbox.release(held(), outbox.backlog());
    return Behaviors.same();
  }

  private Behavior<Command> received(Received m, java.util.function.Supplier<Behavior<Command>> next) {
    inbox.received(m.batch().frames(), m.batch().malformed(), () -> m.ack().tell(Ack.INSTANCE));
    return next.get();
  }

  private Behavior<Command> outboundReady() {
    outbox.onReady();
    inbox.release(held(), outbox.backlog());
    return Behaviors.same();
  }

  private boolean held() {
    return intake != null && Inbox.holds(
        intake.laneReading(), intake.writesInFlight(), settings.parallelWrites(), batcher.backlog());
  }

  /** Nothing may be done before the Hello. */
  private Behavior<Command> drainHello() {
    if (inbox.isEmpty()) {
      ProtocolException bad = inbox.malformed();
      if (bad != null) return refuse("bad frame: " + bad.getMessage());
      inbox.release(false, outbox.backlog());
      return Behaviors.same();
    }
    Frame frame = inbox.next();
    if (!(frame instanceof Frame.Hello hello)) return refuse(Inbox.unexpected(frame).getMessage());
    SessionTickets.Admission admission;
    try {
      SessionStart.checkShape(hello);
      // The Hello came through the handshake, so the certificate is known by now (TLS on).
      admission = tickets.redeem(hello.ticket(), hello.destinationRoot(), SessionStart.normalOptions(hello.options()),
          certificate.get());
    } catch (ProtocolException e) {
      return refuse(e.getMessage());
    }
    if (!admission.admitted()) return refuse(admission.refusal() + " (destination " + hello.destinationRoot() + ")");
    try {
      start = SessionStart.of(hello, admission.account());
    } catch (ProtocolException e) {
      return abort(e.getMessage());
    }
    // Claimed by its real path, so no alias (symlink, "..") lets two sessions share a root.
    claims.claim(Confinement.plain(start.root().path()), context.getSelf());
    context.getLog().info("session {} from {} ({}) for user {} to {}", sessionId, peer, PeerText.of(hello.source()),
        PeerText.of(admission.user()), PeerText.of(start.requestedRoot()));
    return claiming();
  }

  /**
   * A connection that is not (yet) an admitted session: one answer to the peer, one line with its
   * address, nothing touched on disk.
   */
  private Behavior<Command> refuse(String reason) {
    context.getLog().warn("connection from {} refused: {}", peer, PeerText.of(reason));
    outbox.sendLast(new Frame.Abort(reason.length() > 1024 ? reason.substring(0, 1024) + "..." : reason));
    return awaitClose();
  }

  /**
   * Handles waiting frames in order while nothing holds them, starting a commit whenever a batch
   * is full (one at a time); a full group of small files goes to a writer.
   */
  private Behavior<Command> drainTransfer() {
    while (!held() && !inbox.isEmpty()) {
      Frame frame = inbox.next();
      try {
        if (frame == Frame.DataEnd.INSTANCE) return dataEnded();
        if (frame instanceof Frame.Stop stop) return sourceStopped(stop);
        handle(frame);
      } catch (RuntimeException | IOException e) {
        return abort(e);
      }
      if (batcher.ready()) beginCommit();
    }
    writeWholes();
    ProtocolException bad = inbox.malformed();
    if (bad != null) return abort("bad frame from the source: " + bad.getMessage());
    inbox.release(held(), outbox.backlog());
    return transferring();
  }

  private Behavior<Command> dataEnded() {
    parts.dataEnded();
    return settleLast();
  }

  /**
   * The source stops before the end (SUSPEND, ALTER, its node stopping): the files that came whole
   * are committed as at the end, nothing is purged (the listing may be incomplete), and Done then
   * counts what reached the destination.
   */
  private Behavior<Command> sourceStopped(Frame.Stop stop) {
    context.getLog().info("session {} to {}: the source stops at a file boundary: {}", sessionId,
        PeerText.of(requestedRoot()), PeerText.of(stop.reason()));
    intake.stopped();
    stoppedBySource = true;
    return settleLast();
  }

  /** After the data's end: anything more is a protocol error; else the session ends once all is committed. */
  private Behavior<Command> settleLast() {
    if (!inbox.isEmpty()) return abort(Inbox.unexpected(inbox.next()).getMessage());
    writeWholes();
    if (intake.writesInFlight() == 0 && !batcher.committing()) {
      if (batcher.isEmpty()) return finishSession();
      beginCommit();
    }
    inbox.release(held(), outbox.backlog());
    return committing();
  }

  /** A listing or data frame, and whatever it starts: needs, signings, a writer task, a lane read. */
  private void handle(Frame frame) throws IOException {
    if (frame instanceof Frame.Abort abort) throw new ProtocolException("source aborted: " + abort.reason());
    parts.handle(frame, laneOffer != null);
    askForFiles();
    if (intake.groupFull()) writeWholes();
    FileIntake.LaneFile lane = intake.takeLaneFile();
    if (lane != null) readLane(lane);
  }

  // ---- claim and recovery

  private Behavior<Command> onClaimed(Claimed claimed) {
    journal = claimed.journal();
    context.ask(RenameJournal.Pending.class, journal, settings.journalTimeout(), RenameJournal.GetPending::new,
        Recovered::new);
    return recovering();
  }

  private Behavior<Command> onRecovered(Recovered m) {
    if (m.failure() != null) return abort("rename journal unavailable: " + describe(m.failure()));
    try {
      // REPORT touches nothing at the destination: no recovery.
      if (!start.options().report()) recover(m.pending());
      parts = SessionParts.open(start, sessionId, settings, tally, pools.walks());
    } catch (IOException | UncheckedIOException e) {
      return abort("destination " + start.root().path() + ": " + describe(e));
    }
    intake = parts.intake;
    batcher = parts.batcher;
    staging = parts.staging;
    batcher.startAt(firstBatchId);
    outbox.send(new Frame.Ready(sessionId));
    if (lanes != null) {
      laneOffer = lanes.offer(); // none while every lane slot is taken: the session's stream carries all
      if (laneOffer != null) outbox.send(new Frame.LaneOffer(lanes.port(), laneOffer.token()));
    }
    return drainTransfer();
  }

  private void recover(RenameJournal.Pending pending) throws IOException {
    String report = SessionParts.recover(start.root(), pending.batches());
    // Recovery is done on disk; the journal may forget those batches.
    for (Long batchId : pending.batches().keySet()) {
      journal.tell(new RenameJournal.Commit(batchId, context.getSystem().ignoreRef()));
    }
    firstBatchId = pending.nextBatchId();
    if (report != null) {
      context.getLog().warn("{}: {}", start.root().path(), report);
      tally.notice(Frame.NoticeKind.WARNING, "", report);
    }
  }

  // ---- asking for files

  /** Needs go out at once; files with a large old copy once it is signed. */
  private void askForFiles() {
    List<Frame.Need> needs = intake.takeNeeds();
    if (!needs.isEmpty()) outbox.send(new Frame.Needs(needs));
    for (FileIntake.ToSign old : intake.takeSignings()) {
      context.pipeToSelf(OldCopySigner.sign(old, pools.signing()), (signatures, failure) -> new Signed(old.id(), signatures, failure));
    }
    if (parts.needsEndDue()) outbox.send(Frame.NeedsEnd.INSTANCE);
  }

  private Behavior<Command> onSigned(Signed m) {
    FileIntake.SignedAsk ask = intake.signed(m.id(), m.signatures(), m.failure());
    if (ask != null) {
      if (ask.warning() != null) tally.warning(ask.path(), ask.warning());
      outbox.send(ask.ask());
    }
    if (parts.needsEndDue()) outbox.send(Frame.NeedsEnd.INSTANCE);
    return Behaviors.same();
  }

  // ---- the data

  /** A lane thread writes the file's bytes into its temp; frames behind this one wait. */
  private void readLane(FileIntake.LaneFile file) {
    context.pipeToSelf(FileIntake.fromLane(laneOffer.connection(), file.size(), file.target(), settings.idleTimeout(),
            pools.lanes().threads()),
        (ok, failure) -> new LaneRead(file.id(), failure));
  }

  private Behavior<Command> onLaneRead(LaneRead read) {
    intake.laneRead();
    if (read.failure() != null) return abort("content lane: file " + read.id() + ": " + describe(read.failure()));
    return drainTransfer();
  }

  private void writeWholes() {
    WholeFileGroup group = intake.takeGroup();
    if (group == null) return;
    context.pipeToSelf(CompletableFuture.supplyAsync(group::write, io),
        (bytes, failure) -> new WholesWritten(group, bytes, failure));
  }

  private void onWholesWritten(WholesWritten m) {
    if (m.failure() != null) {
      intake.abandon(m.group());
      throw SessionFailure.at(start.requestedRoot(), m.failure());
    }
    intake.written(m.group(), m.bytes()).forEach(staging::settle);
  }

  // ---- commits through the journal

  /**
   * Journals a batch of complete, fsync'ed temp files as begun, replaces, journals it committed.
   * One commit runs at a time; files of the next batch are received meanwhile.
   */
  private void beginCommit() {
    CommitBatcher.Batch batch = batcher.begin();
    context.ask(RenameJournal.Done.class, journal, settings.journalTimeout(),
        replyTo -> new RenameJournal.Begin(batch.id(), batch.replacements(), replyTo),
        (done, failure) -> new BatchBegun(batch, failure));
  }

  private void onBatchBegun(BatchBegun m) {
    BatchCommit.begun(start.root(), staging, m.batch(), m.failure());
    askCommit(m.batch());
  }

  private void askCommit(CommitBatcher.Batch batch) {
    context.ask(RenameJournal.Done.class, journal, settings.journalTimeout(),
        replyTo -> new RenameJournal.Commit(batch.id(), replyTo),
        (done, failure) -> new BatchCommitted(batch, failure));
  }

  private void onBatchCommitted(BatchCommitted m) {
    BatchCommit.committed(start.root(), m.batch(), m.failure());
    closeRetired();
    batcher.committed();
    if (batcher.ready()) beginCommit();
  }

  /** Old copies replaced by now are freed on closing: on an io thread, while the session goes on. */
  private void closeRetired() {
    List<java.nio.channels.FileChannel> old = intake.takeRetired();
    if (!old.isEmpty()) io.execute(() -> old.forEach(FileIntake::closeQuietly));
  }

  /** A batch journaled as begun when the session ended: finished, as recovery would finish it. */
  private Behavior<Command> finishBegunBatch(BatchBegun m) {
    if (m.failure() == null && BatchCommit.finishQuietly(start.root(), m.batch())) askCommit(m.batch());
    return Behaviors.same();
  }

  private Behavior<Command> deleteSavedQuietly(BatchCommitted m) {
    if (m.failure() == null) BatchCommit.deleteSavedQuietly(start.root(), m.batch());
    return Behaviors.same();
  }

  // ---- the end

  private Behavior<Command> finishSession() {
    if (!stoppedBySource) parts.finish.run(parts.merge.destinationNames());
    SyncCounts counts = tally.counts();
    SyncStatus status = tally.status();
    context.getLog().info("session {} to {} done: {} {}", sessionId, start.root().path(), status, counts);
    outbox.sendLast(new Frame.Done(counts, status.exitCode));
    claims.release(Confinement.plain(start.root().path()), context.getSelf());
    return awaitClose();
  }

  /** Runs one step of the session; a failure of it ends the session with an Abort that says why. */
  private Behavior<Command> step(IoStep work, java.util.function.Supplier<Behavior<Command>> next) {
    try {
      work.run();
    } catch (RuntimeException | IOException e) {
      return abort(e);
    }
    return next.get();
  }

  private interface IoStep {
    void run() throws IOException;
  }

  private Behavior<Command> abort(Exception e) {
    return abort(SessionFailure.reason(e, requestedRoot()));
  }

  private Path requestedRoot() {
    return start == null ? null : start.requestedRoot();
  }

  private Behavior<Command> abort(String reason) {
    context.getLog().warn("session {} from {} to {} aborted: {}", sessionId, peer, PeerText.of(requestedRoot()),
        PeerText.of(reason));
    outbox.sendLast(new Frame.Abort(reason));
    return awaitClose();
  }

  /** Stopping now would drop the last frame; if the source never closes, a timer ends the wait. */
  private Behavior<Command> awaitClose() {
    inbox.drop();
    context.scheduleOnce(CLOSE_WAIT, context.getSelf(), Closed.INSTANCE);
    return closing();
  }

  private Behavior<Command> onFailed(Failed m) {
    if (m.cause() instanceof ProtocolException bad) return abort("bad frame from the source: " + bad.getMessage());
    // The stream itself failed (oversize frame, reset, silence): the connection is gone, so is the session.
    if (start == null && tlsRefusal(m.cause()) != null) {
      // No session and nothing read: a plaintext peer, or a certificate this node does not accept.
      context.getLog().warn("connection from {} refused: TLS: {}", peer, PeerText.of(tlsRefusal(m.cause())));
    } else if (start == null) {
      context.getLog().warn("connection from {} failed before a session began: {}", peer, PeerText.of(describe(m.cause())));
    } else {
      context.getLog().warn("session {} from {} to {}: connection failed: {}", sessionId, peer,
          PeerText.of(requestedRoot()), PeerText.of(describe(m.cause())));
    }
    return stopWhenWritesDone();
  }

  /** Why the TLS handshake (or the check of the peer's certificate after it) failed; null: not TLS's. */
  static String tlsRefusal(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException) return ContentLanes.sslReason(t);
    }
    return null;
  }

  private Behavior<Command> closedEarly() {
    if (start == null) context.getLog().warn("connection from {} closed before a session began", peer);
    else context.getLog().warn("session {} from {}: source closed the connection before the end", sessionId, peer);
    return stopWhenWritesDone();
  }

  /**
   * The connection is gone. Writer threads may still be writing small files into temps: the
   * receiver stops once they are done and their temps removed, or those temps would stay in the
   * scratch area until the next session to the root.
   */
  private Behavior<Command> stopWhenWritesDone() {
    if (intake == null || intake.writesInFlight() == 0) return Behaviors.stopped();
    return Behaviors.receive(Command.class)
        .onMessage(WholesWritten.class, m -> {
          intake.abandon(m.group());
          return intake.writesInFlight() == 0 ? Behaviors.stopped() : Behaviors.same();
        })
        .onAnyMessage(m -> Behaviors.same())
        .onSignal(PostStop.class, s -> cleanUp())
        .build();
  }

  private Behavior<Command> cleanUp() {
    outbox.shutdown();
    // Closing the lane first ends a lane thread's read, which then finds its temp closed.
    if (laneOffer != null) lanes.withdraw(laneOffer);
    if (parts != null) parts.cleanUp();
    return Behaviors.same();
  }
}
