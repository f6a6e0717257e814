package io.setsync.bench;

import io.setsync.console.ConsoleClient;
import io.setsync.console.ConsoleProtocol;
import io.setsync.console.SocketConsole;
import io.setsync.options.OptionText;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A setsync node as a process of its own ({@code scripts/setsync node --config SITE}, optionally
 * in a network namespace), for the scenarios that need its own JVM: the wan ones (a node at each
 * end of the shaped link) and scale-1m (its peak RSS is the node's alone). It is commanded through
 * its console socket, as {@code scripts/setsync console} does, without a console JVM: a
 * SYNCHRONIZE's round trip on that socket is what is timed.
 */
final class NodeProcess implements AutoCloseable {

  private static final Pattern ERRORS = Pattern.compile(", errors ([0-9]+),");

  private final String name;
  private final Path home;
  private final Process process;
  /** Stops the node should the bench be stopped (SIGTERM, Ctrl-C) before {@link #close}. */
  private final Thread onExit;

  private NodeProcess(String name, Path home, Process process) {
    this.name = name;
    this.home = home;
    this.process = process;
    this.onExit = new Thread(process::destroyForcibly, "stop-node-" + name);
    Runtime.getRuntime().addShutdownHook(onExit);
  }

  /**
   * Starts node {@code name} with home {@code home} (a new directory) and the site configuration
   * {@code site}, in network namespace {@code namespace} (null: this one), and waits until it
   * listens, at most 3 minutes. The node's output goes to HOME/node.out and node.err.
   */
  static NodeProcess start(Path launcher, String name, Path home, String site, String namespace) throws IOException, InterruptedException {
    Files.createDirectories(home);
    Path conf = home.resolve("site.conf");
    Files.writeString(conf, site);
    List<String> command = new ArrayList<>();
    if (namespace != null) command.addAll(List.of("ip", "netns", "exec", namespace));
    command.addAll(List.of(launcher.toString(), "node", "--config", conf.toString()));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(home.resolve("node.out").toFile())
        .redirectError(home.resolve("node.err").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().put("SETSYNC_HOME", home.toString());
    builder.environment().remove("SETSYNC_JDBC_URL");
    NodeProcess node = new NodeProcess(name, home, builder.start());
    try {
      node.awaitOutput("setsync node " + name + " listening", 180);
    } catch (IOException | RuntimeException e) {
      node.close();
      throw e;
    }
    return node;
  }

  /** Waits until the node's standard output holds {@code text}, at most {@code seconds}. */
  private void awaitOutput(String text, int seconds) throws IOException, InterruptedException {
    awaitFile(home.resolve("node.out"), text, seconds);
  }

  /** Waits until the node's log holds {@code text}, at most {@code seconds}. */
  void awaitLog(String text, int seconds) throws IOException, InterruptedException {
    awaitFile(home.resolve("logs/setsync.log"), text, seconds);
  }

  private void awaitFile(Path file, String text, int seconds) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (Files.exists(file) && Files.readString(file).contains(text)) return;
      if (!process.isAlive()) break;
      Thread.sleep(100); // between polls
    }
    throw new IOException("node " + name + (process.isAlive() ? " did not write \"" + text + "\" within " + seconds + " s"
        : " exited with " + process.exitValue()) + ":\n" + tail(home.resolve("node.out")) + tail(home.resolve("node.err")));
  }

  private static String tail(Path file) throws IOException {
    if (!Files.exists(file)) return "";
    List<String> lines = Files.readAllLines(file);
    return lines.subList(Math.max(0, lines.size() - 20), lines.size()).stream().collect(Collectors.joining("\n", "", "\n"));
  }

  String name() {
    return name;
  }

  /** The node's JVM: scripts/setsync and ip netns exec each replace themselves with what they run. */
  long pid() {
    return process.pid();
  }

  /**
   * {@code SYNCHRONIZE SOURCE TO DESTINATION} on this node's console, as root (an administrator's
   * one-time sync); returns its wall time in seconds, from sending the statement to the end of its
   * answer (the connection is opened before). Fails unless it ended with code 0 and no errors.
   */
  double synchronize(Path source, String destination) throws IOException {
    String statement = "SYNCHRONIZE " + OptionText.quote(source.toString()) + " TO " + destination;
    try (SocketConsole console = SocketConsole.connect(home.resolve("console.sock"), null, false)) {
      long start = System.nanoTime();
      ConsoleProtocol.Answer answer = console.run(statement);
      double seconds = (System.nanoTime() - start) / 1e9;
      String text = answer.lines().stream().map(ConsoleProtocol.Line::text).collect(Collectors.joining("\n"));
      Matcher errors = ERRORS.matcher(text);
      if (answer.code() != 0 || !errors.find() || !errors.group(1).equals("0")) {
        throw new IOException("node " + name + ": " + statement + " failed (code " + answer.code() + "): " + text);
      }
      return seconds;
    } catch (ConsoleClient.ConnectException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    try {
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException exiting) {
      // the hook runs already, or has
    }
    // Its JVM stops at SIGTERM through the node's coordinated shutdown.
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
  }
}
