package io.setsync.destination;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.stream.javadsl.Flow;
import akka.util.ByteString;
import io.setsync.delta.BlockSignatures;
import io.setsync.delta.DeltaApplier;
import io.setsync.fs.EntryType;
import io.setsync.fs.ExcludeFilter;
import io.setsync.fs.FileEntry;
import io.setsync.fs.OpenFiles;
import io.setsync.fs.Ownership;
import io.setsync.fs.TreeScanner;
import io.setsync.options.OptionException;
import io.setsync.options.OptionText;
import io.setsync.options.SyncOptions;
import io.setsync.sync.ContentHash;
import static io.setsync.sync.Failures.describe;
import io.setsync.sync.SyncCounts;
import io.setsync.sync.SyncStatus;
import io.setsync.transfer.Frame;
import io.setsync.transfer.FrameLink;
import io.setsync.transfer.FrameLink.Ack;
import io.setsync.transfer.ProtocolException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The destination side of one file-set synchronization, started by the endpoint for each
 * incoming connection. It claims the destination root, recovers what an earlier crash left,
 * merge-joins the source listing with its own walk, asks for the files it needs, writes each into
 * the scratch area and commits them in batches through the root's {@link RenameJournal}, purges,
 * and answers with counts.
 */
public final class Receiver extends AbstractBehavior<Receiver.Command> {

  public interface Command {}

  private record Opened(ActorRef<Ack> ack) implements Command {}

  private record Received(FrameLink.Batch batch, ActorRef<Ack> ack) implements Command {}

  private enum Closed implements Command { INSTANCE }

  private record Failed(Throwable cause) implements Command {}

  private enum OutboundReady implements Command { INSTANCE }

  /** The endpoint's answer to a claim on a destination root. */
  public record Claimed(ActorRef<RenameJournal.Command> journal) implements Command {}

  public record ClaimRefused(String reason) implements Command {}

  private record Recovered(RenameJournal.Pending pending, Throwable failure) implements Command {}

  private record BatchBegun(long batchId, List<Replacement> batch, Throwable failure)
      implements Command {}

  private record BatchCommitted(List<Replacement> batch, Throwable failure) implements Command {}

  /** A writer thread is done with a whole file: its bytes, -1 on a checksum mismatch, or a failure. */
  private record Signed(int id, BlockSignatures signatures) implements Command {}

  private record WholesWritten(List<WholeWrite> group, long[] bytes, Throwable failure) implements Command {}

  /** A lane thread has received a file's bytes into its temp (or failed to). */
  private record LaneRead(int id, Throwable failure) implements Command {}

  /** One small file for a writer thread: where it goes and with which mode. */
  private record WholeWrite(Frame.FileWhole whole, int mode, Path path, String temp, FileSecurity security) {}

  /** Small files wait here until a writer task takes them, several per task. */
  private final List<WholeWrite> wholeGroup = new ArrayList<>();
  private long wholeGroupBytes;

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
      Duration idleTimeout) {}

  /** With {@code lanes} (null: none), the source may send large files' bytes over a content lane. */
  public static Behavior<Command> create(
      Flow<akka.util.ByteString, akka.util.ByteString, ?> connection,
      String sessionId,
      RootClaims claims,
      Settings settings,
      io.setsync.transfer.ContentLanes lanes) {
    return Behaviors.setup(ctx -> new Receiver(ctx, connection, sessionId, claims, settings, lanes));
  }

  private enum Phase { HELLO, CLAIMING, RECOVERING, LISTING, DATA, COMMITTING_LAST, DONE }

  private final String sessionId;
  private final io.setsync.transfer.ContentLanes lanes;
  /** The lane offered to this session's source, until the session ends. */
  private io.setsync.transfer.ContentLanes.Offer laneOffer;
  /** A file's bytes are arriving on the lane: frames wait until they all have. */
  private boolean laneReading;
  private final RootClaims claims;
  private final Settings settings;
  private final FrameLink.Outbox outbox;
  private final Tally tally = new Tally();

  private Phase phase = Phase.HELLO;
  private ActorRef<Ack> pendingAck;
  /** Frames received but not handled yet: they wait while the receiver {@link #holds()}. */
  private final ArrayDeque<Frame> inbox = new ArrayDeque<>();
  /** Set when the frame after the inbox's last one was malformed. */
  private ProtocolException malformed;
  /** Waiting for the root's claim and recovery. */
  private boolean paused;
  /** Whole small files being written (and fsync'ed) on the io dispatcher. */
  private int writesInFlight;
  private final java.util.concurrent.Executor writers;
  private final io.setsync.sync.SessionPools pools;

  private SyncOptions options;
  private FileSecurity security = FileSecurity.DEFAULT;
  private OpenFiles openFiles;
  private Path requestedRoot;
  private DestinationRoot root;
  private ActorRef<RenameJournal.Command> journal;
  private long nextBatchId;
  private io.setsync.fs.Walk destinationWalk;
  private ListingMerge merge;
  private PurgeList purges;
  private final List<DirectoryFinish> directoryFinishes = new ArrayList<>();
  private final Map<Integer, NeededFile> needed = new HashMap<>();
  /** Ids of needed files a writer thread is busy with. */
  private final java.util.Set<Integer> writing = new java.util.HashSet<>();
  private final List<Frame.Need> needsToSend = new ArrayList<>();
  private int nextNeedId = 1;
  private boolean listingEnded;
  private boolean dataEnded;
  private IncomingFile incoming;
  private java.nio.channels.FileChannel basis;
  private DeltaApplier applier;
  private String basisFailure;
  /** Old copies being signed; NeedsEnd waits for them. */
  private int signing;
  private Path emptyStandIn;
  private final List<Replacement> batch = new ArrayList<>();
  private long batchBytes;
  private final List<Long> batchSizes = new ArrayList<>();
  private boolean committing;
  private int tempCounter;
  private int savedCounter;
  /** Multiply-linked files whose new file waits in a temp, by temp name, until their batch commits. */
  private final Map<String, LinkTargets.Target> writtenTargets = new HashMap<>();

  /**
   * A file asked for; {@code basis} is set when it comes as a delta against the old copy, {@code
   * links} when later names of it may be hard links to it.
   */
  private record NeededFile(FileEntry source, FileEntry existing, Basis basis, LinkTargets.Target links) {}

  /** The old copy a delta refers to, as it was signed. */
  private record Basis(int blockSize, long length) {}

  private record DirectoryFinish(String path, int mode, long mtimeNanos) {}

  private Receiver(
      ActorContext<Command> ctx,
      Flow<ByteString, ByteString, ?> connection,
      String sessionId,
      RootClaims claims,
      Settings settings,
      io.setsync.transfer.ContentLanes lanes) {
    super(ctx);
    this.sessionId = sessionId;
    this.lanes = lanes;
    this.claims = claims;
    this.settings = settings;
    this.pools = io.setsync.sync.SessionPools.get(ctx.getSystem());
    this.writers =
        ctx.getSystem().dispatchers().lookup(akka.actor.typed.DispatcherSelector.fromConfig("setsync.io-dispatcher"));
    this.outbox =
        FrameLink.connect(
            ctx,
            connection,
            FrameLink.Messages.of(
                Opened::new, Received::new, Closed.INSTANCE, Failed::new, OutboundReady.INSTANCE),
            0,
            settings.idleTimeout());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Opened.class, m -> ackLater(m.ack()))
        .onMessage(Received.class, this::onBatch)
        .onMessage(OutboundReady.class, m -> onOutboundReady())
        .onMessage(Claimed.class, this::onClaimed)
        .onMessage(ClaimRefused.class, m -> abort(m.reason()))
        .onMessage(Recovered.class, this::onRecovered)
        .onMessage(BatchBegun.class, this::onBatchBegun)
        .onMessage(BatchCommitted.class, this::onBatchCommitted)
        .onMessage(WholesWritten.class, this::onWholesWritten)
        .onMessage(Signed.class, this::onSigned)
        .onMessage(LaneRead.class, this::onLaneRead)
        .onMessage(Closed.class, m -> onClosed())
        .onMessage(Failed.class, this::onFailed)
        .onSignal(PostStop.class, s -> cleanUp())
        .build();
  }

  // ---- inbound flow control

  private Behavior<Command> ackLater(ActorRef<Ack> ack) {
    pendingAck = ack;
    releaseInbound();
    return this;
  }

  /** More frames are wanted once the inbox is handled, unless held or the peer reads slowly. */
  private void releaseInbound() {
    if (pendingAck != null && inbox.isEmpty() && !holds() && outbox.backlog() < 256 && phase != Phase.DONE) {
      ActorRef<Ack> ack = pendingAck;
      pendingAck = null;
      ack.tell(Ack.INSTANCE);
    }
  }

  private Behavior<Command> onOutboundReady() {
    outbox.onReady();
    releaseInbound();
    return this;
  }


  private Behavior<Command> onBatch(Received m) {
    pendingAck = m.ack();
    inbox.addAll(m.batch().frames());
    malformed = m.batch().malformed();
    return drainInbox();
  }

  /**
   * Frames wait while the root is being claimed, while the writers are all busy, or while a
   * commit runs and the next batch is already full.
   */
  private boolean holds() {
    return paused || laneReading || writesInFlight >= settings.parallelWrites() || (committing && batchFull(2));
  }

  /**
   * Moves the session on after anything happened: handles waiting frames in order while not
   * held, starts a commit when a batch is full (one at a time), and after the data's end, once
   * every write and commit is done, finishes.
   */
  private Behavior<Command> drainInbox() {
    if (phase == Phase.DONE) return this;
    while (!holds() && !inbox.isEmpty()) {
      try {
        handle(inbox.poll());
      } catch (ProtocolException | io.setsync.fs.UnsafeNameException e) {
        return abort(e.getMessage());
      } catch (IOException | UncheckedIOException e) {
        return abort("destination " + requestedRoot + ": " + describe(e));
      }
      if (!committing && batchFull(1)) beginCommit();
    }
    flushWholes();
    if (dataEnded) {
      if (writesInFlight == 0 && !committing) {
        if (!batch.isEmpty()) {
          beginCommit();
        } else {
          finishSession();
          return awaitClose();
        }
      }
      releaseInbound(); // anything after the data's end is a protocol error, so let it show
      return this;
    }
    if (inbox.isEmpty() && malformed != null) {
      return abort("bad frame from the source: " + malformed.getMessage());
    }
    releaseInbound();
    return this;
  }

  /**
   * The last frame is queued; stopping now would drop it. The source closes the connection once
   * it has read it; if it never does, a timer ends the wait.
   */
  private Behavior<Command> awaitClose() {
    getContext().scheduleOnce(Duration.ofSeconds(10), getContext().getSelf(), Closed.INSTANCE);
    return this;
  }

  private void handle(Frame frame) throws IOException {
    switch (phase) {
      case HELLO -> {
        if (!(frame instanceof Frame.Hello hello)) throw unexpected(frame);
        onHello(hello);
      }
      case LISTING, DATA -> {
        if (frame instanceof Frame.Entries entries) onEntries(entries);
        else if (frame == Frame.ListingEnd.INSTANCE) onListingEnd();
        else if (frame instanceof Frame.FileWhole whole) onFileWhole(whole);
        else if (frame instanceof Frame.FileBegin begin) onFileBegin(begin);
        else if (frame instanceof Frame.FileOnLane onLane) onFileOnLane(onLane);
        else if (frame instanceof Frame.FileData data) onFileData(data);
        else if (frame instanceof Frame.FileCopy copy) onFileCopy(copy);
        else if (frame instanceof Frame.FileEnd end) onFileEnd(end);
        else if (frame instanceof Frame.FileUnavailable gone) onFileUnavailable(gone);
        else if (frame == Frame.DataEnd.INSTANCE) onDataEnd();
        else if (frame instanceof Frame.Abort abort) throw new ProtocolException("source aborted: " + abort.reason());
        else throw unexpected(frame);
      }
      default -> throw unexpected(frame);
    }
  }

  private static ProtocolException unexpected(Frame frame) {
    return new ProtocolException("unexpected " + frame.getClass().getSimpleName() + " frame");
  }

  // ---- handshake, claim, recovery

  private void onHello(Frame.Hello hello) {
    if (hello.version() != Frame.PROTOCOL_VERSION) {
      throw new ProtocolException(
          "protocol version " + hello.version() + " is not supported (this receiver speaks "
              + Frame.PROTOCOL_VERSION + ")");
    }
    try {
      options = OptionText.parse(hello.options());
    } catch (OptionException e) {
      throw new ProtocolException("bad options: " + e.getMessage());
    }
    try {
      // Refused before the root is even created: nothing is written for a sync that cannot be done.
      security = FileSecurity.of(
          options.secure(), options.keepSecurity(), options.owner(), options.ownerGroup(), Ownership.runningAsRoot());
    } catch (IllegalArgumentException e) {
      throw new ProtocolException(e.getMessage());
    }
    try {
      requestedRoot = Paths.get(hello.destinationRoot());
    } catch (java.nio.file.InvalidPathException e) {
      throw new ProtocolException("destination is not a valid path: " + e.getMessage());
    }
    if (!requestedRoot.isAbsolute()) {
      throw new ProtocolException("destination " + hello.destinationRoot() + " is not an absolute path");
    }
    try {
      // A dry run creates nothing, not even the root or its scratch area.
      root = options.report() ? DestinationRoot.inspect(requestedRoot) : DestinationRoot.open(requestedRoot);
    } catch (IOException e) {
      throw new ProtocolException(e.getMessage());
    }
    phase = Phase.CLAIMING;
    paused = true;
    // Claimed by its real path, so no alias (symlink, "..") lets two sessions share a root.
    claims.claim(root.path(), getContext().getSelf());
    getContext().getLog().info("session {} from {} to {}", sessionId, hello.source(), requestedRoot);
  }

  private Behavior<Command> onClaimed(Claimed claimed) {
    journal = claimed.journal();
    phase = Phase.RECOVERING;
    getContext()
        .ask(
            RenameJournal.Pending.class,
            journal,
            settings.journalTimeout(),
            RenameJournal.GetPending::new,
            Recovered::new);
    return this;
  }

  private Behavior<Command> onRecovered(Recovered m) {
    if (m.failure() != null) return abort("rename journal unavailable: " + describe(m.failure()));
    if (options.report()) return startDryRun();
    try {
      DestinationRoot.RecoveryReport report = root.recover(m.pending().batches());
      report = report.withOrphans(root.removeOrphans());
      root.sweepOpenArea(OpenFiles::scan);
      nextBatchId = m.pending().nextBatchId();
      if (!m.pending().batches().isEmpty()) {
        // Recovery is done on disk; the journal may forget those batches.
        for (Long batchId : m.pending().batches().keySet()) {
          journal.tell(new RenameJournal.Commit(batchId, getContext().getSystem().ignoreRef()));
        }
      }
      if (report.anything()) {
        String text = "recovered an interrupted sync: " + report.finished() + " replacement(s) finished, "
            + report.rolledBack() + " rolled back, " + report.orphansRemoved() + " scratch file(s) removed";
        getContext().getLog().warn("{}: {}", root.path(), text);
        notice(Frame.NoticeKind.WARNING, "", text);
      }
      destinationWalk = io.setsync.fs.PrefetchingWalk.open(
          root.path(), ExcludeFilter.of(options.excludes()), this::destinationWarning, pools.walks());
      purges = PurgeList.create(root.scratch().resolve("purge-" + sessionId));
    } catch (IOException | UncheckedIOException e) {
      return abort("destination " + root.path() + ": " + describe(e));
    }
    return startListing();
  }

  /**
   * REPORT touches nothing at the destination: no recovery, the purge spool in the system's temp
   * folder, and a missing root compared as an empty one.
   */
  private Behavior<Command> startDryRun() {
    try {
      Path walked = root.path();
      if (!root.exists()) {
        emptyStandIn = Files.createTempDirectory("setsync-report-");
        walked = emptyStandIn;
      }
      destinationWalk = io.setsync.fs.PrefetchingWalk.open(
          walked, ExcludeFilter.of(options.excludes()), this::destinationWarning, pools.walks());
      purges = PurgeList.create(Files.createTempFile("setsync-purge-", ""));
    } catch (IOException | UncheckedIOException e) {
      return abort("destination " + root.path() + ": " + describe(e));
    }
    return startListing();
  }

  private Behavior<Command> startListing() {
    merge = new ListingMerge(destinationWalk, options, this::destinationHash, this::sameFile, new Judged());
    phase = Phase.LISTING;
    paused = false;
    outbox.send(new Frame.Ready(sessionId));
    if (lanes != null) {
      laneOffer = lanes.offer(); // none while every lane slot is taken: the stream carries all
      if (laneOffer != null) outbox.send(new Frame.LaneOffer(lanes.port(), laneOffer.token()));
    }
    return drainInbox();
  }

  // ---- listing

  private void onEntries(Frame.Entries entries) {
    if (listingEnded) throw new ProtocolException("listing entries after the end of the listing");
    for (FileEntry entry : entries.entries()) {
      tally.scanned++;
      merge.accept(entry);
    }
    flushNeeds();
  }

  private void onListingEnd() throws IOException {
    if (listingEnded) throw new ProtocolException("listing ended twice");
    merge.finish();
    destinationWalk.close();
    listingEnded = true;
    phase = Phase.DATA;
    flushNeeds();
    if (signing == 0) outbox.send(Frame.NeedsEnd.INSTANCE); // else the last signature sends it
  }

  private void flushNeeds() {
    if (!needsToSend.isEmpty()) {
      outbox.send(new Frame.Needs(needsToSend));
      needsToSend.clear();
    }
  }

  /** The merge's verdicts, turned into changes (or, for REPORT, into notices). */
  private final class Judged implements ListingMerge.Actions {
    @Override
    public void copy(FileEntry source, FileEntry existing) {
      LinkTargets.Target links = merge.linkTargets().get(source.path());
      String refusal = options.report() ? null : openRefusal(source.path(), existing);
      if (refusal != null) {
        tally.skipped++;
        warn(source.path(), refusal);
        if (links != null) links.failed("its first name " + source.path() + " was not replaced");
        return;
      }
      tally.copied++;
      if (links != null) links.pending();
      if (options.report()) {
        tally.bytes += source.size();
        notice(Frame.NoticeKind.WOULD_COPY, source.path(), "");
      } else if (source.type() == EntryType.SYMLINK) {
        commitLink(source, existing);
      } else {
        int id = nextNeedId++;
        if (deltaCandidate(source, existing)) {
          sign(id, source, existing, links);
        } else {
          needed.put(id, new NeededFile(source, existing, null, links));
          needsToSend.add(new Frame.Need(id, source.path()));
        }
      }
    }

    @Override
    public void link(FileEntry source, FileEntry existing, LinkTargets.Target target) {
      String refusal = options.report() ? null : openRefusal(source.path(), existing);
      if (refusal != null) {
        tally.skipped++;
        warn(source.path(), refusal);
        return;
      }
      if (target.state() == LinkTargets.State.ABSENT || target.state() == LinkTargets.State.FAILED) {
        tally.skipped++;
        warn(source.path(), "not linked: " + target.reason());
        return;
      }
      tally.copied++;
      if (options.report()) {
        notice(Frame.NoticeKind.WOULD_COPY, source.path(), "hard link to " + target.path());
        return;
      }
      switch (target.state()) {
        case PENDING -> target.await(source, existing);
        case WRITTEN -> makeHardLink(source, existing, target.temp());
        default -> makeHardLink(source, existing, target.path());
      }
    }

    @Override
    public void makeDirectory(FileEntry source, FileEntry existing) {
      tally.copied++;
      if (options.report()) {
        notice(Frame.NoticeKind.WOULD_COPY, source.path() + "/", "");
        return;
      }
      try {
        Path dir = root.resolve(source.path());
        if (existing != null) Files.delete(dir); // a symlink: replaced, never followed
        Files.createDirectory(dir);
        if (options.trigger() != null) notice(Frame.NoticeKind.COPIED, source.path() + "/", "");
        if (security.changesOwners()) security.apply(dir, EntryType.DIRECTORY, source.mode());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void same(FileEntry source, FileEntry existing) {
      keptInPlace(source);
      if (!options.report() && source.type() == EntryType.FILE
          && security.modeDiffers(EntryType.FILE, source.mode(), existing.mode())) {
        try {
          security.applyMode(root.resolve(source.path()), EntryType.FILE, source.mode());
        } catch (IOException e) {
          warn(source.path(), "cannot set mode: " + describe(e));
        }
      }
    }

    @Override
    public void keptNewer(FileEntry source, FileEntry existing) {
      keptInPlace(source);
      tally.keptNewer++;
    }

    @Override
    public void conflict(FileEntry source, FileEntry existing) {
      tally.skipped++;
      warn(source.path(), "not replaced: the source has a " + kind(source) + " where the destination has a "
          + kind(existing));
    }

    @Override
    public void unsupported(FileEntry source) {
      tally.skipped++;
      warn(source.path(), "not copied: a special file (FIFO, socket or device)");
    }

    @Override
    public void skippedBeneathConflict(FileEntry source) {
      tally.skipped++;
    }

    @Override
    public void extra(FileEntry existing, boolean purge) {
      if (purge) purges.add(existing);
    }

    @Override
    public void leaveDirectory(FileEntry source, FileEntry existing, boolean changedInside) {
      boolean differs = existing == null || security.modeDiffers(EntryType.DIRECTORY, source.mode(), existing.mode())
          || !io.setsync.sync.Comparison.sameTime(existing, source);
      if (!options.report() && (changedInside || differs)) {
        directoryFinishes.add(new DirectoryFinish(source.path(), source.mode(), source.mtimeNanos()));
      }
    }
  }

  /** A multiply-linked file the destination keeps: its later names link to the file there. */
  private void keptInPlace(FileEntry source) {
    LinkTargets.Target links = merge.linkTargets().get(source.path());
    if (links != null) links.inPlace();
  }

  /** Whether two destination names are one file (hard links of each other). */
  private boolean sameFile(String a, String b) {
    try {
      return OpenFiles.FileKey.of(root.resolve(a)).equals(OpenFiles.FileKey.of(root.resolve(b)));
    } catch (IOException e) {
      return false; // unreadable: linked again
    }
  }

  /**
   * Creates a hard link under a temp name to {@code fileName} (the target's temp, or the target's
   * committed name), then replaces the destination name with it like any other new object: the
   * name is wholly old or wholly new at every instant.
   */
  private void makeHardLink(FileEntry source, FileEntry existing, String fileName) {
    String temp = root.scratchName("T" + sessionId + "-" + (++tempCounter));
    try {
      Path file = root.resolve(fileName);
      if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException(fileName + " is not a regular file");
      }
      Files.createLink(root.resolve(temp), file);
    } catch (IOException e) {
      tally.copied--;
      tally.errors++;
      notice(Frame.NoticeKind.ERROR, source.path(), "cannot create hard link: " + describe(e));
      return;
    }
    addToBatch(source.path(), temp, existing, 0);
  }

  /** The new file of a multiply-linked target is complete (or not): its waiting names follow it. */
  private void targetDone(LinkTargets.Target links, String temp, String failure) {
    if (links == null) return;
    if (failure == null) {
      links.written(temp);
      writtenTargets.put(temp, links);
    } else {
      links.failed(failure);
    }
    for (LinkTargets.Waiting w : links.takeWaiting()) {
      if (failure == null) {
        makeHardLink(w.link(), w.existing(), temp);
      } else {
        tally.copied--;
        tally.skipped++;
        warn(w.link().path(), "not linked: " + failure);
      }
    }
  }

  private static String notReplaced(NeededFile need) {
    return "its first name " + need.source().path() + " was not replaced";
  }

  /** Large files the destination has an old copy of are sent as a delta against it. */
  private boolean deltaCandidate(FileEntry source, FileEntry existing) {
    return existing != null && existing.type() == EntryType.FILE && source.type() == EntryType.FILE
        && existing.size() >= settings.deltaThreshold() && source.size() >= settings.deltaThreshold();
  }

  /** Signs the old copy on the signing pool; the need goes out (as a delta, or plain) when done. */
  private void sign(int id, FileEntry source, FileEntry existing, LinkTargets.Target links) {
    Path old = root.resolve(existing.path());
    signing++;
    needed.put(id, new NeededFile(source, existing, null, links));
    java.util.concurrent.CompletableFuture<BlockSignatures> signed;
    try {
      java.nio.channels.FileChannel in = java.nio.channels.FileChannel.open(
          old, java.nio.file.StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS);
      signed = BlockSignatures.sign(in, existing.size(), BlockSignatures.blockSizeFor(existing.size()),
              Runtime.getRuntime().availableProcessors(), pools.signing())
          .whenComplete((s, failure) -> io.setsync.transfer.ContentLanes.closeQuietly(in));
    } catch (IOException e) {
      signed = java.util.concurrent.CompletableFuture.failedFuture(e);
    }
    getContext().pipeToSelf(signed, (signatures, failure) -> new Signed(id, signatures));
  }

  private Behavior<Command> onSigned(Signed m) {
    signing--;
    NeededFile need = needed.get(m.id());
    if (phase == Phase.DONE || need == null) return this;
    if (m.signatures() == null) {
      // The old copy cannot be read: the whole file comes instead.
      outbox.send(new Frame.Needs(List.of(new Frame.Need(m.id(), need.source().path()))));
    } else {
      needed.put(m.id(), new NeededFile(need.source(), need.existing(),
          new Basis(m.signatures().blockSize(), m.signatures().length()), need.links()));
      outbox.send(new Frame.NeedDelta(m.id(), need.source().path(), m.signatures()));
    }
    if (signing == 0 && listingEnded) outbox.send(Frame.NeedsEnd.INSTANCE);
    return this;
  }

  private static String kind(FileEntry e) {
    return switch (e.type()) {
      case FILE -> "file";
      case DIRECTORY -> "directory";
      case SYMLINK -> "symbolic link";
      case OTHER -> "special file";
      case LEFT_OUT -> "name left out";
      case HARDLINK -> "hard link";
    };
  }

  private String destinationHash(FileEntry existing) {
    try {
      return ContentHash.of(root.resolve(existing.path()));
    } catch (IOException e) {
      return null; // unreadable: treated as different, so it is replaced
    }
  }

  private void destinationWarning(String text) {
    warn("", text);
  }

  // ---- data

  private void onFileBegin(Frame.FileBegin begin) throws IOException {
    if (incoming != null) throw new ProtocolException("file " + begin.id() + " began inside file " + incoming.id());
    NeededFile file = needed.get(begin.id());
    if (file == null || writing.contains(begin.id())) {
      throw new ProtocolException("file " + begin.id() + " was not asked for");
    }
    String temp = root.scratchName("T" + sessionId + "-" + (++tempCounter));
    incoming = IncomingFile.create(begin.id(), file.source().mode(), begin.mtimeNanos(), root.resolve(temp), temp);
    if (file.basis() != null) {
      try {
        basis = java.nio.channels.FileChannel.open(root.resolve(file.existing().path()),
            java.nio.file.StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        applier = new DeltaApplier(basis, file.basis().blockSize(), file.basis().length());
      } catch (IOException e) {
        basisFailure = "the old copy cannot be read: " + describe(e);
      }
    }
  }

  /**
   * A large file's bytes come on the content lane: a lane thread writes them into the temp while
   * the frames behind this one wait; its FileEnd then finishes it as any file.
   */
  private void onFileOnLane(Frame.FileOnLane begin) throws IOException {
    if (laneOffer == null) throw new ProtocolException("file " + begin.id() + " sent on a lane that was not offered");
    if (incoming != null) throw new ProtocolException("file " + begin.id() + " began inside file " + incoming.id());
    NeededFile file = needed.get(begin.id());
    if (file == null || writing.contains(begin.id())) {
      throw new ProtocolException("file " + begin.id() + " was not asked for");
    }
    if (file.basis() != null) throw new ProtocolException("file " + begin.id() + " was asked for as a delta, not whole");
    if (begin.size() < 0) throw new ProtocolException("file " + begin.id() + " has a negative size");
    String temp = root.scratchName("T" + sessionId + "-" + (++tempCounter));
    IncomingFile target = IncomingFile.create(begin.id(), file.source().mode(), begin.mtimeNanos(), root.resolve(temp), temp);
    incoming = target;
    laneReading = true;
    java.util.concurrent.CompletableFuture<java.nio.channels.SocketChannel> lane = laneOffer.connection();
    getContext().pipeToSelf(
        io.setsync.transfer.ContentLanes.async(pools.lanes().threads(), () -> {
          java.nio.channels.SocketChannel channel;
          try {
            channel = lane.get(LANE_CONNECT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
          } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("the source did not open the content lane within " + LANE_CONNECT_SECONDS + " s");
          }
          io.setsync.transfer.ContentLanes.receive(channel, begin.size(), target::write);
          return null;
        }),
        (ok, failure) -> new LaneRead(begin.id(), failure));
  }

  private static final int LANE_CONNECT_SECONDS = 30;

  private Behavior<Command> onLaneRead(LaneRead read) {
    laneReading = false;
    if (phase == Phase.DONE) return this;
    if (read.failure() != null) {
      return abort("content lane: file " + read.id() + ": " + describe(read.failure()));
    }
    return drainInbox();
  }

  /** Old blocks of the current file: only for a file asked for as a delta. */
  private void onFileCopy(Frame.FileCopy copy) throws IOException {
    if (incoming == null) throw new ProtocolException("file copy outside a file");
    NeededFile file = needed.get(incoming.id());
    if (file.basis() == null) throw new ProtocolException("file copy in file " + incoming.id() + ", which has no old copy");
    if (basisFailure != null) return; // the file fails at its end
    try {
      applier.copy(copy.first(), copy.count(), incoming::write);
    } catch (IllegalArgumentException e) {
      throw new ProtocolException("file " + incoming.id() + ": " + e.getMessage());
    } catch (IOException e) {
      basisFailure = "the old copy changed during the transfer";
    }
  }

  private void closeBasis() {
    if (basis != null) {
      try {
        basis.close();
      } catch (IOException ignored) {
        // read-only
      }
    }
    basis = null;
    applier = null;
    basisFailure = null;
  }

  /**
   * A small file is written, checked and fsync'ed by a writer thread, several at once; it joins
   * a batch when its write is done, so every file a batch names is durable before the batch is.
   */
  private void onFileWhole(Frame.FileWhole whole) {
    NeededFile file = needed.get(whole.id());
    if (file == null || writing.contains(whole.id())) {
      throw new ProtocolException("file " + whole.id() + " was not asked for");
    }
    if (incoming != null && incoming.id() == whole.id()) {
      throw new ProtocolException("file " + whole.id() + " sent whole while being sent in chunks");
    }
    String temp = root.scratchName("T" + sessionId + "-" + (++tempCounter));
    writing.add(whole.id());
    wholeGroup.add(new WholeWrite(whole, file.source().mode(), root.resolve(temp), temp, security));
    wholeGroupBytes += whole.bytes().length();
    if (wholeGroup.size() >= WHOLES_PER_TASK || wholeGroupBytes >= 1 << 20) flushWholes();
  }

  /** Small files one writer task takes: fewer thread hand-overs than one task per file. */
  private static final int WHOLES_PER_TASK = 8;

  private void flushWholes() {
    if (wholeGroup.isEmpty()) return;
    List<WholeWrite> group = List.copyOf(wholeGroup);
    wholeGroup.clear();
    wholeGroupBytes = 0;
    writesInFlight++;
    getContext().pipeToSelf(
        java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          long[] bytes = new long[group.size()];
          for (int i = 0; i < bytes.length; i++) {
            WholeWrite w = group.get(i);
            bytes[i] = IncomingFile.writeWhole(w.whole(), w.mode(), w.path(), w.temp(), w.security());
          }
          return bytes;
        }, writers),
        (bytes, failure) -> new WholesWritten(group, bytes, failure));
  }

  private Behavior<Command> onWholesWritten(WholesWritten m) {
    writesInFlight--;
    for (WholeWrite w : m.group()) writing.remove(w.whole().id());
    if (phase == Phase.DONE || m.failure() != null) {
      for (WholeWrite w : m.group()) {
        try {
          Files.deleteIfExists(w.path());
        } catch (IOException ignored) {
          // the next session's orphan sweep removes it
        }
      }
      if (phase == Phase.DONE) return this;
      return abort("destination " + requestedRoot + ": " + describe(m.failure()));
    }
    for (int i = 0; i < m.group().size(); i++) {
      WholeWrite w = m.group().get(i);
      NeededFile need = needed.remove(w.whole().id());
      long bytes = m.bytes()[i];
      if (bytes < 0) {
        tally.errors++;
        notice(Frame.NoticeKind.ERROR, need.source().path(), "checksum mismatch in transfer; not replaced");
        targetDone(need.links(), null, notReplaced(need));
      } else {
        tally.bytes += bytes;
        boolean added = addToBatch(need.source().path(), w.temp(), need.existing(), bytes);
        targetDone(need.links(), w.temp(), added ? null : notReplaced(need));
      }
    }
    return drainInbox();
  }

  private void onFileData(Frame.FileData data) throws IOException {
    if (incoming == null) throw new ProtocolException("file data outside a file");
    for (ByteBuffer buffer : data.bytes().getByteBuffers()) incoming.write(buffer);
  }

  private void onFileEnd(Frame.FileEnd end) throws IOException {
    if (incoming == null || incoming.id() != end.id()) {
      throw new ProtocolException("end of file " + end.id() + " that was not being sent");
    }
    IncomingFile file = incoming;
    incoming = null;
    NeededFile need = needed.remove(end.id());
    String failure = basisFailure;
    closeBasis();
    if (failure != null) {
      file.discard();
      tally.errors++;
      notice(Frame.NoticeKind.ERROR, need.source().path(), failure + "; not replaced");
      targetDone(need.links(), null, notReplaced(need));
      return;
    }
    if (!file.finish(end.crc32c(), security)) {
      tally.errors++;
      notice(Frame.NoticeKind.ERROR, need.source().path(), "checksum mismatch in transfer; not replaced");
      targetDone(need.links(), null, notReplaced(need));
      return;
    }
    tally.bytes += file.bytesWritten();
    boolean added = addToBatch(need.source().path(), file.tempName(), need.existing(), file.bytesWritten());
    targetDone(need.links(), file.tempName(), added ? null : notReplaced(need));
  }

  private void onFileUnavailable(Frame.FileUnavailable gone) throws IOException {
    if (writing.contains(gone.id())) throw new ProtocolException("file " + gone.id() + " is already being written");
    NeededFile need = needed.remove(gone.id());
    if (need == null) throw new ProtocolException("file " + gone.id() + " was not asked for");
    if (incoming != null && incoming.id() == gone.id()) {
      incoming.discard();
      incoming = null;
      closeBasis();
    }
    tally.copied--;
    tally.skipped++;
    warn(need.source().path(), "not copied: " + gone.reason());
    targetDone(need.links(), null, "its first name " + need.source().path() + " was not copied");
  }

  private void commitLink(FileEntry source, FileEntry existing) {
    String temp = root.scratchName("T" + sessionId + "-" + (++tempCounter));
    try {
      Path tempPath = root.resolve(temp);
      Files.createSymbolicLink(tempPath, Paths.get(source.linkTarget()));
      if (security.changesOwners()) security.apply(tempPath, EntryType.SYMLINK, 0);
      Modes.setLinkTime(tempPath, source.mtimeNanos());
    } catch (IOException e) {
      tally.copied--;
      tally.errors++;
      notice(Frame.NoticeKind.ERROR, source.path(), "cannot create link: " + describe(e));
      return;
    }
    addToBatch(source.path(), temp, existing, 0);
  }

  /** Whether the temp joined the batch; it is deleted when the target is refused now. */
  private boolean addToBatch(String target, String temp, FileEntry existing, long bytes) {
    // Programs may have opened the old file while the new one was on its way: ask again.
    String refusal = openRefusal(target, existing);
    if (refusal != null) {
      try {
        Files.deleteIfExists(root.resolve(temp));
      } catch (IOException e) {
        // left for the next session's orphan sweep
      }
      tally.copied--;
      tally.skipped++;
      warn(target, refusal);
      return false;
    }
    String saved = null;
    if (existing != null && existing.type() != EntryType.DIRECTORY) {
      String name = "AA" + sessionId + "-" + (++savedCounter);
      try {
        // RENAMEOPEN: the old file, still open for reading or execution, stays under .setsync/open/.
        saved = existing.type() == EntryType.FILE && usage(target).isOpen() ? root.openName(name) : root.scratchName(name);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    batch.add(new Replacement(target, temp, saved));
    batchSizes.add(bytes);
    batchBytes += bytes;
    return true;
  }

  private boolean batchFull(int batches) {
    return batch.size() >= batches * settings.commitBatchFiles()
        || batchBytes >= batches * settings.commitBatchBytes();
  }

  /** How processes hold the destination file at {@code relative}; a snapshot at most a second old. */
  private OpenFiles.Usage usage(String relative) {
    if (openFiles == null || openFiles.ageNanos() > 1_000_000_000L) openFiles = OpenFiles.scan();
    return openFiles.usage(root.resolve(relative));
  }

  /**
   * Why an existing destination file must not be replaced now, or null when it may be: a file
   * open for writing never is; one open only for reading or execution only with RENAMEOPEN.
   */
  private String openRefusal(String relative, FileEntry existing) {
    if (existing == null || existing.type() != EntryType.FILE) return null;
    OpenFiles.Usage usage = usage(relative);
    if (usage.isOpenForWriting()) {
      return "not replaced: open for writing by " + usage.describe() + " (never replaced while written)";
    }
    if (usage.isOpen() && !options.renameOpen()) {
      return "not replaced: open by " + usage.describe() + " (RENAMEOPEN would replace it)";
    }
    return null;
  }

  private void onDataEnd() {
    if (!listingEnded) throw new ProtocolException("data ended before the listing");
    if (incoming != null) throw new ProtocolException("data ended inside file " + incoming.id());
    if (needed.size() > writing.size()) {
      throw new ProtocolException(
          "data ended with " + (needed.size() - writing.size()) + " needed file(s) never sent");
    }
    dataEnded = true; // the session ends once the writes and commits running now are done
    phase = Phase.COMMITTING_LAST;
  }

  // ---- commit through the journal

  /**
   * Journals a batch of complete, fsync'ed temp files as begun, replaces, journals it committed.
   * One commit runs at a time; files of the next batch are received meanwhile.
   */
  private void beginCommit() {
    // At most one batch's worth: writes finish in groups, so more may be waiting.
    int files = 0;
    long bytes = 0;
    while (files < batch.size() && files < settings.commitBatchFiles() && bytes < settings.commitBatchBytes()) {
      bytes += batchSizes.get(files);
      files++;
    }
    List<Replacement> toCommit = List.copyOf(batch.subList(0, files));
    batch.subList(0, files).clear();
    batchSizes.subList(0, files).clear();
    batchBytes -= bytes;
    long batchId = nextBatchId++;
    committing = true;
    getContext()
        .ask(
            RenameJournal.Done.class,
            journal,
            settings.journalTimeout(),
            replyTo -> new RenameJournal.Begin(batchId, toCommit, replyTo),
            (done, failure) -> new BatchBegun(batchId, toCommit, failure));
  }

  private Behavior<Command> onBatchBegun(BatchBegun m) {
    if (m.failure() != null) return abort("rename journal write failed: " + describe(m.failure()));
    CrashPoint.BEGUN_JOURNALED.reach();
    try {
      List<Replacement> failed = root.replace(m.batch(), this::replaceFailed);
      tally.copied -= failed.size();
      tally.errors += failed.size();
      for (Replacement r : m.batch()) {
        LinkTargets.Target links = writtenTargets.remove(r.temp());
        if (links == null) continue;
        if (failed.contains(r)) links.failed("its first name " + r.target() + " was not replaced");
        else links.inPlace();
      }
      if (options.trigger() != null) {
        for (Replacement r : m.batch()) {
          if (!failed.contains(r)) notice(Frame.NoticeKind.COPIED, r.target(), "");
        }
      }
    } catch (IOException e) {
      return abort("destination " + root.path() + ": " + describe(e));
    }
    getContext()
        .ask(
            RenameJournal.Done.class,
            journal,
            settings.journalTimeout(),
            replyTo -> new RenameJournal.Commit(m.batchId(), replyTo),
            (done, failure) -> new BatchCommitted(m.batch(), failure));
    return this;
  }

  private void replaceFailed(Replacement r, IOException e) {
    notice(Frame.NoticeKind.ERROR, r.target(), "not replaced: " + describe(e));
  }

  private Behavior<Command> onBatchCommitted(BatchCommitted m) {
    if (m.failure() != null) return abort("rename journal write failed: " + describe(m.failure()));
    CrashPoint.COMMITTED_JOURNALED.reach();
    try {
      root.deleteSaved(m.batch());
    } catch (IOException e) {
      return abort("destination " + root.path() + ": " + describe(e));
    }
    committing = false;
    if (batchFull(1)) beginCommit();
    return drainInbox();
  }

  // ---- the end

  private void finishSession() {
    try {
      purge();
      finishDirectories();
      purges.delete();
      if (!options.report()) root.sweepOpenArea(OpenFiles::scan);
    } catch (IOException | UncheckedIOException e) {
      tally.errors++;
      notice(Frame.NoticeKind.ERROR, "", describe(e));
    }
    SyncCounts counts = tally.counts();
    SyncStatus status = tally.status();
    getContext().getLog().info("session {} to {} done: {} {}", sessionId, root.path(), status, counts);
    outbox.sendLast(new Frame.Done(counts, status.exitCode));
    phase = Phase.DONE;
    claims.release(root.path(), getContext().getSelf());
  }

  private void purge() throws IOException {
    if (purges.size() == 0) return;
    String refusal = purges.refusal(options.maxPurge(), tally.scanned, merge.destinationNames());
    if (refusal != null) {
      tally.errors++;
      notice(Frame.NoticeKind.ERROR, "", refusal);
      return;
    }
    purges.forEach(
        options.report(),
        (path, outcome) -> {
          switch (outcome) {
            case PURGED -> {
              tally.purged++;
              notice(options.report() ? Frame.NoticeKind.WOULD_PURGE : Frame.NoticeKind.PURGED, path, "");
            }
            case KEPT -> { }
            case FAILED -> {
              tally.errors++;
              notice(Frame.NoticeKind.ERROR, path, "cannot purge");
            }
          }
        },
        root);
  }

  private void finishDirectories() {
    for (DirectoryFinish dir : directoryFinishes) {
      try {
        Path path = root.resolve(dir.path());
        security.applyMode(path, EntryType.DIRECTORY, dir.mode());
        Files.setLastModifiedTime(
            path, java.nio.file.attribute.FileTime.from(dir.mtimeNanos(), java.util.concurrent.TimeUnit.NANOSECONDS));
      } catch (IOException e) {
        warn(dir.path(), "cannot set directory times or mode: " + describe(e));
      }
    }
  }

  private void notice(Frame.NoticeKind kind, String path, String text) {
    outbox.send(new Frame.Notice(kind, path, text));
  }

  private void warn(String path, String text) {
    tally.warnings++;
    notice(Frame.NoticeKind.WARNING, path, text);
  }

  private Behavior<Command> onFailed(Failed m) {
    if (phase == Phase.DONE) return Behaviors.stopped();
    if (m.cause() instanceof ProtocolException bad) return abort("bad frame from the source: " + bad.getMessage());
    // The stream itself failed (oversize frame, reset): the connection is gone, so is the session.
    getContext().getLog().warn("session {} to {}: connection failed: {}", sessionId, requestedRoot, describe(m.cause()));
    phase = Phase.DONE;
    return Behaviors.stopped();
  }

  private Behavior<Command> onClosed() {
    if (phase == Phase.DONE) return Behaviors.stopped();
    getContext().getLog().warn("session {}: source closed the connection before the end", sessionId);
    return Behaviors.stopped();
  }

  private Behavior<Command> abort(String reason) {
    if (phase == Phase.DONE) return this;
    getContext().getLog().warn("session {} to {} aborted: {}", sessionId, requestedRoot, reason);
    outbox.sendLast(new Frame.Abort(reason));
    phase = Phase.DONE;
    return awaitClose();
  }

  /** Whatever was not journaled is scratch; the next session removes it, but tidy up now. */
  private Behavior<Command> cleanUp() {
    // Closing the lane first ends a lane thread's read, which then finds its temp closed.
    if (laneOffer != null) lanes.withdraw(laneOffer);
    if (incoming != null) incoming.discard();
    closeBasis();
    if (destinationWalk != null) destinationWalk.close();
    if (root != null) {
      for (Replacement r : batch) {
        try {
          Files.deleteIfExists(root.resolve(r.temp()));
        } catch (IOException ignored) {
          // left for the next session's orphan sweep
        }
      }
    }
    if (purges != null) purges.delete();
    if (emptyStandIn != null) {
      try {
        Files.deleteIfExists(emptyStandIn);
      } catch (IOException ignored) {
        // an empty folder in the system's temp area
      }
    }
    return this;
  }

  /** Counts as the summary reports them. */
  private static final class Tally {
    long scanned, copied, bytes, purged, skipped, keptNewer, errors, warnings;

    SyncCounts counts() {
      return new SyncCounts(scanned, copied, bytes, purged, skipped, keptNewer, errors);
    }

    SyncStatus status() {
      if (errors > 0) return SyncStatus.ERRORS;
      if (skipped > 0 || warnings > 0) return SyncStatus.WARNINGS;
      return SyncStatus.OK;
    }
  }
}
