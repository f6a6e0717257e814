package io.setsync.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code scripts/setsync node} process for the soak test, and one {@code scripts/setsync
 * console --json} at its prompt, fed commands on its standard input (a console per command would
 * start a JVM per command). The node can be killed with SIGKILL or stopped with SIGTERM and
 * started again on the same home and port; the console is started anew with it.
 */
final class SoakNode implements AutoCloseable {

  static final String NODE_NAME = "soaknode";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path home;
  private final Path consoleHome;
  private final int port;
  private final String user;
  private Process node;
  private Process console;
  private Writer consoleInput;
  private BlockingQueue<String> consoleLines;
  private int starts;

  SoakNode(Path home, Path consoleHome, int port, String user) {
    this.home = home;
    this.consoleHome = consoleHome;
    this.port = port;
    this.user = user;
  }

  /** Starts the node, waits until it listens, then opens a console on it. */
  void start() throws Exception {
    Files.createDirectories(home);
    Path out = home.resolve("node.out");
    ProcessBuilder builder = new ProcessBuilder(Launcher.SCRIPT.toString(), "node")
        .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
        .redirectError(ProcessBuilder.Redirect.appendTo(home.resolve("node.err").toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().put("SETSYNC_HOME", home.toString());
    builder.environment().put("SETSYNC_NODE_NAME", NODE_NAME);
    // Its console is the remote console (--node): allowed on this node.
    builder.environment().put("SETSYNC_JAVA_OPTS", "-Dsetsync.node.port=" + port + " -Dsetsync.console.remote=on");
    builder.environment().put("LC_ALL", "C.UTF-8");
    int before = listeningLines(out);
    node = builder.start();
    starts++;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (listeningLines(out) <= before) {
      if (!node.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("the node did not start (start " + starts + "):\n" + tail(out, 40) + "\n"
            + tail(home.resolve("node.err"), 40));
      }
      Thread.sleep(100); // between polls of its output
    }
    openConsole();
  }

  /** SIGKILL: no shutdown hook, nothing flushed beyond what the journal already has. */
  void kill() throws Exception {
    closeConsole();
    node.destroyForcibly();
    if (!node.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("the node survived SIGKILL for 60 s");
  }

  /** SIGTERM: running syncs end at a file boundary, then the node stops. */
  void stop() throws Exception {
    closeConsole();
    node.destroy();
    if (!node.waitFor(90, TimeUnit.SECONDS)) {
      throw new AssertionError("the node did not stop within 90 s of SIGTERM:\n" + tail(home.resolve("node.out"), 40));
    }
  }

  /** The node's JVM (the launcher script execs java, so the process is the JVM). */
  long pid() {
    return node.pid();
  }

  boolean isAlive() {
    return node != null && node.isAlive();
  }

  /** How many descriptors the node has open now, from /proc. */
  int openDescriptors() throws IOException {
    try (var fds = Files.list(Path.of("/proc", String.valueOf(pid()), "fd"))) {
      return (int) fds.count();
    }
  }

  /**
   * The local and remote ports of the node's sockets in CLOSE_WAIT: the peer closed, the node did not. From
   * the node's socket descriptors (socket:[inode]) and its network namespace's TCP tables.
   */
  List<int[]> closeWaitPorts() throws IOException {
    java.util.Set<String> inodes = new java.util.HashSet<>();
    try (var fds = Files.list(Path.of("/proc", String.valueOf(pid()), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) inodes.add(target.substring(8, target.length() - 1));
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    }
    List<int[]> ports = new java.util.ArrayList<>();
    for (String table : List.of("tcp", "tcp6")) {
      Path file = Path.of("/proc", String.valueOf(pid()), "net", table);
      if (!Files.exists(file)) continue;
      List<String> lines = Files.readAllLines(file);
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        String[] f = line.trim().split("\\s+");
        // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
        if (f.length > 9 && f[3].equals("08") && inodes.contains(f[9])) {
          ports.add(new int[] {portOf(f[1]), portOf(f[2])});
        }
      }
    }
    return ports;
  }

  private static int portOf(String hexAddress) {
    return Integer.parseInt(hexAddress.substring(hexAddress.indexOf(':') + 1), 16);
  }

  /**
   * The port the node (since its last start) printed after {@code what}, e.g. "content lane
   * listening on" or "data endpoint listening on".
   */
  int port(String what) throws IOException {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(what) + " [^ ]*:([0-9]+)")
        .matcher(Files.readString(home.resolve("node.out"), StandardCharsets.UTF_8));
    int port = -1;
    while (m.find()) port = Integer.parseInt(m.group(1));
    return port;
  }

  /** How many threads the node runs now, from /proc. */
  int threads() throws IOException {
    try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid()), "task"))) {
      return (int) tasks.count();
    }
  }

  /**
   * Runs one command at the console's prompt and returns its JSON result ({@code code}, {@code
   * type}, {@code result}).
   */
  JsonNode run(String command, Duration timeout) throws Exception {
    consoleInput.write(command + "\n");
    consoleInput.flush();
    String line = consoleLines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (line == null) {
      throw new AssertionError("no answer to \"" + command + "\" within " + timeout.toSeconds() + " s (console "
          + (console.isAlive() ? "alive" : "exited " + console.exitValue()) + ", node "
          + (node.isAlive() ? "alive" : "exited") + ")\n" + tail(consoleHome.resolve("console.err"), 20) + "\n"
          + tail(home.resolve("node.out"), 30));
    }
    return JSON.readTree(line);
  }

  JsonNode run(String command) throws Exception {
    return run(command, Duration.ofSeconds(60));
  }

  Path log() {
    return home.resolve("logs/setsync.log");
  }

  /** The last {@code lines} lines of the node's log, for a failure's message. */
  String logTail(int lines) throws IOException {
    return tail(log(), lines);
  }

  @Override
  public void close() {
    try {
      closeConsole();
    } catch (Exception e) {
      // the node goes anyway
    }
    if (node != null) node.destroyForcibly();
  }

  private void openConsole() throws Exception {
    Files.createDirectories(consoleHome);
    ProcessBuilder builder = new ProcessBuilder(Launcher.SCRIPT.toString(), "console", "--node", "127.0.0.1:" + port,
        "--json", "--user", user)
        .redirectError(ProcessBuilder.Redirect.appendTo(consoleHome.resolve("console.err").toFile()));
    builder.environment().put("SETSYNC_HOME", consoleHome.toString());
    builder.environment().put("LC_ALL", "C.UTF-8");
    console = builder.start();
    consoleInput = new OutputStreamWriter(console.getOutputStream(), StandardCharsets.UTF_8);
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    consoleLines = lines;
    BufferedReader reader = new BufferedReader(new InputStreamReader(console.getInputStream(), StandardCharsets.UTF_8));
    Thread pump = new Thread(() -> {
      try {
        for (String line; (line = reader.readLine()) != null; ) {
          // The prompt ("setsync> ") stands before each answer on the same line.
          int brace = line.indexOf('{');
          if (brace >= 0) lines.add(line.substring(brace));
        }
      } catch (IOException e) {
        // the console ended; a command waiting for an answer says so
      }
    }, "soak-console-" + starts);
    pump.setDaemon(true);
    pump.start();
    JsonNode first = run("STATUS AUTOSYNC", Duration.ofSeconds(120));
    if (first.path("code").asInt() != 0) throw new AssertionError("the console could not reach the node: " + first);
  }

  private void closeConsole() throws Exception {
    if (console == null) return;
    try {
      consoleInput.write("EXIT\n");
      consoleInput.flush();
    } catch (IOException e) {
      // already gone
    }
    if (!console.waitFor(15, TimeUnit.SECONDS)) console.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
    console = null;
  }

  private static int listeningLines(Path out) throws IOException {
    if (!Files.exists(out)) return 0;
    return Files.readString(out, StandardCharsets.UTF_8).split(" listening: ", -1).length - 1;
  }

  static String tail(Path file, int lines) throws IOException {
    if (!Files.exists(file)) return "(no " + file + ")";
    List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
    return "--- " + file + " (last " + Math.min(lines, all.size()) + " lines)\n"
        + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
