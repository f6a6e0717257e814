package io.setsync.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.setsync.node.NodeLogging;
import io.setsync.node.SetSyncNode;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code setsync node [--config FILE]}: runs a node in the foreground (monitor, schedulers, data
 * endpoint) until SIGTERM or Ctrl-C; running syncs then end at a file boundary.
 */
@CommandLine.Command(name = "setsync node", description = "Run a setsync node in the foreground.")
public final class NodeCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE",
      description = "A HOCON file of settings over the defaults (see conf/setsync.conf).")
  File configFile;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
  boolean help;

  private final PrintStream out;
  private final PrintStream err;

  private NodeCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine cl = new CommandLine(new NodeCommand(out, err));
    cl.setOut(new java.io.PrintWriter(out, true));
    cl.setParameterExceptionHandler((e, a) -> {
      err.println("setsync node: " + e.getMessage());
      err.println("usage: setsync node [--config FILE]");
      return 2;
    });
    return cl.execute(args);
  }

  @Override
  public Integer call() {
    Config config;
    try {
      config = load(configFile);
    } catch (ConfigException e) {
      err.println("setsync node: " + e.getMessage());
      return 2;
    }
    Path logFile = Path.of(config.getString("setsync.home"), "logs", "setsync.log").toAbsolutePath();
    NodeLogging.toConsoleAndFile(logFile);
    SetSyncNode node;
    try {
      node = SetSyncNode.start(config);
    } catch (SetSyncNode.StartException e) {
      err.println("setsync node: " + e.getMessage());
      return 2;
    }
    out.println("setsync node " + node.name() + " listening: console " + node.consoleSocket().map(Path::toString).orElse("-")
        + " (scripts/setsync console), cluster " + node.clusterAddress() + ", data endpoint "
        + node.endpoint().getHostString() + ":" + node.endpoint().getPort()
        + node.http().map(h -> ", http " + h.getHostString() + ":" + h.getPort()).orElse(""));
    out.println("home " + config.getString("setsync.home") + ", log " + logFile);
    io.setsync.log.Events.emit("node-started", node.name(), java.util.Map.of("cluster", node.clusterAddress(),
        "endpoint", node.endpoint().getHostString() + ":" + node.endpoint().getPort()));
    out.flush();
    if (awaitTermination(node)) node.close(); // else the lock is released with the process
    akka.actor.CoordinatedShutdown.Reason reason =
        akka.actor.CoordinatedShutdown.get(akka.actor.typed.javadsl.Adapter.toClassic(node.system()))
            .getShutdownReason().orElse(null);
    int code = exitCode(reason);
    io.setsync.log.Events.emit("node-stopped", node.name(), java.util.Map.of("exitCode", code,
        "reason", String.valueOf(reason)));
    return code;
  }

  /**
   * Until the node's actor system has terminated; once its coordinated shutdown has reached the
   * last phase, at most that phase's timeout and 5 s more. A partition can leave remoting unable to
   * flush to the peers it cut off, and the system then never finishes terminating (PartitionIT saw
   * a downed node wait so for good, all its threads idle); the node exits anyway. False then.
   */
  private boolean awaitTermination(SetSyncNode node) {
    akka.actor.CoordinatedShutdown shutdown =
        akka.actor.CoordinatedShutdown.get(akka.actor.typed.javadsl.Adapter.toClassic(node.system()));
    java.util.concurrent.CompletableFuture<Object> terminating = new java.util.concurrent.CompletableFuture<>();
    shutdown.addTask(akka.actor.CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "node-bounds-its-termination", () -> {
      terminating.complete(null);
      return java.util.concurrent.CompletableFuture.completedFuture(akka.Done.getInstance());
    });
    java.util.concurrent.CompletableFuture<?> terminated = node.system().getWhenTerminated().toCompletableFuture();
    java.util.concurrent.CompletableFuture.anyOf(terminated, terminating).join();
    long limit = shutdown.timeout(akka.actor.CoordinatedShutdown.PhaseActorSystemTerminate()).toMillis() + 5000;
    try {
      terminated.get(limit, java.util.concurrent.TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      err.println("setsync node: the actor system did not finish terminating within " + limit / 1000 + " s; exiting anyway");
      err.flush();
      return false;
    } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
      return false;
    }
  }

  /** Exit code of a node the cluster downed: a service manager should start it again. */
  static final int DOWNED = 3;

  /**
   * 0 when the node was asked to stop (SIGTERM, Ctrl-C, STOP from a caller), {@link #DOWNED} with one
   * line when the cluster removed it: the split-brain resolver took it for the minority side or
   * unreachable, or it could not join.
   */
  private int exitCode(akka.actor.CoordinatedShutdown.Reason reason) {
    if (reason == null) return 0;
    String why;
    if (reason.equals(akka.actor.CoordinatedShutdown.clusterDowningReason())) {
      why = "the cluster downed this node (it was on the minority side of a partition, or unreachable)";
    } else if (reason.equals(akka.actor.CoordinatedShutdown.clusterJoinUnsuccessfulReason())) {
      why = "this node could not join its cluster's seed nodes";
    } else if (reason.equals(akka.actor.CoordinatedShutdown.incompatibleConfigurationDetectedReason())) {
      why = "this node's cluster settings do not match the cluster's";
    } else {
      return 0;
    }
    err.println("setsync node: " + why + "; it stopped, and exits with code " + DOWNED + " so that it is started again");
    err.flush();
    return DOWNED;
  }

  /** The defaults, under the site's file when one is given; the node always runs clustered. */
  static Config load(File file) {
    Config site = ConfigFactory.empty();
    if (file != null) {
      if (!file.isFile()) throw new ConfigException.Generic("config file " + file + " does not exist");
      site = ConfigFactory.parseFile(file);
    }
    return ConfigFactory.parseMap(Map.of("setsync.node.cluster", true))
        .withFallback(ConfigFactory.systemProperties())
        .withFallback(site)
        .withFallback(ConfigFactory.defaultApplication())
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }
}
