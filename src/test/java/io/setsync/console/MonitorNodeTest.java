package io.setsync.console;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import akka.actor.Address;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.UniqueAddress;
import akka.util.Version;
import java.util.List;
import java.util.Set;
import org.junit.Test;

/** Which member a console's statement goes to, and when its answer cannot come: as the singleton proxy sees it. */
public class MonitorNodeTest {

  private static Member member(int port, int upNumber, MemberStatus status) {
    UniqueAddress address = new UniqueAddress(new Address("akka", "setsync", "10.0.0.1", port), (long) port);
    scala.collection.immutable.Set<String> roles =
        scala.jdk.javaapi.CollectionConverters.asScala(Set.of("dc-default")).toSet();
    return new Member(address, upNumber, status, roles, Version.Zero());
  }

  @Test
  public void theOldestUpMemberRunsTheMonitor() {
    Member oldest = member(2551, 1, MemberStatus.up());
    Member younger = member(2552, 2, MemberStatus.up());
    assertEquals(oldest, MonitorNode.of(List.of(younger, oldest)).get());
    assertFalse(MonitorNode.unreachable(List.of(younger, oldest), Set.of(younger)).isPresent());
  }

  @Test
  public void anUnreachableOldestMeansNoAnswer() {
    Member oldest = member(2551, 1, MemberStatus.up());
    Member younger = member(2552, 2, MemberStatus.up());
    String why = MonitorNode.unreachable(List.of(oldest, younger), Set.of(oldest)).get();
    assertTrue(why, why.contains("10.0.0.1:2551") && why.contains("is unreachable"));
  }

  /** The window that once lost a STATUS for 30 s: downed, not yet removed, still the proxy's target. */
  @Test
  public void aDownedOldestIsStillTheTargetAndCannotAnswer() {
    Member downed = member(2551, 1, MemberStatus.down());
    Member younger = member(2552, 2, MemberStatus.up());
    assertEquals(downed, MonitorNode.of(List.of(younger, downed)).get());
    String why = MonitorNode.unreachable(List.of(younger, downed), Set.of()).get();
    assertTrue(why, why.contains("has been downed"));
  }

  @Test
  public void anExitingOldestIsNoLongerTheTarget() {
    Member exiting = member(2551, 1, MemberStatus.exiting());
    Member younger = member(2552, 2, MemberStatus.up());
    assertEquals(younger, MonitorNode.of(List.of(exiting, younger)).get());
    assertFalse(MonitorNode.unreachable(List.of(exiting, younger), Set.of()).isPresent());
  }
}
