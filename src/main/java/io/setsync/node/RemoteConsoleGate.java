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
 * Without TLS anything that reaches the cluster port can be a member; with TLS
 * (conf/cluster-tls.conf) only holders of a node's or an administrator's certificate of the
 * cluster, and the caller names the administrator (the certificate's CN) when this node knows it.
 */
public final class RemoteConsoleGate {

  private RemoteConsoleGate() {}

  public static Behavior<Monitor.Command> create(ActorRef<Monitor.Command> monitor, String nodeName, boolean allowed) {
    return Behaviors.setup(ctx -> {
      io.setsync.transfer.ClusterTls.Admins admins =
          io.setsync.transfer.ClusterTls.ADMINS.get(akka.actor.typed.javadsl.Adapter.toClassic(ctx.getSystem()));
      return Behaviors.receiveMessage(command -> {
      if (!(command instanceof Monitor.Execute e)) return Behaviors.same();
      if (!allowed) {
        ctx.getLog().warn("remote console refused (setsync.console.remote is off): {}", e.command().getClass().getSimpleName());
        e.replyTo().tell(Result.Done.error("node " + nodeName + " does not allow remote consoles"
            + " (setsync.console.remote = off); run `scripts/setsync console` on its machine instead"));
        return Behaviors.same();
      }
      Caller remote = remoteCaller(e.replyTo(), admins::nameOf);
      // The caller says "remote console HOST:PORT [admin NAME] as ACCOUNT (uid N)".
      ctx.getLog().info("{}, as user {}: {}", remote, e.defaultUser(), e.command().getClass().getSimpleName());
      monitor.tell(new Monitor.Execute(e.command(), remote, e.defaultUser(), nodeName, e.replyTo()));
      return Behaviors.same();
      });
    });
  }

  /**
   * The node's own account, named after the console's cluster address so logs tell it apart, and
   * after its administrator's certificate over TLS: "remote console 1.2.3.4:5 admin alice as root".
   */
  static Caller remoteCaller(ActorRef<?> console, java.util.function.Function<String, java.util.Optional<String>> admins) {
    akka.actor.Address a = console.path().address();
    String where = a.host().isDefined() ? a.host().get() + ":" + a.port().get() : "?";
    String admin = admins.apply(where).map(name -> " admin " + name).orElse("");
    return new Caller("remote console " + where + admin + " as " + Caller.thisProcess().account(), Caller.thisProcess().uid());
  }
}
