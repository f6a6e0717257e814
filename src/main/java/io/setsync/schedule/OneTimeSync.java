package io.setsync.schedule;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.setsync.CborSerializable;
import io.setsync.log.SyncLog;
import io.setsync.fs.SyncAccount;
import io.setsync.options.SyncOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One SYNCHRONIZE, run on the node whose files it reads: under the monitor when that is the
 * monitor's node, else under that node's {@link NodeAgent}. It is watched together with whoever
 * waits for its answer: when the waiter is gone (a console interrupted with Ctrl-C, closed, killed,
 * or dropped from the cluster), the run is told to stop at the next file boundary, for nothing
 * should go on copying that nobody waits for.
 */
public final class OneTimeSync {

  public interface Command extends io.setsync.LocalMessage {}

  /** What the monitor decided, in a form that crosses nodes; {@code run} names it in the reports. */
  public record Order(
      long run, String source, FileSetScheduler.Destination destination, String destinationRoot,
      SyncOptions options, String user, SyncAccount account) implements CborSerializable {

    /** The destination as the user named it: {@code node:/path}, or the path alone. */
    public String destinationName() {
      return destination.node() == null ? destinationRoot : destination.node() + ":" + destinationRoot;
    }
  }

  /** What the run tells whoever started it: how far it got, and how it ended. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = Progressed.class, name = "Progressed"),
    @JsonSubTypes.Type(value = Ended.class, name = "Ended")
  })
  public sealed interface Report extends CborSerializable {}

  public record Progressed(long run, long entries, long files, long bytes) implements Report {}

  public record Ended(long run, SyncResult result, List<String> warnings) implements Report {
    public Ended {
      warnings = List.copyOf(warnings);
    }
  }

  /** Its node stops: the run ends at the next file boundary, answered as any other end. */
  public record Stop(String why) implements Command {}

  private record Finished(SyncRun.Finished finished) implements Command {}

  private record ToLog(SyncLog.Command command) implements Command {}

  private enum WaiterGone implements Command { INSTANCE }

  private enum RunGone implements Command { INSTANCE }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OneTimeSync.class);

  private OneTimeSync() {}

  /**
   * @param waiter whoever waits for the answer; the run stops when it is gone
   * @param reportTo where progress and the end go (the monitor, which answers the waiter)
   * @param logTo where the user's log records go ({@link FileSetScheduler.Logged}), when it has a user
   */
  public static Behavior<Command> create(
      Order order, SyncRun.Settings settings, Duration progressInterval, ActorRef<?> waiter,
      ActorRef<Report> reportTo, ActorRef<FileSetScheduler.Report> logTo) {
    return Behaviors.setup(ctx -> {
      ActorRef<SyncLog.Command> log = order.user() == null ? null : ctx.messageAdapter(SyncLog.Command.class, ToLog::new);
      long run = order.run();
      SyncRun.Request request = new SyncRun.Request(Path.of(order.source()), order.destination(),
          order.destinationRoot(), order.options(), null, null, log,
          new ThrottledProgress(progressInterval.toMillis(),
              (entries, files, bytes) -> reportTo.tell(new Progressed(run, entries, files, bytes))),
          order.user() == null ? System.getProperty("user.name") : order.user(), order.account());
      ActorRef<SyncRun.Command> sync = ctx.spawn(
          SyncRun.create(request, settings, ctx.messageAdapter(SyncRun.Finished.class, Finished::new), f -> f), "run");
      ctx.watchWith(sync, RunGone.INSTANCE);
      ctx.watchWith(waiter, WaiterGone.INSTANCE);
      return waiting(ctx, order, sync, reportTo, logTo);
    });
  }

  private static Behavior<Command> waiting(
      ActorContext<Command> ctx, Order order, ActorRef<SyncRun.Command> sync, ActorRef<Report> reportTo,
      ActorRef<FileSetScheduler.Report> logTo) {
    return Behaviors.receive(Command.class)
        .onMessage(Finished.class, f -> {
          reportTo.tell(new Ended(order.run(), f.finished().result(), f.finished().warnings()));
          return Behaviors.stopped();
        })
        .onMessage(ToLog.class, l -> toLog(order, logTo, l))
        .onMessage(Stop.class, s -> {
          sync.tell(new SyncRun.Stop(s.why()));
          return Behaviors.same();
        })
        .onMessageEquals(WaiterGone.INSTANCE, () -> {
          LOG.info("SYNCHRONIZE {}: its console stopped waiting; stopping it at the next file boundary",
              ctx.getSelf().path().name());
          sync.tell(new SyncRun.Stop("the console that started it stopped waiting (Ctrl-C, or it left)"));
          return unwatched(ctx, order, logTo);
        })
        .onMessageEquals(RunGone.INSTANCE, Behaviors::stopped)
        .build();
  }

  /** Nobody waits any more: the run ends at a file boundary and its answer goes nowhere. */
  private static Behavior<Command> unwatched(ActorContext<Command> ctx, Order order, ActorRef<FileSetScheduler.Report> logTo) {
    return Behaviors.receive(Command.class)
        .onMessage(Finished.class, f -> {
          LOG.info("SYNCHRONIZE {} ended without its console: {}", ctx.getSelf().path().name(),
              f.finished().result().summary());
          return Behaviors.stopped();
        })
        .onMessage(ToLog.class, l -> toLog(order, logTo, l))
        .onMessageEquals(RunGone.INSTANCE, Behaviors::stopped)
        .onMessageEquals(WaiterGone.INSTANCE, Behaviors::same)
        .onMessage(Stop.class, s -> Behaviors.same())
        .build();
  }

  private static Behavior<Command> toLog(Order order, ActorRef<FileSetScheduler.Report> logTo, ToLog toLog) {
    if (toLog.command() instanceof SyncLog.Append append) {
      logTo.tell(new FileSetScheduler.Logged(order.user(), append.records()));
    }
    return Behaviors.same();
  }
}
