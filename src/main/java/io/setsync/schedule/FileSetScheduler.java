package io.setsync.schedule;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import com.typesafe.config.Config;
import io.setsync.CborSerializable;
import io.setsync.fs.SyncAccount;
import io.setsync.log.LogRecord;
import io.setsync.log.SyncLog;
import io.setsync.sync.SyncNotice;
import io.setsync.transfer.SourceSession;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * AutoSYNC's ASYSYNCP: runs the file sets of one user × destination × batch one after another, each
 * when its schedule says, each through a {@link SyncRun} that writes the user's log, and tells the
 * monitor in its own {@link Report} protocol what it runs and plans. A failing file set is logged
 * and rescheduled like any other; it never holds up the rest.
 *
 * <p>Its phases are behaviours: idle (waiting for the next due file set), running one sync, and
 * retiring (a sync still ends, then the scheduler stops).
 */
public final class FileSetScheduler {

  public interface Command {}

  /** Where the destination node's data endpoint listens. */
  public record Destination(String node, String host, int port) implements CborSerializable {

    /**
     * A node outside the cluster at an IPHOST address ({@code node} is that {@code host:port}):
     * reached with TLS and certificates alone, without a ticket from its endpoint.
     */
    public static Destination ipHost(String address) {
      int colon = address.lastIndexOf(':');
      return new Destination(address, address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
    }

    /** Whether it is outside the cluster (IPHOST). */
    public boolean outsideCluster() {
      return io.setsync.command.CommandOptions.isIpHost(node);
    }
  }

  /**
   * The monitor's new view of this scheduler's file sets (after ALTER, SUSPEND, ADD...); {@code
   * activated}: file sets just activated, which run at the first opportunity (AutoSYNC's ACTIVATE),
   * not an interval after their last run.
   */
  public record Update(
      SortedMap<Long, FileSetConfig> fileSets, Map<Long, Long> lastEndMillis, Destination destination,
      java.util.Set<Long> activated, SyncAccount account)
      implements Command, CborSerializable {

    @com.fasterxml.jackson.annotation.JsonCreator
    public Update {}

    /** For the node's own account (tests, and callers whose users are the node's account). */
    public Update(SortedMap<Long, FileSetConfig> fileSets, Map<Long, Long> lastEndMillis, Destination destination,
        java.util.Set<Long> activated) {
      this(fileSets, lastEndMillis, destination, activated, SyncAccount.process());
    }

    public Update(SortedMap<Long, FileSetConfig> fileSets, Map<Long, Long> lastEndMillis, Destination destination) {
      this(fileSets, lastEndMillis, destination, java.util.Set.of());
    }
  }

  /** Tell the monitor what runs and what is planned: it is a new one, after a hand-over, that adopted this scheduler. */
  public enum ReportPlans implements Command, CborSerializable {
    INSTANCE
  }

  /** The monitor no longer wants this scheduler. */
  public enum Retire implements Command, CborSerializable {
    /** Stop a running sync after the file in progress, then stop. */
    AT_FILE_BOUNDARY,
    /** Let a running sync finish (STOP MONITOR), then stop. */
    AFTER_CURRENT_SYNC
  }

  /**
   * What the scheduler tells its supervisor (the monitor adapts it to its own protocol); it crosses
   * nodes inside the monitor's command, so it names its kind.
   */
  @com.fasterxml.jackson.annotation.JsonTypeInfo(use = com.fasterxml.jackson.annotation.JsonTypeInfo.Id.NAME,
      property = "type")
  @com.fasterxml.jackson.annotation.JsonSubTypes({
    @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = SyncStarted.class, name = "SyncStarted"),
    @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = SyncProgress.class, name = "SyncProgress"),
    @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = SyncEnded.class, name = "SyncEnded"),
    @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = NextRun.class, name = "NextRun"),
    @com.fasterxml.jackson.annotation.JsonSubTypes.Type(value = Logged.class, name = "Logged")
  })
  public interface Report extends CborSerializable {}

  /** A file set's sync started. */
  public record SyncStarted(long fileSetId, long startedMillis) implements Report {}

  /** The running sync moved on: entries listed, files and bytes sent so far. */
  public record SyncProgress(long fileSetId, long startedMillis, long entries, long files, long bytes)
      implements Report {}

  /** A file set's sync ended, with its result. */
  public record SyncEnded(SchedulerKey key, long fileSetId, SyncResult result) implements Report {}

  /** The plan for a file set: when it runs next; null: not scheduled. */
  public record NextRun(long fileSetId, Long dueMillis) implements Report {}

  /** Records for the sync log of {@code user}, which the monitor keeps. */
  public record Logged(String user, List<LogRecord> records) implements Report {}

  private enum Tick implements Command, io.setsync.LocalMessage {
    INSTANCE
  }

  private record RunFinished(long fileSetId, SyncRun.Finished finished) implements Command, io.setsync.LocalMessage {}

  /** A run stopped (after its answer, or instead of one: a crash). */
  private record RunStopped(ActorRef<SyncRun.Command> run) implements Command, io.setsync.LocalMessage {}

  /**
   * Told to itself on {@link RunStopped}: the stop notice may overtake the run's answer (already in
   * the mailbox), and this one queues behind it; a run still current then gave none.
   */
  private record RunLost(ActorRef<SyncRun.Command> run) implements Command, io.setsync.LocalMessage {}

  private record Progressed(long fileSetId, long entries, long files, long bytes) implements Command, io.setsync.LocalMessage {}

  /** What one of its runs wrote to the user's log, on its way to the monitor. */
  private record ToLog(SyncLog.Command command) implements Command, io.setsync.LocalMessage {}

  /** Tunables from {@code setsync}. */
  public record Settings(SourceSession.Settings session, ZoneId zone, Duration progressInterval, Clock clock) {
    public static Settings from(Config setsync) {
      return new Settings(
          SourceSession.Settings.from(setsync.getConfig("transfer")),
          ZoneId.systemDefault(),
          setsync.getDuration("monitor.progress-interval"),
          Clock.systemUTC());
    }

    /** What each of its runs gets; SYNCHRONIZE's runs get the same. */
    public SyncRun.Settings run() {
      return new SyncRun.Settings(session, clock);
    }
  }

  /** Timers longer than this are re-armed, so far-off runs never overflow the scheduler. */
  private static final Duration MAX_TIMER = Duration.ofHours(12);

  /** A scheduler whose runs are done as the node's own account. */
  public static Behavior<Command> create(
      SchedulerKey key, SortedMap<Long, FileSetConfig> fileSets, Map<Long, Long> lastEndMillis,
      Destination destination, ActorRef<Report> monitor, Settings settings) {
    return create(key, fileSets, lastEndMillis, destination, SyncAccount.process(), monitor, settings);
  }

  /** @param account whom the key's user's syncs are done as, at both ends */
  public static Behavior<Command> create(
      SchedulerKey key, SortedMap<Long, FileSetConfig> fileSets, Map<Long, Long> lastEndMillis,
      Destination destination, SyncAccount account, ActorRef<Report> monitor, Settings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new FileSetScheduler(
        ctx, timers, key, fileSets, lastEndMillis, destination, account, monitor, settings).next()));
  }

  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final SchedulerKey key;
  private final ActorRef<Report> monitor;
  private final ActorRef<SyncLog.Command> log;
  private final Settings settings;
  private final TimeList timeList = new TimeList();
  private final Map<Long, Long> lastEnds = new HashMap<>();
  private SortedMap<Long, FileSetConfig> fileSets;
  private Destination destination;
  private SyncAccount account;
  private long runs;

  /** The sync under way: its file set, its run, when it started, and whether to plan it again at once. */
  private static final class Running {
    final long fileSetId;
    final ActorRef<SyncRun.Command> run;
    final long startedMillis;
    /** Set when an ALTER stopped it: the altered file set runs again at the first opportunity. */
    boolean again;

    Running(long fileSetId, ActorRef<SyncRun.Command> run, long startedMillis) {
      this.fileSetId = fileSetId;
      this.run = run;
      this.startedMillis = startedMillis;
    }

    void stop(String reason) {
      run.tell(new SyncRun.Stop(reason));
    }
  }

  private FileSetScheduler(
      ActorContext<Command> ctx, TimerScheduler<Command> timers, SchedulerKey key,
      SortedMap<Long, FileSetConfig> fileSets, Map<Long, Long> lastEndMillis, Destination destination,
      SyncAccount account, ActorRef<Report> monitor, Settings settings) {
    this.ctx = ctx;
    this.timers = timers;
    this.key = key;
    this.monitor = monitor;
    // The user's log lives with the monitor, which may move between nodes: its records go the
    // way of the reports.
    this.log = ctx.messageAdapter(SyncLog.Command.class, ToLog::new);
    this.settings = settings;
    this.fileSets = new TreeMap<>(fileSets);
    this.destination = destination;
    this.account = account;
    lastEnds.putAll(lastEndMillis);
    this.fileSets.keySet().forEach(this::plan);
    ctx.getLog().info("scheduler {} started with file sets {}", key.label(), this.fileSets.keySet());
  }

  // --- phase: idle ---

  private Behavior<Command> idle() {
    return Behaviors.receive(Command.class)
        .onMessageEquals(Tick.INSTANCE, this::next)
        .onMessage(Update.class, u -> {
          applyUpdate(u, null);
          return next();
        })
        .onMessage(ToLog.class, this::onToLog)
        .onMessageEquals(ReportPlans.INSTANCE, () -> reportPlans(null))
        .onMessage(Retire.class, r -> Behaviors.stopped())
        .onMessage(Progressed.class, late -> Behaviors.same())
        .onMessage(RunStopped.class, late -> Behaviors.same())
        .onMessage(RunLost.class, late -> Behaviors.same())
        .build();
  }

  /** Starts the next due file set, or sleeps until one is due. Only one sync runs at a time. */
  private Behavior<Command> next() {
    timers.cancel(Tick.INSTANCE);
    Instant now = settings.clock().instant();
    OptionalLong due = timeList.takeDue(now);
    if (due.isPresent()) return running(start(due.getAsLong()));
    Optional<Instant> next = timeList.nextDue();
    if (next.isPresent()) {
      Duration wait = Duration.between(now, next.get());
      timers.startSingleTimer(Tick.INSTANCE, Tick.INSTANCE, wait.compareTo(MAX_TIMER) > 0 ? MAX_TIMER : wait);
    }
    return idle();
  }

  // --- phase: running one sync ---

  private Running start(long id) {
    FileSetConfig f = fileSets.get(id);
    long started = settings.clock().millis();
    ActorRef<Command> self = ctx.getSelf();
    monitor.tell(new SyncStarted(id, started));
    SyncRun.Request request = new SyncRun.Request(Path.of(f.source()), destination, f.destination(), f.sync(),
        f.interval(), id, log, new ThrottledProgress(settings.progressInterval().toMillis(),
            (entries, files, bytes) -> self.tell(new Progressed(id, entries, files, bytes))), f.user(), account);
    ActorRef<SyncRun.Command> run = ctx.spawn(
        SyncRun.create(request, settings.run(),
            ctx.messageAdapter(SyncRun.Finished.class, finished -> new RunFinished(id, finished))),
        "sync-" + id + "-" + (++runs));
    ctx.watchWith(run, new RunStopped(run));
    return new Running(id, run, started);
  }

  private Behavior<Command> running(Running running) {
    return Behaviors.receive(Command.class)
        .onMessage(Update.class, u -> {
          applyUpdate(u, running);
          return Behaviors.same();
        })
        .onMessage(ToLog.class, this::onToLog)
        .onMessageEquals(ReportPlans.INSTANCE, () -> reportPlans(running))
        .onMessage(Retire.class, r -> retire(running, r))
        .onMessage(RunFinished.class, f -> onRunFinished(running, f.finished().result()))
        .onMessage(Progressed.class, p -> onProgressed(running, p))
        .onMessage(RunStopped.class, this::onRunStopped)
        .onMessage(RunLost.class, l -> l.run().equals(running.run) ? onRunFinished(running, crashed(running)) : Behaviors.same())
        .onMessageEquals(Tick.INSTANCE, Behaviors::same)
        .build();
  }

  private Behavior<Command> onToLog(ToLog toLog) {
    if (toLog.command() instanceof SyncLog.Append append) monitor.tell(new Logged(key.user(), append.records()));
    return Behaviors.same();
  }

  private Behavior<Command> onRunStopped(RunStopped stopped) {
    ctx.getSelf().tell(new RunLost(stopped.run()));
    return Behaviors.same();
  }

  /** The result of a run that stopped without one: a failed run, rescheduled like any other. */
  private SyncResult crashed(Running running) {
    ctx.getLog().warn("scheduler {}: the sync of file set {} stopped without a result", key.label(), running.fileSetId);
    SyncResult result = new SyncResult(running.startedMillis, settings.clock().millis(), io.setsync.sync.SyncCounts.ZERO,
        io.setsync.sync.SyncStatus.ERRORS.exitCode, "the sync run stopped without a result (see the node's log)");
    monitor.tell(new Logged(key.user(), List.of(RunLog.ended(running.fileSetId, result, false))));
    return result;
  }

  private Behavior<Command> onRunFinished(Running running, SyncResult result) {
    reportEnd(running.fileSetId, result);
    FileSetConfig f = fileSets.get(running.fileSetId);
    if (f != null && !f.autoSuspend()) plan(running.fileSetId, running.again);
    return next();
  }

  private void reportEnd(long id, SyncResult result) {
    monitor.tell(new SyncEnded(key, id, result));
    lastEnds.put(id, result.endedMillis());
  }

  private Behavior<Command> onProgressed(Running running, Progressed p) {
    if (p.fileSetId() == running.fileSetId) {
      monitor.tell(new SyncProgress(p.fileSetId(), running.startedMillis, p.entries(), p.files(), p.bytes()));
    }
    return Behaviors.same();
  }

  // --- phase: retiring, the running sync still ends ---

  private Behavior<Command> retire(Running running, Retire retire) {
    if (retire == Retire.AT_FILE_BOUNDARY) running.stop("the scheduler is stopping");
    return Behaviors.receive(Command.class)
        .onMessage(Retire.class, r -> {
          if (r == Retire.AT_FILE_BOUNDARY) running.stop("the scheduler is stopping");
          return Behaviors.same();
        })
        .onMessage(RunFinished.class, f -> {
          reportEnd(running.fileSetId, f.finished().result());
          return Behaviors.stopped();
        })
        .onMessage(RunStopped.class, this::onRunStopped)
        .onMessage(RunLost.class, l -> {
          if (!l.run().equals(running.run)) return Behaviors.same();
          reportEnd(running.fileSetId, crashed(running));
          return Behaviors.stopped();
        })
        .onMessage(Progressed.class, p -> onProgressed(running, p))
        .onMessage(ToLog.class, this::onToLog)
        .onMessage(Update.class, ignored -> Behaviors.same())
        .onMessageEquals(Tick.INSTANCE, Behaviors::same)
        .build();
  }

  // --- the time-list ---

  /** Puts a file set on the time-list according to its schedule and its last sync. */
  private void plan(long id) {
    plan(id, false);
  }

  /** As {@link #plan(long)}; {@code soon}: at the first opportunity, as after an ALTER of a running sync. */
  private void plan(long id, boolean soon) {
    FileSetConfig f = fileSets.get(id);
    Schedule schedule = Schedule.of(f.interval(), f.start(), f.stop(), settings.zone());
    Instant now = settings.clock().instant();
    Long lastEnd = lastEnds.get(id);
    Instant due = lastEnd == null || soon
        ? schedule.firstRun(now)
        : schedule.nextRun(Instant.ofEpochMilli(lastEnd));
    timeList.schedule(id, due);
    monitor.tell(new NextRun(id, due.toEpochMilli()));
  }

  private void unplan(long id) {
    timeList.remove(id);
    monitor.tell(new NextRun(id, null));
  }

  // --- changes from the monitor ---

  /** Tells the monitor what runs and what is planned (see {@link ReportPlans}). */
  private Behavior<Command> reportPlans(Running running) {
    if (running != null) monitor.tell(new SyncStarted(running.fileSetId, running.startedMillis));
    for (Long id : fileSets.keySet()) {
      timeList.dueOf(id).ifPresent(due -> monitor.tell(new NextRun(id, due.toEpochMilli())));
    }
    return Behaviors.same();
  }

  /**
   * Takes the monitor's new view: file sets gone are unplanned, changed ones planned again; a
   * running sync whose file set went away or changed (or whose destination moved) is stopped at a
   * file boundary. {@code running}: the sync under way, or null.
   */
  private void applyUpdate(Update update, Running running) {
    SortedMap<Long, FileSetConfig> next = new TreeMap<>(update.fileSets());
    update.lastEndMillis().forEach((id, end) -> lastEnds.merge(id, end, Math::max));
    boolean destinationChanged = !update.destination().equals(destination);
    destination = update.destination();
    account = update.account();
    long runningId = running == null ? -1 : running.fileSetId;
    for (Long id : List.copyOf(fileSets.keySet())) {
      if (!next.containsKey(id)) {
        unplan(id);
        if (id == runningId) running.stop("the file set was suspended or deleted");
      }
    }
    SortedMap<Long, FileSetConfig> previous = fileSets;
    fileSets = next;
    for (Map.Entry<Long, FileSetConfig> e : next.entrySet()) {
      long id = e.getKey();
      boolean changed = !e.getValue().equals(previous.get(id));
      if (id == runningId) {
        if (changed || destinationChanged) {
          running.again = true;
          running.stop("the file set was altered");
        }
      } else if (update.activated().contains(id)) {
        timeList.remove(id);
        plan(id, true);
      } else if (changed || !timeList.contains(id)) {
        timeList.remove(id);
        plan(id);
      }
    }
  }
}
