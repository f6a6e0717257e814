package io.setsync.console;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.setsync.command.Statement;
import io.setsync.monitor.Monitor;
import io.setsync.monitor.Result;
import java.time.Duration;

/**
 * The console's end of the conversation with the monitor: sends each command through the
 * singleton proxy and turns silence into a clear error, so a lost node never hangs the console.
 *
 * <p>A SYNCHRONIZE is answered to a waiter of its own, which the node watches: {@link
 * CancelSynchronize} stops the waiter, and with it (at the next file boundary) the run at the node.
 */
public final class ConsoleActor extends AbstractBehavior<ConsoleActor.Command> {

  public interface Command extends io.setsync.LocalMessage {}

  /** Runs one parsed command as {@code user}; the answer (or an error) goes to {@code replyTo}. */
  public record Run(Statement command, String user, Duration timeout, ActorRef<Result> replyTo)
      implements Command {}

  /** Stops waiting for every SYNCHRONIZE under way: the node then stops those runs. */
  public enum CancelSynchronize implements Command { INSTANCE }

  private record Answered(Result result, ActorRef<Result> replyTo) implements Command {}

  public static Behavior<Command> create(ActorRef<Monitor.Command> monitor) {
    return Behaviors.setup(ctx -> new ConsoleActor(ctx, monitor));
  }

  private final ActorRef<Monitor.Command> monitor;
  private long waiters;

  private ConsoleActor(ActorContext<Command> ctx, ActorRef<Monitor.Command> monitor) {
    super(ctx);
    this.monitor = monitor;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Run.class, this::onRun)
        .onMessage(Answered.class, a -> {
          a.replyTo().tell(a.result());
          return this;
        })
        .onMessageEquals(CancelSynchronize.INSTANCE, () -> {
          getContext().getChildren().forEach(child -> getContext().stop(child));
          return this;
        })
        .build();
  }

  private Behavior<Command> onRun(Run run) {
    if (run.command() instanceof Statement.Synchronize) {
      getContext().spawn(waiter(run), "synchronize-" + (++waiters));
      return this;
    }
    getContext().ask(
        Result.class,
        monitor,
        run.timeout(),
        ref -> new Monitor.Execute(run.command(), run.user(), ref),
        (result, failure) -> new Answered(
            result != null
                ? result
                : Result.Done.error("the monitor did not answer within " + run.timeout().toSeconds()
                    + " s; the node may be stopping or unreachable"),
            run.replyTo()));
    return this;
  }

  /** Waits for one SYNCHRONIZE's answer; stopping it tells the node that nobody waits any more. */
  private Behavior<Result> waiter(Run run) {
    return Behaviors.setup(ctx -> {
      monitor.tell(new Monitor.Execute(run.command(), run.user(), ctx.getSelf()));
      return Behaviors.receiveMessage(result -> {
        run.replyTo().tell(result);
        return Behaviors.stopped();
      });
    });
  }
}
