package io.setsync.schedule;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import io.setsync.destination.DestinationEndpoint;
import io.setsync.fs.SyncAccount;
import io.setsync.log.LogRecord;
import io.setsync.log.SyncLog;
import io.setsync.options.OptionText;
import io.setsync.options.SyncOptions;
import io.setsync.sync.SyncNotice;
import io.setsync.sync.SyncStatus;
import io.setsync.sync.Trigger;
import io.setsync.transfer.SourceSession;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One synchronization, whoever asked for it (a file set's scheduler, SYNCHRONIZE, the CLI, the
 * benchmark): runs the source session, turns its notices into sync-log records, runs TRIGGER, and
 * answers with the result. Short-lived, one per request, as the StatsAggregator of Akka's cluster
 * sample; its phases are behaviours: running the session, then running the trigger.
 */
public final class SyncRun {

  public interface Command extends io.setsync.LocalMessage {}

  /**
   * What to synchronize, and for whom.
   *
   * @param destination where the destination's endpoint listens; its node is null when the caller
   *     names none (the CLI), and the destination is then shown as the bare path
   * @param interval the file set's INTERVAL, OPENUPDATE's quiet window when it gives none; null for
   *     a one-time sync (the session's default applies)
   * @param fileSetId the file set, null for a one-time sync
   * @param log where the records go; null: nowhere
   * @param listener sees notices and progress as they happen (a terminal, a scheduler's progress);
   *     called on the session's threads; null: nobody
   * @param user the sync user the run is for, as the destination's ticket names it
   * @param account whom the run's file work is done as, at both ends, and TRIGGER too
   */
  public record Request(
      Path sourceRoot, FileSetScheduler.Destination destination, String destinationRoot, SyncOptions options,
      Duration interval, Long fileSetId, ActorRef<SyncLog.Command> log, SourceSession.Observer listener,
      String user, SyncAccount account) {

    /** For the node's own account (a one-time sync, the benchmark, a caller that names no user). */
    public Request(
        Path sourceRoot, FileSetScheduler.Destination destination, String destinationRoot, SyncOptions options,
        Duration interval, Long fileSetId, ActorRef<SyncLog.Command> log, SourceSession.Observer listener) {
      this(sourceRoot, destination, destinationRoot, options, interval, fileSetId, log, listener,
          System.getProperty("user.name"), SyncAccount.process());
    }

    /** The destination as the user named it: {@code node:/path}, or the path alone. */
    public String destinationName() {
      return destination.node() == null ? destinationRoot : destination.node() + ":" + destinationRoot;
    }

    /** The options the session gets: a bare OPENUPDATE waits for the file set's INTERVAL. */
    SyncOptions sessionOptions() {
      if (interval == null || !options.openUpdate() || options.openUpdateQuiet() != null) return options;
      return options.toBuilder().openUpdate(true, interval).build();
    }

    SourceSession.Request sessionRequest(Path confinedSource, String ticket) {
      return new SourceSession.Request(confinedSource, destination.host(), destination.port(), destinationRoot,
          sessionOptions(), ticket, destination.outsideCluster());
    }

    /** What the destination's endpoint is asked to issue a ticket for: exactly what the session's Hello will say. */
    DestinationEndpoint.IssueTicket ticketRequest(ActorRef<DestinationEndpoint.Ticket> replyTo) {
      return new DestinationEndpoint.IssueTicket(destinationRoot, user == null ? System.getProperty("user.name") : user,
          account, OptionText.render(sessionOptions()), destination.host(), destination.port(), replyTo);
    }
  }

  /** Ends the run at the next file boundary (see {@link SourceSession.Stop}); a running TRIGGER finishes. */
  public record Stop(String reason) implements Command {}

  /**
   * How the run ended.
   *
   * @param result the counts and completion code, a failed TRIGGER included (code 1 at least)
   * @param outcome the session's own outcome, with the bytes it sent
   * @param trigger what TRIGGER did; null when it did not run
   * @param warnings the warning and error notices as a console shows them, at most {@link
   *     #WARNINGS_KEPT}, then one line that says how many more
   */
  public record Finished(SyncResult result, SourceSession.Outcome outcome, Trigger.Result trigger, List<String> warnings) {
    public Finished {
      warnings = List.copyOf(warnings);
    }

    public SyncStatus status() {
      return SyncStatus.ofExitCode(result.code());
    }
  }

  /** Tunables: the session's, and the clock the run's times come from. */
  public record Settings(SourceSession.Settings session, Clock clock) {
    public static Settings from(Config setsync) {
      return new Settings(SourceSession.Settings.from(setsync.getConfig("transfer")), Clock.systemUTC());
    }
  }

  /** Warning lines kept for the console; the log keeps them all (within its bound). */
  public static final int WARNINGS_KEPT = 1000;
  /** Paths handed to a TRIGGER are capped so a huge sync cannot exhaust memory; counts stay exact. */
  static final int TRIGGER_PATHS_MAX = 100_000;
  private static final int LOG_FLUSH_RECORDS = 200;

  private record Noticed(SyncNotice notice) implements Command {}

  /** The endpoints that issue tickets, as the receptionist lists them. */
  private record EndpointsListed(java.util.Set<ActorRef<DestinationEndpoint.Command>> endpoints) implements Command {}

  /** An endpoint's answer to the ticket request (a refusal when it is not the destination's). */
  private record TicketAnswered(DestinationEndpoint.Ticket ticket) implements Command {}

  /** No endpoint issued a ticket in time. */
  private enum TicketTimedOut implements Command { INSTANCE }

  /** Every endpoint listed refused: whether one that starts listening now is listed before this. */
  private enum RefusedGraceOver implements Command { INSTANCE }

  /**
   * How long a run whose listed endpoints all refused waits for another to be listed: an endpoint
   * registers for tickets when it listens, and its address reaches the monitor by another way.
   */
  static final Duration REFUSED_GRACE = Duration.ofSeconds(2);

  /** How long a run waits for the destination's endpoint to issue its ticket. */
  static final Duration TICKET_WAIT = Duration.ofSeconds(20);

  private record SessionEnded(SourceSession.Outcome outcome) implements Command {}

  /** The session actor is gone: after its outcome (it closes its connection first), or instead of one. */
  private enum SessionStopped implements Command { INSTANCE }

  /**
   * Told to itself on {@link SessionStopped}: a stop notice may overtake the session's last message
   * (its outcome, already in the mailbox), and this one queues behind it.
   */
  private enum SessionLost implements Command { INSTANCE }

  private record TriggerEnded(SyncResult result, SourceSession.Outcome outcome, Trigger.Result trigger,
      Throwable failure) implements Command {}

  public static Behavior<Command> create(Request request, Settings settings, ActorRef<Finished> replyTo) {
    return create(request, settings, replyTo, Function.identity());
  }

  /** As {@link #create(Request, Settings, ActorRef)}, answering in the caller's own terms. */
  public static <T> Behavior<Command> create(
      Request request, Settings settings, ActorRef<T> replyTo, Function<Finished, T> answer) {
    return Behaviors.setup(ctx -> new SyncRun(ctx, request, settings, finished -> replyTo.tell(answer.apply(finished)))
        .start());
  }

  private final ActorContext<Command> ctx;
  private final Request request;
  private final Settings settings;
  private final Consumer<Finished> reply;
  private ActorRef<SourceSession.Command> session;
  /** Endpoints asked for a ticket, and the answers still to come. */
  private final java.util.Set<ActorRef<DestinationEndpoint.Command>> asked = new java.util.HashSet<>();
  private int answersDue;
  private final List<String> refusals = new ArrayList<>();
  private final long startedMillis;
  private final List<LogRecord> pendingLog = new ArrayList<>();
  private final List<String> copied = new ArrayList<>();
  private final List<String> purged = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private long warningsDropped;
  /** The session actor has stopped (it lingers after its outcome while its connection closes). */
  private boolean sessionStopped;
  private final io.setsync.sync.SyncMetrics metrics;
  /** The source root as the run's account reaches it; null until {@link #start}. */
  private Path source;

  private SyncRun(
      ActorContext<Command> ctx, Request request, Settings settings, Consumer<Finished> reply) {
    this.ctx = ctx;
    this.request = request;
    this.settings = settings;
    this.reply = reply;
    this.startedMillis = settings.clock().millis();
    this.metrics = io.setsync.sync.SyncMetrics.get(ctx.getSystem());
    metrics.syncStarted(request.fileSetId());
    if (request.log() != null) {
      request.log().tell(new SyncLog.Append(List.of(RunLog.started(
          startedMillis, request.fileSetId(), request.sourceRoot().toString(), request.destinationName()))));
    }
    if (request.destination().outsideCluster()) return; // no ticket: its certificate admits it (IPHOST)
    ctx.getSystem().receptionist().tell(akka.actor.typed.receptionist.Receptionist.subscribe(DestinationEndpoint.TICKETS,
        ctx.messageAdapter(akka.actor.typed.receptionist.Receptionist.Listing.class,
            listing -> new EndpointsListed(listing.getServiceInstances(DestinationEndpoint.TICKETS)))));
    ctx.scheduleOnce(TICKET_WAIT, ctx.getSelf(), TicketTimedOut.INSTANCE);
  }

  /** A run that cannot take on its account's identity reads nothing and asks for no ticket. */
  private Behavior<Command> start() {
    try {
      source = request.account().confine(request.sourceRoot());
    } catch (IOException e) {
      return noSession(e.getMessage());
    }
    if (request.destination().outsideCluster()) return outsideCluster();
    return ticketing();
  }

  /**
   * IPHOST: a node outside the cluster has no endpoint here to issue a ticket. The session goes
   * straight to its address, and only TLS with mutual authentication lets it in: the destination
   * accepts this node's certificate by its name (setsync.iphost.accept), this node accepts the
   * destination's only if it names the host connected to.
   */
  private Behavior<Command> outsideCluster() {
    if (!io.setsync.transfer.NodeTls.get(ctx.getSystem()).enabled()) {
      return noSession("IPHOST " + request.destination().node() + " needs TLS on this node (conf/cluster-tls.conf):"
          + " a node outside the cluster is reached only with certificates at both ends");
    }
    return startSession("");
  }

  // --- phase 0: the destination's endpoint issues the session's ticket ---

  /**
   * Every endpoint the receptionist lists is asked; only the one that listens where the session
   * will connect issues a ticket. Endpoints that appear later are asked when they do.
   */
  private Behavior<Command> ticketing() {
    return Behaviors.receive(Command.class)
        .onMessage(EndpointsListed.class, this::askForTickets)
        .onMessage(TicketAnswered.class, this::onTicketAnswered)
        .onMessage(RefusedGraceOver.class, m -> answersDue > 0 ? Behaviors.same()
            : noSession("no endpoint issued a session ticket: " + String.join("; ", refusals)))
        .onMessage(TicketTimedOut.class, m -> noSession("no ticket from the destination's endpoint within "
            + TICKET_WAIT.toSeconds() + " s" + (refusals.isEmpty() ? "" : ": " + String.join("; ", refusals))))
        .onMessage(Stop.class, m -> noSession("stopped before the session started: " + m.reason()))
        .build();
  }

  private Behavior<Command> askForTickets(EndpointsListed listed) {
    for (ActorRef<DestinationEndpoint.Command> endpoint : listed.endpoints()) {
      if (!asked.add(endpoint)) continue;
      answersDue++;
      ctx.ask(DestinationEndpoint.Ticket.class, endpoint, TICKET_WAIT, request::ticketRequest,
          (ticket, failure) -> new TicketAnswered(
              ticket != null ? ticket : new DestinationEndpoint.Ticket(null, String.valueOf(failure))));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onTicketAnswered(TicketAnswered answered) {
    answersDue--;
    if (answered.ticket().token() == null) {
      refusals.add(answered.ticket().refusal());
      // Every endpoint listed so far has said no. The destination's may have started listening
      // a moment ago and not be listed yet: give the listing a little longer before failing.
      if (answersDue == 0) ctx.scheduleOnce(REFUSED_GRACE, ctx.getSelf(), RefusedGraceOver.INSTANCE);
      return Behaviors.same();
    }
    return startSession(answered.ticket().token());
  }

  private Behavior<Command> startSession(String ticket) {
    session = ctx.spawn(
        SourceSession.create(request.sessionRequest(source, ticket), settings.session(),
            new Forwarder(ctx.getSelf(), request.listener()),
            ctx.messageAdapter(SourceSession.Outcome.class, SessionEnded::new)),
        "session",
        DispatcherSelector.fromConfig("setsync.io-dispatcher"));
    ctx.watchWith(session, SessionStopped.INSTANCE);
    return running();
  }

  /** The run ends without a session: nothing was sent to the destination. */
  private Behavior<Command> noSession(String why) {
    sessionStopped = true;
    return onSessionEnded(SourceSession.Outcome.failed(why));
  }

  // --- phase 1: the session runs ---

  private Behavior<Command> running() {
    return Behaviors.receive(Command.class)
        .onMessage(Noticed.class, n -> onNoticed(n.notice()))
        .onMessage(Stop.class, this::onStop)
        .onMessage(SessionEnded.class, e -> onSessionEnded(e.outcome()))
        .onMessage(SessionStopped.class, e -> {
          ctx.getSelf().tell(SessionLost.INSTANCE);
          return sessionGone();
        })
        .onMessage(SessionLost.class, e -> onSessionLost())
        .onMessage(TicketAnswered.class, e -> Behaviors.same())
        .onMessage(EndpointsListed.class, e -> Behaviors.same())
        .onMessage(TicketTimedOut.class, e -> Behaviors.same())
        .onMessage(RefusedGraceOver.class, e -> Behaviors.same())
        .build();
  }

  private Behavior<Command> onNoticed(SyncNotice notice) {
    metrics.noticed(request.fileSetId(), notice);
    collectPath(notice);
    RunLog.consoleLine(notice).ifPresent(this::keepWarning);
    RunLog.notice(settings.clock().millis(), request.fileSetId(), notice).ifPresent(record -> {
      pendingLog.add(record);
      if (pendingLog.size() >= LOG_FLUSH_RECORDS) flushLog();
    });
    return Behaviors.same();
  }

  private void collectPath(SyncNotice notice) {
    if (notice.kind() == SyncNotice.Kind.COPIED && copied.size() < TRIGGER_PATHS_MAX) copied.add(notice.path());
    if (notice.kind() == SyncNotice.Kind.PURGED && purged.size() < TRIGGER_PATHS_MAX) purged.add(notice.path());
  }

  private void keepWarning(String line) {
    if (warnings.size() < WARNINGS_KEPT) warnings.add(line);
    else warningsDropped++;
  }

  private Behavior<Command> onStop(Stop stop) {
    session.tell(new SourceSession.Stop(stop.reason()));
    return Behaviors.same();
  }

  private Behavior<Command> onSessionEnded(SourceSession.Outcome o) {
    SyncResult result = new SyncResult(startedMillis, settings.clock().millis(), o.counts(), o.status().exitCode,
        o.failure(), request.options().report());
    Trigger.Facts facts = new Trigger.Facts(request.sourceRoot().toString(), request.destinationName(), o.status(),
        o.counts(), copied, purged);
    String command = request.options().trigger();
    if (command == null || request.options().report() || o.failure() != null || !facts.changedSomething()) {
      return finish(result, o, null);
    }
    Trigger trigger;
    try {
      trigger = new Trigger(command, Trigger.configuredTimeLimit(), Trigger.DEFAULT_OUTPUT_LIMIT)
          .runningAs(request.account().identity());
    } catch (IOException e) {
      // Logged and counted as a TRIGGER that failed; it is never run as the node instead.
      ctx.getSelf().tell(new TriggerEnded(result, o, null, e));
      return triggering();
    }
    runTrigger(trigger, facts, result, o);
    return triggering();
  }

  // --- phase 2: TRIGGER runs, off the actor, on the I/O dispatcher ---

  private void runTrigger(Trigger trigger, Trigger.Facts facts, SyncResult result, SourceSession.Outcome o) {
    Executor io = ctx.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("setsync.io-dispatcher"));
    ctx.pipeToSelf(
        CompletableFuture.supplyAsync(() -> {
          try {
            return trigger.run(facts);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
          }
        }, io),
        (r, failure) -> new TriggerEnded(result, o, r, failure));
  }

  private Behavior<Command> triggering() {
    return Behaviors.receive(Command.class)
        .onMessage(TriggerEnded.class, this::onTriggerEnded)
        .onMessage(Stop.class, s -> Behaviors.same())
        .onMessage(Noticed.class, n -> Behaviors.same())
        .onMessage(SessionStopped.class, n -> sessionGone())
        .onMessage(SessionLost.class, n -> Behaviors.same())
        .onMessage(TicketAnswered.class, e -> Behaviors.same())
        .onMessage(EndpointsListed.class, e -> Behaviors.same())
        .onMessage(TicketTimedOut.class, e -> Behaviors.same())
        .onMessage(RefusedGraceOver.class, e -> Behaviors.same())
        .build();
  }

  private Behavior<Command> onTriggerEnded(TriggerEnded ended) {
    Trigger.Result t = ended.trigger();
    pendingLog.addAll(RunLog.trigger(settings.clock().millis(), request.fileSetId(), t, ended.failure(),
        Trigger.configuredTimeLimit()));
    SyncResult result = ended.result();
    if (t == null || !t.succeeded()) {
      result = result.withCode(Math.max(result.code(), SyncStatus.WARNINGS.exitCode));
    }
    return finish(result, ended.outcome(), t);
  }

  // --- the end ---

  private Behavior<Command> finish(SyncResult result, SourceSession.Outcome outcome, Trigger.Result trigger) {
    pendingLog.add(RunLog.ended(request.fileSetId(), result, request.options().report()));
    metrics.syncEnded(request.fileSetId(), SyncStatus.ofExitCode(result.code()), result.counts(), request.options().report(),
        java.time.Duration.ofMillis(Math.max(0, result.endedMillis() - result.startedMillis())), result.endedMillis());
    flushLog();
    List<String> lines = new ArrayList<>(warnings);
    if (warningsDropped > 0) lines.add("(" + warningsDropped + " more warnings: see the log)");
    reply.accept(new Finished(result, outcome, trigger, lines));
    return sessionStopped ? Behaviors.stopped() : closing();
  }

  /**
   * The answer went; the session still closes its connection (it waits for the peer's close), and
   * stopping now would stop it with the connection half open.
   */
  private Behavior<Command> closing() {
    return Behaviors.receive(Command.class)
        .onMessage(SessionStopped.class, n -> Behaviors.stopped())
        .onAnyMessage(n -> Behaviors.same())
        .build();
  }

  private Behavior<Command> onSessionLost() {
    return onSessionEnded(SourceSession.Outcome.failed("the source session stopped without an outcome (see the node's log)"));
  }

  private Behavior<Command> sessionGone() {
    sessionStopped = true;
    return Behaviors.same();
  }

  private void flushLog() {
    if (pendingLog.isEmpty()) return;
    if (request.log() != null) request.log().tell(new SyncLog.Append(List.copyOf(pendingLog)));
    pendingLog.clear();
  }

  /** Hands the session's notices to the run, and both notices and progress to the listener. */
  private record Forwarder(ActorRef<Command> run, SourceSession.Observer listener) implements SourceSession.Observer {
    @Override
    public void notice(SyncNotice notice) {
      run.tell(new Noticed(notice));
      if (listener != null) listener.notice(notice);
    }

    @Override
    public void progress(long entriesListed, long filesSent, long bytesSent) {
      if (listener != null) listener.progress(entriesListed, filesSent, bytesSent);
    }
  }
}
