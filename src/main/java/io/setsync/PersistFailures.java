package io.setsync;

import akka.Done;
import akka.actor.AbstractExtensionId;
import akka.actor.CoordinatedShutdown;
import akka.actor.ExtendedActorSystem;
import akka.actor.Extension;
import akka.actor.typed.ActorRef;
import akka.actor.typed.BackoffSupervisorStrategy;
import akka.actor.typed.Behavior;
import akka.actor.typed.BehaviorInterceptor;
import akka.actor.typed.PostStop;
import akka.actor.typed.Signal;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.TypedActorContext;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.JournalProtocol;
import akka.persistence.SnapshotProtocol;
import akka.persistence.typed.EventRejectedException;
import akka.persistence.typed.javadsl.EventHandler;
import com.typesafe.config.Config;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * How the persistent actors (monitor, sync log, rename journal) live through a journal write that
 * did not happen: they restart after a backoff and recover from what the journal holds, as Akka's
 * ShoppingCart sample does, instead of stopping for good and leaving their callers talking to a
 * dead actor. The backoff keeps a journal that stays broken (a full disk) from being hammered.
 *
 * <p>Each failure is one WARN line of this class's log, naming the actor, its journal's database
 * and the cause in one line (a failure that is not a journal out of reach, a bug perhaps, also
 * shows its stack trace, once); the actor's recovery after failures is one INFO line. Akka's own
 * report of each restart, stack trace and all, is logged at DEBUG by the actor's logger. When the
 * node leaves its cluster, an actor that is not recovered (still recovering, or failed since) is
 * stopped at once (it holds nothing the journal does not), so that the monitor's hand-over does not
 * wait for it.
 */
public final class PersistFailures {

  /** Where the backoff is configured. */
  public static final String BACKOFF_SETTING = "setsync.persistence.restart-backoff";

  /** The shared journal's database, as conf/cluster-postgres.conf names it. */
  static final String JDBC_URL_SETTING = "setsync.jdbc.url";

  private static final Logger log = LoggerFactory.getLogger(PersistFailures.class);

  /** The backoff between restarts: doubling from {@code min} up to {@code max}, plus some randomness. */
  public record Backoff(Duration min, Duration max, double randomFactor) {
    public Backoff {
      if (min.isNegative() || min.isZero()) {
        throw new IllegalArgumentException(BACKOFF_SETTING + ".min must be above zero, got " + min);
      }
      if (max.compareTo(min) < 0) {
        throw new IllegalArgumentException(
            BACKOFF_SETTING + ".max (" + max + ") must not be below .min (" + min + ")");
      }
      if (!(randomFactor >= 0 && randomFactor <= 1)) {
        throw new IllegalArgumentException(
            BACKOFF_SETTING + ".random-factor must lie between 0 and 1, got " + randomFactor);
      }
    }

    /** The backoff configured under {@link #BACKOFF_SETTING} in {@code config} (the whole configuration). */
    public static Backoff from(Config config) {
      Config c = config.getConfig(BACKOFF_SETTING);
      return new Backoff(c.getDuration("min"), c.getDuration("max"), c.getDouble("random-factor"));
    }

    BackoffSupervisorStrategy strategy() {
      return SupervisorStrategy.restartWithBackoff(min, max, randomFactor);
    }
  }

  private PersistFailures() {}

  /**
   * The strategy for an {@code EventSourcedBehavior}'s {@code onPersistFailure}: a write the journal
   * failed (its outcome unknown) restarts the event-sourced part only, so the actor object stays and
   * with it its children and the tables that name them; they must not be stopped underneath it. The
   * restart cancels the actor's timers (an actor re-arms what it needs once recovery completes), and
   * recovery starts from the {@code emptyState()} object again, hence {@link #sparing}. Akka's report
   * of each restart goes to DEBUG: {@link #restartWhenRejected} reports the failures in one line each.
   */
  public static BackoffSupervisorStrategy onPersistFailure(Config config) {
    return Backoff.from(config).strategy().withStopChildren(false).withLogLevel(Level.DEBUG);
  }

  /**
   * {@code handler}, made to leave the object {@code emptyState()} returned as it is, applying the
   * first event to a copy of it. Akka asks an {@code EventSourcedBehavior} for its empty state once
   * and starts every recovery from that object, the one after an {@link #onPersistFailure} restart
   * too; a handler that changes the state in place would make that recovery start from the state
   * before the failure, with the failed event in it, and replay the journal on top.
   *
   * <p>An event the handler cannot apply is a bug: during a recovery Akka takes it for a failed
   * recovery and restarts the actor, so it is logged here, with its stack trace, once per kind.
   */
  public static <S, E> EventHandler<S, E> sparing(S empty, UnaryOperator<S> copy, EventHandler<S, E> handler) {
    Set<String> reported = ConcurrentHashMap.newKeySet();
    return (state, event) -> {
      try {
        return handler.apply(state == empty ? copy.apply(state) : state, event);
      } catch (RuntimeException e) {
        if (reported.add(event.getClass().getName() + ": " + e)) {
          log.error("an event of type {} could not be applied to its actor's state: {}", event.getClass().getName(),
              oneLine(e), e);
        }
        throw e;
      }
    };
  }

  /**
   * {@code behavior}, restarted whole after a backoff when the journal refuses an event (e.g. one it
   * cannot serialize): {@code onPersistFailure} covers failed writes only, and a refused event is
   * certainly not stored, so recovering without it is safe. Commands stashed behind the refused
   * event are lost with the old incarnation; their askers time out. Its journal's failures are
   * reported as {@link PersistFailures} says.
   */
  public static <T> Behavior<T> restartWhenRejected(Behavior<T> behavior) {
    return Behaviors.setup(ctx -> Behaviors.supervise(Behaviors.intercept(() -> new JournalWatch<T>(), behavior))
        .onFailure(EventRejectedException.class, Backoff.from(ctx.getSystem().settings().config()).strategy()));
  }

  // ---- what a failure says ----

  /**
   * Why {@code failure} is a journal out of reach (its database down, unreachable, or its circuit
   * breaker open after such failures), in one line; empty for any other failure.
   */
  public static Optional<String> unreachable(Throwable failure) {
    boolean unreachable = false;
    Throwable telling = failure; // the database driver's own words where it has some, else the deepest
    boolean fromDriver = false;
    Set<Throwable> seen = new HashSet<>();
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof akka.pattern.CircuitBreakerOpenException) {
        return Optional.of("it fails fast after repeated failures (its circuit breaker is open)");
      }
      unreachable |= isUnreachable(t);
      boolean says = t.getMessage() != null && !t.getMessage().isBlank();
      if (says && (t instanceof SQLException || !fromDriver)) {
        telling = t;
        fromDriver = t instanceof SQLException;
      }
    }
    return unreachable ? Optional.of(oneLine(telling)) : Optional.empty();
  }

  private static boolean isUnreachable(Throwable t) {
    if (t instanceof java.sql.SQLTransientConnectionException || t instanceof java.sql.SQLNonTransientConnectionException
        || t instanceof java.net.ConnectException || t instanceof java.net.NoRouteToHostException
        || t instanceof java.net.UnknownHostException || t instanceof java.net.SocketTimeoutException
        || t instanceof java.util.concurrent.TimeoutException) {
      return true;
    }
    // SQL state class 08: connection exception; 57P01-57P03: the server shuts down or is starting.
    String state = t instanceof SQLException sql ? sql.getSQLState() : null;
    return state != null && (state.startsWith("08") || state.matches("57P0[123]"));
  }

  /** The first sentence of {@code t}'s message (its class's name when it has none), on one line. */
  public static String oneLine(Throwable t) {
    String message = t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getName() : t.getMessage();
    String line = message.replaceAll("\\s+", " ").strip();
    int end = line.indexOf(". ");
    if (end > 0) line = line.substring(0, end);
    return line.endsWith(".") ? line.substring(0, line.length() - 1) : line;
  }

  /** A JDBC URL as a log may show it: without its password. */
  public static String shownUrl(String url) {
    return url.replaceAll("(?i)([?&]password=)[^&]*", "$1***");
  }

  /** Whether {@code failure} came from a JDBC database (the shared journal's), rather than a local journal. */
  private static boolean fromDatabase(Throwable failure) {
    Set<Throwable> seen = new HashSet<>();
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof SQLException) return true;
    }
    return false;
  }

  // ---- the actor's side ----

  /** Tells a persistent actor that its node stops: it stops at once unless it is recovered. */
  private enum StopUnrecovered implements LocalMessage { INSTANCE }

  /**
   * Watches the journal's and snapshot store's answers on their way into the event-sourced part (they
   * reach the actor as messages of Akka's journal protocol): their failures are the reasons for its
   * restarts, its recovery ends them. The watch outlives the restarts, which happen inside it.
   */
  private static final class JournalWatch<T> extends BehaviorInterceptor<T, T> {
    private String name = "a persistent actor";
    private String databaseUrl;
    /** The database the last failure named, for failures that name none (an open circuit breaker). */
    private String database;
    private boolean started;
    private boolean nodeStops;
    /** Whether the event-sourced part has recovered, and not failed since. */
    private boolean recovered;
    private boolean failedSinceStart;
    private int failures;
    private LocalTime failingSince;
    private final Set<String> traced = new HashSet<>();

    @SuppressWarnings("unchecked")
    JournalWatch() {
      super((Class<T>) (Class<?>) Object.class); // the journal's answers are not of the actor's protocol
    }

    @Override
    public Behavior<T> aroundStart(TypedActorContext<T> ctx, PreStartTarget<T> target) {
      name = ctx.asJava().getSelf().path().name();
      Config config = ctx.asJava().getSystem().settings().config();
      databaseUrl = config.hasPath(JDBC_URL_SETTING) ? shownUrl(config.getString(JDBC_URL_SETTING)) : null;
      persistent(ctx).actors.add(self(ctx));
      return target.start(ctx);
    }

    @Override
    public Behavior<T> aroundReceive(TypedActorContext<T> ctx, T message, ReceiveTarget<T> target) {
      Object m = message;
      if (m == StopUnrecovered.INSTANCE) {
        nodeStops = true;
        return recovered ? Behaviors.same() : stopUnrecovered();
      }
      if (m instanceof SnapshotProtocol.LoadSnapshotResult) {
        incarnation();
      } else if (m instanceof SnapshotProtocol.LoadSnapshotFailed f) {
        incarnation();
        failed("recovery (loading its snapshot)", f.cause());
      } else if (m instanceof JournalProtocol.ReplayMessagesFailure f) {
        failed("recovery (replaying its events)", f.cause());
      } else if (m instanceof JournalProtocol.WriteMessagesFailed f) {
        failed("an event's write", f.cause());
      } else if (m instanceof JournalProtocol.RecoverySuccess) {
        recovered();
      }
      // A journal that fails while the node stops (a write of the hand-over, say) would only be retried.
      return nodeStops && !recovered ? stopUnrecovered() : target.apply(ctx, message);
    }

    private Behavior<T> stopUnrecovered() {
      log.info("{}: stopped {}, as its node stops; it holds nothing its journal does not", name,
          failures == 0 ? "while it recovered" : "without having recovered since its journal failed");
      return Behaviors.stopped();
    }

    @Override
    public Behavior<T> aroundSignal(TypedActorContext<T> ctx, Signal signal, SignalTarget<T> target) {
      if (signal == PostStop.instance()) persistent(ctx).actors.remove(self(ctx));
      return target.apply(ctx, signal);
    }

    /** A (re)started event-sourced part has its first answer, to its snapshot's load. */
    private void incarnation() {
      if (started && !failedSinceStart) {
        // Restarted by a failure no answer of the journal gave: a recovery that timed out.
        failure();
        log.warn("{}: its recovery timed out or failed without a reason from its journal{}; retrying",
            name, database == null ? "" : " (" + database + ")");
      }
      started = true;
      failedSinceStart = false;
      recovered = false;
    }

    private void failed(String what, Throwable cause) {
      failure();
      failedSinceStart = true;
      if (fromDatabase(cause) && databaseUrl != null) database = "the database " + databaseUrl;
      Optional<String> unreachable = unreachable(cause);
      String since = failures == 1 ? "" : ", " + failures + " failures since " + failingSince;
      if (unreachable.isPresent()) {
        log.warn("{}: its journal{} cannot be reached: {}; {} failed{}, retrying", name,
            database == null ? "" : ", " + database + ",", unreachable.get(), what, since);
      } else if (traced.add(cause.getClass().getName() + ": " + oneLine(cause))) {
        log.warn("{}: its journal{} failed: {}; {} failed{}, retrying", name,
            database == null ? "" : " (" + database + ")", oneLine(cause), what, since, cause);
      } else {
        log.warn("{}: its journal{} failed: {}; {} failed{}, retrying (stack trace above)", name,
            database == null ? "" : " (" + database + ")", oneLine(cause), what, since);
      }
    }

    private void failure() {
      recovered = false;
      if (failures++ == 0) failingSince = LocalTime.now().truncatedTo(ChronoUnit.SECONDS);
    }

    private void recovered() {
      if (failures > 0) {
        log.info("{}: recovered from its journal{} after {} failure{} since {}", name,
            database == null ? "" : " (" + database + ")", failures, failures == 1 ? "" : "s", failingSince);
      }
      failures = 0;
      recovered = true;
    }

    private static ActorRef<Object> self(TypedActorContext<?> ctx) {
      return ctx.asJava().getSelf().unsafeUpcast();
    }

    private static Persistent persistent(TypedActorContext<?> ctx) {
      return PERSISTENT.get(Adapter.toClassic(ctx.asJava().getSystem()));
    }
  }

  private static final PersistentId PERSISTENT = new PersistentId();

  /** One actor system's persistent actors (those {@link #restartWhenRejected} made). */
  private static final class Persistent implements Extension {
    final Set<ActorRef<Object>> actors = ConcurrentHashMap.newKeySet();
  }

  /**
   * Made as a system's first persistent actor starts: when the node leaves its cluster, each actor
   * that is not recovered (still recovering, or failed since) stops at once, and one that is stops at
   * its journal's next failure. A monitor's singleton would otherwise wait for it, up to the phase's
   * timeout (10 s), to take the hand-over message it has stashed until it recovers.
   */
  private static final class PersistentId extends AbstractExtensionId<Persistent> {
    @Override
    public Persistent createExtension(ExtendedActorSystem system) {
      Persistent persistent = new Persistent();
      CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseClusterLeave(), "stop-unrecovered-persistent-actors",
          () -> {
            persistent.actors.forEach(actor -> actor.tell(StopUnrecovered.INSTANCE));
            return CompletableFuture.completedFuture(Done.getInstance());
          });
      return persistent;
    }
  }
}
