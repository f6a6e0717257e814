package io.setsync.schedule;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import io.setsync.CborSerializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs, on every node, the schedulers whose source is this node, for the monitor wherever it runs.
 * The schedulers are its children, not the monitor's: a monitor hand-over leaves them running, and
 * the next monitor finds them here ({@link ListSchedulers}) and adopts them. One scheduler per key
 * at most: an assignment for a key that has one updates it, and one for a key whose scheduler is
 * still retiring waits until it has stopped. It also runs the SYNCHRONIZEs typed on this node's
 * consoles whose monitor is elsewhere ({@link RunOnce}), for they read this node's files.
 */
public final class NodeAgent extends AbstractBehavior<NodeAgent.Command> {

  public interface Command {}

  /** Every node's agent registers under this key; each says its node in its answers. */
  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "setsync-node-agents");

  /** Run {@code key}'s scheduler with {@code plan}: start it, or update the one that runs. */
  public record Assign(SchedulerKey key, FileSetScheduler.Update plan, ActorRef<Assigned> replyTo)
      implements Command, CborSerializable {}

  /** The scheduler that runs {@code key} now, or why none does ({@code refusal}). */
  public record Assigned(String node, SchedulerKey key, ActorRef<FileSetScheduler.Command> scheduler, String refusal)
      implements CborSerializable {}

  /** Stop {@code key}'s scheduler: its running sync ends as {@code how} says, then it stops. */
  public record Retire(SchedulerKey key, FileSetScheduler.Retire how) implements Command, CborSerializable {}

  /** Which schedulers run here (retiring ones aside): what a new monitor adopts. */
  public record ListSchedulers(ActorRef<Schedulers> replyTo) implements Command, CborSerializable {
    @com.fasterxml.jackson.annotation.JsonCreator
    public ListSchedulers {}
  }

  public record Schedulers(String node, List<Running> running) implements CborSerializable {}

  public record Running(SchedulerKey key, ActorRef<FileSetScheduler.Command> scheduler) implements CborSerializable {}

  /** The node is stopping: every sync ends at a file boundary, no new scheduler starts; answered when all stopped. */
  public record StopAll(ActorRef<Stopped> replyTo) implements Command, io.setsync.LocalMessage {}

  public enum Stopped implements io.setsync.LocalMessage {
    INSTANCE
  }

  /** Run one SYNCHRONIZE here; {@code waiter} waits for its answer, {@code reportTo} hears how it goes. */
  public record RunOnce(
      OneTimeSync.Order order, ActorRef<?> waiter, ActorRef<OneTimeSync.Report> reportTo,
      ActorRef<RunOnceStarted> replyTo) implements Command, CborSerializable {}

  /** The SYNCHRONIZE runs as {@code ref}, or why it does not ({@code refusal}). */
  public record RunOnceStarted(long run, ActorRef<OneTimeSync.Command> ref, String refusal) implements CborSerializable {}

  private record OneTimeStopped(ActorRef<OneTimeSync.Command> ref) implements Command, io.setsync.LocalMessage {}

  private record SchedulerStopped(SchedulerKey key, ActorRef<FileSetScheduler.Command> ref) implements Command, io.setsync.LocalMessage {}

  public static Behavior<Command> create(
      String node, ActorRef<FileSetScheduler.Report> reports, FileSetScheduler.Settings settings) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
      return new NodeAgent(ctx, node, reports, settings);
    });
  }

  private final String node;
  private final ActorRef<FileSetScheduler.Report> reports;
  private final FileSetScheduler.Settings settings;
  private final Map<SchedulerKey, ActorRef<FileSetScheduler.Command>> running = new TreeMap<>();
  private final Map<SchedulerKey, ActorRef<FileSetScheduler.Command>> retiring = new TreeMap<>();
  /** The latest assignment for a key whose previous scheduler has not stopped yet. */
  private final Map<SchedulerKey, Assign> waiting = new TreeMap<>();
  private final List<ActorRef<Stopped>> stopWaiters = new ArrayList<>();
  private final Map<SchedulerKey, Long> spawned = new HashMap<>();
  private final java.util.Set<ActorRef<OneTimeSync.Command>> oneTimes = new java.util.HashSet<>();
  private long oneTimeRuns;
  private boolean stopping;

  private NodeAgent(
      ActorContext<Command> ctx, String node, ActorRef<FileSetScheduler.Report> reports,
      FileSetScheduler.Settings settings) {
    super(ctx);
    this.node = node;
    this.reports = reports;
    this.settings = settings;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Assign.class, this::onAssign)
        .onMessage(Retire.class, this::onRetire)
        .onMessage(ListSchedulers.class, this::onList)
        .onMessage(StopAll.class, this::onStopAll)
        .onMessage(SchedulerStopped.class, this::onStopped)
        .onMessage(RunOnce.class, this::onRunOnce)
        .onMessage(OneTimeStopped.class, this::onOneTimeStopped)
        .build();
  }

  private Behavior<Command> onAssign(Assign assign) {
    SchedulerKey key = assign.key();
    if (!key.sourceNode().equals(node)) {
      return refuse(assign, "node " + node + " does not run the schedulers of source node " + key.sourceNode());
    }
    if (stopping) return refuse(assign, "node " + node + " is stopping");
    ActorRef<FileSetScheduler.Command> current = running.get(key);
    if (current != null) {
      current.tell(assign.plan());
      assign.replyTo().tell(new Assigned(node, key, current, null));
    } else if (retiring.containsKey(key)) {
      waiting.put(key, assign); // answered once the previous one has stopped
    } else {
      start(assign);
    }
    return this;
  }

  private Behavior<Command> refuse(Assign assign, String why) {
    assign.replyTo().tell(new Assigned(node, assign.key(), null, why));
    return this;
  }

  private void start(Assign assign) {
    SchedulerKey key = assign.key();
    FileSetScheduler.Update plan = assign.plan();
    // A new scheduler plans from the last ends it is given: an activated file set gets none.
    Map<Long, Long> lastEnds = new HashMap<>(plan.lastEndMillis());
    lastEnds.keySet().removeAll(plan.activated());
    long n = spawned.merge(key, 1L, Long::sum);
    ActorRef<FileSetScheduler.Command> ref = getContext().spawn(
        FileSetScheduler.create(key, new TreeMap<>(plan.fileSets()), lastEnds, plan.destination(), plan.account(),
            reports, settings),
        "scheduler-" + URLEncoder.encode(key.label(), StandardCharsets.UTF_8) + "-" + n);
    getContext().watchWith(ref, new SchedulerStopped(key, ref));
    running.put(key, ref);
    countSchedulers();
    assign.replyTo().tell(new Assigned(node, key, ref, null));
  }

  /** Running ones and those retiring, which run until they stop. */
  private void countSchedulers() {
    io.setsync.sync.SyncMetrics.get(getContext().getSystem()).schedulersRunning(running.size() + retiring.size());
  }

  private Behavior<Command> onRetire(Retire retire) {
    ActorRef<FileSetScheduler.Command> ref = running.remove(retire.key());
    if (ref == null) ref = retiring.get(retire.key());
    if (ref == null) return this;
    retiring.put(retire.key(), ref);
    ref.tell(retire.how());
    Assign pending = waiting.remove(retire.key());
    if (pending != null) refuse(pending, "its scheduler was retired");
    return this;
  }

  private Behavior<Command> onList(ListSchedulers list) {
    List<Running> now = new ArrayList<>();
    running.forEach((key, ref) -> now.add(new Running(key, ref)));
    list.replyTo().tell(new Schedulers(node, now));
    return this;
  }

  private Behavior<Command> onRunOnce(RunOnce once) {
    OneTimeSync.Order order = once.order();
    if (stopping) {
      once.replyTo().tell(new RunOnceStarted(order.run(), null, "node " + node + " is stopping"));
      return this;
    }
    ActorRef<OneTimeSync.Command> ref = getContext().spawn(
        OneTimeSync.create(order, settings.run(), settings.progressInterval(), once.waiter(), once.reportTo(), reports),
        "synchronize-" + (++oneTimeRuns));
    getContext().watchWith(ref, new OneTimeStopped(ref));
    oneTimes.add(ref);
    getContext().getLog().info("SYNCHRONIZE {} of {}: {} to {}, for the monitor", ref.path().name(),
        order.user() == null ? order.account().account() : order.user(), order.source(), order.destinationName());
    once.replyTo().tell(new RunOnceStarted(order.run(), ref, null));
    return this;
  }

  private Behavior<Command> onOneTimeStopped(OneTimeStopped stopped) {
    oneTimes.remove(stopped.ref());
    answerWhenIdle();
    return this;
  }

  private Behavior<Command> onStopAll(StopAll stop) {
    stopping = true;
    stopWaiters.add(stop.replyTo());
    for (SchedulerKey key : List.copyOf(running.keySet())) {
      onRetire(new Retire(key, FileSetScheduler.Retire.AT_FILE_BOUNDARY));
    }
    waiting.values().forEach(a -> refuse(a, "node " + node + " is stopping"));
    waiting.clear();
    oneTimes.forEach(o -> o.tell(new OneTimeSync.Stop("node " + node + " is stopping")));
    answerWhenIdle();
    return this;
  }

  private Behavior<Command> onStopped(SchedulerStopped stopped) {
    if (stopped.ref().equals(running.get(stopped.key()))) running.remove(stopped.key());
    if (stopped.ref().equals(retiring.get(stopped.key()))) {
      retiring.remove(stopped.key());
      Assign next = waiting.remove(stopped.key());
      if (next != null) start(next);
    }
    countSchedulers();
    answerWhenIdle();
    return this;
  }

  private void answerWhenIdle() {
    if (!stopping || !running.isEmpty() || !retiring.isEmpty() || !oneTimes.isEmpty()) return;
    if (!stopWaiters.isEmpty()) getContext().getLog().info("node stopping: every scheduler has stopped, and every SYNCHRONIZE it ran");
    stopWaiters.forEach(w -> w.tell(Stopped.INSTANCE));
    stopWaiters.clear();
  }
}
