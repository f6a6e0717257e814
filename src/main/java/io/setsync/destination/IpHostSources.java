package io.setsync.destination;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.setsync.command.CommandOptions;
import io.setsync.fs.SyncAccount;
import io.setsync.transfer.PeerIdentity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The source nodes outside this node's cluster that may sync to its endpoint with IPHOST
 * (setsync.iphost.accept), and what each may do. Such a source has no ticket: nothing in this
 * cluster vouched for the session. Its certificate does (TLS verified it against this node's CA),
 * and this table, written by the destination's administrator, says which account its sessions
 * write as and under which roots: the source's own user names mean nothing on this machine.
 *
 * <p>Pure: built from the configuration, asked about one Hello at a time.
 */
final class IpHostSources {

  /** One accepted source: its certificate's common name, the account it writes as, its roots. */
  record Source(String node, String account, List<String> roots) {}

  /** The configuration cannot be used; the message names the entry and what is wrong. */
  static final class BadConfig extends IllegalArgumentException {
    BadConfig(String message) {
      super(message);
    }
  }

  private final Map<String, Source> byNode;

  private IpHostSources(Map<String, Source> byNode) {
    this.byNode = Map.copyOf(byNode);
  }

  static IpHostSources none() {
    return new IpHostSources(Map.of());
  }

  /** setsync.iphost.accept, checked whole: a node with a bad entry does not start. */
  static IpHostSources from(Config config) {
    List<? extends Config> entries;
    try {
      entries = config.getConfigList("setsync.iphost.accept");
    } catch (ConfigException e) {
      throw new BadConfig("setsync.iphost.accept must be a list of { node, account, roots }: " + e.getMessage());
    }
    Map<String, Source> byNode = new LinkedHashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      Source source = source(entries.get(i), "setsync.iphost.accept." + i);
      if (byNode.put(source.node(), source) != null) {
        throw new BadConfig("setsync.iphost.accept names source node " + source.node() + " twice");
      }
    }
    if (!byNode.isEmpty() && !config.getBoolean("setsync.tls.enabled")) {
      throw new BadConfig("setsync.iphost.accept needs TLS (conf/cluster-tls.conf): IPHOST sources are admitted"
          + " by their certificates alone");
    }
    return new IpHostSources(byNode);
  }

  private static Source source(Config entry, String where) {
    String node = text(entry, "node", where);
    String problem = CommandOptions.nodeNameProblem(node);
    if (problem != null) throw new BadConfig(where + ".node \"" + node + "\": " + problem);
    String account = text(entry, "account", where);
    problem = CommandOptions.nameProblem(account);
    if (problem != null) throw new BadConfig(where + ".account \"" + account + "\": " + problem);
    List<String> roots = new ArrayList<>();
    try {
      for (String root : entry.getStringList("roots")) {
        problem = CommandOptions.pathProblem(root);
        if (problem != null) throw new BadConfig(where + ".roots \"" + root + "\": " + problem);
        roots.add(CommandOptions.normalizePath(root));
      }
    } catch (ConfigException e) {
      throw new BadConfig(where + ".roots: a list of absolute directories is needed (" + e.getMessage() + ")");
    }
    if (roots.isEmpty()) {
      throw new BadConfig(where + ".roots: give at least one directory that source node " + node + " may write under");
    }
    return new Source(node, account, List.copyOf(roots));
  }

  private static String text(Config entry, String key, String where) {
    try {
      return entry.getString(key).trim();
    } catch (ConfigException e) {
      throw new BadConfig(where + "." + key + " is needed");
    }
  }

  boolean isEmpty() {
    return byNode.isEmpty();
  }

  /**
   * Whether a session without a ticket, over a connection whose verified certificate is {@code
   * presented} (null: none), may write to {@code root}, and as whom.
   */
  SessionTickets.Admission admit(PeerIdentity presented, String root) {
    if (presented == null) {
      return refused("no session ticket, and no certificate (an IPHOST source needs TLS)");
    }
    Source source = byNode.get(presented.commonName());
    if (source == null) {
      return refused("no session ticket, and " + presented + " is not an IPHOST source this node accepts"
          + " (setsync.iphost.accept)");
    }
    if (!CommandOptions.isUnder(root, source.roots())) {
      return refused("IPHOST source " + source.node() + " may write only under " + source.roots());
    }
    return new SessionTickets.Admission(source.account(), new SyncAccount(source.account(), source.roots()), null);
  }

  private static SessionTickets.Admission refused(String why) {
    return new SessionTickets.Admission(null, null, "session refused: " + why);
  }
}
