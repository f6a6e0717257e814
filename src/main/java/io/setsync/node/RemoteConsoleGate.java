package io.setsync.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import io.setsync.command.Caller;
import io.setsync.monitor.Monitor;
import io.setsync.monitor.Result;

/**
 * Where a remote console ({@code setsync console --node HOST:PORT}, a cluster member of role
 * "console") sends its statements. Refused unless setsync.console.remote is on; allowed, a
 * statement goes on to the monitor as a caller marked remote, with this node's own account's
 * rights: an administrator's tool. Whatever caller the console put in its message is ignored.
 * (Until the cluster has TLS, anything that reaches the cluster port can be a member; then only
 * holders of a cluster certificate.)
 */
public final class RemoteConsoleGate {

  private RemoteConsoleGate() {}

  public static Behavior<Monitor.Command> create(ActorRef<Monitor.Command> monitor, String nodeName, boolean allowed) {
    return Behaviors.setup(ctx -> Behaviors.receiveMessage(command -> {
      if (!(command instanceof Monitor.Execute e)) return Behaviors.same();
      if (!allowed) {
        ctx.getLog().warn("remote console refused (setsync.console.remote is off): {}", e.command().getClass().getSimpleName());
        e.replyTo().tell(Result.Done.error("node " + nodeName + " does not allow remote consoles"
            + " (setsync.console.remote = off); run `scripts/setsync console` on its machine instead"));
        return Behaviors.same();
      }
      Caller remote = remoteCaller(e.replyTo());
      ctx.getLog().info("remote console {} as user {}: {}", remote, e.defaultUser(), e.command().getClass().getSimpleName());
      monitor.tell(new Monitor.Execute(e.command(), remote, e.defaultUser(), nodeName, e.replyTo()));
      return Behaviors.same();
    }));
  }

  /** The node's own account, named after the console's cluster address so logs tell it apart. */
  static Caller remoteCaller(ActorRef<?> console) {
    akka.actor.Address a = console.path().address();
    String where = a.host().isDefined() ? a.host().get() + ":" + a.port().get() : "?";
    return new Caller("remote console " + where + " as " + Caller.thisProcess().account(), Caller.thisProcess().uid());
  }
}
