package io.setsync.console;

import akka.cluster.ClusterEvent;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * Where the monitor runs, as this node sees the cluster: the monitor is a cluster singleton, and a
 * singleton runs on the oldest member that is up (or leaving, until it has handed over). A console
 * whose statement went there while that member is unreachable would wait its whole answer time for
 * an answer that cannot come.
 */
final class MonitorNode {

  private MonitorNode() {}

  /** The member the monitor runs on, if any member is up. */
  static Optional<Member> of(ClusterEvent.CurrentClusterState state) {
    return StreamSupport.stream(state.getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up() || m.status() == MemberStatus.leaving())
        .reduce((a, b) -> a.isOlderThan(b) ? a : b);
  }

  /** Why the monitor cannot answer now, as a console says it: its member is unreachable from here. */
  static Optional<String> unreachable(ClusterEvent.CurrentClusterState state) {
    return of(state).filter(state.getUnreachable()::contains).map(MonitorNode::why);
  }

  /** Whether {@code member} is the one the monitor runs on. */
  static boolean isMonitors(ClusterEvent.CurrentClusterState state, Member member) {
    return of(state).map(m -> m.uniqueAddress().equals(member.uniqueAddress())).orElse(false);
  }

  static String why(Member member) {
    akka.actor.Address a = member.address();
    String where = a.host().isDefined() ? a.host().get() + ":" + a.port().get() : a.toString();
    return "the monitor's node (" + where + ") is unreachable; another node takes the monitor over once the"
        + " cluster has downed it (some 10 to 20 s)";
  }
}
