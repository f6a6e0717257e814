package io.setsync.destination;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * How many data connections are open, in total and per peer address, against the endpoint's
 * limits: a flood of connections, from one address or many, costs a refusal each and nothing more.
 * Not thread-safe: the endpoint's own.
 */
final class ConnectionLimits {

  private final int total;
  private final int perPeer;
  private final Map<InetAddress, Integer> open = new HashMap<>();
  private int openTotal;

  ConnectionLimits(int total, int perPeer) {
    if (total < 1 || perPeer < 1) throw new IllegalArgumentException("connection limits must be positive");
    this.total = total;
    this.perPeer = perPeer;
  }

  /** Counts the connection in and answers null, or says which limit it would pass and counts nothing. */
  String admit(InetAddress peer) {
    if (openTotal >= total) return total + " connections are open (setsync.endpoint.max-connections)";
    int fromPeer = open.getOrDefault(peer, 0);
    if (fromPeer >= perPeer) {
      return fromPeer + " connections from this address are open (setsync.endpoint.max-connections-per-peer)";
    }
    open.put(peer, fromPeer + 1);
    openTotal++;
    return null;
  }

  /** A connection that {@link #admit} counted in has ended. */
  void closed(InetAddress peer) {
    Integer fromPeer = open.get(peer);
    if (fromPeer == null) return;
    if (fromPeer == 1) open.remove(peer);
    else open.put(peer, fromPeer - 1);
    openTotal--;
  }

  int openTotal() {
    return openTotal;
  }
}
