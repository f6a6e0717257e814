package io.setsync.destination;

import io.setsync.fs.SyncAccount;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The single-use tickets an endpoint issued and not yet seen used. A ticket names one destination
 * root, one sync user and one option text; a session is admitted only with a ticket that names
 * exactly what its Hello asks for (equal options, not merely fewer: a ticket is for one session
 * that was already decided, so there is nothing to narrow), before it expires. A ticket is gone at
 * its first presentation, admitted or not, so a replay, or a second guess at one, finds nothing.
 *
 * <p>Thread-safe: the endpoint issues, its receivers redeem.
 */
final class SessionTickets {

  /** What a ticket allows: one session to this root, for this user, as this account, with these options. */
  record Ticket(String root, String user, SyncAccount account, String options, long expiresAtNanos) {}

  /**
   * A redeemed ticket's user and the account its session writes as, or why the session is refused
   * (a sentence for the peer and the log).
   */
  record Admission(String user, SyncAccount account, String refusal) {
    boolean admitted() {
      return refusal == null;
    }
  }

  /** Bytes of randomness in a token: 256 bits, well above what guessing within seconds could find. */
  static final int TOKEN_BYTES = 32;

  /** Most tickets outstanding at once; past it the oldest is dropped (it would expire unused anyway). */
  static final int MAX_OUTSTANDING = 10_000;

  private final SecureRandom random = new SecureRandom();
  private final Map<String, Ticket> outstanding = new LinkedHashMap<>();
  private final Duration ttl;
  private final LongSupplier nanoClock;

  SessionTickets(Duration ttl, LongSupplier nanoClock) {
    if (ttl.isNegative() || ttl.isZero()) throw new IllegalArgumentException("ticket-ttl must be positive: " + ttl);
    this.ttl = ttl;
    this.nanoClock = nanoClock;
  }

  SessionTickets(Duration ttl) {
    this(ttl, System::nanoTime);
  }

  /** A new token for one session to {@code root} for {@code user} with {@code options}. */
  synchronized String issue(String root, String user, SyncAccount account, String options) {
    long now = nanoClock.getAsLong();
    dropExpired(now);
    while (outstanding.size() >= MAX_OUTSTANDING) {
      Iterator<String> oldest = outstanding.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    byte[] bytes = new byte[TOKEN_BYTES];
    random.nextBytes(bytes);
    String token = HexFormat.of().formatHex(bytes);
    outstanding.put(token, new Ticket(root, user, account, options, now + ttl.toNanos()));
    return token;
  }

  /** Uses up {@code token}: admitted only if it was issued for this root and these options and is still valid. */
  synchronized Admission redeem(String token, String root, String options) {
    long now = nanoClock.getAsLong();
    Ticket ticket = token == null ? null : outstanding.remove(token);
    dropExpired(now);
    if (ticket == null) return refused("no valid session ticket (unknown, forged or already used)");
    if (now - ticket.expiresAtNanos() > 0) return refused("the session ticket has expired");
    if (!ticket.root().equals(root)) return refused("the session ticket is for another destination root");
    if (!ticket.options().equals(options)) return refused("the session ticket is for other options");
    return new Admission(ticket.user(), ticket.account(), null);
  }

  synchronized int outstanding() {
    return outstanding.size();
  }

  private static Admission refused(String why) {
    return new Admission(null, null, "session refused: " + why);
  }

  private void dropExpired(long now) {
    outstanding.values().removeIf(t -> now - t.expiresAtNanos() > 0);
  }
}
