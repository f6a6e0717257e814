package io.setsync.log;

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
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.typesafe.config.Config;
import io.setsync.CborSerializable;
import io.setsync.PersistFailures;
import java.util.List;
import java.util.Objects;

/**
 * The log of one sync user: configuration changes, sync results, messages of both sides of a
 * sync, trigger output and report lines, bounded as {@link LogBuffer} describes.
 *
 * <p>Each {@link Append} is one event. The journal stays bounded too: a snapshot is taken every
 * {@code snapshotEvery} events, two are kept, and the events they cover are deleted.
 */
public final class SyncLog extends EventSourcedBehavior<SyncLog.Command, SyncLog.Event, SyncLog.State> {

  /** Appends between snapshots unless told otherwise. */
  public static final int DEFAULT_SNAPSHOT_EVERY = 1000;

  /** Where the bound is configured. */
  public static final String MAX_RECORDS_SETTING = "setsync.log.max-records";

  public interface Command extends CborSerializable {}

  /** Adds records to the log; nobody is told when they are on disk. */
  public record Append(List<LogRecord> records) implements Command {
    @JsonCreator
    public Append {
      records = checkedCopy(records);
    }
  }

  /**
   * Asks for the last {@code last} records of file set {@code fileSetId}, or of the whole log
   * when it is null; the answer is a {@link Records}.
   */
  public record Read(Long fileSetId, int last, ActorRef<Records> replyTo) implements Command {
    public Read {
      if (last < 0) {
        throw new IllegalArgumentException("cannot read the last " + last + " log records");
      }
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** Records, oldest first. */
  public record Records(List<LogRecord> records) implements CborSerializable {
    @JsonCreator
    public Records {
      records = checkedCopy(records);
    }
  }

  public interface Event extends CborSerializable {}

  /** The records of one {@link Append}. */
  public record Appended(List<LogRecord> records) implements Event {
    @JsonCreator
    public Appended {
      records = checkedCopy(records);
    }
  }

  /**
   * The log's records and bound. Mutated in place by events, so what goes to the snapshot store
   * is a copy (see {@link #snapshotAdapter()}).
   */
  public static final class State implements CborSerializable {
    @JsonIgnore private final LogBuffer buffer;

    @JsonCreator
    public State(@JsonProperty("maxRecords") int maxRecords, @JsonProperty("records") List<LogRecord> records) {
      buffer = new LogBuffer(maxRecords);
      buffer.appendAll(records);
    }

    @JsonProperty("maxRecords")
    public int maxRecords() {
      return buffer.maxRecords();
    }

    /** Every record, oldest first (read-only view). */
    @JsonProperty("records")
    public List<LogRecord> records() {
      return buffer.records();
    }

    public List<LogRecord> last(Long fileSetId, int n) {
      return buffer.last(fileSetId, n);
    }

    private State copy() {
      return new State(maxRecords(), List.copyOf(records()));
    }
  }

  private final int maxRecords;
  private final int snapshotEvery;
  /** Never changed: every recovery starts from it (see {@link PersistFailures#sparing}). */
  private final State empty;

  /** The log of {@code user}, holding at most {@code maxRecords} records. */
  public static Behavior<Command> create(String user, int maxRecords) {
    return create(user, maxRecords, DEFAULT_SNAPSHOT_EVERY);
  }

  /**
   * As {@link #create(String, int)}, with a snapshot every {@code snapshotEvery} appends. A write
   * the journal fails or refuses restarts the log after a backoff ({@link PersistFailures}); the
   * records of that append may be lost, the log and its later appends are not.
   */
  public static Behavior<Command> create(String user, int maxRecords, int snapshotEvery) {
    if (user == null || user.isBlank()) {
      throw new IllegalArgumentException("a sync log needs a user name");
    }
    if (maxRecords < 1) {
      throw new IllegalArgumentException("a sync log must hold at least one record, got a bound of " + maxRecords);
    }
    if (snapshotEvery < 1) {
      throw new IllegalArgumentException("snapshots must be taken every 1 or more events, got " + snapshotEvery);
    }
    PersistenceId id = persistenceId(user);
    return PersistFailures.restartWhenRejected(Behaviors.setup(ctx -> new SyncLog(
        id, maxRecords, snapshotEvery, PersistFailures.onPersistFailure(ctx.getSystem().settings().config()))));
  }

  /** {@code synclog|<user>}. */
  public static PersistenceId persistenceId(String user) {
    return PersistenceId.of("synclog", user);
  }

  /** The configured bound, refused with a message naming the setting when below one. */
  public static int maxRecords(Config config) {
    int max = config.getInt(MAX_RECORDS_SETTING);
    if (max < 1) {
      throw new IllegalArgumentException(MAX_RECORDS_SETTING + " must be at least 1, got " + max);
    }
    return max;
  }

  private SyncLog(
      PersistenceId id, int maxRecords, int snapshotEvery, BackoffSupervisorStrategy onPersistFailure) {
    super(id, onPersistFailure);
    this.maxRecords = maxRecords;
    this.snapshotEvery = snapshotEvery;
    this.empty = new State(maxRecords, List.of());
  }

  @Override
  public State emptyState() {
    return empty;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(snapshotEvery, 2).withDeleteEventsOnSnapshot();
  }

  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(State state) {
        // The snapshot store serializes on its own thread while this actor keeps appending.
        return state.copy();
      }

      @Override
      public State fromJournal(Object stored) {
        // The bound in force now wins over the one the snapshot was taken with.
        return new State(maxRecords, ((State) stored).records());
      }
    };
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(
            Append.class,
            cmd -> cmd.records().isEmpty() ? Effect().none() : Effect().persist(new Appended(cmd.records())))
        .onCommand(
            Read.class,
            (state, cmd) ->
                Effect().reply(cmd.replyTo(), new Records(state.last(cmd.fileSetId(), cmd.last()))))
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return PersistFailures.sparing(empty, State::copy, newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            Appended.class,
            (state, e) -> {
              state.buffer.appendAll(e.records());
              return state;
            })
        .build());
  }

  private static List<LogRecord> checkedCopy(List<LogRecord> records) {
    Objects.requireNonNull(records, "records");
    for (LogRecord r : records) {
      Objects.requireNonNull(r, "a log record in the list is missing");
    }
    return List.copyOf(records);
  }
}
