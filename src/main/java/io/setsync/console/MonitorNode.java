package io.setsync.console;

import akka.cluster.ClusterEvent;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import java.util.Optional;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * Where the monitor runs, as this node sees the cluster: the monitor is a cluster singleton, and a
 * singleton runs on the oldest member that is up (or leaving, until it has handed over). A console
 * whose statement went there while that member is unreachable would wait its whole answer time for
 * an answer that cannot come.
 *
 * <p>This follows the singleton proxy's own view, which a statement takes: the proxy keeps sending to
 * the oldest member that has been up until that member has exited or been removed. A member the
 * cluster has downed is still its target until it is removed, so a statement sent then is lost too.
 */
final class MonitorNode {

  private MonitorNode() {}

  /** The member the monitor's statements go to, if any member is up. */
  static Optional<Member> of(ClusterEvent.CurrentClusterState state) {
    return of(state.getMembers());
  }

  static Optional<Member> of(Iterable<Member> members) {
    return StreamSupport.stream(members.spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up() || m.status() == MemberStatus.leaving()
            || m.status() == MemberStatus.down())
        .reduce((a, b) -> a.isOlderThan(b) ? a : b);
  }

  /** Why the monitor cannot answer now, as a console says it: its member is unreachable from here, or down. */
  static Optional<String> unreachable(ClusterEvent.CurrentClusterState state) {
    return unreachable(state.getMembers(), state.getUnreachable());
  }

  static Optional<String> unreachable(Iterable<Member> members, Set<Member> unreachable) {
    return of(members).filter(m -> m.status() == MemberStatus.down() || unreachable.contains(m)).map(MonitorNode::why);
  }

  /** Whether {@code member} is the one the monitor runs on. */
  static boolean isMonitors(ClusterEvent.CurrentClusterState state, Member member) {
    return of(state).map(m -> m.uniqueAddress().equals(member.uniqueAddress())).orElse(false);
  }

  static String why(Member member) {
    akka.actor.Address a = member.address();
    String where = a.host().isDefined() ? a.host().get() + ":" + a.port().get() : a.toString();
    if (member.status() == MemberStatus.down()) {
      return "the monitor's node (" + where + ") has been downed; another node takes the monitor over once the"
          + " cluster has removed it (a few seconds)";
    }
    return "the monitor's node (" + where + ") is unreachable; another node takes the monitor over once the"
        + " cluster has downed it (some 10 to 20 s)";
  }
}
