package io.setsync.schedule;

import io.setsync.sync.SyncNotice;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import com.typesafe.config.Config;
import io.setsync.CborSerializable;
import io.setsync.log.LogRecord;
import io.setsync.log.Origin;
import io.setsync.log.Severity;
import io.setsync.log.SyncLog;
import io.setsync.schedule.FileSetConfig;
import io.setsync.monitor.Monitor;
import io.setsync.monitor.Result;
import io.setsync.schedule.SchedulerKey;
import io.setsync.schedule.SyncResult;
import io.setsync.sync.Trigger;
import io.setsync.transfer.Frame;
import io.setsync.transfer.SourceSession;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * AutoSYNC's ASYSYNCP: runs the file sets of one user × destination × batch one after another, each
 * when its schedule says, and tells the monitor and the user's log how each sync went. A failing
 * file set is logged and rescheduled like any other; it never holds up the rest.
 */
public final class FileSetScheduler extends AbstractBehavior<FileSetScheduler.Command> {

  public interface Command {}

  /** Where the destination node's data endpoint listens. */
  public record Destination(String node, String host, int port) implements CborSerializable {}

  /** The monitor's new view of this scheduler's file sets (after ALTER, SUSPEND, ADD...). */
  public record Update(
      SortedMap<Long, FileSetConfig> fileSets, Map<Long, Long> lastEndMillis, Destination destination)
      implements Command {}

  /** The monitor no longer wants this scheduler. */
  public enum Retire implements Command {
    /** Stop a running sync after the file in progress, then stop. */
    AT_FILE_BOUNDARY,
    /** Let a running sync finish (STOP MONITOR), then stop. */
    AFTER_CURRENT_SYNC
  }

  private enum Tick implements Command {
    INSTANCE
  }

  private record SessionEnded(long fileSetId, SourceSession.Outcome outcome) implements Command {}

  private record Progressed(long fileSetId, long entries, long files, long bytes) implements Command {}

  private record Noticed(long fileSetId, SyncNotice notice) implements Command {}

  private record TriggerEnded(long fileSetId, SyncResult result, Trigger.Result trigger, Throwable failure)
      implements Command {}

  /** Tunables from {@code setsync}. */
  public record Settings(SourceSession.Settings session, ZoneId zone, Duration progressInterval, Clock clock) {
    public static Settings from(Config setsync) {
      return new Settings(
          SourceSession.Settings.from(setsync.getConfig("transfer")),
          ZoneId.systemDefault(),
          setsync.getDuration("monitor.progress-interval"),
          Clock.systemUTC());
    }
  }

  /** Timers longer than this are re-armed, so far-off runs never overflow the scheduler. */
  private static final Duration MAX_TIMER = Duration.ofHours(12);
  private static final int LOG_FLUSH_RECORDS = 200;
  /** Paths handed to a TRIGGER are capped so a huge sync cannot exhaust memory; counts stay exact. */
  private static final int TRIGGER_PATHS_MAX = 100_000;

  public static Behavior<Command> create(
      SchedulerKey key, SortedMap<Long, FileSetConfig> fileSets, Map<Long, Long> lastEndMillis,
      Destination destination, ActorRef<Monitor.Command> monitor, ActorRef<SyncLog.Command> log,
      Settings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new FileSetScheduler(
        ctx, timers, key, fileSets, lastEndMillis, destination, monitor, log, settings)));
  }

  private final TimerScheduler<Command> timers;
  private final SchedulerKey key;
  private final ActorRef<Monitor.Command> monitor;
  private final ActorRef<SyncLog.Command> log;
  private final Settings settings;
  private final TimeList timeList = new TimeList();
  private final Map<Long, Long> lastEnds = new HashMap<>();
  private final List<LogRecord> pendingLog = new ArrayList<>();
  private final List<String> copiedPaths = new ArrayList<>();
  private final List<String> purgedPaths = new ArrayList<>();
  private SortedMap<Long, FileSetConfig> fileSets;
  private Destination destination;

  private Long runningId;
  private ActorRef<SourceSession.Command> session;
  private long runningStarted;
  private boolean rescheduleSoon;
  private Retire retiring;
  private long sessions;

  private FileSetScheduler(
      ActorContext<Command> ctx, TimerScheduler<Command> timers, SchedulerKey key,
      SortedMap<Long, FileSetConfig> fileSets, Map<Long, Long> lastEndMillis, Destination destination,
      ActorRef<Monitor.Command> monitor, ActorRef<SyncLog.Command> log, Settings settings) {
    super(ctx);
    this.timers = timers;
    this.key = key;
    this.monitor = monitor;
    this.log = log;
    this.settings = settings;
    this.fileSets = new TreeMap<>(fileSets);
    this.destination = destination;
    lastEnds.putAll(lastEndMillis);
    this.fileSets.keySet().forEach(this::plan);
    ctx.getLog().info("scheduler {} started with file sets {}", key.label(), this.fileSets.keySet());
    tick();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Tick.INSTANCE, () -> {
          tick();
          return this;
        })
        .onMessage(Update.class, this::onUpdate)
        .onMessage(Retire.class, this::onRetire)
        .onMessage(SessionEnded.class, this::onSessionEnded)
        .onMessage(Progressed.class, this::onProgressed)
        .onMessage(Noticed.class, this::onNoticed)
        .onMessage(TriggerEnded.class, this::onTriggerEnded)
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
    monitor.tell(new Monitor.NextRun(id, due.toEpochMilli()));
  }

  private void unplan(long id) {
    timeList.remove(id);
    monitor.tell(new Monitor.NextRun(id, null));
  }

  /** Starts the next due file set, or sleeps until one is due. Only one sync runs at a time. */
  private void tick() {
    timers.cancel(Tick.INSTANCE);
    if (runningId != null || retiring != null) return;
    Instant now = settings.clock().instant();
    OptionalLong due = timeList.takeDue(now);
    if (due.isPresent()) {
      start(due.getAsLong());
      return;
    }
    Optional<Instant> next = timeList.nextDue();
    if (next.isPresent()) {
      Duration wait = Duration.between(now, next.get());
      timers.startSingleTimer(Tick.INSTANCE, Tick.INSTANCE, wait.compareTo(MAX_TIMER) > 0 ? MAX_TIMER : wait);
    }
  }

  private void start(long id) {
    FileSetConfig f = fileSets.get(id);
    runningId = id;
    runningStarted = settings.clock().millis();
    monitor.tell(new Monitor.SyncStarted(id, runningStarted));
    log.tell(new SyncLog.Append(List.of(new LogRecord(runningStarted, id, Origin.SOURCE,
        Severity.INFO, "sync started: " + f.source() + " TO " + destination.node() + ":" + f.destination()))));
    ActorRef<Command> self = getContext().getSelf();
    session = getContext().spawn(
        SourceSession.create(
            new SourceSession.Request(Path.of(f.source()), destination.host(), destination.port(), f.destination(),
                f.sync()),
            settings.session(),
            new ForwardingObserver(self, id, settings.progressInterval().toMillis()),
            getContext().messageAdapter(SourceSession.Outcome.class, o -> new SessionEnded(id, o))),
        "sync-" + id + "-" + (++sessions),
        DispatcherSelector.fromConfig("setsync.io-dispatcher"));
  }

  private Behavior<Command> onSessionEnded(SessionEnded ended) {
    long id = ended.fileSetId();
    SourceSession.Outcome o = ended.outcome();
    long end = settings.clock().millis();
    SyncResult result = new SyncResult(runningStarted, end, o.counts(), o.status().exitCode, o.failure());
    FileSetConfig f = fileSets.get(id);
    if (f != null && f.sync().trigger() != null && !f.sync().report() && o.failure() == null
        && (o.counts().copied() > 0 || o.counts().purged() > 0)) {
      runTrigger(id, f, result, o);
      return this;
    }
    return finishRun(id, result);
  }

  /** TRIGGER runs off the actor, on the I/O dispatcher; the file set's run ends when it does. */
  private void runTrigger(long id, FileSetConfig f, SyncResult result, SourceSession.Outcome o) {
    Trigger.Facts facts = new Trigger.Facts(f.source(), destination.node() + ":" + f.destination(), o.status(),
        o.counts(), copiedPaths, purgedPaths);
    Trigger trigger = new Trigger(f.sync().trigger(), Trigger.configuredTimeLimit(), Trigger.DEFAULT_OUTPUT_LIMIT);
    java.util.concurrent.Executor io = getContext().getSystem().dispatchers()
        .lookup(DispatcherSelector.fromConfig("setsync.io-dispatcher"));
    getContext().pipeToSelf(
        java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            return trigger.run(facts);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CompletionException(e);
          }
        }, io),
        (r, failure) -> new TriggerEnded(id, result, r, failure));
  }

  private Behavior<Command> onTriggerEnded(TriggerEnded ended) {
    long now = settings.clock().millis();
    SyncResult result = ended.result();
    Trigger.Result t = ended.trigger();
    if (t == null) {
      pendingLog.add(new LogRecord(now, ended.fileSetId(), Origin.TRIGGER, Severity.WARNING,
          "trigger failed: " + ended.failure()));
    } else {
      for (String line : t.output().split("\n")) {
        if (!line.isBlank()) {
          pendingLog.add(new LogRecord(now, ended.fileSetId(), Origin.TRIGGER, Severity.INFO, line));
        }
      }
      pendingLog.add(new LogRecord(now, ended.fileSetId(), Origin.TRIGGER,
          t.succeeded() ? Severity.INFO : Severity.WARNING, t.summary(Trigger.configuredTimeLimit())));
    }
    if (t == null || !t.succeeded()) {
      result = new SyncResult(result.startedMillis(), result.endedMillis(), result.counts(),
          Math.max(result.code(), 1), result.failure());
    }
    return finishRun(ended.fileSetId(), result);
  }

  private Behavior<Command> finishRun(long id, SyncResult result) {
    pendingLog.add(new LogRecord(result.endedMillis(), id, Origin.SOURCE, severity(result.code()),
        "sync ended: " + result.summary()));
    flushLog();
    copiedPaths.clear();
    purgedPaths.clear();
    monitor.tell(new Monitor.SyncEnded(key, id, result));
    lastEnds.put(id, result.endedMillis());
    runningId = null;
    session = null;
    if (retiring != null) return Behaviors.stopped();
    FileSetConfig f = fileSets.get(id);
    if (f != null && !f.autoSuspend()) plan(id, rescheduleSoon);
    rescheduleSoon = false;
    tick();
    return this;
  }

  // --- changes from the monitor ---

  private Behavior<Command> onUpdate(Update update) {
    SortedMap<Long, FileSetConfig> next = new TreeMap<>(update.fileSets());
    update.lastEndMillis().forEach((id, end) -> lastEnds.merge(id, end, Math::max));
    boolean destinationChanged = !update.destination().equals(destination);
    destination = update.destination();
    for (Long id : List.copyOf(fileSets.keySet())) {
      if (!next.containsKey(id)) {
        unplan(id);
        if (id.equals(runningId)) stopRunning("the file set was suspended or deleted");
      }
    }
    SortedMap<Long, FileSetConfig> previous = fileSets;
    fileSets = next;
    for (Map.Entry<Long, FileSetConfig> e : next.entrySet()) {
      long id = e.getKey();
      boolean changed = !e.getValue().equals(previous.get(id));
      if (id == (runningId == null ? -1 : runningId)) {
        if (changed || destinationChanged) {
          rescheduleSoon = true;
          stopRunning("the file set was altered");
        }
      } else if (changed || !timeList.contains(id)) {
        timeList.remove(id);
        plan(id);
      }
    }
    tick();
    return this;
  }

  private Behavior<Command> onRetire(Retire retire) {
    retiring = retire;
    if (runningId == null) return Behaviors.stopped();
    if (retire == Retire.AT_FILE_BOUNDARY) stopRunning("the scheduler is stopping");
    return this;
  }

  private void stopRunning(String reason) {
    if (session != null) session.tell(new SourceSession.Stop(reason));
  }

  // --- progress and notices ---

  private Behavior<Command> onProgressed(Progressed p) {
    if (p.fileSetId() == (runningId == null ? -1 : runningId)) {
      monitor.tell(new Monitor.SyncProgress(p.fileSetId(),
          new Result.Progress(runningStarted, p.entries(), p.files(), p.bytes())));
    }
    return this;
  }

  private Behavior<Command> onNoticed(Noticed n) {
    SyncNotice notice = n.notice();
    Origin origin = notice.side() == SyncNotice.Side.SOURCE ? Origin.SOURCE : Origin.DESTINATION;
    String text = notice.path().isEmpty() ? notice.text() : notice.path() + ": " + notice.text();
    if (notice.kind() == SyncNotice.Kind.COPIED) {
      if (copiedPaths.size() < TRIGGER_PATHS_MAX) copiedPaths.add(notice.path());
      return this;
    }
    if (notice.kind() == SyncNotice.Kind.PURGED && purgedPaths.size() < TRIGGER_PATHS_MAX) {
      purgedPaths.add(notice.path());
    }
    LogRecord record = switch (notice.kind()) {
      case COPIED -> throw new IllegalStateException("handled above");
      case PURGED -> new LogRecord(settings.clock().millis(), n.fileSetId(), Origin.DESTINATION,
          Severity.INFO, "purged " + notice.path());
      case WOULD_COPY, WOULD_PURGE -> new LogRecord(settings.clock().millis(), n.fileSetId(), Origin.REPORT,
          Severity.INFO, (notice.kind() == SyncNotice.Kind.WOULD_COPY ? "would copy " : "would purge ")
              + notice.path() + (notice.text().isEmpty() ? "" : " (" + notice.text() + ")"));
      case WARNING -> new LogRecord(settings.clock().millis(), n.fileSetId(), origin, Severity.WARNING, text);
      case ERROR -> new LogRecord(settings.clock().millis(), n.fileSetId(), origin, Severity.ERROR, text);
    };
    pendingLog.add(record);
    if (pendingLog.size() >= LOG_FLUSH_RECORDS) flushLog();
    return this;
  }

  private void flushLog() {
    if (pendingLog.isEmpty()) return;
    log.tell(new SyncLog.Append(List.copyOf(pendingLog)));
    pendingLog.clear();
  }

  private static Severity severity(int code) {
    return code == 0 ? Severity.INFO : code == 1 ? Severity.WARNING : Severity.ERROR;
  }

  /**
   * Turns a session's callbacks into messages to the scheduler. Progress is sent at most once per
   * interval: a sync of many small files would otherwise send a message per file.
   */
  private static final class ForwardingObserver implements SourceSession.Observer {
    private final ActorRef<Command> scheduler;
    private final long fileSetId;
    private final long intervalMillis;
    private long lastSent;

    ForwardingObserver(ActorRef<Command> scheduler, long fileSetId, long intervalMillis) {
      this.scheduler = scheduler;
      this.fileSetId = fileSetId;
      this.intervalMillis = intervalMillis;
    }

    @Override
    public void notice(SyncNotice notice) {
      scheduler.tell(new Noticed(fileSetId, notice));
    }

    @Override
    public void progress(long entriesListed, long filesSent, long bytesSent) {
      long now = System.currentTimeMillis();
      if (now - lastSent >= intervalMillis) {
        lastSent = now;
        scheduler.tell(new Progressed(fileSetId, entriesListed, filesSent, bytesSent));
      }
    }
  }
}
