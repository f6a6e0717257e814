package io.setsync.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.receptionist.Receptionist;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.ClusterSingletonSettings;
import akka.cluster.typed.SingletonActor;
import com.typesafe.config.Config;
import io.setsync.console.ConsoleClient;
import io.setsync.console.ConsoleEndpoint;
import io.setsync.monitor.Monitor;
import io.setsync.monitor.ReportRelay;
import io.setsync.schedule.FileSetScheduler;
import io.setsync.schedule.NodeAgent;
import io.setsync.destination.DestinationEndpoint;
import io.setsync.schedule.SyncRun;

/**
 * The root of a node's actors: its data endpoint (registered with the receptionist under the
 * node's name), the runs of one-time syncs, and, in a clustered node, the monitor singleton and
 * its proxy, the agent that runs this node's schedulers, the console socket and the remote
 * consoles' gate.
 */
public final class NodeGuardian extends AbstractBehavior<NodeGuardian.Command> {

  public interface Command extends io.setsync.LocalMessage {}

  public record GetEndpoint(ActorRef<DestinationEndpoint.Binding> replyTo) implements Command {}

  /** Replies with the monitor's singleton proxy (clustered nodes only). */
  public record GetMonitor(ActorRef<ActorRef<Monitor.Command>> replyTo) implements Command {}

  /** Replies once the console socket listens, or with why it does not (clustered nodes only). */
  public record GetConsole(ActorRef<ConsoleEndpoint.Bound> replyTo) implements Command {}

  /**
   * The node is stopping: its schedulers end their syncs at a file boundary (answered when all
   * have stopped), and the monitor hears that the node is leaving.
   */
  public record StopSchedulers(ActorRef<NodeAgent.Stopped> replyTo) implements Command {}

  /** Runs one sync from this node (the CLI's, the benchmark's). */
  public record Synchronize(SyncRun.Request request, ActorRef<SyncRun.Finished> replyTo) implements Command {}

  /** The role of the nodes that run the monitor and the schedulers (the console has its own). */
  public static final String NODE_ROLE = "node";

  public static Behavior<Command> create(String nodeName, boolean clustered) {
    return Behaviors.setup(ctx -> new NodeGuardian(ctx, nodeName, clustered));
  }

  private final ActorRef<DestinationEndpoint.Command> endpoint;
  private final SyncRun.Settings runSettings;
  private final ActorRef<Monitor.Command> monitor;
  private final ActorRef<ConsoleEndpoint.Command> console;
  private final ActorRef<NodeAgent.Command> agent;
  private final String nodeName;
  private long sessions;

  private NodeGuardian(ActorContext<Command> ctx, String nodeName, boolean clustered) {
    super(ctx);
    Config setsync = ctx.getSystem().settings().config().getConfig("setsync");
    runSettings = SyncRun.Settings.from(setsync);
    endpoint =
        ctx.spawn(
            DestinationEndpoint.create(
                setsync.getString("endpoint.host"),
                setsync.getInt("endpoint.port"),
                DestinationEndpoint.settingsFrom(setsync.getConfig("transfer"))),
            "endpoint");
    ctx.getSystem().receptionist().tell(Receptionist.register(Monitor.endpointKey(nodeName), endpoint));
    this.nodeName = nodeName;
    monitor = clustered ? startMonitor(ctx, setsync, nodeName) : null;
    agent = clustered ? startAgent(ctx, setsync, nodeName, monitor) : null;
    console = clustered ? startConsoles(ctx, setsync, nodeName, monitor) : null;
  }

  /** The agent that runs this node's schedulers, reporting to the monitor wherever it runs. */
  private static ActorRef<NodeAgent.Command> startAgent(
      ActorContext<Command> ctx, Config setsync, String nodeName, ActorRef<Monitor.Command> monitor) {
    ActorRef<FileSetScheduler.Report> reports = ctx.spawn(ReportRelay.create(monitor), "scheduler-reports");
    return ctx.spawn(NodeAgent.create(nodeName, reports, FileSetScheduler.Settings.from(setsync)), "agent");
  }

  /** The local console socket, and the gate that remote consoles (when allowed) go through. */
  private static ActorRef<ConsoleEndpoint.Command> startConsoles(
      ActorContext<Command> ctx, Config setsync, String nodeName, ActorRef<Monitor.Command> monitor) {
    akka.actor.Address self = akka.cluster.typed.Cluster.get(ctx.getSystem()).selfMember().address();
    String cluster = self.getHost().orElse("?") + ":" + self.getPort().orElse(0);
    ActorRef<Monitor.Command> gate = ctx.spawn(
        RemoteConsoleGate.create(monitor, nodeName, setsync.getBoolean("console.remote")), "remote-console");
    ctx.getSystem().receptionist().tell(Receptionist.register(ConsoleClient.GATE_KEY, gate));
    ActorRef<Monitor.Command> local = ctx.spawn(ConsoleForwarder.create(monitor, nodeName), "console-commands");
    return ctx.spawn(ConsoleEndpoint.create(ConsoleEndpoint.Settings.from(setsync, cluster), local), "console");
  }

  private static ActorRef<Monitor.Command> startMonitor(ActorContext<Command> ctx, Config setsync, String nodeName) {
    Monitor.Settings settings = Monitor.Settings.from(setsync.withValue("node.name",
        com.typesafe.config.ConfigValueFactory.fromAnyRef(nodeName)));
    return ClusterSingleton.get(ctx.getSystem()).init(
        SingletonActor.of(Monitor.create(settings, FileSetScheduler.Settings.from(setsync)), "monitor")
            .withSettings(ClusterSingletonSettings.create(ctx.getSystem()).withRole(NODE_ROLE))
            .withStopMessage(Monitor.HandOver.INSTANCE));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(GetEndpoint.class, this::onGetEndpoint)
        .onMessage(GetMonitor.class, this::onGetMonitor)
        .onMessage(Synchronize.class, this::onSynchronize)
        .onMessage(GetConsole.class, this::onGetConsole)
        .onMessage(StopSchedulers.class, this::onStopSchedulers)
        .build();
  }

  private Behavior<Command> onStopSchedulers(StopSchedulers stop) {
    if (agent == null) {
      stop.replyTo().tell(NodeAgent.Stopped.INSTANCE);
      return this;
    }
    monitor.tell(new Monitor.Shutdown(nodeName, getContext().getSystem().ignoreRef()));
    agent.tell(new NodeAgent.StopAll(stop.replyTo()));
    return this;
  }

  private Behavior<Command> onGetConsole(GetConsole request) {
    if (console != null) console.tell(new ConsoleEndpoint.WhenBound(request.replyTo()));
    return this;
  }

  private Behavior<Command> onGetEndpoint(GetEndpoint request) {
    endpoint.tell(new DestinationEndpoint.WhenBound(request.replyTo()));
    return this;
  }

  private Behavior<Command> onGetMonitor(GetMonitor request) {
    if (monitor != null) request.replyTo().tell(monitor);
    return this;
  }

  private Behavior<Command> onSynchronize(Synchronize request) {
    getContext().spawn(SyncRun.create(request.request(), runSettings, request.replyTo()), "sync-" + (++sessions));
    return this;
  }
}
