package io.setsync.monitor;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import io.setsync.schedule.FileSetScheduler;

/**
 * Carries a node's scheduler reports to the monitor through its singleton proxy, which finds the
 * monitor wherever it runs and holds the reports while it moves: a sync that ends during a
 * hand-over is still recorded by the next monitor.
 */
public final class ReportRelay {

  private ReportRelay() {}

  public static Behavior<FileSetScheduler.Report> create(ActorRef<Monitor.Command> monitor) {
    return Behaviors.receiveMessage(report -> {
      monitor.tell(new Monitor.SchedulerReported(report));
      return Behaviors.same();
    });
  }
}
