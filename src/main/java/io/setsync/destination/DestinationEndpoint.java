package io.setsync.destination;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Tcp;
import io.setsync.fs.SyncAccount;
import io.setsync.transfer.ContentLanes;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The data-plane server of a node: accepts file-set synchronizations over TCP and starts a
 * {@link Receiver} for each. It owns the {@link RenameJournal} of every destination root it has
 * served and lets only one session at a time work on a root.
 */
public final class DestinationEndpoint extends AbstractBehavior<DestinationEndpoint.Command> {

  public interface Command {}

  /**
   * Replies with the bound address once listening (or the bind failure). The monitor asks every
   * node's endpoint, so both cross the cluster.
   */
  public record WhenBound(ActorRef<Binding> replyTo) implements Command, io.setsync.CborSerializable {
    @com.fasterxml.jackson.annotation.JsonCreator
    public WhenBound {}
  }

  public record Binding(InetSocketAddress address, String failure) implements io.setsync.CborSerializable {}

  /**
   * Replies with the root once no session that claimed it is alive any more (its scratch files
   * are cleaned up by then): for tests and tools that must wait for a session's end.
   */
  public record WhenSessionsOver(Path root, ActorRef<Path> replyTo) implements Command {}

  /**
   * Asks for a single-use ticket for one session to {@code destinationRoot} for {@code user} with
   * {@code options} (command-language text), valid for {@code setsync.security.ticket-ttl}. {@code
   * host} and {@code port}: where the session will connect; an endpoint bound elsewhere answers with a
   * refusal, so a source asks every endpoint it finds under {@link #TICKETS} and takes the one
   * ticket it gets. A message, not a call, so that a
   * source on another node can ask this node's endpoint.
   */
  public record IssueTicket(
      String destinationRoot, String user, SyncAccount account, String options, String host, int port,
      ActorRef<Ticket> replyTo)
      implements Command, io.setsync.CborSerializable {}

  /** A ticket's token, or why there is none. */
  public record Ticket(String token, String refusal) implements io.setsync.CborSerializable {}

  /** Under this key every endpoint registers with the receptionist once it listens: where sources ask for tickets. */
  public static final akka.actor.typed.receptionist.ServiceKey<Command> TICKETS =
      akka.actor.typed.receptionist.ServiceKey.create(Command.class, "setsync-session-tickets");

  /**
   * Replies with the number of open data connections once it is at most {@code count}: for tests
   * and tools that must wait until connections that ended have been let go.
   */
  public record WhenConnectionsAtMost(int count, ActorRef<Integer> replyTo) implements Command {}

  /** Replies with the root once a sweep of open areas that began after this request has swept it. */
  public record WhenSwept(Path root, ActorRef<Path> replyTo) implements Command {}

  private record Bound(InetSocketAddress address, Throwable failure) implements Command, io.setsync.LocalMessage {}

  private record Accepted(Tcp.IncomingConnection connection) implements Command, io.setsync.LocalMessage {}

  private record Claim(Path root, ActorRef<Receiver.Command> receiver) implements Command, io.setsync.LocalMessage {}

  private record Release(Path root, ActorRef<Receiver.Command> receiver) implements Command, io.setsync.LocalMessage {}

  private record ReceiverStopped(ActorRef<Receiver.Command> receiver, java.net.InetAddress peer) implements Command, io.setsync.LocalMessage {}

  private record JournalStopped(Path root, ActorRef<RenameJournal.Command> journal) implements Command, io.setsync.LocalMessage {}

  private enum SweepOpenAreas implements Command, io.setsync.LocalMessage {
    INSTANCE
  }

  private record Swept(List<Path> roots, Throwable failure) implements Command, io.setsync.LocalMessage {}

  /**
   * What is wrong with setsync.iphost.accept, or null: checked before a node starts, so that one
   * with a bad table does not start at all.
   */
  public static String ipHostProblem(com.typesafe.config.Config config) {
    try {
      IpHostSources.from(config);
      return null;
    } catch (IpHostSources.BadConfig e) {
      return e.getMessage();
    }
  }

  public static Behavior<Command> create(String host, int port, Receiver.Settings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      // RENAMEOPEN leaves replaced files that programs still hold; they go once nobody does.
      Duration sweep = ctx.getSystem().settings().config().getDuration("setsync.endpoint.open-area-sweep");
      timers.startTimerWithFixedDelay(SweepOpenAreas.INSTANCE, sweep);
      return new DestinationEndpoint(ctx, host, port, settings);
    }));
  }

  private final Receiver.Settings settings;
  private final Map<Path, List<ActorRef<Path>>> waitingForSessionsOver = new HashMap<>();
  private final Map<Path, List<ActorRef<Path>>> waitingForSweep = new HashMap<>();
  private final Map<Path, List<ActorRef<Path>>> waitingInSweep = new HashMap<>();
  private final RootClaimTable<ActorRef<Receiver.Command>, ActorRef<RenameJournal.Command>> roots =
      new RootClaimTable<>(this::startJournal);
  private final List<ActorRef<Binding>> waitingForBinding = new ArrayList<>();
  private final List<WhenConnectionsAtMost> waitingForConnections = new ArrayList<>();
  /** Roots whose open area is being swept; sessions claiming them wait for the sweep. */
  private final Map<Path, List<Claim>> sweeping = new HashMap<>();
  private Binding binding;
  private final SessionTickets tickets;
  private final ConnectionLimits limits;
  private long sessions;
  private long journalsSpawned;
  /** TLS on sessions and lanes when on (conf/cluster-tls.conf), else plain TCP. */
  private final io.setsync.transfer.NodeTls tls;
  /** Large files' bytes arrive here when the source takes the lane; null when off or unbound. */
  private final ContentLanes lanes;

  private DestinationEndpoint(ActorContext<Command> ctx, String host, int port, Receiver.Settings settings) {
    super(ctx);
    this.settings = settings;
    com.typesafe.config.Config config = ctx.getSystem().settings().config();
    this.tickets = new SessionTickets(config.getDuration("setsync.security.ticket-ttl"), IpHostSources.from(config));
    this.limits = new ConnectionLimits(
        config.getInt("setsync.endpoint.max-connections"), config.getInt("setsync.endpoint.max-connections-per-peer"));
    this.tls = io.setsync.transfer.NodeTls.get(ctx.getSystem());
    this.lanes = openLanes(ctx, host, tls);
    ActorRef<Command> self = ctx.getSelf();
    ctx.pipeToSelf(
        Tcp.get(ctx.getSystem())
            .bind(host, port)
            .to(Sink.foreach(connection -> self.tell(new Accepted(connection))))
            .run(ctx.getSystem()),
        (bound, failure) -> new Bound(bound == null ? null : bound.localAddress(), failure));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Bound.class, this::onBound)
        .onMessage(WhenBound.class, this::onWhenBound)
        .onMessage(Accepted.class, this::onAccepted)
        .onMessage(IssueTicket.class, this::onIssueTicket)
        .onMessage(WhenConnectionsAtMost.class, m -> {
          waitingForConnections.add(m);
          answerConnectionWaiters();
          return this;
        })
        .onMessage(Claim.class, this::onClaim)
        .onMessage(Release.class, m -> {
          roots.release(m.root(), m.receiver());
          return this;
        })
        .onMessage(ReceiverStopped.class, this::onReceiverStopped)
        .onMessage(JournalStopped.class, this::onJournalStopped)
        .onMessage(WhenSessionsOver.class, this::onWhenSessionsOver)
        .onMessage(SweepOpenAreas.class, m -> onSweepOpenAreas())
        .onMessage(Swept.class, this::onSwept)
        .onMessage(WhenSwept.class, m -> {
          waitingForSweep.computeIfAbsent(m.root(), r -> new ArrayList<>()).add(m.replyTo());
          return this;
        })
        .onSignal(akka.actor.typed.PostStop.class, s -> {
          if (lanes != null) lanes.close();
          return this;
        })
        .build();
  }

  /** A lane that cannot listen only costs speed: sessions then carry all bytes themselves. */
  private static ContentLanes openLanes(ActorContext<Command> ctx, String host, io.setsync.transfer.NodeTls tls) {
    com.typesafe.config.Config config = ctx.getSystem().settings().config();
    if (!config.getBoolean("setsync.transfer.content-lane")) return null;
    int port = config.getInt("setsync.endpoint.lane-port");
    try {
      ContentLanes lanes = ContentLanes.open(host, port, io.setsync.sync.SessionPools.get(ctx.getSystem()).lanes(),
          tls.enabled() ? tls : null);
      ctx.getLog().info("content lane listening on {}:{}{}", host, lanes.port(), tls.enabled() ? " (TLS)" : "");
      return lanes;
    } catch (java.io.IOException e) {
      ctx.getLog().warn("content lane: cannot listen on {}:{} ({}); large files go through the session's connection",
          host, port, e.getMessage());
      return null;
    }
  }

  private Behavior<Command> onBound(Bound bound) {
    binding = bound.failure() == null
        ? new Binding(bound.address(), null)
        : new Binding(null, "cannot listen: " + bound.failure().getMessage());
    if (binding.failure() == null) {
      getContext().getLog().info("data endpoint listening on {}{}", binding.address(),
          tls.enabled() ? " (TLS, mutual authentication, as " + tls.own().commonName() + ")" : "");
      getContext().getSystem().receptionist().tell(
          akka.actor.typed.receptionist.Receptionist.register(TICKETS, getContext().getSelf()));
    } else {
      getContext().getLog().error("data endpoint: {}", binding.failure());
    }
    waitingForBinding.forEach(r -> r.tell(binding));
    waitingForBinding.clear();
    return this;
  }

  private Behavior<Command> onWhenBound(WhenBound request) {
    if (binding != null) request.replyTo().tell(binding);
    else waitingForBinding.add(request.replyTo());
    return this;
  }

  private Behavior<Command> onIssueTicket(IssueTicket request) {
    if (!listensAt(request.host(), request.port())) {
      request.replyTo().tell(new Ticket(null, "this endpoint does not listen on " + request.host() + ":" + request.port()));
      return this;
    }
    String options;
    try {
      options = SessionStart.normalOptions(request.options());
    } catch (io.setsync.transfer.ProtocolException e) {
      request.replyTo().tell(new Ticket(null, e.getMessage()));
      return this;
    }
    request.replyTo().tell(new Ticket(
        tickets.issue(request.destinationRoot(), request.user(), request.account(), options, holder(request)), null));
    return this;
  }

  /**
   * With TLS, the node that asked: its cluster address's host (Artery's mutual TLS let the request
   * in only from a node of the cluster), or, from this node itself, its own certificate's name.
   */
  private SessionTickets.Holder holder(IssueTicket request) {
    if (!tls.enabled()) return null;
    java.util.Optional<String> host = request.replyTo().path().address().getHost();
    return host.isPresent() ? new SessionTickets.Holder(host.get(), null)
        : new SessionTickets.Holder(null, tls.own().commonName());
  }

  private boolean listensAt(String host, int port) {
    if (binding == null || binding.address() == null || binding.address().getPort() != port) return false;
    InetSocketAddress bound = binding.address();
    return bound.getAddress() == null || bound.getAddress().isAnyLocalAddress() || bound.getHostString().equals(host)
        || bound.getAddress().getHostAddress().equals(host);
  }

  private Behavior<Command> onAccepted(Accepted accepted) {
    InetSocketAddress peer = accepted.connection().remoteAddress();
    String refusal = limits.admit(peer.getAddress());
    if (refusal != null) {
      // Closed unread: no receiver, nothing on disk, one line.
      getContext().getLog().warn("connection from {} refused: {}", peer, refusal);
      accepted.connection().handleWith(
          akka.stream.javadsl.Flow.fromSinkAndSource(Sink.cancelled(), akka.stream.javadsl.Source.empty()),
          getContext().getSystem());
      return this;
    }
    String sessionId = Long.toString(System.currentTimeMillis(), 36) + "-" + (++sessions);
    ActorRef<Command> self = getContext().getSelf();
    java.util.concurrent.CompletableFuture<io.setsync.transfer.PeerIdentity> certificate =
        new java.util.concurrent.CompletableFuture<>();
    ActorRef<Receiver.Command> receiver =
        getContext()
            .spawn(
                Receiver.create(
                    tls.accept(accepted.connection().flow(), certificate, getContext().getSystem(),
                        settings.handshakeTimeout()),
                    sessionId,
                    peer.toString(),
                    () -> certificate.getNow(null),
                    tickets,
                    new Receiver.RootClaims() {
                      @Override
                      public void claim(Path root, ActorRef<Receiver.Command> claimant) {
                        self.tell(new Claim(root, claimant));
                      }

                      @Override
                      public void release(Path root, ActorRef<Receiver.Command> claimant) {
                        self.tell(new Release(root, claimant));
                      }
                    },
                    settings,
                    lanes),
                "receiver-" + sessions,
                DispatcherSelector.fromConfig("setsync.io-dispatcher"));
    getContext().watchWith(receiver, new ReceiverStopped(receiver, peer.getAddress()));
    return this;
  }

  private Behavior<Command> onClaim(Claim claim) {
    List<Claim> waiting = sweeping.get(claim.root());
    if (waiting != null) {
      waiting.add(claim);
      return this;
    }
    ActorRef<RenameJournal.Command> journal = roots.claim(claim.root(), claim.receiver());
    if (journal == null) {
      claim.receiver().tell(new Receiver.ClaimRefused(
          "destination " + claim.root() + " is busy with another synchronization"));
    } else {
      claim.receiver().tell(new Receiver.Claimed(journal));
    }
    return this;
  }

  /** Watched: a journal that stopped (its store failed) is forgotten, so the next claim starts a fresh one. */
  private ActorRef<RenameJournal.Command> startJournal(Path root) {
    ActorRef<RenameJournal.Command> journal =
        getContext().spawn(RenameJournal.create(root.toString()), "journal-" + (++journalsSpawned));
    getContext().watchWith(journal, new JournalStopped(root, journal));
    return journal;
  }

  private Behavior<Command> onJournalStopped(JournalStopped stopped) {
    getContext().getLog().warn("rename journal of {} stopped; the next session to it starts a new one", stopped.root());
    roots.journalStopped(stopped.root(), stopped.journal());
    return this;
  }

  private Behavior<Command> onReceiverStopped(ReceiverStopped stopped) {
    limits.closed(stopped.peer());
    answerConnectionWaiters();
    Path root = roots.stopped(stopped.receiver());
    if (root != null) {
      List<ActorRef<Path>> waiting = waitingForSessionsOver.remove(root);
      if (waiting != null) waiting.forEach(r -> r.tell(root));
    }
    return this;
  }

  private void answerConnectionWaiters() {
    waitingForConnections.removeIf(w -> {
      if (limits.openTotal() > w.count()) return false;
      w.replyTo().tell(limits.openTotal());
      return true;
    });
  }

  private Behavior<Command> onWhenSessionsOver(WhenSessionsOver request) {
    if (!roots.sessionsOver(request.root())) {
      waitingForSessionsOver.computeIfAbsent(request.root(), r -> new ArrayList<>()).add(request.replyTo());
    } else {
      request.replyTo().tell(request.root());
    }
    return this;
  }

  /**
   * Sweeps the open areas of the roots this endpoint has served and no session holds now. The
   * roots count as claimed meanwhile, so a sweep never races a session that renames into the area.
   */
  private Behavior<Command> onSweepOpenAreas() {
    List<Path> idle = roots.idle();
    idle.removeAll(sweeping.keySet());
    if (idle.isEmpty()) return this;
    for (Path root : idle) {
      sweeping.put(root, new ArrayList<>());
      List<ActorRef<Path>> waiting = waitingForSweep.remove(root);
      if (waiting != null) waitingInSweep.put(root, waiting);
    }
    java.util.concurrent.Executor io =
        getContext().getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("setsync.io-dispatcher"));
    getContext().pipeToSelf(
        java.util.concurrent.CompletableFuture.runAsync(() -> sweep(idle), io),
        (ok, failure) -> new Swept(idle, failure));
    return this;
  }

  private static void sweep(List<Path> roots) {
    io.setsync.fs.OpenFiles openFiles = null;
    for (Path root : roots) {
      if (!java.nio.file.Files.isDirectory(root.resolve(DestinationRoot.OPEN_AREA),
          java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      if (openFiles == null) openFiles = io.setsync.fs.OpenFiles.scan();
      try {
        DestinationRoot.inspect(root).sweepOpenArea(openFiles);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(root + ": " + e.getMessage(), e);
      }
    }
  }

  private Behavior<Command> onSwept(Swept swept) {
    if (swept.failure() != null) {
      getContext().getLog().warn("sweeping open areas: {}", swept.failure().getMessage());
    }
    for (Path root : swept.roots()) {
      List<Claim> waiting = sweeping.remove(root);
      if (waiting != null) waiting.forEach(claim -> getContext().getSelf().tell(claim));
      List<ActorRef<Path>> sweepWaiters = waitingInSweep.remove(root);
      if (sweepWaiters != null) sweepWaiters.forEach(r -> r.tell(root));
    }
    return this;
  }

  /** Defaults for {@link Receiver.Settings} from the {@code setsync.transfer} config section. */
  public static Receiver.Settings settingsFrom(com.typesafe.config.Config transfer) {
    return new Receiver.Settings(
        transfer.getInt("commit-batch-files"),
        transfer.getBytes("commit-batch-bytes"),
        transfer.getDuration("journal-timeout"),
        transfer.getInt("parallel-writes"),
        transfer.getBytes("delta-threshold"),
        transfer.getDuration("idle-timeout"),
        transfer.getDuration("handshake-timeout"));
  }
}
