package io.setsync.node;

import akka.actor.Address;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.cluster.typed.JoinSeedNodes;
import akka.actor.BootstrapSetup;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.setsync.StartupTiming;
import io.setsync.destination.DestinationEndpoint;
import io.setsync.monitor.Monitor;
import io.setsync.monitor.Result;
import io.setsync.schedule.FileSetScheduler;
import io.setsync.schedule.SyncRun;
import io.setsync.sync.Failures;
import io.setsync.transfer.SourceSession;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An embedded setsync node: an ActorSystem with the LevelDB journal and local snapshots under
 * {@code setsync.home}, and a data endpoint. One process owns a home at a time (a file lock), so
 * two nodes never share one journal.
 */
public final class SetSyncNode implements AutoCloseable {

  /** The node could not start; the message says why in the user's terms. */
  public static final class StartException extends Exception {
    public StartException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final ActorSystem<NodeGuardian.Command> system;
  private final FileChannel lockChannel;
  private final InetSocketAddress endpoint;
  private final String name;
  private final ActorRef<Monitor.Command> monitor;
  private final Path consoleSocket;

  private final InetSocketAddress http;

  private SetSyncNode(
      ActorSystem<NodeGuardian.Command> system, FileChannel lockChannel, InetSocketAddress endpoint, String name,
      ActorRef<Monitor.Command> monitor, Path consoleSocket, InetSocketAddress http) {
    this.consoleSocket = consoleSocket;
    this.http = http;
    this.system = system;
    this.lockChannel = lockChannel;
    this.endpoint = endpoint;
    this.name = name;
    this.monitor = monitor;
  }

  /** Where the HTTP server (metrics, health) listens: clustered nodes only. */
  public java.util.Optional<InetSocketAddress> http() {
    return java.util.Optional.ofNullable(http);
  }

  /** This node's name, as file sets name it for their destination. */
  public String name() {
    return name;
  }

  /** The monitor's singleton proxy; present only on a clustered node. */
  public java.util.Optional<ActorRef<Monitor.Command>> monitor() {
    return java.util.Optional.ofNullable(monitor);
  }

  /** The console socket that local consoles connect to; empty when not clustered. */
  public java.util.Optional<Path> consoleSocket() {
    return java.util.Optional.ofNullable(consoleSocket);
  }

  /** The cluster (control-plane) address, e.g. "127.0.0.1:25520"; empty when not clustered. */
  public String clusterAddress() {
    if (monitor == null) return "";
    Address a = Cluster.get(system).selfMember().address();
    return a.getHost().orElse("?") + ":" + a.getPort().orElse(0);
  }

  /**
   * Starts a node from {@code application.conf}/{@code reference.conf} and the environment. A node
   * without a cluster (the default, as {@code setsync sync} runs) reads only the configuration of
   * the modules it uses ({@link LocalReference}).
   */
  public static SetSyncNode start() throws StartException {
    ClassLoader local = new LocalReference(SetSyncNode.class.getClassLoader());
    Config config = ConfigFactory.load(local);
    // TLS takes its files and suites from Artery's settings, which only the full configuration has.
    if (config.getBoolean("setsync.node.cluster") || config.getBoolean("setsync.tls.enabled")) {
      return start(ConfigFactory.load());
    }
    return start(config, local);
  }

  public static SetSyncNode start(Config config) throws StartException {
    return start(config, null);
  }

  /** {@code loader}: the class loader of the actor system (null: Akka's default). */
  private static SetSyncNode start(Config config, ClassLoader loader) throws StartException {
    Path home = Paths.get(config.getString("setsync.home")).toAbsolutePath();
    boolean clustered = config.getBoolean("setsync.node.cluster");
    String nodeName = nodeName(config);
    for (String seed : config.getStringList("setsync.node.seed-nodes")) {
      if (!seed.matches("[^\\s:]+:\\d{1,5}")) {
        throw new StartException("setsync.node.seed-nodes: \"" + seed + "\" is not HOST:PORT", null);
      }
    }
    String badName = config.getString("setsync.node.name").isBlank() ? null
        : io.setsync.command.CommandOptions.nodeNameProblem(config.getString("setsync.node.name").trim());
    if (badName != null) throw new StartException("setsync.node.name \"" + config.getString("setsync.node.name") + "\": " + badName, null);
    String ipHost = io.setsync.destination.DestinationEndpoint.ipHostProblem(config);
    if (ipHost != null) throw new StartException(ipHost, null);
    boolean allowPlaintext = config.getBoolean("setsync.security.allow-plaintext");
    String plaintext = PlaintextCheck.message(PlaintextCheck.exposed(config, clustered), allowPlaintext);
    if (plaintext != null && !allowPlaintext) throw new StartException(plaintext, null);
    if (plaintext != null) org.slf4j.LoggerFactory.getLogger(SetSyncNode.class).warn(plaintext);
    if (config.getBoolean("setsync.tls.enabled")) {
      try {
        new io.setsync.transfer.NodeTls(config); // reads the files: a node that cannot use them says which, and why
      } catch (io.setsync.transfer.NodeTls.TlsSetupException e) {
        throw new StartException(e.getMessage() + " (setsync.tls.dir, SETSYNC_TLS_DIR)", e);
      }
    }
    FileChannel lock = lockHome(home);
    try {
      requireFreePorts(config, clustered);
    } catch (StartException e) {
      closeQuietly(lock);
      throw e;
    }
    Config resolved =
        ConfigFactory.parseMap(
                Map.of(
                    "setsync.home", home.toString(),
                    "setsync.console.socket", consoleSocket(config, home).toString(),
                    "setsync.node.name", nodeName,
                    "akka.persistence.journal.leveldb.dir", home.resolve("journal").toString(),
                    "akka.persistence.snapshot-store.local.dir", home.resolve("snapshots").toString()))
            .withFallback(config);
    if (clustered) {
      resolved = ConfigFactory.parseResources("setsync-cluster.conf").withFallback(resolved).resolve();
    }
    ActorSystem<NodeGuardian.Command> system;
    try {
      StartupTiming.mark("config");
      BootstrapSetup setup = BootstrapSetup.create(resolved);
      system = ActorSystem.create(NodeGuardian.create(nodeName, clustered), "setsync",
          loader == null ? setup : setup.withClassloader(loader));
      StartupTiming.mark("actor-system");
    } catch (RuntimeException e) {
      closeQuietly(lock);
      throw new StartException("cannot start the node: " + Failures.describe(e), e);
    }
    try {
      DestinationEndpoint.Binding binding =
          AskPattern.<NodeGuardian.Command, DestinationEndpoint.Binding>ask(
                  system, NodeGuardian.GetEndpoint::new, Duration.ofSeconds(20), system.scheduler())
              .toCompletableFuture()
              .get(25, TimeUnit.SECONDS);
      if (binding.failure() != null) throw new IOException(binding.failure());
      StartupTiming.mark("endpoint");
      ActorRef<Monitor.Command> monitor = null;
      Path consoleSocket = null;
      if (clustered) {
        joinCluster(system, resolved.getStringList("setsync.node.seed-nodes"));
        monitor = AskPattern.<NodeGuardian.Command, ActorRef<Monitor.Command>>ask(
                system, NodeGuardian.GetMonitor::new, Duration.ofSeconds(20), system.scheduler())
            .toCompletableFuture()
            .get(25, TimeUnit.SECONDS);
        stopSyncsBeforeLeaving(system);
        io.setsync.console.ConsoleEndpoint.Bound console =
            AskPattern.<NodeGuardian.Command, io.setsync.console.ConsoleEndpoint.Bound>ask(
                    system, NodeGuardian.GetConsole::new, Duration.ofSeconds(20), system.scheduler())
                .toCompletableFuture()
                .get(25, TimeUnit.SECONDS);
        if (console.failure() != null) {
          system.terminate();
          closeQuietly(lock);
          throw new StartException(console.failure(), null);
        }
        consoleSocket = console.socket();
      }
      InetSocketAddress http = clustered && resolved.getBoolean("setsync.http.enabled")
          ? startHttp(system, monitor, resolved, lock) : null;
      return new SetSyncNode(system, lock, binding.address(), nodeName, monitor, consoleSocket, http);
    } catch (IOException | ExecutionException | TimeoutException e) {
      system.terminate();
      closeQuietly(lock);
      throw new StartException("data endpoint: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      system.terminate();
      closeQuietly(lock);
      throw new StartException("interrupted while starting", e);
    }
  }

  /**
   * Refuses ports that something else holds before the ActorSystem tries them: its own bind
   * failure is a logged stack trace, while an operator needs one line saying which setting names
   * the port. (Something may still take a port between this probe and the bind; that rare case
   * keeps the ActorSystem's own report.)
   */
  private static void requireFreePorts(Config config, boolean clustered) throws StartException {
    if (clustered) {
      probe(config.getString("setsync.node.host"), config.getInt("setsync.node.port"), "setsync.node.port",
          "the cluster port");
    }
    probe(config.getString("setsync.endpoint.host"), config.getInt("setsync.endpoint.port"), "setsync.endpoint.port",
        "the data endpoint's port");
  }

  private static void probe(String host, int port, String setting, String what) throws StartException {
    if (port == 0) return;
    try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
      socket.setReuseAddress(true); // as Akka binds: a port in TIME_WAIT is free
      socket.bind(new InetSocketAddress(host, port));
    } catch (java.net.BindException e) {
      throw new StartException(what + " " + host + ":" + port + " is already in use (another node, or"
          + " another program; choose another with " + setting + ")", e);
    } catch (IOException e) {
      throw new StartException("cannot listen on " + what + " " + host + ":" + port + " (" + setting + "): "
          + e.getMessage(), e);
    }
  }

  /** setsync.console.socket, or console.sock in the node's home when it is empty. */
  public static Path consoleSocket(Config config, Path home) {
    String socket = config.getString("setsync.console.socket").trim();
    return socket.isEmpty() ? home.resolve("console.sock") : Paths.get(socket).toAbsolutePath();
  }

  /** The configured node name, or the host name, or "local" when even that is unknown. */
  static String nodeName(Config config) {
    String name = config.getString("setsync.node.name").trim();
    if (!name.isEmpty()) return name;
    try {
      name = java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      name = "";
    }
    return name.isEmpty() || name.contains("/") || name.contains(":") ? "local" : name;
  }

  /** The HTTP server (metrics, health), once it listens; a node that cannot listen there does not start. */
  private static InetSocketAddress startHttp(ActorSystem<?> system, ActorRef<Monitor.Command> monitor, Config config,
      FileChannel lock) throws StartException {
    String host = config.getString("setsync.http.host");
    int port = config.getInt("setsync.http.port");
    try {
      InetSocketAddress bound = HttpEndpoint.start(system, monitor, host, port, Duration.ofSeconds(20)).localAddress();
      org.slf4j.LoggerFactory.getLogger(SetSyncNode.class).info("http listening on {}:{}{}: /metrics, /ready, /alive",
          bound.getHostString(), bound.getPort(), io.setsync.transfer.NodeTls.get(system).enabled() ? " (HTTPS)" : "");
      return bound;
    } catch (Exception e) {
      system.terminate();
      closeQuietly(lock);
      throw new StartException("cannot listen on http " + host + ":" + port + " (setsync.http.host, setsync.http.port): "
          + Failures.describe(e), e);
    }
  }

  /** Joins the given seed nodes, or forms a cluster of this node alone when there are none. */
  private static void joinCluster(ActorSystem<?> system, java.util.List<String> seeds) {
    Cluster cluster = Cluster.get(system);
    if (seeds.isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    } else {
      java.util.List<Address> addresses = new java.util.ArrayList<>();
      for (String seed : seeds) {
        int colon = seed.lastIndexOf(':');
        addresses.add(new Address("akka", system.name(), seed.substring(0, colon), Integer.parseInt(seed.substring(colon + 1))));
      }
      cluster.manager().tell(new JoinSeedNodes(addresses));
    }
  }

  /**
   * On SIGTERM or close(), this node's running syncs end at a file boundary before it leaves the
   * cluster: its agent stops its schedulers, and the monitor, wherever it runs, is told that the
   * node is leaving (it need not answer: a node stops as fast while the monitor is unavailable).
   */
  private static void stopSyncsBeforeLeaving(ActorSystem<NodeGuardian.Command> system) {
    CoordinatedShutdown.get(system).addTask(
        CoordinatedShutdown.PhaseBeforeClusterShutdown(),
        "stop-running-syncs",
        () -> AskPattern.<NodeGuardian.Command, io.setsync.schedule.NodeAgent.Stopped>ask(
                system, NodeGuardian.StopSchedulers::new,
                system.settings().config().getDuration("setsync.monitor.stop-syncs-timeout"), system.scheduler())
            .handle((r, e) -> akka.Done.getInstance()));
  }

  private static FileChannel lockHome(Path home) throws StartException {
    try {
      Files.createDirectories(home);
    } catch (IOException e) {
      throw new StartException(
          "SETSYNC_HOME " + home + " cannot be used: " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
    }
    if (!Files.isDirectory(home) || !Files.isWritable(home)) {
      throw new StartException("SETSYNC_HOME " + home + " is not a writable directory", null);
    }
    try {
      FileChannel channel =
          FileChannel.open(home.resolve("node.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw new StartException(
            "SETSYNC_HOME " + home + " is in use by another setsync process; wait for it or set SETSYNC_HOME", null);
      }
      return channel;
    } catch (IOException e) {
      throw new StartException("SETSYNC_HOME " + home + " cannot be locked: " + e.getMessage(), e);
    }
  }

  public InetSocketAddress endpoint() {
    return endpoint;
  }

  public ActorSystem<NodeGuardian.Command> system() {
    return system;
  }

  /** Runs one synchronization from this node through a {@link SyncRun}: log, TRIGGER and all. */
  public CompletionStage<SyncRun.Finished> run(SyncRun.Request request) {
    return AskPattern.ask(
        system,
        replyTo -> new NodeGuardian.Synchronize(request, replyTo),
        Duration.ofDays(200), // the scheduler's limit is ~248 days; a sync ends long before
        system.scheduler());
  }

  /**
   * Runs one synchronization to the endpoint the request names, no log, and answers with the
   * session's outcome.
   */
  public CompletionStage<SourceSession.Outcome> synchronize(
      SourceSession.Request request, SourceSession.Observer observer) {
    SyncRun.Request run = new SyncRun.Request(request.sourceRoot(),
        new FileSetScheduler.Destination(null, request.host(), request.port()), request.destinationRoot(),
        request.options(), null, null, null, observer);
    return run(run).thenApply(SyncRun.Finished::outcome);
  }

  /** This node's own data endpoint, as a one-time sync names its destination (no node name). */
  public FileSetScheduler.Destination localDestination() {
    return new FileSetScheduler.Destination(null, endpoint.getHostString(), endpoint.getPort());
  }

  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // terminating anyway; the lock is released with the process
    }
    closeQuietly(lockChannel);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // releasing the lock cannot fail in a way worth reporting
    }
  }
}
