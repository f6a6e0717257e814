package io.setsync.console;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.setsync.command.Statement;
import io.setsync.monitor.Monitor;
import io.setsync.monitor.Result;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import io.setsync.transfer.NodeTls;
import io.setsync.transfer.PeerIdentity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The remote console's connection to a setsync cluster: a small ActorSystem that joins in the
 * role "console" and sends its commands to the node's gate ({@link #GATE_KEY}), which refuses them
 * unless the node allows remote consoles. {@link #connect} fails with a
 * clear message within the connect timeout when no node answers.
 */
public final class ConsoleClient implements AutoCloseable {

  public static final String CONSOLE_ROLE = "console";

  /** The nodes' role (NODE_ROLE; the console does not depend on the node's package). */
  static final String NODE_ROLE = "node";

  /** Each node's gate for remote consoles, which refuses them unless setsync.console.remote is on. */
  public static final ServiceKey<Monitor.Command> GATE_KEY = ServiceKey.create(Monitor.Command.class, "remote-console");

  /** The node could not be reached; the message says where and what to check. */
  public static final class ConnectException extends Exception {
    public ConnectException(String message) {
      super(message);
    }
  }

  private final ActorSystem<ConsoleActor.Command> system;
  private final Duration commandTimeout;
  /** The answer {@link #run} waits for now; {@link #cancelSynchronize} completes it early. */
  private volatile CompletableFuture<Result> pending;

  private ConsoleClient(ActorSystem<ConsoleActor.Command> system, Duration commandTimeout) {
    this.system = system;
    this.commandTimeout = commandTimeout;
  }

  /**
   * Joins the cluster of the node at {@code host:port} and waits until this console is a member.
   *
   * @param base the configuration (reference.conf and the site's); only setsync.console is read
   */
  public static ConsoleClient connect(String host, int port, Config base) throws ConnectException {
    return connect(host, port, base, null);
  }

  /**
   * The settings that make the console's cluster connection Artery's tls-tcp with the
   * administrator's certificate in {@code dir}: the provider, protocol and suites of
   * conf/cluster-tls.conf (ConsoleClientTest checks they are the same), which the console cannot
   * read (it is not in the jar).
   */
  static Config tlsSettings(Path dir) {
    String engine = "akka.remote.artery.ssl.rotating-keys-engine.";
    return ConfigFactory.parseMap(Map.of(
        "setsync.tls.enabled", "on",
        "setsync.tls.dir", dir.toString(),
        "akka.remote.artery.transport", "tls-tcp",
        "akka.remote.artery.ssl.ssl-engine-provider", "io.setsync.transfer.ClusterTls",
        engine + "key-file", dir.resolve("tls.key").toString(),
        engine + "cert-file", dir.resolve("tls.crt").toString(),
        engine + "ca-cert-file", dir.resolve("ca.crt").toString(),
        engine + "protocol", "TLSv1.2",
        engine + "enabled-algorithms", List.of("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256")));
  }

  /**
   * The administrator's certificate in {@code dir}, read as a node would read it; a message naming
   * the file, or saying it is no administrator's, when it cannot be used.
   */
  static PeerIdentity administrator(Config config, Path dir) throws ConnectException {
    PeerIdentity own;
    try {
      own = new NodeTls(config).own();
    } catch (NodeTls.TlsSetupException e) {
      throw new ConnectException(e.getMessage());
    }
    if (!own.isAdministrator()) {
      throw new ConnectException("TLS: " + dir.resolve("tls.crt") + " is not an administrator's certificate (" + own
          + "): the remote console needs one, made by `scripts/certs DIR --admin NAME` (DIR/admin-NAME)");
    }
    return own;
  }

  /**
   * As {@link #connect(String, int, Config)}; with {@code tlsDir} (an administrator's certificate
   * directory, from scripts/certs DIR --admin NAME) over Artery's tls-tcp, as a TLS cluster's nodes
   * talk, else plain TCP.
   */
  public static ConsoleClient connect(String host, int port, Config base, Path tlsDir) throws ConnectException {
    Duration connectTimeout = base.getDuration("setsync.console.connect-timeout");
    Config transport = tlsDir == null ? ConfigFactory.empty() : tlsSettings(tlsDir.toAbsolutePath());
    PeerIdentity admin = tlsDir == null ? null
        : administrator(transport.withFallback(base).resolve(), tlsDir.toAbsolutePath());
    Config config = transport.withFallback(ConfigFactory.parseMap(Map.of(
            "akka.actor.provider", "cluster",
            "akka.remote.artery.canonical.hostname", localAddressTowards(host),
            "akka.remote.artery.canonical.port", 0,
            "akka.cluster.roles", java.util.List.of(CONSOLE_ROLE),
            "akka.cluster.downing-provider-class", "akka.cluster.sbr.SplitBrainResolverProvider",
            "akka.cluster.split-brain-resolver.keep-majority.role", NODE_ROLE,
            "akka.cluster.log-info", "off",
            "akka.cluster.gossip-interval", "200ms",
            "akka.cluster.leader-actions-interval", "200ms",
            "akka.loglevel", "OFF"))
        .withFallback(ConfigFactory.parseMap(Map.of("akka.stdout-loglevel", "OFF", "akka.log-dead-letters", "off")))
        .withFallback(base)).resolve();
    akka.actor.Address nodeAddress = new akka.actor.Address("akka", "setsync", host, port);
    CompletableFuture<ActorRef<Monitor.Command>> gate = new CompletableFuture<>();
    ActorSystem<ConsoleActor.Command> system = ActorSystem.create(
        Behaviors.setup(ctx -> {
          ActorRef<Monitor.Command> viaGate = ctx.spawn(relay(gate), "gate");
          return ConsoleActor.create(viaGate);
        }),
        "setsync",
        config);
    // The node's gate, found through the receptionist once this console is a member: it decides
    // whether remote consoles are allowed at all.
    system.systemActorOf(Behaviors.<Receptionist.Listing>setup(ctx -> {
          ctx.getSystem().receptionist().tell(Receptionist.subscribe(GATE_KEY, ctx.getSelf()));
          return Behaviors.receiveMessage(listing -> {
            for (ActorRef<Monitor.Command> g : listing.getServiceInstances(GATE_KEY)) {
              if (g.path().address().equals(nodeAddress)) {
                gate.complete(g);
                return Behaviors.stopped();
              }
            }
            return Behaviors.same();
          });
        }), "gate-finder", akka.actor.typed.Props.empty());
    // Joining the node directly skips the seed-node handshake, which costs seconds.
    Cluster.get(system).manager().tell(Join.create(nodeAddress));
    try {
      gate.get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      system.terminate();
      awaitQuietly(system, Duration.ofSeconds(5));
      throw new ConnectException(unreachable(host, port, connectTimeout, tlsDir, admin));
    }
    return new ConsoleClient(system, base.getDuration("setsync.console.command-timeout"));
  }

  /**
   * This machine's address on the route to {@code host}: the console's cluster address, which the
   * nodes connect back to (Artery connects both ways), so it must be one they can reach; 0.0.0.0
   * would send them to themselves. A connected UDP socket sends nothing: the kernel only picks the
   * route and its source address.
   */
  static String localAddressTowards(String host) {
    if ("127.0.0.1".equals(host) || "localhost".equals(host)) return "127.0.0.1";
    try (java.net.DatagramSocket probe = new java.net.DatagramSocket()) {
      probe.connect(java.net.InetAddress.getByName(host), 9);
      java.net.InetAddress local = probe.getLocalAddress();
      if (local != null && !local.isAnyLocalAddress()) return local.getHostAddress();
    } catch (java.io.IOException e) {
      // no route known now: as before, and the join fails with the connect timeout's message
    }
    return "0.0.0.0";
  }

  /** The one line for a node that did not take the console within the connect timeout. */
  static String unreachable(String host, int port, Duration timeout, Path tlsDir, PeerIdentity admin) {
    String where = "cannot reach a setsync node at " + host + ":" + port;
    if (tlsDir == null) {
      return where + " within " + timeout.toSeconds() + " s; is `scripts/setsync node` running there? (A node with"
          + " TLS on takes only a console with an administrator's certificate: --tls-dir DIR or SETSYNC_TLS_DIR,"
          + " from `scripts/certs DIR --admin NAME`.)";
    }
    return where + " over TLS within " + timeout.toSeconds() + " s as administrator " + admin.commonName()
        + " (" + tlsDir.resolve("tls.crt") + "); is `scripts/setsync node` running there with TLS on, and is this"
        + " certificate from its cluster's CA? (A node logs each refused connection, with this console's address.)";
  }

  /** Passes every message to the node's gate once it is known (found only after the join). */
  private static akka.actor.typed.Behavior<Monitor.Command> relay(CompletableFuture<ActorRef<Monitor.Command>> gate) {
    return Behaviors.receive((ctx, command) -> {
      gate.join().tell(command); // known before any command is sent: connect waits for it
      return Behaviors.same();
    });
  }

  /** Runs one command as {@code user} and waits for the monitor's answer (or a timeout error). */
  public Result run(Statement command, String user) {
    // A one-time sync takes as long as it takes; everything else answers quickly or not at all.
    Duration timeout = command instanceof Statement.Synchronize ? Duration.ofDays(30) : commandTimeout;
    CompletableFuture<Result> answer = new CompletableFuture<>();
    pending = answer;
    AskPattern.<ConsoleActor.Command, Result>ask(
            system, reply -> new ConsoleActor.Run(command, user, timeout, reply), timeout.plusSeconds(5),
            system.scheduler())
        .whenComplete((result, failure) -> {
          if (result != null) answer.complete(result);
          else answer.completeExceptionally(failure);
        });
    try {
      return answer.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Result.Done.error("interrupted");
    } catch (Exception e) {
      return Result.Done.error("no answer from the monitor: " + e.getMessage());
    }
  }

  /**
   * Stops waiting for the SYNCHRONIZE under way, if any: the node stops it at the next file
   * boundary (it watches the console's waiter), and {@link #run} returns at once with an error
   * saying so. Safe from any thread, such as a signal handler's.
   */
  public void cancelSynchronize() {
    system.tell(ConsoleActor.CancelSynchronize.INSTANCE);
    CompletableFuture<Result> answer = pending;
    if (answer != null) {
      answer.complete(Result.Done.error(
          "interrupted: the node stops the synchronization at the next file boundary"));
    }
  }

  /** This console's own cluster address, host:port. */
  public String selfAddress() {
    akka.actor.Address a = Cluster.get(system).selfMember().address();
    return a.getHost().orElse("?") + ":" + a.getPort().map(String::valueOf).orElse("?");
  }

  /** Leaves the cluster and stops the console's ActorSystem. */
  @Override
  public void close() {
    system.terminate();
    awaitQuietly(system, Duration.ofSeconds(10));
  }

  private static void awaitQuietly(ActorSystem<?> system, Duration limit) {
    try {
      system.getWhenTerminated().toCompletableFuture().get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // the process exits anyway
    }
  }
}
