package io.setsync.monitor;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import io.setsync.schedule.SyncRun;
import java.util.function.Function;

/**
 * One SYNCHRONIZE: its run, watched together with whoever waits for its answer. When the waiter is
 * gone (a console interrupted with Ctrl-C, closed, killed, or dropped from the cluster), the run is
 * told to stop at the next file boundary: nothing goes on copying that nobody waits for.
 */
final class OneTimeSync {

  interface Command extends io.setsync.LocalMessage {}

  private record Ended(SyncRun.Finished finished) implements Command {}

  private enum WaiterGone implements Command { INSTANCE }

  private enum RunGone implements Command { INSTANCE }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OneTimeSync.class);

  private OneTimeSync() {}

  /**
   * @param waiter whoever waits for the answer; the run stops when it is gone
   * @param answerTo where the answer goes (the monitor, which keeps the run in STATUS until then)
   */
  static <T> Behavior<Command> create(
      SyncRun.Request request, SyncRun.Settings settings, ActorRef<?> waiter, ActorRef<T> answerTo,
      Function<SyncRun.Finished, T> answer) {
    return Behaviors.setup(ctx -> {
      ActorRef<SyncRun.Command> run = ctx.spawn(
          SyncRun.create(request, settings, ctx.messageAdapter(SyncRun.Finished.class, Ended::new), f -> f), "run");
      ctx.watchWith(run, RunGone.INSTANCE);
      ctx.watchWith(waiter, WaiterGone.INSTANCE);
      return waiting(ctx, run, answerTo, answer);
    });
  }

  private static <T> Behavior<Command> waiting(
      ActorContext<Command> ctx, ActorRef<SyncRun.Command> run, ActorRef<T> answerTo,
      Function<SyncRun.Finished, T> answer) {
    return Behaviors.receive(Command.class)
        .onMessage(Ended.class, e -> {
          answerTo.tell(answer.apply(e.finished()));
          return Behaviors.stopped();
        })
        .onMessageEquals(WaiterGone.INSTANCE, () -> {
          LOG.info("SYNCHRONIZE {}: its console stopped waiting; stopping it at the next file boundary",
              ctx.getSelf().path().name());
          run.tell(new SyncRun.Stop("the console that started it stopped waiting (Ctrl-C, or it left)"));
          return unwatched(ctx);
        })
        .onMessageEquals(RunGone.INSTANCE, Behaviors::stopped)
        .build();
  }

  /** Nobody waits any more: the run ends at a file boundary and its answer goes nowhere. */
  private static Behavior<Command> unwatched(ActorContext<Command> ctx) {
    return Behaviors.receive(Command.class)
        .onMessage(Ended.class, e -> {
          LOG.info("SYNCHRONIZE {} ended without its console: {}", ctx.getSelf().path().name(),
              e.finished().result().summary());
          return Behaviors.stopped();
        })
        .onMessageEquals(RunGone.INSTANCE, Behaviors::stopped)
        .onMessageEquals(WaiterGone.INSTANCE, Behaviors::same)
        .build();
  }
}
