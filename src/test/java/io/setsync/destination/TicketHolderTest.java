package io.setsync.destination;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.setsync.fs.SyncAccount;
import io.setsync.transfer.PeerIdentity;
import java.time.Duration;
import java.util.Set;
import org.junit.Test;

/** With TLS a ticket is the requesting node's: only a connection whose certificate names it may use it. */
public class TicketHolderTest {

  private static final PeerIdentity N1 = new PeerIdentity("n1", Set.of("n1", "setsync-cluster"), Set.of("127.0.0.2"));
  private static final PeerIdentity N2 = new PeerIdentity("n2", Set.of("n2", "setsync-cluster"), Set.of("127.0.0.3"));

  private final SessionTickets tickets = new SessionTickets(Duration.ofSeconds(10));

  private String issueTo(SessionTickets.Holder holder) {
    return tickets.issue("/dst", "alice", SyncAccount.process(), "", holder);
  }

  @Test
  public void theNodeTheTicketWasIssuedToIsAdmitted() {
    assertTrue(tickets.redeem(issueTo(new SessionTickets.Holder("127.0.0.2", null)), "/dst", "", N1).admitted());
    assertTrue(tickets.redeem(issueTo(new SessionTickets.Holder(null, "n1")), "/dst", "", N1).admitted());
  }

  @Test
  public void anotherNodesCertificateIsRefusedAndTheTicketIsGone() {
    String token = issueTo(new SessionTickets.Holder("127.0.0.2", null));
    SessionTickets.Admission refused = tickets.redeem(token, "/dst", "", N2);
    assertFalse(refused.admitted());
    assertTrue(refused.refusal(), refused.refusal().contains("issued to the node at 127.0.0.2, not to the holder of CN=n2"));
    assertFalse("used up", tickets.redeem(token, "/dst", "", N1).admitted());
  }

  @Test
  public void aConnectionWithoutACertificateCannotUseABoundTicket() {
    SessionTickets.Admission refused = tickets.redeem(issueTo(new SessionTickets.Holder(null, "n1")), "/dst", "", null);
    assertFalse(refused.admitted());
    assertTrue(refused.refusal(), refused.refusal().contains("a connection without a certificate"));
  }

  @Test
  public void anUnboundTicketNeedsNoCertificate() {
    assertTrue(tickets.redeem(issueTo(null), "/dst", "", null).admitted());
  }

  @Test
  public void namesMatchByIpOrDnsAndTheClusterNameIsShared() {
    assertTrue(N1.names("127.0.0.2"));
    assertTrue(N1.names("N1"));
    assertFalse(N1.names("127.0.0.3"));
    assertTrue(N1.sharesNameWith(N2));
    assertFalse(new PeerIdentity("alice", Set.of("alice"), Set.of()).sharesNameWith(N1));
  }
}
