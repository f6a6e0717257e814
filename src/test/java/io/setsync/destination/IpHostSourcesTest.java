package io.setsync.destination;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.setsync.fs.SyncAccount;
import io.setsync.transfer.PeerIdentity;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.Test;

/** setsync.iphost.accept: who may come without a ticket, writing as whom, where; and its checks at start. */
public class IpHostSourcesTest {

  private static final PeerIdentity N1 = new PeerIdentity("n1", Set.of("n1", "setsync-cluster"), Set.of("10.0.0.1"));
  private static final PeerIdentity N2 = new PeerIdentity("n2", Set.of("n2", "setsync-cluster"), Set.of("10.0.0.2"));

  private static Config config(String accept, boolean tls) {
    return ConfigFactory.parseString("setsync.iphost.accept = [" + accept + "]\nsetsync.tls.enabled = " + tls)
        .withFallback(ConfigFactory.defaultReference()).resolve();
  }

  private static IpHostSources sources(String accept) {
    return IpHostSources.from(config(accept, true));
  }

  private static final String N1_BACKUP = "{ node = n1, account = backup, roots = [\"/srv/backup/n1/\", /srv/shared] }";

  @Test
  public void anAcceptedSourceWritesAsItsAccountUnderItsRoots() {
    SessionTickets.Admission a = sources(N1_BACKUP).admit(N1, "/srv/backup/n1/home");
    assertNull(a.refusal());
    assertEquals("backup", a.user());
    assertEquals(new SyncAccount("backup", List.of("/srv/backup/n1", "/srv/shared")), a.account());
    assertTrue(sources(N1_BACKUP).admit(N1, "/srv/shared").admitted());
  }

  @Test
  public void outsideItsRootsNothingIsAdmitted() {
    for (String root : List.of("/srv/backup/n10", "/srv/backup", "/srv/backup/n1/../n2", "/etc", "relative", "")) {
      SessionTickets.Admission a = sources(N1_BACKUP).admit(N1, root);
      assertTrue(root + ": " + a.refusal(), !a.admitted() && a.refusal().contains("may write only under"));
    }
  }

  @Test
  public void anotherCertificateOrNoneIsRefused() {
    assertTrue(sources(N1_BACKUP).admit(N2, "/srv/shared").refusal().contains("is not an IPHOST source"));
    assertTrue(sources(N1_BACKUP).admit(null, "/srv/shared").refusal().contains("no certificate"));
  }

  @Test
  public void aHelloWithoutATicketIsAskedOfTheTableOnlyWhenThereIsOne() {
    SessionTickets tickets = new SessionTickets(Duration.ofSeconds(10), sources(N1_BACKUP));
    assertTrue(tickets.redeem("", "/srv/shared", "", N1).admitted());
    assertTrue(tickets.redeem(null, "/etc", "", N1).refusal().contains("may write only under"));
    SessionTickets none = new SessionTickets(Duration.ofSeconds(10));
    assertTrue(none.redeem("", "/srv/shared", "", N1).refusal().contains("no valid session ticket"));
    // A ticket that was never issued is no way around the table either.
    assertTrue(tickets.redeem("ab".repeat(32), "/srv/shared", "", N1).refusal().contains("no valid session ticket"));
  }

  @Test
  public void badTablesStopTheNodeWithTheEntryNamed() {
    assertBad("{ account = backup, roots = [/srv] }", true, "setsync.iphost.accept.0.node is needed");
    assertBad("{ node = \"n1:7000\", account = backup, roots = [/srv] }", true, ".node \"n1:7000\"");
    assertBad("{ node = n1, account = \"9x\", roots = [/srv] }", true, ".account \"9x\"");
    assertBad("{ node = n1, account = backup, roots = [] }", true, "at least one directory");
    assertBad("{ node = n1, account = backup, roots = [srv] }", true, ".roots \"srv\"");
    assertBad("{ node = n1, account = backup, roots = [\"/a/../b\"] }", true, ".roots \"/a/../b\"");
    assertBad(N1_BACKUP + ", " + N1_BACKUP, true, "names source node n1 twice");
    assertBad(N1_BACKUP, false, "needs TLS");
    assertNull(DestinationEndpoint.ipHostProblem(config("", false)));
  }

  private static void assertBad(String accept, boolean tls, String expected) {
    try {
      IpHostSources.from(config(accept, tls));
      fail("accepted " + accept);
    } catch (IpHostSources.BadConfig e) {
      assertTrue(e.getMessage(), e.getMessage().contains(expected));
    }
    assertTrue(DestinationEndpoint.ipHostProblem(config(accept, tls)).contains(expected));
  }
}
