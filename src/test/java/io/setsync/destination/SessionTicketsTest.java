package io.setsync.destination;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

public class SessionTicketsTest {

  private final AtomicLong now = new AtomicLong(1_000);
  private final SessionTickets tickets = new SessionTickets(Duration.ofSeconds(5), now::get);

  @Test
  public void aTicketAdmitsTheSessionItWasIssuedForOnce() {
    String token = tickets.issue("/dst", "alice", io.setsync.fs.SyncAccount.process(), "PURGE");
    SessionTickets.Admission first = tickets.redeem(token, "/dst", "PURGE");
    assertTrue(first.refusal(), first.admitted());
    assertEquals("alice", first.user());
    SessionTickets.Admission replay = tickets.redeem(token, "/dst", "PURGE");
    assertFalse("a replay is refused", replay.admitted());
    assertTrue(replay.refusal(), replay.refusal().contains("already used"));
  }

  @Test
  public void tokensAreLongAndDistinct() {
    String a = tickets.issue("/dst", "u", io.setsync.fs.SyncAccount.process(), "");
    String b = tickets.issue("/dst", "u", io.setsync.fs.SyncAccount.process(), "");
    assertNotEquals(a, b);
    assertTrue("at least 128 bits: " + a, a.length() * 4 >= 128);
  }

  @Test
  public void anotherRootOrOtherOptionsAreRefusedAndUseTheTicketUp() {
    String token = tickets.issue("/dst", "u", io.setsync.fs.SyncAccount.process(), "PURGE");
    assertRefused(tickets.redeem(token, "/etc", "PURGE"), "another destination root");
    assertRefused(tickets.redeem(token, "/dst", "PURGE"), "already used");
    String other = tickets.issue("/dst", "u", io.setsync.fs.SyncAccount.process(), "PURGE");
    assertRefused(tickets.redeem(other, "/dst", "OWNER root, PURGE"), "other options");
    String fewer = tickets.issue("/dst", "u", io.setsync.fs.SyncAccount.process(), "PURGE");
    assertRefused(tickets.redeem(fewer, "/dst", ""), "other options");
  }

  @Test
  public void aForgedOrMissingTicketIsRefused() {
    tickets.issue("/dst", "u", io.setsync.fs.SyncAccount.process(), "");
    assertRefused(tickets.redeem("00".repeat(32), "/dst", ""), "unknown");
    assertRefused(tickets.redeem("", "/dst", ""), "unknown");
    assertRefused(tickets.redeem(null, "/dst", ""), "unknown");
  }

  @Test
  public void anExpiredTicketIsRefusedAndForgotten() {
    String token = tickets.issue("/dst", "u", io.setsync.fs.SyncAccount.process(), "");
    now.addAndGet(Duration.ofSeconds(6).toNanos());
    assertFalse(tickets.redeem(token, "/dst", "").admitted());
    tickets.issue("/dst", "u", io.setsync.fs.SyncAccount.process(), "");
    now.addAndGet(Duration.ofSeconds(6).toNanos());
    tickets.issue("/dst", "u", io.setsync.fs.SyncAccount.process(), "");
    assertEquals("expired tickets are dropped", 1, tickets.outstanding());
  }

  @Test
  public void outstandingTicketsAreBounded() {
    for (int i = 0; i < SessionTickets.MAX_OUTSTANDING + 10; i++) tickets.issue("/dst", "u", io.setsync.fs.SyncAccount.process(), "");
    assertEquals(SessionTickets.MAX_OUTSTANDING, tickets.outstanding());
  }

  private static void assertRefused(SessionTickets.Admission admission, String why) {
    assertFalse("admitted, expected: " + why, admission.admitted());
    assertTrue(admission.refusal(), admission.refusal().contains(why));
  }
}
