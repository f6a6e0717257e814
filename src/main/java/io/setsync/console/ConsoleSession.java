package io.setsync.console;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import io.setsync.command.Caller;
import io.setsync.command.CommandException;
import io.setsync.command.CommandParser;
import io.setsync.command.HelpText;
import io.setsync.command.Statement;
import io.setsync.monitor.Monitor;
import io.setsync.monitor.Result;
import io.setsync.transfer.PeerText;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One console connection on the node's Unix-domain socket ({@link ConsoleProtocol}): reads its
 * statements, runs each at the monitor as the {@link Caller} the kernel named, and writes back the
 * answer and its completion code. Statements run one at a time, in order.
 *
 * <p>The socket's blocking reads and writes run on the console endpoint's own bounded executor.
 * A SYNCHRONIZE is answered to a waiter child, which the node's run watches: when the connection
 * closes (the session stops, and its children with it) or the client sends {@code :cancel}, the
 * waiter stops and the run ends at the next file boundary.
 */
public final class ConsoleSession {

  public interface Command extends io.setsync.LocalMessage {}

  /**
   * The session's limits and what ENV tells about the node. A statement waits commandTimeout for the
   * monitor's answer, or unavailableTimeout (when shorter) while the node knows the monitor's journal
   * cannot be reached: then the monitor cannot have recovered, or cannot write, and says nothing.
   */
  public record Settings(
      Duration commandTimeout, int maxLineBytes, int statementsPerSecond, int maxQueued, String cluster,
      String socket, Duration unavailableTimeout) {

    /** With the default wait while the journal cannot be reached (reference.conf's). */
    public Settings(
        Duration commandTimeout, int maxLineBytes, int statementsPerSecond, int maxQueued, String cluster,
        String socket) {
      this(commandTimeout, maxLineBytes, statementsPerSecond, maxQueued, cluster, socket, Duration.ofSeconds(5));
    }
  }

  private record LineRead(String line) implements Command {}

  /** The connection ended (null: the peer closed it) or broke. */
  private record Ended(String why) implements Command {}

  private record Answered(long seq, Result result) implements Command {}

  /** A member became unreachable: when it is the monitor's, the statement at the monitor is answered now. */
  private record MemberUnreachable(akka.cluster.Member member) implements Command {}

  public static Behavior<Command> create(
      SocketChannel channel, Caller caller, ActorRef<Monitor.Command> monitor, Executor blocking, Settings settings) {
    return Behaviors.setup(ctx -> new ConsoleSession(ctx, channel, caller, monitor, blocking, settings).ready());
  }

  private final ActorContext<Command> ctx;
  private final SocketChannel channel;
  private final Caller caller;
  private final ActorRef<Monitor.Command> monitor;
  private final Executor blocking;
  private final Settings settings;
  private final ChannelLines lines;
  private final JournalReachability.Known journal;
  private final akka.cluster.typed.Cluster cluster;
  private final Deque<String> queued = new ArrayDeque<>();
  private CompletableFuture<Void> writes = CompletableFuture.completedFuture(null);
  private ConsoleParameters parameters;
  private boolean started;
  private long seq;
  private long waiters;

  private ConsoleSession(
      ActorContext<Command> ctx, SocketChannel channel, Caller caller, ActorRef<Monitor.Command> monitor,
      Executor blocking, Settings settings) {
    this.ctx = ctx;
    this.channel = channel;
    this.caller = caller;
    this.monitor = monitor;
    this.blocking = blocking;
    this.settings = settings;
    this.lines = new ChannelLines(channel, settings.maxLineBytes());
    this.journal = JournalReachability.of(ctx.getSystem());
    // Without a cluster (a test's actor system) the monitor is always here.
    this.cluster = "cluster".equals(ctx.getSystem().settings().config().getString("akka.actor.provider"))
        ? akka.cluster.typed.Cluster.get(ctx.getSystem()) : null;
    if (cluster != null) cluster.subscriptions().tell(akka.cluster.typed.Subscribe.create(
        ctx.messageAdapter(akka.cluster.ClusterEvent.UnreachableMember.class, u -> new MemberUnreachable(u.member())),
        akka.cluster.ClusterEvent.UnreachableMember.class));
    this.parameters = new ConsoleParameters(caller.account(), false);
    ctx.getLog().info("console connection from {}", caller);
    ActorRef<Command> self = ctx.getSelf();
    blocking.execute(() -> readAll(self));
  }

  // ---- phases ----

  /** Waiting for the next statement. */
  private Behavior<Command> ready() {
    return Behaviors.receive(Command.class)
        .onMessage(LineRead.class, r -> {
          queued.add(r.line());
          return drain();
        })
        .onMessage(Answered.class, a -> Behaviors.same()) // the late answer of a cancelled statement
        .onMessage(MemberUnreachable.class, u -> Behaviors.same())
        .onMessage(Ended.class, this::onEnded)
        .onSignal(PostStop.class, s -> closed())
        .build();
  }

  /** A statement is at the monitor; later lines wait their turn, except {@code :cancel}. */
  private Behavior<Command> busy(long awaited, boolean synchronize) {
    return Behaviors.receive(Command.class)
        .onMessage(LineRead.class, r -> onLineWhileBusy(r.line(), synchronize))
        .onMessage(Answered.class, a -> a.seq() == awaited ? answered(a.result()) : Behaviors.same())
        .onMessage(MemberUnreachable.class, u -> synchronize || !MonitorNode.isMonitors(cluster.state(), u.member())
            ? Behaviors.same() : answered(lostAtTheMonitor(u.member())))
        .onMessage(Ended.class, this::onEnded)
        .onSignal(PostStop.class, s -> closed())
        .build();
  }

  /** After EXIT: nothing more runs; the reader sees the close and ends the session. */
  private Behavior<Command> closing() {
    return Behaviors.receive(Command.class)
        .onMessage(Ended.class, e -> Behaviors.stopped())
        .onAnyMessage(m -> Behaviors.same())
        .onSignal(PostStop.class, s -> closed())
        .build();
  }

  // ---- statements ----

  /** Runs one line: null when it was answered at once, else the phase that waits for its answer. */
  private Behavior<Command> onStatement(String line) {
    boolean first = !started;
    started = true;
    if (first && line.startsWith(ConsoleProtocol.SESSION)) return onSession(line);
    if (line.strip().equals(ConsoleProtocol.CANCEL)) return null; // nothing under way
    Statement statement;
    try {
      statement = CommandParser.parse(line);
    } catch (CommandException e) {
      return reply(syntaxError(line, e));
    }
    if (statement instanceof Statement.Nothing) return reply(new ConsoleProtocol.Answer(List.of(), 0));
    if (statement instanceof Statement.Exit) {
      write(ConsoleProtocol.encode(new ConsoleProtocol.Answer(List.of(), 0)));
      writes = writes.whenComplete((v, e) -> closeQuietly());
      queued.clear();
      return closing();
    }
    if (statement instanceof Statement.Help h) {
      String text = HelpText.forTopic(h.topic());
      return reply(render(HelpText.knows(h.topic()) ? Result.Done.ok(text) : Result.Done.error(text.strip())));
    }
    if (statement instanceof Statement.SetParameter || statement instanceof Statement.Reset) {
      return reply(render(parameters.apply(statement)));
    }
    if (statement instanceof Statement.OpenPage) return reply(render(openPage()));
    ctx.getLog().info("console {} as user {}: {}", caller, PeerText.of(parameters.user()), PeerText.of(line));
    long awaited = ++seq;
    if (statement instanceof Statement.Synchronize) {
      ctx.spawn(waiter(statement, parameters.user(), awaited), "synchronize-" + (++waiters));
      return busy(awaited, true);
    }
    boolean env = statement instanceof Statement.Env;
    boolean unavailable = journal.problem().isPresent() || monitorUnreachable().isPresent();
    Duration timeout = unavailable && settings.unavailableTimeout().compareTo(settings.commandTimeout()) < 0
        ? settings.unavailableTimeout() : settings.commandTimeout();
    ctx.ask(Result.class, monitor, timeout,
        ref -> new Monitor.Execute(statement, caller, parameters.user(), ref),
        (result, failure) -> new Answered(awaited, result != null ? (env ? env(result) : result) : noAnswer(timeout)));
    return busy(awaited, false);
  }

  /** This node's page, with a login for the caller the kernel named; answered here, not by the monitor. */
  private Result openPage() {
    ctx.getLog().info("console {} opened the status page", caller);
    return PageLogins.get(ctx.getSystem()).openFor(caller)
        .<Result>map(url -> Result.Done.ok(url + "\n(valid once, for " + PageLogins.LOGIN_TTL.toSeconds()
            + " s: open it in a browser on this machine, or through an SSH tunnel to it)"))
        .orElseGet(() -> Result.Done.error("this node serves no status page (setsync.http.enabled = off)"));
  }

  /** The monitor's silence: its node unreachable, or the database its journal cannot reach, when the node knows. */
  private Result noAnswer(Duration waited) {
    Optional<String> away = monitorUnreachable();
    if (away.isPresent()) return Result.Done.error("the monitor is unavailable: " + away.get() + "; ask again then");
    return journal.problem()
        .map(why -> Result.Done.error("the monitor is unavailable: " + why + "; it retries until the database answers"))
        .orElseGet(() -> Result.Done.error("the monitor did not answer within " + waited.toSeconds()
            + " s; the node may be stopping"));
  }

  private Optional<String> monitorUnreachable() {
    return cluster == null ? Optional.empty() : MonitorNode.unreachable(cluster.state());
  }

  /** The statement went to a monitor whose node is now unreachable: its answer may never come. */
  private Result lostAtTheMonitor(akka.cluster.Member member) {
    return Result.Done.error("the monitor is unavailable: " + MonitorNode.why(member) + ". The statement may or may"
        + " not have been carried out: look (INFO, STATUS) before you repeat it");
  }

  private Behavior<Command> onSession(String line) {
    ConsoleProtocol.Session session = ConsoleProtocol.parseSession(line);
    if (session == null) return reply(render(Result.Done.error("malformed " + ConsoleProtocol.SESSION + " line")));
    // --user only chooses the sync user to act for; the monitor decides what this caller may do as it.
    parameters = new ConsoleParameters(session.user() != null ? session.user() : caller.account(), session.json());
    return null;
  }

  private Behavior<Command> onLineWhileBusy(String line, boolean synchronize) {
    if (line.strip().equals(ConsoleProtocol.CANCEL)) {
      if (!synchronize) return Behaviors.same();
      ctx.getLog().info("console {} cancelled its SYNCHRONIZE", caller);
      ctx.getChildren().forEach(ctx::stop);
      return answered(Result.Done.error("interrupted: the node stops the synchronization at the next file boundary"));
    }
    if (queued.size() >= settings.maxQueued()) {
      return ended("more than " + settings.maxQueued() + " statements sent ahead of their answers");
    }
    queued.add(line);
    return Behaviors.same();
  }

  private Behavior<Command> answered(Result result) {
    write(ConsoleProtocol.encode(render(result)));
    return drain();
  }

  /** Runs the queued statements until one goes to the monitor: then the session waits for it. */
  private Behavior<Command> drain() {
    while (!queued.isEmpty()) {
      Behavior<Command> waiting = onStatement(queued.poll());
      if (waiting != null) return waiting;
    }
    return ready();
  }

  /** Answers at once; the session stays ready (null). */
  private Behavior<Command> reply(ConsoleProtocol.Answer answer) {
    write(ConsoleProtocol.encode(answer));
    return null;
  }

  /** Waits for one SYNCHRONIZE's answer; stopping it tells the node that nobody waits any more. */
  private Behavior<Result> waiter(Statement statement, String user, long awaited) {
    ActorRef<Command> session = ctx.getSelf();
    return Behaviors.setup(w -> {
      monitor.tell(new Monitor.Execute(statement, caller, user, w.getSelf()));
      return Behaviors.receiveMessage(result -> {
        session.tell(new Answered(awaited, result));
        return Behaviors.stopped();
      });
    });
  }

  /** ENV: the monitor's values, this session's parameters, and who the node takes the caller for. */
  private Result env(Result fromMonitor) {
    Result withSession = parameters.env(fromMonitor, settings.cluster(), settings.socket());
    if (!(withSession instanceof Result.Env e)) return withSession;
    Map<String, String> values = new HashMap<>(e.values());
    values.put("caller", caller.toString());
    return new Result.Env(values);
  }

  private ConsoleProtocol.Answer render(Result result) {
    return Answers.of(result, parameters.json());
  }

  private ConsoleProtocol.Answer syntaxError(String line, CommandException e) {
    return Answers.syntaxError(line, e, parameters.json());
  }

  // ---- the socket ----

  private Behavior<Command> onEnded(Ended ended) {
    return ended(ended.why());
  }

  private Behavior<Command> ended(String why) {
    if (why != null) {
      ctx.getLog().info("console connection from {} ended: {}", caller, why);
      write(ConsoleProtocol.encode(render(Result.Done.error(why))));
      writes = writes.whenComplete((v, e) -> closeQuietly());
    } else {
      ctx.getLog().info("console connection from {} closed", caller);
    }
    return Behaviors.stopped();
  }

  private Behavior<Command> closed() {
    // An error answer still on its way closes the channel itself when written.
    if (writes.isDone()) closeQuietly();
    return Behaviors.same();
  }

  /** The reader: every line to the session, at most statementsPerSecond a second. Runs on {@link #blocking}. */
  private void readAll(ActorRef<Command> self) {
    long windowStart = System.nanoTime();
    int inWindow = 0;
    try {
      for (String line; (line = lines.readLine()) != null; ) {
        if (++inWindow > settings.statementsPerSecond()) {
          long wait = 1_000_000_000L - (System.nanoTime() - windowStart);
          if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait); // the rate limit
          windowStart = System.nanoTime();
          inWindow = 1;
        }
        self.tell(new LineRead(line));
      }
      self.tell(new Ended(null));
    } catch (ChannelLines.TooLong e) {
      self.tell(new Ended(e.getMessage()));
    } catch (IOException e) {
      self.tell(new Ended(null)); // closed under the reader: the session is ending anyway
    }
  }

  private void write(List<String> wire) {
    writes = writes.thenRunAsync(() -> {
      try {
        lines.writeLines(wire);
      } catch (IOException e) {
        closeQuietly(); // the reader then ends the session
      }
    }, blocking);
  }

  private void closeQuietly() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing left to tell the peer
    }
  }
}
