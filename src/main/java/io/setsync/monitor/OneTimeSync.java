package io.setsync.monitor;

import io.setsync.schedule.SyncResult;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.setsync.CborSerializable;
import io.setsync.options.SyncOptions;
import io.setsync.schedule.FileSetScheduler;
import io.setsync.transfer.Frame;
import io.setsync.transfer.SourceSession;
import java.nio.file.Path;

/** SYNCHRONIZE run by the node: one source session, answered with its counts. */
public final class OneTimeSync extends AbstractBehavior<OneTimeSync.Command> {

  public interface Command {}

  private record Ended(SourceSession.Outcome outcome) implements Command {}

  /** What to synchronize: an absolute source directory to a destination root. */
  public record Request(String source, String destination, SyncOptions options) implements CborSerializable {}

  public static Behavior<Command> create(
      Request request, FileSetScheduler.Destination destination, SourceSession.Settings settings,
      ActorRef<Result> replyTo) {
    return Behaviors.setup(ctx -> new OneTimeSync(ctx, request, destination, settings, replyTo));
  }

  private final Request request;
  private final FileSetScheduler.Destination destination;
  private final ActorRef<Result> replyTo;
  private final long startedMillis = System.currentTimeMillis();

  private OneTimeSync(
      ActorContext<Command> ctx, Request request, FileSetScheduler.Destination destination,
      SourceSession.Settings settings, ActorRef<Result> replyTo) {
    super(ctx);
    this.request = request;
    this.destination = destination;
    this.replyTo = replyTo;
    ctx.spawn(
        SourceSession.create(
            new SourceSession.Request(Path.of(request.source()), destination.host(), destination.port(),
                request.destination(), request.options()),
            settings,
            new SourceSession.Observer() {
              @Override
              public void notice(io.setsync.sync.SyncNotice notice) {
                // the counts say how many; the node log keeps the details
              }

              @Override
              public void progress(long entriesListed, long filesSent, long bytesSent) {}
            },
            ctx.messageAdapter(SourceSession.Outcome.class, Ended::new)),
        "session");
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(Ended.class, this::onEnded).build();
  }

  private Behavior<Command> onEnded(Ended ended) {
    SourceSession.Outcome o = ended.outcome();
    SyncResult result =
        new SyncResult(startedMillis, System.currentTimeMillis(), o.counts(), o.status().exitCode, o.failure());
    replyTo.tell(new Result.Synchronized(request.source(),
        destination.node() + ":" + request.destination(), result));
    return Behaviors.stopped();
  }
}
