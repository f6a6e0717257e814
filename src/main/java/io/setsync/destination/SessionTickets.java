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
 * <p>A session from outside the cluster (IPHOST) has no ticket: {@link IpHostSources} decides by its
 * certificate instead, at the same place, so a receiver has one question to ask.
 *
 * <p>Thread-safe: the endpoint issues, its receivers redeem.
 */
final class SessionTickets {

  /**
   * What a ticket allows: one session to this root, for this user, as this account, with these
   * options, over a connection whose certificate is {@code holder}'s (null: any connection, TLS off).
   */
  record Ticket(String root, String user, SyncAccount account, String options, Holder holder, long expiresAtNanos) {}

  /**
   * The node a ticket was issued to, with TLS: the cluster host that asked for it (a certificate
   * naming that host, as an IP or DNS subject alternative name, holds it), or for this node's own
   * syncs its certificate's common name. A node can then use only tickets issued to it.
   */
  record Holder(String host, String commonName) {
    boolean heldBy(io.setsync.transfer.PeerIdentity presented) {
      if (presented == null) return false;
      if (host != null) return presented.names(host);
      return commonName != null && commonName.equals(presented.commonName());
    }

    @Override
    public String toString() {
      return host != null ? "the node at " + host : "this node (" + commonName + ")";
    }
  }

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

  /** Who may come without a ticket: IPHOST source nodes, by their certificates. */
  private final IpHostSources outsiders;

  SessionTickets(Duration ttl, LongSupplier nanoClock, IpHostSources outsiders) {
    if (ttl.isNegative() || ttl.isZero()) throw new IllegalArgumentException("ticket-ttl must be positive: " + ttl);
    this.ttl = ttl;
    this.nanoClock = nanoClock;
    this.outsiders = outsiders;
  }

  SessionTickets(Duration ttl, LongSupplier nanoClock) {
    this(ttl, nanoClock, IpHostSources.none());
  }

  SessionTickets(Duration ttl) {
    this(ttl, System::nanoTime);
  }

  SessionTickets(Duration ttl, IpHostSources outsiders) {
    this(ttl, System::nanoTime, outsiders);
  }

  /** A new token for one session to {@code root} for {@code user} with {@code options}, over any connection. */
  String issue(String root, String user, SyncAccount account, String options) {
    return issue(root, user, account, options, null);
  }

  /** A new token as above, usable only over a connection whose certificate is {@code holder}'s (null: any). */
  synchronized String issue(String root, String user, SyncAccount account, String options, Holder holder) {
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
    outstanding.put(token, new Ticket(root, user, account, options, holder, now + ttl.toNanos()));
    return token;
  }

  /** Uses up {@code token}: admitted only if it was issued for this root and these options and is still valid. */
  Admission redeem(String token, String root, String options) {
    return redeem(token, root, options, null);
  }

  /**
   * As above, and a ticket issued to a node ({@link Holder}) only over a connection whose
   * certificate, {@code presented} (null: none, plain TCP), is that node's.
   */
  synchronized Admission redeem(String token, String root, String options, io.setsync.transfer.PeerIdentity presented) {
    // A Hello with no ticket at all is an IPHOST source's, if this node accepts any.
    if ((token == null || token.isEmpty()) && !outsiders.isEmpty()) return outsiders.admit(presented, root);
    long now = nanoClock.getAsLong();
    Ticket ticket = token == null ? null : outstanding.remove(token);
    dropExpired(now);
    if (ticket == null) return refused("no valid session ticket (unknown, forged or already used)");
    if (now - ticket.expiresAtNanos() > 0) return refused("the session ticket has expired");
    if (!ticket.root().equals(root)) return refused("the session ticket is for another destination root");
    if (!ticket.options().equals(options)) return refused("the session ticket is for other options");
    if (ticket.holder() != null && !ticket.holder().heldBy(presented)) {
      return refused("the session ticket was issued to " + ticket.holder() + ", not to "
          + (presented == null ? "a connection without a certificate" : "the holder of " + presented));
    }
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
