package io.setsync.destination;

import akka.actor.typed.ActorRef;
import akka.actor.typed.BackoffSupervisorStrategy;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.SnapshotAdapter;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import akka.persistence.typed.javadsl.RetentionCriteria;
import com.fasterxml.jackson.annotation.JsonCreator;
import io.setsync.CborSerializable;
import io.setsync.PersistFailures;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The persisted intent log of one destination root. A batch of replacements is recorded as
 * begun before any rename happens and as committed after the renames and the directory fsync;
 * whatever is begun but not committed after a crash is resolved by {@link RecoveryPlan} at the
 * next session on that root.
 */
public final class RenameJournal
    extends EventSourcedBehavior<RenameJournal.Command, RenameJournal.Event, RenameJournal.State> {

  public interface Command extends CborSerializable {}

  /** Records the intent to replace; replies once it is on disk. */
  public record Begin(long batchId, List<Replacement> replacements, ActorRef<Done> replyTo)
      implements Command {}

  /** Records that a begun batch is complete (or was resolved by recovery). */
  public record Commit(long batchId, ActorRef<Done> replyTo) implements Command {}

  public record GetPending(ActorRef<Pending> replyTo) implements Command {
    @JsonCreator
    public GetPending {}
  }

  public enum Done implements CborSerializable {
    INSTANCE
  }

  /** Begun batches not yet committed, plus the next free batch id. */
  public record Pending(Map<Long, List<Replacement>> batches, long nextBatchId)
      implements CborSerializable {}

  public interface Event extends CborSerializable {}

  public record BatchBegun(long batchId, List<Replacement> replacements) implements Event {}

  public record BatchCommitted(long batchId) implements Event {
    @JsonCreator
    public BatchCommitted {}
  }

  /** Everything recovery needs: the open batches. Small, because batches commit quickly. */
  public static final class State implements CborSerializable {
    public final Map<Long, List<Replacement>> open;
    public long nextBatchId;

    @JsonCreator
    public State(Map<Long, List<Replacement>> open, long nextBatchId) {
      this.open = new HashMap<>(open);
      this.nextBatchId = nextBatchId;
    }
  }

  /**
   * The journal of {@code destinationRoot}. A write the journal fails or refuses restarts it after a
   * backoff ({@link PersistFailures}): the batch asked for gets no answer, so its session renames
   * nothing and fails, and the next session on the root finds the journal recovered.
   */
  public static Behavior<Command> create(String destinationRoot) {
    return PersistFailures.restartWhenRejected(Behaviors.setup(ctx -> {
      com.typesafe.config.Config config = ctx.getSystem().settings().config();
      return new RenameJournal(persistenceId(destinationRoot), PersistFailures.onPersistFailure(config),
          config.getString(JOURNAL_PLUGIN_SETTING), config.getString(SNAPSHOT_PLUGIN_SETTING),
          io.setsync.sync.SyncMetrics.get(ctx.getSystem()));
    }));
  }

  /**
   * The journal and snapshot plugins of every rename journal, named outright rather than left to
   * {@code akka.persistence.journal.plugin}: on a cluster that default is the shared database, and
   * recovering a destination root must never wait for another machine.
   */
  public static final String JOURNAL_PLUGIN_SETTING = "setsync.rename-journal.journal-plugin";
  public static final String SNAPSHOT_PLUGIN_SETTING = "setsync.rename-journal.snapshot-plugin";

  public static PersistenceId persistenceId(String destinationRoot) {
    return PersistenceId.of("RenameJournal", destinationRoot);
  }

  /** Never changed: every recovery starts from it (see {@link PersistFailures#sparing}). */
  private final State empty = new State(Map.of(), 1);

  private final String journalPlugin;
  private final String snapshotPlugin;

  private final io.setsync.sync.SyncMetrics metrics;

  private RenameJournal(
      PersistenceId id, BackoffSupervisorStrategy onPersistFailure, String journalPlugin, String snapshotPlugin,
      io.setsync.sync.SyncMetrics metrics) {
    super(id, onPersistFailure);
    this.journalPlugin = journalPlugin;
    this.snapshotPlugin = snapshotPlugin;
    this.metrics = metrics;
  }

  /** The write's time, from the command to the event persisted: what a batch waits for before its renames. */
  private akka.persistence.typed.javadsl.ReplyEffect<Event, State> timed(Event event, ActorRef<Done> replyTo) {
    long begun = System.nanoTime();
    return Effect().persist(event)
        .thenRun(s -> metrics.journalWrite(java.time.Duration.ofNanos(System.nanoTime() - begun)))
        .thenReply(replyTo, s -> Done.INSTANCE);
  }

  @Override
  public String journalPluginId() {
    return journalPlugin;
  }

  @Override
  public String snapshotPluginId() {
    return snapshotPlugin;
  }

  @Override
  public State emptyState() {
    return empty;
  }

  /**
   * The state changes in place on the actor's thread while the snapshot store serializes on its
   * own; a map caught mid-change could drop a begun batch, so a snapshot stores a copy.
   */
  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(State state) {
        return new State(state.open, state.nextBatchId);
      }

      @Override
      public State fromJournal(Object from) {
        return (State) from;
      }
    };
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // The state is tiny; snapshots keep recovery from replaying every batch ever written.
    return RetentionCriteria.snapshotEvery(500, 2).withDeleteEventsOnSnapshot();
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(
            Begin.class,
            cmd -> timed(new BatchBegun(cmd.batchId(), cmd.replacements()), cmd.replyTo()))
        .onCommand(
            Commit.class,
            (state, cmd) ->
                state.open.containsKey(cmd.batchId())
                    ? timed(new BatchCommitted(cmd.batchId()), cmd.replyTo())
                    : Effect().reply(cmd.replyTo(), Done.INSTANCE))
        .onCommand(
            GetPending.class,
            (state, cmd) ->
                Effect()
                    .reply(cmd.replyTo(), new Pending(Map.copyOf(state.open), state.nextBatchId)))
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return PersistFailures.sparing(empty, s -> new State(s.open, s.nextBatchId), newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            BatchBegun.class,
            (state, e) -> {
              state.open.put(e.batchId(), e.replacements());
              state.nextBatchId = Math.max(state.nextBatchId, e.batchId() + 1);
              return state;
            })
        .onEvent(
            BatchCommitted.class,
            (state, e) -> {
              state.open.remove(e.batchId());
              return state;
            })
        .build());
  }
}
