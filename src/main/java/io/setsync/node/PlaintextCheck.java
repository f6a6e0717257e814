package io.setsync.node;

import com.typesafe.config.Config;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a node without TLS listens where other machines can reach it: then anyone reaching its
 * cluster port could join the cluster, and anyone reaching its data endpoint could talk to it. Such
 * a node starts only with {@code setsync.security.allow-plaintext = on}, and warns at every start.
 * Pure: settings in, a sentence out.
 */
final class PlaintextCheck {

  private PlaintextCheck() {}

  /** The addresses a node listens on without TLS that are not loopback, as "setting host" texts. */
  static List<String> exposed(Config config, boolean clustered) {
    List<String> exposed = new ArrayList<>();
    if (clustered && !config.getString("akka.remote.artery.transport").equals("tls-tcp")) {
      add(exposed, "setsync.node.host", config.getString("setsync.node.host"));
    }
    if (!config.getBoolean("setsync.tls.enabled")) {
      add(exposed, "setsync.endpoint.host", config.getString("setsync.endpoint.host"));
      if (clustered && config.getBoolean("setsync.http.enabled")) {
        add(exposed, "setsync.http.host", config.getString("setsync.http.host"));
      }
    }
    return exposed;
  }

  private static void add(List<String> exposed, String setting, String host) {
    if (!loopback(host)) exposed.add(setting + " = " + host);
  }

  /** A wildcard address (0.0.0.0, ::) is every address, so not loopback; an unknown name is not either. */
  static boolean loopback(String host) {
    try {
      for (InetAddress address : InetAddress.getAllByName(host)) {
        if (!address.isLoopbackAddress()) return false;
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Null: nothing to say; else why the node refuses to start (allow-plaintext off) or what it warns about. */
  static String message(List<String> exposed, boolean allowed) {
    if (exposed.isEmpty()) return null;
    String where = String.join(", ", exposed);
    return allowed
        ? "listening without TLS where other machines may reach it (" + where + "): anyone who reaches these ports"
            + " can join the cluster or talk to the data endpoint (setsync.security.allow-plaintext = on;"
            + " include conf/cluster-tls.conf to turn TLS on)"
        : "refusing to listen without TLS on an address other machines may reach (" + where + "): include"
            + " conf/cluster-tls.conf to turn TLS on, bind to a loopback address, or set"
            + " setsync.security.allow-plaintext = on to accept the risk";
  }
}
