package io.setsync.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import com.typesafe.config.Config;
import io.setsync.transfer.DestinationEndpoint;
import io.setsync.transfer.SourceSession;

/** The root of a node's actors: its data endpoint, and the source sessions it is asked to run. */
public final class NodeGuardian extends AbstractBehavior<NodeGuardian.Command> {

  public interface Command {}

  public record GetEndpoint(ActorRef<DestinationEndpoint.Binding> replyTo) implements Command {}

  public record Synchronize(
      SourceSession.Request request,
      SourceSession.Observer observer,
      ActorRef<SourceSession.Outcome> replyTo)
      implements Command {}

  public static Behavior<Command> create() {
    return Behaviors.setup(NodeGuardian::new);
  }

  private final ActorRef<DestinationEndpoint.Command> endpoint;
  private final SourceSession.Settings sessionSettings;
  private long sessions;

  private NodeGuardian(ActorContext<Command> ctx) {
    super(ctx);
    Config setsync = ctx.getSystem().settings().config().getConfig("setsync");
    sessionSettings = SourceSession.Settings.from(setsync.getConfig("transfer"));
    endpoint =
        ctx.spawn(
            DestinationEndpoint.create(
                setsync.getString("endpoint.host"),
                setsync.getInt("endpoint.port"),
                DestinationEndpoint.settingsFrom(setsync.getConfig("transfer"))),
            "endpoint");
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(GetEndpoint.class, this::onGetEndpoint)
        .onMessage(Synchronize.class, this::onSynchronize)
        .build();
  }

  private Behavior<Command> onGetEndpoint(GetEndpoint request) {
    endpoint.tell(new DestinationEndpoint.WhenBound(request.replyTo()));
    return this;
  }

  private Behavior<Command> onSynchronize(Synchronize request) {
    getContext()
        .spawn(
            SourceSession.create(request.request(), sessionSettings, request.observer(), request.replyTo()),
            "source-session-" + (++sessions),
            DispatcherSelector.fromConfig("setsync.io-dispatcher"));
    return this;
  }
}
