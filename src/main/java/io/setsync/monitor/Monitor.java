package io.setsync.monitor;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.SnapshotAdapter;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.Effect;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.typesafe.config.Config;
import io.setsync.CborSerializable;
import io.setsync.PersistFailures;
import io.setsync.command.Caller;
import io.setsync.command.CommandOptions;
import io.setsync.log.Events;
import io.setsync.destination.DestinationEndpoint;
import io.setsync.fs.SyncAccount;
import io.setsync.log.LogRecord;
import io.setsync.log.SyncLog;
import io.setsync.schedule.FileSetConfig;
import io.setsync.schedule.FileSetScheduler;
import io.setsync.schedule.NodeAgent;
import io.setsync.schedule.OneTimeSync;
import io.setsync.schedule.RetryPolicy;
import io.setsync.schedule.SchedulerKey;
import io.setsync.schedule.SyncResult;
import io.setsync.schedule.SyncRun;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * AutoSYNC's monitor: the persisted table of sync users, file sets and batch ids, and the
 * supervisor of one {@link FileSetScheduler} per user × destination × batch with active file sets.
 * Runs as a cluster singleton; after a crash or a hand-over it recovers its tables from the journal
 * and starts the schedulers again, each file set continuing from its last recorded sync.
 *
 * <p>Commands arrive as {@link Execute} from the console and the Java API; {@link MonitorCommands}
 * validates them and chooses the events. STATUS is answered from memory.
 */
public final class Monitor extends EventSourcedBehavior<Monitor.Command, Monitor.Event, MonitorState> {

  public interface Command extends CborSerializable {}

  /**
   * A statement from {@code caller} (as the node knows it), acting for sync user {@code
   * defaultUser} where the statement names none; {@code node}: the node the console is connected
   * to, which a bare source path names (null: the monitor's).
   */
  public record Execute(
      io.setsync.command.Statement command, io.setsync.command.Caller caller, String defaultUser, String node,
      ActorRef<Result> replyTo) implements Command {

    @com.fasterxml.jackson.annotation.JsonCreator
    public Execute {}

    public Execute(
        io.setsync.command.Statement command, io.setsync.command.Caller caller, String defaultUser,
        ActorRef<Result> replyTo) {
      this(command, caller, defaultUser, null, replyTo);
    }

    /** From the node's own process (the Java API, tests). */
    public Execute(io.setsync.command.Statement command, String defaultUser, ActorRef<Result> replyTo) {
      this(command, io.setsync.command.Caller.thisProcess(), defaultUser, replyTo);
    }

    /** This statement as typed on {@code node}, unless it already says where it came from. */
    public Execute from(String consoleNode) {
      return node != null ? this : new Execute(command, caller, defaultUser, consoleNode, replyTo);
    }
  }

  /**
   * Node {@code node} is stopping: its agent stops its schedulers at a file boundary, and those
   * stops are the node leaving, not failures; its file sets wait for it to come back.
   */
  public record Shutdown(String node, ActorRef<Result> replyTo) implements Command {}

  /** Sent by the singleton manager before a hand-over. */
  public enum HandOver implements Command {
    INSTANCE
  }

  /** What a scheduler reported, through its node's {@link ReportRelay}. */
  public record SchedulerReported(FileSetScheduler.Report report) implements Command {
    @JsonCreator
    public SchedulerReported {}
  }

  private record SchedulerTerminated(SchedulerKey key, ActorRef<FileSetScheduler.Command> ref)
      implements Command, io.setsync.LocalMessage {}

  private record RetryScheduler(SchedulerKey key) implements Command, io.setsync.LocalMessage {}

  /** Time to look for file sets that have become overdue, or are no longer. */
  private enum CheckOverdue implements Command, io.setsync.LocalMessage {
    INSTANCE
  }

  /** How often the monitor looks for overdue file sets (and updates their metric). */
  private static final Duration OVERDUE_CHECK = Duration.ofSeconds(30);

  /** The SYNCHRONIZEs that waited for {@code node}'s agent have waited long enough. */
  private record AgentWaitOver(String node) implements Command, io.setsync.LocalMessage {}

  private record EndpointsListed(String node, Set<ActorRef<DestinationEndpoint.Command>> endpoints)
      implements Command, io.setsync.LocalMessage {}

  private record AgentsListed(Set<ActorRef<NodeAgent.Command>> agents) implements Command, io.setsync.LocalMessage {}

  /** A node's agent answered: it is there, with the schedulers it runs. */
  private record AgentFound(ActorRef<NodeAgent.Command> agent, NodeAgent.Schedulers schedulers) implements Command, io.setsync.LocalMessage {}

  /** An agent answered an assignment, or did not ({@code assigned} null). */
  private record AssignAnswered(SchedulerKey key, NodeAgent.Assigned assigned, String failure) implements Command, io.setsync.LocalMessage {}

  private record EndpointBound(String node, DestinationEndpoint.Binding binding) implements Command, io.setsync.LocalMessage {}

  private record Answer(Result result, ActorRef<Result> replyTo) implements Command, io.setsync.LocalMessage {}

  /** A SYNCHRONIZE moved on (at most once per progress interval), or ended: its answer goes to the caller. */
  private record OneTimeReported(OneTimeSync.Report report) implements Command, io.setsync.LocalMessage {}

  /** Another node's agent started a SYNCHRONIZE, or did not ({@code started} null). */
  private record OneTimeStarted(long run, NodeAgent.RunOnceStarted started, String failure)
      implements Command, io.setsync.LocalMessage {}

  /** A SYNCHRONIZE's run stopped (after its answer, or instead of one). */
  private record OneTimeStopped(long run) implements Command, io.setsync.LocalMessage {}

  /** Queued behind {@link OneTimeStopped}: the stop notice may overtake the run's answer. */
  private record OneTimeLost(long run) implements Command, io.setsync.LocalMessage {}

  public interface Event extends CborSerializable {}

  public record UserSaved(UserConfig user) implements Event {
    @JsonCreator
    public UserSaved {}
  }

  public record UserDeleted(String name) implements Event {
    @JsonCreator
    public UserDeleted {}
  }

  public record FileSetSaved(long id, FileSetConfig config) implements Event {}

  public record FileSetDeleted(long id) implements Event {
    @JsonCreator
    public FileSetDeleted {}
  }

  public record BatchSaved(BatchConfig batch) implements Event {
    @JsonCreator
    public BatchSaved {}
  }

  public record BatchDeleted(String id) implements Event {
    @JsonCreator
    public BatchDeleted {}
  }

  public record SyncRecorded(long id, SyncResult result) implements Event {}

  public record RunStateChanged(boolean stopped) implements Event {
    @JsonCreator
    public RunStateChanged {}
  }

  /** The authorizer made an OS account an administrator. */
  public record AdministratorAdded(String account) implements Event {
    @JsonCreator
    public AdministratorAdded {}
  }

  /** The authorizer took an account's administrator role away. */
  public record AdministratorDeleted(String account) implements Event {
    @JsonCreator
    public AdministratorDeleted {}
  }

  /** DISABLE AUTOSYNC FROM: {@code destination} refuses syncs from {@code source}. */
  public record AutosyncFromDisabled(String source, String destination) implements Event {}

  /** CLEAR AUTOSYNC FROM: {@code destination} accepts syncs from {@code source} again. */
  public record AutosyncFromCleared(String source, String destination) implements Event {}

  /**
   * Whether {@code destination} accepts syncs from {@code source} (see DISABLE AUTOSYNC FROM): what a
   * destination's endpoint can ask before it issues a ticket or accepts a session.
   */
  public record AskAutosyncFrom(String source, String destination, ActorRef<AutosyncFrom> replyTo)
      implements Command {}

  /** The answer to {@link AskAutosyncFrom}. */
  public record AutosyncFrom(String source, String destination, boolean refused) implements CborSerializable {}

  /** The service key under which the data endpoint of node {@code node} registers. */
  public static ServiceKey<DestinationEndpoint.Command> endpointKey(String node) {
    return ServiceKey.create(DestinationEndpoint.Command.class, ENDPOINT_KEY_PREFIX + node);
  }

  private static final String ENDPOINT_KEY_PREFIX = "setsync-endpoint-";

  /**
   * Tunables from {@code setsync.monitor}, the authorizer's account ({@code
   * setsync.security.authorizer}, empty: root alone) and the node's own process.
   */
  public record Settings(
      String localNode, int maxSchedulers, int maxFileSetsPerUser, RetryPolicy retry, int logMaxRecords,
      String authorizer, io.setsync.command.Caller node) {

    /** Root as the authorizer, and this process as the node's. */
    public Settings(String localNode, int maxSchedulers, int maxFileSetsPerUser, RetryPolicy retry, int logMaxRecords) {
      this(localNode, maxSchedulers, maxFileSetsPerUser, retry, logMaxRecords, "",
          io.setsync.command.Caller.thisProcess());
    }

    public static Settings from(Config setsync) {
      Config m = setsync.getConfig("monitor");
      return new Settings(
          setsync.getString("node.name"),
          m.getInt("max-schedulers"),
          m.getInt("max-file-sets-per-user"),
          new RetryPolicy(m.getInt("retry.immediate"), m.getDuration("retry.later")),
          SyncLog.maxRecords(setsync.atPath("setsync")),
          setsync.getString("security.authorizer"),
          io.setsync.command.Caller.thisProcess());
    }
  }

  public static Behavior<Command> create(Settings settings, FileSetScheduler.Settings schedulerSettings) {
    return PersistFailures.restartWhenRejected(Behaviors.setup(
        ctx -> Behaviors.withTimers(timers -> new Monitor(ctx, timers, settings, schedulerSettings))));
  }

  /** How a scheduler's retry time reads in STATUS (the state is a sentence the console prints as it is). */
  private static final java.time.format.DateTimeFormatter RETRY_TIME =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(java.time.ZoneId.systemDefault());

  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final Settings settings;
  private final FileSetScheduler.Settings schedulerSettings;
  private final SyncRun.Settings runSettings;
  private final MonitorCommands commands;

  // Runtime tables: rebuilt from the persisted state after every recovery.
  private final Map<SchedulerKey, RunningScheduler> schedulers = new TreeMap<>();
  /**
   * Schedulers told to retire that have not stopped yet: they still count against the limit, and
   * no new scheduler starts for their key until they are gone (two would run one file set twice).
   */
  private final Map<ActorRef<FileSetScheduler.Command>, Retiring> retiring = new HashMap<>();
  private final Map<SchedulerKey, Integer> failures = new HashMap<>();
  private final Map<SchedulerKey, Long> retryAt = new HashMap<>();
  private final Map<String, FileSetScheduler.Destination> endpoints = new HashMap<>();
  /**
   * Nodes whose endpoint the receptionist lists as gone. An endpoint not yet found is not gone: a
   * new monitor keeps the schedulers it adopted while it learns where their destinations are.
   */
  private final Set<String> absentEndpoints = new java.util.HashSet<>();
  /** SYNCHRONIZEs to nodes whose endpoint is neither known nor known to be gone, by node. */
  private final Map<String, List<PendingOneTime>> awaitingEndpoint = new HashMap<>();
  /** SYNCHRONIZEs typed on nodes whose agent this monitor has not found yet (it has just started), by node. */
  private final Map<String, List<PendingOneTime>> awaitingAgent = new HashMap<>();
  /** Each node's agent, by node name, as the receptionist lists them and they answer. */
  private final Map<String, ActorRef<NodeAgent.Command>> agents = new HashMap<>();
  /** Assignments sent and not yet answered, with the plan each carried. */
  private final Map<SchedulerKey, RunningScheduler> assigning = new TreeMap<>();
  /**
   * Schedulers that failed, until an agent answers an assignment with one of them: the agent may
   * not have heard of the stop yet. One entry per failure.
   */
  private final Set<ActorRef<FileSetScheduler.Command>> stopped = new java.util.HashSet<>();
  /** Nodes that said they are stopping: their schedulers' stops are not failures. */
  private final Set<String> leavingNodes = new java.util.HashSet<>();
  private final Set<String> watchedNodes = new java.util.HashSet<>();
  /** Where the receptionist's listings of watched nodes' endpoints arrive; made at the first watch. */
  private ActorRef<Receptionist.Listing> listings;
  private final Map<Long, Result.Progress> running = new HashMap<>();
  private final Map<Long, Long> nextRuns = new HashMap<>();
  /** File sets activated by a command and not yet handed to their scheduler: they run at the first opportunity. */
  private final Set<Long> activated = new java.util.HashSet<>();
  private final Overdue overdueRule;
  /** When this monitor first saw each file set: whence one that never succeeded counts. */
  private final Map<Long, Long> firstSeenMillis = new java.util.HashMap<>();
  /** The file sets last found overdue, so that each change is logged once. */
  private Map<Long, String> lastOverdue = Map.of();
  private final Map<String, ActorRef<SyncLog.Command>> logs = new HashMap<>();
  /** Set at a hand-over: no scheduler is started or retired any more. */
  private boolean shuttingDown;
  private final OneTimeRuns<ActorRef<Result>> oneTimes = new OneTimeRuns<>();
  private final ActorRef<OneTimeSync.Report> oneTimeReports;
  private final ActorRef<FileSetScheduler.Report> ownReports;
  /** Never changed: every recovery starts from it (see {@link PersistFailures#sparing}). */
  private final MonitorState empty = new MonitorState();

  /** A SYNCHRONIZE waiting for its destination's endpoint to be listed. */
  private record PendingOneTime(
      MonitorState state, MonitorCommands.Decision decision, String sourceNode, String user, Caller caller,
      ActorRef<Result> replyTo) {}

  /** A scheduler told to retire: its key, and the file sets it had. */
  private record Retiring(SchedulerKey key, Set<Long> fileSetIds) {}

  /** A scheduler the monitor started, and the file sets it was last given. */
  private record RunningScheduler(
      ActorRef<FileSetScheduler.Command> ref, SortedMap<Long, FileSetConfig> fileSets,
      FileSetScheduler.Destination destination, SyncAccount account) {}

  private Monitor(
      ActorContext<Command> ctx, TimerScheduler<Command> timers, Settings settings,
      FileSetScheduler.Settings schedulerSettings) {
    super(PersistenceId.ofUniqueId("setsync-monitor"),
        PersistFailures.onPersistFailure(ctx.getSystem().settings().config()));
    this.ctx = ctx;
    this.timers = timers;
    this.settings = settings;
    this.schedulerSettings = schedulerSettings;
    this.runSettings = schedulerSettings.run();
    this.oneTimeReports = ctx.messageAdapter(OneTimeSync.Report.class, OneTimeReported::new);
    this.ownReports = ctx.messageAdapter(FileSetScheduler.Report.class, SchedulerReported::new);
    this.commands = new MonitorCommands(settings);
    this.overdueRule = Overdue.from(ctx.getSystem().settings().config().getConfig("setsync"));
    timers.startTimerWithFixedDelay(CheckOverdue.INSTANCE, OVERDUE_CHECK);
  }

  /** Each configuration change as an event: its log text says what changed and who changed it. */
  private void configEvents(String user, List<LogRecord> records) {
    for (LogRecord r : records) {
      if (r.origin() != io.setsync.log.Origin.CONFIG) continue;
      Map<String, Object> fields = new java.util.HashMap<>();
      fields.put("text", r.text());
      if (user != null) fields.put("user", user);
      if (r.fileSetId() != null) fields.put("fileSet", r.fileSetId());
      Events.emit("config", settings.localNode(), fields);
    }
  }

  /** A sync that failed, or completed without some files (warnings), as an event; a clean one is not. */
  private void syncEvent(FileSetConfig config, long fileSetId, io.setsync.schedule.SyncResult result) {
    if (result.code() == 0) return;
    Map<String, Object> fields = new java.util.HashMap<>();
    fields.put("fileSet", fileSetId);
    fields.put("user", config.user());
    fields.put("code", result.code());
    fields.put("copied", result.counts().copied());
    fields.put("skipped", result.counts().skipped());
    fields.put("errors", result.counts().errors());
    if (result.failure() != null) fields.put("failure", result.failure());
    Events.emit(result.code() >= 2 ? "sync-failed" : "sync-incomplete", config.sourceNodeOr(settings.localNode()),
        fields);
  }

  /** Logs each file set that became overdue (a WARN with why) or is on time again. */
  private Effect<Event, MonitorState> onCheckOverdue(MonitorState state) {
    Map<Long, String> now = overdue(state);
    now.forEach((id, why) -> {
      if (!lastOverdue.containsKey(id)) {
        ctx.getLog().warn("SYNCFILESET {} is {}", id, why);
        Events.emit("overdue", settings.localNode(), Map.of("fileSet", id, "reason", why));
      }
    });
    lastOverdue.keySet().forEach(id -> {
      if (!now.containsKey(id) && state.fileSets.containsKey(id)) {
        ctx.getLog().info("SYNCFILESET {} is on time again", id);
        Events.emit("on-time", settings.localNode(), Map.of("fileSet", id));
      }
    });
    lastOverdue = now;
    return Effect().none();
  }

  @Override
  public MonitorState emptyState() {
    return empty;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Every sync records its result; snapshots keep recovery short with thousands of file sets.
    return RetentionCriteria.snapshotEvery(1000, 2).withDeleteEventsOnSnapshot();
  }

  /**
   * The state changes in place on the actor's thread while the snapshot store serializes on its
   * own; a snapshot therefore stores a copy taken on the actor's thread.
   */
  @Override
  public SnapshotAdapter<MonitorState> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(MonitorState state) {
        return state.copy();
      }

      @Override
      public MonitorState fromJournal(Object from) {
        return (MonitorState) from;
      }
    };
  }

  @Override
  public SignalHandler<MonitorState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          ctx.getLog().info("monitor recovered: {} users, {} file sets ({} active), {}",
              state.users.size(), state.fileSets.size(), state.activeCount(), state.stopped ? "stopped" : "running");
          Events.emit("monitor-started", settings.localNode(), Map.of("fileSets", state.fileSets.size(),
              "users", state.users.size(), "stopped", state.stopped));
          watchNode(settings.localNode());
          ctx.getSystem().receptionist().tell(Receptionist.subscribe(NodeAgent.KEY, listings()));
          // A persist failure's restart cancelled the timers of the schedulers waiting for a retry.
          retryAt.forEach((k, at) -> timers.startSingleTimer(k, new RetryScheduler(k),
              Duration.ofMillis(Math.max(0, at - System.currentTimeMillis()))));
          reconcile(state);
        })
        .build();
  }

  @Override
  public CommandHandler<Command, Event, MonitorState> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Execute.class, this::onExecute)
        .onCommand(AskAutosyncFrom.class, (s, a) -> Effect().reply(a.replyTo(),
            new AutosyncFrom(a.source(), a.destination(), s.refuses(a.destination(), a.source()))))
        .onCommand(Answer.class, (s, a) -> Effect().reply(a.replyTo(), a.result()))
        .onCommand(OneTimeReported.class, (s, r) -> onOneTimeReported(r.report()))
        .onCommand(OneTimeStarted.class, (s, started) -> onOneTimeStarted(started))
        .onCommand(OneTimeStopped.class, (s, e) -> {
          ctx.getSelf().tell(new OneTimeLost(e.run()));
          return Effect().none();
        })
        .onCommand(OneTimeLost.class, (s, e) -> answer(oneTimes.stopped(e.run())))
        .onCommand(SchedulerReported.class, (s, r) -> onReport(s, r.report()))
        .onCommand(SchedulerTerminated.class, this::onSchedulerTerminated)
        .onCommand(RetryScheduler.class, (s, r) -> {
          retryAt.remove(r.key());
          reconcile(s);
          return Effect().none();
        })
        .onCommand(EndpointsListed.class, this::onEndpointsListed)
        .onCommand(AgentsListed.class, this::onAgentsListed)
        .onCommand(AgentWaitOver.class, (s, w) -> {
          startSyncsAwaitingAgent(w.node());
          return Effect().none();
        })
        .onCommand(CheckOverdue.class, (s, c) -> onCheckOverdue(s))
        .onCommand(AgentFound.class, this::onAgentFound)
        .onCommand(AssignAnswered.class, this::onAssignAnswered)
        .onCommand(EndpointBound.class, this::onEndpointBound)
        .onCommand(Shutdown.class, this::onShutdown)
        .onCommand(HandOver.class, this::onHandOver)
        .build();
  }

  @Override
  public EventHandler<MonitorState, Event> eventHandler() {
    return PersistFailures.sparing(empty, MonitorState::copy, newEventHandlerBuilder()
        .forAnyState()
        .onEvent(UserSaved.class, (s, e) -> {
          s.users.put(e.user().name(), e.user());
          return s;
        })
        .onEvent(UserDeleted.class, (s, e) -> {
          s.users.remove(e.name());
          return s;
        })
        .onEvent(FileSetSaved.class, (s, e) -> {
          s.fileSets.put(e.id(), e.config());
          s.nextFileSetId = Math.max(s.nextFileSetId, e.id() + 1);
          return s;
        })
        .onEvent(FileSetDeleted.class, (s, e) -> {
          s.fileSets.remove(e.id());
          s.lastResults.remove(e.id());
          s.lastSuccessMillis.remove(e.id());
          s.failuresInARow.remove(e.id());
          return s;
        })
        .onEvent(BatchSaved.class, (s, e) -> {
          s.batches.put(e.batch().id(), e.batch());
          return s;
        })
        .onEvent(BatchDeleted.class, (s, e) -> {
          s.batches.remove(e.id());
          return s;
        })
        .onEvent(AdministratorAdded.class, (s, e) -> {
          s.administrators.add(e.account());
          return s;
        })
        .onEvent(AdministratorDeleted.class, (s, e) -> {
          s.administrators.remove(e.account());
          return s;
        })
        .onEvent(AutosyncFromDisabled.class, (s, e) -> {
          s.refusedSources.computeIfAbsent(e.destination(), d -> new java.util.TreeSet<>()).add(e.source());
          return s;
        })
        .onEvent(AutosyncFromCleared.class, (s, e) -> {
          java.util.TreeSet<String> sources = s.refusedSources.get(e.destination());
          if (sources != null) {
            sources.remove(e.source());
            if (sources.isEmpty()) s.refusedSources.remove(e.destination());
          }
          return s;
        })
        .onEvent(SyncRecorded.class, (s, e) -> {
          if (s.fileSets.containsKey(e.id())) s.recordSync(e.id(), e.result());
          return s;
        })
        .onEvent(RunStateChanged.class, (s, e) -> {
          s.stopped = e.stopped();
          return s;
        })
        .build());
  }

  // --- commands from the console and the API ---

  private Effect<Event, MonitorState> onExecute(MonitorState state, Execute execute) {
    MonitorCommands.Decision decision;
    io.setsync.command.Caller caller = execute.caller() == null
        ? io.setsync.command.Caller.thisProcess() : execute.caller();
    try {
      decision = commands.decide(state, withSourceNode(execute), caller, execute.defaultUser(), this::view);
    } catch (Roles.Refused e) {
      // One line per refusal, naming the caller as the node knows it; the sync logs belong to
      // their users, and a refused caller gets no line into another user's log.
      ctx.getLog().warn("refused {} from {}{}: {}", execute.command().getClass().getSimpleName(), caller,
          chosenUser(execute.defaultUser()), io.setsync.transfer.PeerText.of(e.getMessage()));
      return Effect().reply(execute.replyTo(), Result.Done.error(e.getMessage()));
    } catch (IllegalArgumentException e) {
      return Effect().reply(execute.replyTo(), Result.Done.error(e.getMessage()));
    }
    return switch (decision.kind()) {
      case REPLY -> Effect().reply(execute.replyTo(), decision.result());
      case PERSIST -> {
        Set<Long> activeBefore = activeIds(state);
        yield Effect()
          .persist(decision.events())
          .thenRun(s -> {
            appendLog(decision.logUser(), decision.logRecords());
            configEvents(decision.logUser(), decision.logRecords());
            decision.otherLogs().forEach(this::appendLog);
            if (decision.nodeLog() != null) ctx.getLog().info("{}", decision.nodeLog());
            activeIds(s).stream().filter(id -> !activeBefore.contains(id)).forEach(activated::add);
            reconcile(s);
          })
          .thenReply(execute.replyTo(), s -> decision.result());
      }
      case READ_LOG -> {
        readLog(decision.logUser(), decision.fileSetId(), decision.logLast(), execute.replyTo());
        yield Effect().none();
      }
      case SYNCHRONIZE -> {
        String sourceNode = execute.node() == null ? settings.localNode() : execute.node();
        startOneTimeSync(new PendingOneTime(state, decision, sourceNode, decision.oneTime().user(), execute.caller(),
            execute.replyTo()), true);
        yield Effect().none();
      }
    };
  }

  /** The statement, a new file set's bare source path read as one on the node the console is connected to. */
  private io.setsync.command.Statement withSourceNode(Execute execute) {
    if (execute.command() instanceof io.setsync.command.Statement.AddFileSet add && add.sourceNode() == null) {
      return new io.setsync.command.Statement.AddFileSet(execute.node() == null ? settings.localNode() : execute.node(),
          add.source(), add.destinationNode(), add.destination(), add.settings());
    }
    return execute.command();
  }

  /** The sync user a refused caller chose, for the log line: " for alice"; a name that is not one is left out. */
  private static String chosenUser(String user) {
    if (user == null) return "";
    return io.setsync.command.CommandOptions.nameProblem(user) == null ? " for " + user : " for a bad user name";
  }

  private static Set<Long> activeIds(MonitorState state) {
    Set<Long> ids = new java.util.HashSet<>();
    state.fileSets.forEach((id, f) -> {
      if (!state.stopped && state.isActive(f)) ids.add(id);
    });
    return ids;
  }

  private void readLog(String user, long fileSetId, int last, ActorRef<Result> replyTo) {
    ctx.ask(
        SyncLog.Records.class,
        logOf(user),
        Duration.ofSeconds(10),
        ref -> new SyncLog.Read(fileSetId, last, ref),
        (records, failure) -> new Answer(
            records != null
                ? new Result.Log(fileSetId, records.records())
                : Result.Done.error("the log of " + user + " did not answer: " + failure.getMessage()),
            replyTo));
  }

  /**
   * SYNCHRONIZE: one run as the caller, logged in the caller's log, answered with its result. It
   * reads its source on the node the console is connected to: under this monitor when that is its
   * own node, else under that node's agent. {@code mayWait}: a destination whose endpoint the
   * receptionist has not listed yet (a monitor that has just started) is waited for, until its
   * listing says where it is or that it is gone.
   */
  private void startOneTimeSync(PendingOneTime p, boolean mayWait) {
    String user = p.user();
    ActorRef<Result> replyTo = p.replyTo();
    MonitorCommands.OneTime oneTime = p.decision().oneTime();
    String node = oneTime.destinationNode() == null ? p.sourceNode() : oneTime.destinationNode();
    FileSetScheduler.Destination destination = destinationOf(node);
    if (destination == null) {
      watchNode(node);
      if (mayWait && !absentEndpoints.contains(node)) {
        awaitingEndpoint.computeIfAbsent(node, n -> new ArrayList<>()).add(p);
      } else {
        replyTo.tell(Result.Done.error("destination node " + node + " is not available"));
      }
      return;
    }
    boolean here = p.sourceNode().equals(settings.localNode());
    ActorRef<NodeAgent.Command> agent = here ? null : agents.get(p.sourceNode());
    if (!here && agent == null) {
      if (mayWait) {
        // A console on that node reached this monitor, so the node is there: its agent is soon found.
        awaitingAgent.computeIfAbsent(p.sourceNode(), n -> new ArrayList<>()).add(p);
        timers.startSingleTimer("agent-wait-" + p.sourceNode(), new AgentWaitOver(p.sourceNode()), Duration.ofSeconds(20));
      } else {
        replyTo.tell(Result.Done.error("source node " + p.sourceNode() + " is not available"));
      }
      return;
    }
    String source = here ? oneTime.source() : p.sourceNode() + ":" + oneTime.source();
    String destinationName = destination.node() == null ? oneTime.destination() : destination.node() + ":" + oneTime.destination();
    long run = oneTimes.add(user, source, destinationName, replyTo, System.currentTimeMillis());
    OneTimeSync.Order order = new OneTimeSync.Order(run, oneTime.source(), destination, oneTime.destination(),
        oneTime.options(), user, runAs(p.state(), user, p.caller()));
    if (here) {
      ActorRef<OneTimeSync.Command> ref = ctx.spawn(
          OneTimeSync.create(order, runSettings, schedulerSettings.progressInterval(), replyTo, oneTimeReports, ownReports),
          "synchronize-" + run);
      ctx.watchWith(ref, new OneTimeStopped(run));
      return;
    }
    ctx.ask(NodeAgent.RunOnceStarted.class, agent, Duration.ofSeconds(20),
        r -> new NodeAgent.RunOnce(order, replyTo, oneTimeReports, r),
        (started, failure) -> new OneTimeStarted(run, started, failure == null ? null : failure.getMessage()));
  }

  private Effect<Event, MonitorState> onOneTimeStarted(OneTimeStarted s) {
    if (!oneTimes.isUnderWay(s.run())) return Effect().none(); // it has ended already
    if (s.started() != null && s.started().ref() != null) {
      ctx.watchWith(s.started().ref(), new OneTimeStopped(s.run()));
      return Effect().none();
    }
    return answer(oneTimes.notStarted(s.run(),
        s.started() != null ? s.started().refusal() : "its node did not answer (" + s.failure() + ")"));
  }

  private Effect<Event, MonitorState> onOneTimeReported(OneTimeSync.Report report) {
    if (report instanceof OneTimeSync.Progressed p) {
      oneTimes.progressed(p);
      return Effect().none();
    }
    return answer(oneTimes.ended((OneTimeSync.Ended) report));
  }

  private Effect<Event, MonitorState> answer(java.util.Optional<OneTimeRuns.Answer<ActorRef<Result>>> answer) {
    return answer.<Effect<Event, MonitorState>>map(a -> Effect().reply(a.waiter(), a.result())).orElse(Effect().none());
  }

  // --- schedulers ---

  private Effect<Event, MonitorState> onReport(MonitorState state, FileSetScheduler.Report report) {
    if (report instanceof FileSetScheduler.SyncStarted started) return onSyncStarted(started);
    if (report instanceof FileSetScheduler.SyncEnded ended) return onSyncEnded(state, ended);
    if (report instanceof FileSetScheduler.SyncProgress p) {
      if (running.containsKey(p.fileSetId())) {
        running.put(p.fileSetId(), new Result.Progress(p.startedMillis(), p.entries(), p.files(), p.bytes()));
      }
    } else if (report instanceof FileSetScheduler.NextRun n) {
      if (n.dueMillis() == null) nextRuns.remove(n.fileSetId());
      else nextRuns.put(n.fileSetId(), n.dueMillis());
    } else if (report instanceof FileSetScheduler.Logged logged) {
      appendLog(logged.user(), logged.records());
    }
    return Effect().none();
  }

  private Effect<Event, MonitorState> onSyncStarted(FileSetScheduler.SyncStarted started) {
    running.put(started.fileSetId(), new Result.Progress(started.startedMillis(), 0, 0, 0));
    nextRuns.remove(started.fileSetId());
    return Effect().none();
  }

  private Effect<Event, MonitorState> onSyncEnded(MonitorState state, FileSetScheduler.SyncEnded ended) {
    running.remove(ended.fileSetId());
    failures.remove(ended.key());
    FileSetConfig config = state.fileSets.get(ended.fileSetId());
    if (config == null) return Effect().none();
    List<Event> events = new ArrayList<>();
    events.add(new SyncRecorded(ended.fileSetId(), ended.result()));
    boolean autoSuspend = config.autoSuspend() && !config.suspended();
    if (autoSuspend) {
      events.add(new FileSetSaved(ended.fileSetId(), MonitorCommands.suspended(config, true)));
    }
    return Effect().persist(events).thenRun(s -> {
      syncEvent(config, ended.fileSetId(), ended.result());
      if (autoSuspend) {
        appendLog(config.user(), List.of(MonitorLog.config(ended.fileSetId(),
            "SYNCFILESET " + ended.fileSetId() + " suspended after its run (AUTOSUSPEND)")));
        reconcile(s);
      }
    });
  }

  private Effect<Event, MonitorState> onSchedulerTerminated(MonitorState state, SchedulerTerminated t) {
    Retiring gone = retiring.remove(t.ref());
    boolean retired = gone != null;
    if (retired) forgetRunsOf(gone.fileSetIds()); // it ends its sync before it stops, unless it crashed
    RunningScheduler current = schedulers.get(t.key());
    boolean failedOne = !retired && current != null && current.ref().equals(t.ref());
    if (!retired && !failedOne) return Effect().none();
    if (failedOne) {
      stopped.add(t.ref());
      schedulers.remove(t.key());
      current.fileSets().keySet().forEach(id -> {
        running.remove(id);
        nextRuns.remove(id);
      });
    }
    if (retired || leavingNodes.contains(t.key().sourceNode())) {
      // Retired on purpose, or its node is stopping: the key may get a new one now, or when the node is back.
      reconcile(state);
      return Effect().none();
    }
    failed(state, t.key(), "scheduler " + t.key().label() + " failed", current.fileSets().keySet());
    return Effect().none();
  }

  /**
   * A scheduler stopped without being asked, or could not be started: AutoSYNC's rule restarts it
   * a few times at once, then after a delay (and at once when its node comes back).
   */
  private void failed(MonitorState state, SchedulerKey key, String what, Set<Long> fileSetIds) {
    int failed = failures.merge(key, 1, Integer::sum);
    Duration delay = settings.retry().delayAfterFailure(failed);
    String text = what + " (" + failed + " in a row); restart " + (delay.isZero() ? "now" : "in " + delay);
    ctx.getLog().warn("{}", text);
    List<LogRecord> records = new ArrayList<>();
    fileSetIds.forEach(id -> records.add(MonitorLog.monitor(id, text)));
    appendLog(key.user(), records);
    if (delay.isZero()) {
      reconcile(state);
    } else {
      retryAt.put(key, System.currentTimeMillis() + delay.toMillis());
      timers.startSingleTimer(key, new RetryScheduler(key), delay);
    }
  }

  /** Starts, updates and retires schedulers so that they match the persisted state. */
  private void reconcile(MonitorState state) {
    if (shuttingDown) return;
    activated.retainAll(state.fileSets.keySet());
    SortedMap<SchedulerKey, SortedMap<Long, FileSetConfig>> wanted = runnable(state);
    long now = System.currentTimeMillis();
    state.fileSets.keySet().forEach(id -> firstSeenMillis.putIfAbsent(id, now));
    firstSeenMillis.keySet().retainAll(state.fileSets.keySet());
    io.setsync.sync.SyncMetrics.get(ctx.getSystem()).destinationsWaiting(
        (int) wanted.keySet().stream().filter(k -> destinationOf(k.destinationNode()) == null).count());
    for (SchedulerKey key : new ArrayList<>(schedulers.keySet())) {
      if (!wanted.containsKey(key) || absentEndpoints.contains(key.destinationNode())) {
        // STOP MONITOR lets running syncs finish; anything else stops at a file boundary.
        retire(key, state.stopped ? FileSetScheduler.Retire.AFTER_CURRENT_SYNC : FileSetScheduler.Retire.AT_FILE_BOUNDARY);
      }
    }
    for (Map.Entry<SchedulerKey, SortedMap<Long, FileSetConfig>> e : wanted.entrySet()) {
      SchedulerKey key = e.getKey();
      FileSetScheduler.Destination destination = destinationOf(key.destinationNode());
      if (destination == null) watchNode(key.destinationNode());
      ActorRef<NodeAgent.Command> agent = agents.get(key.sourceNode());
      if (destination == null || agent == null || retryAt.containsKey(key) || isRetiring(key)
          || assigning.containsKey(key)) {
        continue;
      }
      RunningScheduler current = schedulers.get(key);
      SyncAccount account = accountOf(state, key.user());
      if (current != null && current.fileSets().equals(e.getValue()) && destination.equals(current.destination())
          && account.equals(current.account())) {
        continue;
      }
      if (current == null && schedulers.size() + retiring.size() + assigning.size() >= settings.maxSchedulers()) {
        continue;
      }
      Set<Long> soon = new java.util.HashSet<>(e.getValue().keySet());
      soon.retainAll(activated);
      activated.removeAll(soon);
      FileSetScheduler.Update plan = new FileSetScheduler.Update(
          new TreeMap<>(e.getValue()), lastEnds(state, e.getValue()), destination, soon, account);
      if (current != null) {
        current.ref().tell(plan);
        schedulers.put(key, new RunningScheduler(current.ref(), e.getValue(), destination, account));
      } else {
        assign(agent, key, plan);
      }
    }
  }

  /** Asks the source node's agent to run {@code key}'s scheduler with {@code plan}. */
  private void assign(ActorRef<NodeAgent.Command> agent, SchedulerKey key, FileSetScheduler.Update plan) {
    assigning.put(key, new RunningScheduler(null, plan.fileSets(), plan.destination(), plan.account()));
    ctx.ask(NodeAgent.Assigned.class, agent, Duration.ofSeconds(20),
        replyTo -> new NodeAgent.Assign(key, plan, replyTo),
        (assigned, failure) -> new AssignAnswered(key, assigned, failure == null ? null : failure.getMessage()));
  }

  private Effect<Event, MonitorState> onAssignAnswered(MonitorState state, AssignAnswered answer) {
    SchedulerKey key = answer.key();
    RunningScheduler sent = assigning.remove(key);
    if (sent == null) return Effect().none();
    NodeAgent.Assigned assigned = answer.assigned();
    if (assigned == null || assigned.scheduler() == null) {
      String why = assigned == null ? "did not answer: " + answer.failure() : assigned.refusal();
      failed(state, key, "node " + key.sourceNode() + " did not start scheduler " + key.label() + ": " + why,
          sent.fileSets().keySet());
      return Effect().none();
    }
    if (stopped.remove(assigned.scheduler())) {
      // The agent answered with the scheduler that just stopped, before it heard of the stop
      // itself: ask again, and it starts a new one.
      reconcile(state);
      return Effect().none();
    }
    RunningScheduler current = schedulers.get(key);
    if (current == null || !current.ref().equals(assigned.scheduler())) {
      ctx.watchWith(assigned.scheduler(), new SchedulerTerminated(key, assigned.scheduler()));
    }
    schedulers.put(key, new RunningScheduler(assigned.scheduler(), sent.fileSets(), sent.destination(), sent.account()));
    reconcile(state); // the state may have moved on while the agent answered
    return Effect().none();
  }

  /** Tells {@code key}'s scheduler to stop, through its node's agent, which then starts no second one for it. */
  private void retire(SchedulerKey key, FileSetScheduler.Retire how) {
    RunningScheduler retired = schedulers.remove(key);
    retiring.put(retired.ref(), new Retiring(key, Set.copyOf(retired.fileSets().keySet())));
    ActorRef<NodeAgent.Command> agent = agents.get(key.sourceNode());
    if (agent != null) agent.tell(new NodeAgent.Retire(key, how));
    else retired.ref().tell(how);
  }

  // --- node agents ---

  private Effect<Event, MonitorState> onAgentsListed(MonitorState state, AgentsListed listed) {
    agents.entrySet().removeIf(e -> {
      if (listed.agents().contains(e.getValue())) return false;
      ctx.getLog().warn("node {} left: its file sets wait for it", e.getKey());
      return true;
    });
    for (ActorRef<NodeAgent.Command> agent : listed.agents()) {
      if (agents.containsValue(agent)) continue;
      ctx.ask(NodeAgent.Schedulers.class, agent, Duration.ofSeconds(20), NodeAgent.ListSchedulers::new,
          (schedulers, failure) -> new AgentFound(agent, schedulers));
    }
    reconcile(state);
    return Effect().none();
  }

  /**
   * A node's agent is here, after a start, a restart or this monitor's own takeover: the schedulers
   * it runs are adopted (updated to this monitor's view) or retired, and its file sets that waited
   * for it, failed ones included, start at once.
   */
  private Effect<Event, MonitorState> onAgentFound(MonitorState state, AgentFound found) {
    if (found.schedulers() == null) return Effect().none(); // a node going away; its next listing tells
    String node = found.schedulers().node();
    ActorRef<NodeAgent.Command> before = agents.put(node, found.agent());
    leavingNodes.remove(node);
    startSyncsAwaitingAgent(node);
    if (!found.agent().equals(before)) ctx.getLog().info("node {} is here, running {} schedulers", node,
        found.schedulers().running().size());
    for (SchedulerKey key : List.copyOf(retryAt.keySet())) {
      if (key.sourceNode().equals(node)) {
        retryAt.remove(key);
        failures.remove(key);
        timers.cancel(key);
      }
    }
    for (NodeAgent.Running r : found.schedulers().running()) {
      RunningScheduler current = schedulers.get(r.key());
      if (current != null && current.ref().equals(r.scheduler())) continue;
      if (current != null || assigning.containsKey(r.key()) || retiring.containsKey(r.scheduler())) continue;
      ctx.watchWith(r.scheduler(), new SchedulerTerminated(r.key(), r.scheduler()));
      // Adopted with nothing known of it: it says what it runs and plans, and the next reconcile
      // sends it this monitor's view.
      r.scheduler().tell(FileSetScheduler.ReportPlans.INSTANCE);
      schedulers.put(r.key(), new RunningScheduler(r.scheduler(), new TreeMap<>(), null, null));
    }
    reconcile(state);
    return Effect().none();
  }

  /**
   * The wanted schedulers that can run: this node, when it is not root, runs none for another
   * account's users (their file sets show why in STATUS); another node's agent judges its own.
   */
  private SortedMap<SchedulerKey, SortedMap<Long, FileSetConfig>> runnable(MonitorState state) {
    SortedMap<SchedulerKey, SortedMap<Long, FileSetConfig>> wanted = state.wantedSchedulers(settings.localNode());
    wanted.keySet().removeIf(key -> key.sourceNode().equals(settings.localNode())
        && commands.roles().nodeCannotRunAs(state, key.user()) != null);
    return wanted;
  }

  /** Whom a SYNCHRONIZE is done as: its sync user's account and roots, else the caller's own account. */
  private static SyncAccount runAs(MonitorState state, String user, Caller caller) {
    UserConfig u = user == null ? null : state.users.get(user);
    return u != null ? u.syncAccount() : new SyncAccount(caller.account(), List.of());
  }

  /** Whom a user's syncs are done as: the user's account and roots (a user not on record: the name). */
  private static SyncAccount accountOf(MonitorState state, String user) {
    UserConfig u = state.users.get(user);
    return u == null ? new SyncAccount(user, List.of()) : u.syncAccount();
  }

  private boolean isRetiring(SchedulerKey key) {
    return retiring.values().stream().anyMatch(r -> r.key().equals(key));
  }

  /** Running and planned syncs of file sets that no live scheduler has any more. */
  private void forgetRunsOf(Set<Long> fileSetIds) {
    for (Long id : fileSetIds) {
      if (schedulers.values().stream().noneMatch(r -> r.fileSets().containsKey(id))) {
        running.remove(id);
        nextRuns.remove(id);
      }
    }
  }

  private static Map<Long, Long> lastEnds(MonitorState state, SortedMap<Long, FileSetConfig> fileSets) {
    Map<Long, Long> ends = new HashMap<>();
    for (Long id : fileSets.keySet()) {
      SyncResult last = state.lastResults.get(id);
      if (last != null) ends.put(id, last.endedMillis());
    }
    return ends;
  }

  // --- destinations ---

  /**
   * Where {@code node}'s endpoint listens, as the receptionist last listed it; an IPHOST address is
   * its own (a node outside the cluster, which no listing shows). Null: not known now.
   */
  private FileSetScheduler.Destination destinationOf(String node) {
    if (CommandOptions.isIpHost(node)) return FileSetScheduler.Destination.ipHost(node);
    return endpoints.get(node);
  }

  /**
   * Subscribes to the endpoint of {@code node}. One adapter serves every node's listings (an actor
   * has one message adapter per message class: a second would replace the first, and the first
   * node's listings would then be read with the second node's key), so the node comes from the
   * listing's own key.
   */
  private void watchNode(String node) {
    if (!watchedNodes.add(node)) return;
    ctx.getSystem().receptionist().tell(Receptionist.subscribe(endpointKey(node), listings()));
  }

  /** The one adapter for every listing the monitor subscribes to: the agents' and each node's endpoint. */
  private ActorRef<Receptionist.Listing> listings() {
    if (listings == null) listings = ctx.messageAdapter(Receptionist.Listing.class, Monitor::listed);
    return listings;
  }

  private static Command listed(Receptionist.Listing listing) {
    if (listing.isForKey(NodeAgent.KEY)) return new AgentsListed(listing.getServiceInstances(NodeAgent.KEY));
    return endpointsListed(listing);
  }

  private static EndpointsListed endpointsListed(Receptionist.Listing listing) {
    String node = listing.getKey().id().substring(ENDPOINT_KEY_PREFIX.length());
    return new EndpointsListed(node, listing.getServiceInstances(endpointKey(node)));
  }

  private Effect<Event, MonitorState> onEndpointsListed(MonitorState state, EndpointsListed listed) {
    if (listed.endpoints().isEmpty()) {
      // This node's own endpoint starts with the node; an empty listing of it only means that the
      // receptionist has not seen it yet (it lists a member's services once that member is up).
      if (!listed.node().equals(settings.localNode())) {
        absentEndpoints.add(listed.node());
        startAwaitingOneTimeSyncs(listed.node());
      }
      if (endpoints.remove(listed.node()) != null) {
        ctx.getLog().warn("destination node {} is no longer available; its schedulers wait for it", listed.node());
        reconcile(state);
      }
      return Effect().none();
    }
    absentEndpoints.remove(listed.node());
    ActorRef<DestinationEndpoint.Command> endpoint = listed.endpoints().iterator().next();
    ctx.ask(
        DestinationEndpoint.Binding.class,
        endpoint,
        Duration.ofSeconds(20),
        DestinationEndpoint.WhenBound::new,
        (binding, failure) -> new EndpointBound(listed.node(),
            binding != null ? binding : new DestinationEndpoint.Binding(null, String.valueOf(failure))));
    return Effect().none();
  }

  private Effect<Event, MonitorState> onEndpointBound(MonitorState state, EndpointBound bound) {
    if (bound.binding().failure() != null || bound.binding().address() == null) {
      ctx.getLog().warn("destination node {} has no data endpoint: {}", bound.node(), bound.binding().failure());
      startAwaitingOneTimeSyncs(bound.node());
      return Effect().none();
    }
    FileSetScheduler.Destination destination = new FileSetScheduler.Destination(
        bound.node(), bound.binding().address().getHostString(), bound.binding().address().getPort());
    if (!destination.equals(endpoints.put(bound.node(), destination))) {
      ctx.getLog().info("destination node {} is available at {}:{}", bound.node(), destination.host(), destination.port());
      reconcile(state);
    }
    startAwaitingOneTimeSyncs(bound.node());
    return Effect().none();
  }

  /** The SYNCHRONIZEs that waited for {@code node}'s agent: they start now, or learn it is not available. */
  private void startSyncsAwaitingAgent(String node) {
    timers.cancel("agent-wait-" + node);
    List<PendingOneTime> waiting = awaitingAgent.remove(node);
    if (waiting != null) waiting.forEach(p -> startOneTimeSync(p, false));
  }

  /** The SYNCHRONIZEs that waited for {@code node}'s endpoint: they start now, or learn it is not available. */
  private void startAwaitingOneTimeSyncs(String node) {
    List<PendingOneTime> waiting = awaitingEndpoint.remove(node);
    if (waiting != null) waiting.forEach(p -> startOneTimeSync(p, false));
  }

  // --- shutdown ---

  /**
   * A node is stopping: its agent stops its schedulers itself, and the monitor takes those stops
   * for the node leaving rather than for failures.
   */
  private Effect<Event, MonitorState> onShutdown(MonitorState state, Shutdown shutdown) {
    ctx.getLog().info("node {} is stopping: its syncs end at a file boundary, its file sets wait for it", shutdown.node());
    leavingNodes.add(shutdown.node());
    return Effect().reply(shutdown.replyTo(), Result.Done.ok("the file sets of node " + shutdown.node() + " wait for it"));
  }

  /**
   * The singleton moves to another node. The schedulers run on their nodes' agents and go on; the
   * next monitor adopts them, and their reports wait for it in the singleton proxies.
   */
  private Effect<Event, MonitorState> onHandOver(MonitorState state, HandOver handOver) {
    shuttingDown = true;
    ctx.getLog().info("monitor handing over: {} schedulers go on running on their nodes", schedulers.size());
    Events.emit("monitor-handing-over", settings.localNode(), Map.of("schedulers", schedulers.size()));
    return Effect().stop();
  }

  // --- logs and views ---

  private ActorRef<SyncLog.Command> logOf(String user) {
    return logs.computeIfAbsent(user, u -> ctx.spawn(
        SyncLog.create(u, settings.logMaxRecords()), "log-" + URLEncoder.encode(u, StandardCharsets.UTF_8)));
  }

  private void appendLog(String user, List<LogRecord> records) {
    if (user != null && !records.isEmpty()) logOf(user).tell(new SyncLog.Append(records));
  }

  /** The live view of the state, for STATUS and INFO. */
  private MonitorCommands.LiveView view(MonitorState state) {
    Map<SchedulerKey, String> schedulerStates = new TreeMap<>();
    SortedMap<SchedulerKey, SortedMap<Long, FileSetConfig>> wanted = runnable(state);
    for (SchedulerKey key : wanted.keySet()) {
      String s;
      if (schedulers.containsKey(key)) {
        s = wanted.get(key).keySet().stream().anyMatch(running::containsKey) ? "running" : "idle";
      } else if (shuttingDown) {
        s = "stopped: the monitor is moving";
      } else if (assigning.containsKey(key)) {
        s = "starting on node " + key.sourceNode();
      } else if (isRetiring(key)) {
        s = "waiting for the previous scheduler to stop";
      } else if (retryAt.containsKey(key)) {
        s = "failed " + failures.getOrDefault(key, 0) + "x, retry at "
            + RETRY_TIME.format(java.time.Instant.ofEpochMilli(retryAt.get(key)));
      } else if (!agents.containsKey(key.sourceNode())) {
        s = "waiting for source node " + key.sourceNode();
      } else if (destinationOf(key.destinationNode()) == null) {
        s = "waiting for destination " + key.destinationNode();
      } else {
        s = "not started: limit of " + settings.maxSchedulers() + " schedulers";
      }
      schedulerStates.put(key, s);
    }
    return new MonitorCommands.LiveView(
        settings.localNode(), schedulerStates, Map.copyOf(running), Map.copyOf(nextRuns), oneTimes.views(),
        overdue(state));
  }

  /** The active file sets that are overdue, and why; also the metric that counts them. */
  private Map<Long, String> overdue(MonitorState state) {
    long now = System.currentTimeMillis();
    Map<Long, String> overdue = new TreeMap<>();
    state.fileSets.forEach((id, f) -> {
      if (!state.isActive(f) || state.stopped) return;
      String why = overdueRule.reason(f, state.lastSuccessMillis.get(id), state.failuresInARow.getOrDefault(id, 0),
          firstSeenMillis.getOrDefault(id, now), now);
      if (why != null) overdue.put(id, why);
    });
    io.setsync.sync.SyncMetrics.get(ctx.getSystem()).fileSetsOverdue(overdue.size());
    return overdue;
  }
}
