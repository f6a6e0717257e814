package io.setsync.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import io.setsync.monitor.Monitor;

/**
 * Passes the local consoles' commands on to the monitor, wherever it runs, saying that they were
 * typed on this node: a bare source path in them names this node's files.
 */
public final class ConsoleForwarder {

  private ConsoleForwarder() {}

  public static Behavior<Monitor.Command> create(ActorRef<Monitor.Command> monitor, String nodeName) {
    return Behaviors.receiveMessage(command -> {
      monitor.tell(command instanceof Monitor.Execute e ? e.from(nodeName) : command);
      return Behaviors.same();
    });
  }
}
