package io.setsync;

import akka.actor.typed.Behavior;
import akka.actor.typed.BackoffSupervisorStrategy;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.typed.EventRejectedException;
import akka.persistence.typed.javadsl.EventHandler;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * How the persistent actors (monitor, sync log, rename journal) live through a journal write that
 * did not happen: they restart after a backoff and recover from what the journal holds, as Akka's
 * ShoppingCart sample does, instead of stopping for good and leaving their callers talking to a
 * dead actor. The backoff keeps a journal that stays broken (a full disk) from being hammered.
 */
public final class PersistFailures {

  /** Where the backoff is configured. */
  public static final String BACKOFF_SETTING = "setsync.persistence.restart-backoff";

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
   * recovery starts from the {@code emptyState()} object again, hence {@link #sparing}.
   */
  public static BackoffSupervisorStrategy onPersistFailure(Config config) {
    return Backoff.from(config).strategy().withStopChildren(false);
  }

  /**
   * {@code handler}, made to leave the object {@code emptyState()} returned as it is, applying the
   * first event to a copy of it. Akka asks an {@code EventSourcedBehavior} for its empty state once
   * and starts every recovery from that object, the one after an {@link #onPersistFailure} restart
   * too; a handler that changes the state in place would make that recovery start from the state
   * before the failure, with the failed event in it, and replay the journal on top.
   */
  public static <S, E> EventHandler<S, E> sparing(S empty, UnaryOperator<S> copy, EventHandler<S, E> handler) {
    return (state, event) -> handler.apply(state == empty ? copy.apply(state) : state, event);
  }

  /**
   * {@code behavior}, restarted whole after a backoff when the journal refuses an event (e.g. one it
   * cannot serialize): {@code onPersistFailure} covers failed writes only, and a refused event is
   * certainly not stored, so recovering without it is safe. Commands stashed behind the refused
   * event are lost with the old incarnation; their askers time out.
   */
  public static <T> Behavior<T> restartWhenRejected(Behavior<T> behavior) {
    return Behaviors.setup(ctx -> Behaviors.supervise(behavior)
        .onFailure(EventRejectedException.class, Backoff.from(ctx.getSystem().settings().config()).strategy()));
  }
}
