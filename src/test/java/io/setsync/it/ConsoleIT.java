package io.setsync.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The console and the node as an operator meets them: start-up errors, ENV over the node's console
 * socket, the remote console's gate, Ctrl-C.
 */
public class ConsoleIT {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private final List<Process> processes = new ArrayList<>();

  @After
  public void killProcesses() {
    processes.forEach(Process::destroyForcibly);
  }

  @Test
  public void aNodeOnATakenPortSaysSoInOneLineAndFails() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      int port = taken.getLocalPort();
      Path home = tmp.newFolder("node-home").toPath();
      Launcher.Result r = new Launcher(home).run(
          Map.of("SETSYNC_JAVA_OPTS", "-Dsetsync.node.port=" + port, "SETSYNC_NODE_NAME", "itnode"), "node");
      assertNotEquals(r.toString(), 0, r.exitCode());
      String all = (r.stdout() + r.stderr()).strip();
      assertEquals(r.toString(), 1, all.lines().count());
      assertTrue(r.toString(), all.contains("the cluster port 127.0.0.1:" + port + " is already in use"));
      assertTrue(r.toString(), all.contains("setsync.node.port"));
    }
  }

  @Test
  public void envShowsTheCallerTheSocketAndTheClusterAndResetRestoresTheSession() throws Exception {
    int port = freePort();
    Path nodeHome = tmp.newFolder("node-home").toPath();
    startNode(nodeHome, port);
    Map<String, String> local = socketOf(nodeHome);
    Launcher console = new Launcher(tmp.newFolder("console-home").toPath());
    Launcher.Result env = console.run(local, "console", "--user", "alice", "ENV");
    assertEquals(env.toString(), 0, env.exitCode());
    assertTrue(env.toString(), env.stdout().matches("(?s).*cluster\\s+127\\.0\\.0\\.1:" + port + "\\b.*"));
    assertTrue(env.toString(), env.stdout().contains(nodeHome.resolve("console.sock").toString()));
    assertTrue(env.toString(), env.stdout().matches("(?s).*caller\\s+root \\(uid 0\\).*"));
    assertTrue(env.toString(), env.stdout().matches("(?s).*user\\s+alice\\b.*"));
    assertTrue(env.toString(), env.stdout().matches("(?s).*node\\s+itnode\\b.*"));

    // At the prompt (commands piped in): SET changes the session, RESET takes it back to --user.
    Path commands = tmp.getRoot().toPath().resolve("commands.txt");
    Files.writeString(commands, "SET USER bob\nENV\nRESET\nENV\nEXIT\n");
    ProcessBuilder builder = new ProcessBuilder(Launcher.SCRIPT.toString(), "console", "--user", "alice")
        .redirectInput(commands.toFile())
        .redirectOutput(tmp.getRoot().toPath().resolve("prompt.out").toFile())
        .redirectError(tmp.getRoot().toPath().resolve("prompt.err").toFile());
    builder.environment().put("SETSYNC_HOME", tmp.newFolder("prompt-home").toString());
    builder.environment().putAll(local);
    Process prompt = builder.start();
    processes.add(prompt);
    assertTrue("the console did not end", prompt.waitFor(120, TimeUnit.SECONDS));
    String out = Files.readString(tmp.getRoot().toPath().resolve("prompt.out"));
    assertEquals(out + Files.readString(tmp.getRoot().toPath().resolve("prompt.err")), 0, prompt.exitValue());
    int bob = out.indexOf("session parameters: USER bob");
    int reset = out.indexOf("session parameters reset: USER alice, OUTPUT TEXT");
    assertTrue(out, bob >= 0 && reset > bob);
    assertTrue(out, out.substring(bob, reset).matches("(?s).*user\\s+bob\\b.*"));
    assertTrue(out, out.substring(reset).matches("(?s).*user\\s+alice\\b.*"));
  }

  /** A node killed outright leaves its socket file; the next node on that home replaces it. */
  @Test
  public void aNodeReplacesTheSocketAKilledNodeLeft() throws Exception {
    Path nodeHome = tmp.newFolder("node-home").toPath();
    Process first = startNode(nodeHome, freePort());
    first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    assertTrue("the killed node left no socket file", Files.exists(nodeHome.resolve("console.sock")));
    startNode(nodeHome, freePort());
    Launcher.Result status = new Launcher(tmp.newFolder("console-home").toPath()).run(socketOf(nodeHome), "console",
        "STATUS AUTOSYNC");
    assertEquals(status.toString(), 0, status.exitCode());
    assertTrue(status.toString(), status.stdout().contains("monitor running on itnode"));
  }

  /** The remote console is refused in one line unless the node allows it; allowed, ENV shows both ends. */
  @Test
  public void theRemoteConsoleIsRefusedUnlessTheNodeAllowsIt() throws Exception {
    int port = freePort();
    startNode(tmp.newFolder("node-home").toPath(), port);
    Launcher console = new Launcher(tmp.newFolder("console-home").toPath());
    Launcher.Result refused = console.run("console", "--node", "127.0.0.1:" + port, "STATUS AUTOSYNC");
    assertEquals(refused.toString(), 2, refused.exitCode());
    assertEquals(refused.toString(), 1, refused.stderr().strip().lines().count());
    assertTrue(refused.toString(), refused.stderr().contains("does not allow remote consoles (setsync.console.remote = off)"));
    assertEquals(refused.toString(), "", refused.stdout());

    int allowedPort = freePort();
    startNode(tmp.newFolder("allowing-home").toPath(), allowedPort, "-Dsetsync.console.remote=on");
    Launcher.Result env = console.run("console", "--node", "127.0.0.1:" + allowedPort, "--user", "alice", "ENV");
    assertEquals(env.toString(), 0, env.exitCode());
    assertTrue(env.toString(), env.stdout().matches("(?s).*cluster\\s+127\\.0\\.0\\.1:" + allowedPort + "\\b.*"));
    assertTrue(env.toString(), env.stdout().matches("(?s).*console\\s+127\\.0\\.0\\.1:\\d+.*"));
    assertTrue(env.toString(), env.stdout().matches("(?s).*user\\s+alice\\b.*"));
  }

  /** The environment that points a console at the node's socket in {@code nodeHome}. */
  private static Map<String, String> socketOf(Path nodeHome) {
    return Map.of("SETSYNC_CONSOLE_SOCKET", nodeHome.resolve("console.sock").toString());
  }

  /**
   * SIGINT (Ctrl-C) of a console waiting for a SYNCHRONIZE: it says so and ends, and the node
   * stops the run long before a whole copy could have finished.
   */
  @Test
  public void ctrlCWhileSynchronizeWaitsStopsTheSyncAtTheNode() throws Exception {
    Path nodeHome = tmp.newFolder("node-home").toPath();
    int port = freePort();
    startNode(nodeHome, port);
    Path src = slowSource();
    Path dst = tmp.getRoot().toPath().resolve("dst");
    Path consoleHome = tmp.newFolder("console-home").toPath();
    // A suite started in the background of a non-interactive shell hands every child SIGINT
    // ignored, and a JVM keeps it so: the console could not see the Ctrl-C this test sends.
    Process console = new Launcher(consoleHome, List.of("env", "--default-signal=INT")).start(socketOf(nodeHome),
        "console", "SYNCHRONIZE " + src + " TO " + dst + ", MAXRATE 1 MB");
    processes.add(console);
    awaitCopied(dst, 2);
    long interrupted = System.nanoTime();
    new ProcessBuilder("kill", "-INT", Long.toString(console.pid())).inheritIO().start().waitFor();
    assertTrue("the console did not end after Ctrl-C", console.waitFor(60, TimeUnit.SECONDS));
    String err = Files.readString(consoleHome.resolve("last.err"));
    assertNotEquals(err, 0, console.exitValue());
    assertTrue(err, err.contains("Ctrl-C: asking the node to stop the synchronization at the next file boundary"));
    awaitEndedWithoutConsole(nodeHome, interrupted);
  }

  /** A console killed outright (no Ctrl-C handling at all) leaves nothing running at the node either. */
  @Test
  public void aConsoleThatGoesAwayLeavesNothingRunning() throws Exception {
    Path nodeHome = tmp.newFolder("node-home").toPath();
    int port = freePort();
    startNode(nodeHome, port);
    Path src = slowSource();
    Path dst = tmp.getRoot().toPath().resolve("dst");
    Process console = new Launcher(tmp.newFolder("console-home").toPath()).start(socketOf(nodeHome), "console",
        "SYNCHRONIZE " + src + " TO " + dst + ", MAXRATE 1 MB");
    processes.add(console);
    awaitCopied(dst, 2);
    long killed = System.nanoTime();
    console.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    awaitEndedWithoutConsole(nodeHome, killed);
  }

  /** 40 files of 1 MiB: at MAXRATE 1 MB a whole copy takes about 40 seconds. */
  private Path slowSource() throws IOException {
    Path src = tmp.newFolder("src").toPath();
    byte[] block = new byte[1 << 20];
    new java.util.Random(11).nextBytes(block);
    for (int i = 0; i < 40; i++) Files.write(src.resolve(String.format("f%02d.bin", i)), block);
    return src;
  }

  /**
   * Waits until at least {@code n} files are being received at {@code dst}: replacements are
   * committed in batches, so they show first as temporary files in its .setsync/.
   */
  private static void awaitCopied(Path dst, int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (Files.isDirectory(dst)) {
        try (var files = Files.walk(dst)) {
          if (files.filter(Files::isRegularFile).count() >= n) return;
        } catch (IOException | java.io.UncheckedIOException e) {
          // a temporary file renamed while walking: look again
        }
      }
      Thread.sleep(100); // between polls
    }
    throw new AssertionError("fewer than " + n + " files reached " + dst);
  }

  /**
   * Waits for the node's log to say the SYNCHRONIZE ended without its console, and checks that it
   * was stopped at a file boundary because its console went, having sent only part of the source.
   * (How fast the destination's receiver then lets go of the root is another matter, of the
   * running-sync stop itself.)
   */
  private static void awaitEndedWithoutConsole(Path nodeHome, long since) throws Exception {
    Path log = nodeHome.resolve("logs/setsync.log");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String text = Files.exists(log) ? Files.readString(log) : "";
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("SYNCHRONIZE \\S+ ended without its console: .*copied (\\d+)")
          .matcher(text);
      if (m.find()) {
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since);
        assertTrue(text, text.contains("its console stopped waiting; stopping it at the next file boundary"));
        assertTrue(text, text.contains("stopped at a file boundary: the console that started it stopped waiting"));
        assertTrue(m.group() + " after " + seconds + " s", Integer.parseInt(m.group(1)) < 40);
        return;
      }
      Thread.sleep(200); // between polls
    }
    throw new AssertionError("the node never said the SYNCHRONIZE ended:\n" + (Files.exists(log) ? Files.readString(log) : ""));
  }

  // ---- helpers ----

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  Process startNode(Path home, int port) throws Exception {
    return startNode(home, port, "");
  }

  Process startNode(Path home, int port, String javaOpts) throws Exception {
    Path out = home.resolve("node.out");
    ProcessBuilder builder = new ProcessBuilder(Launcher.SCRIPT.toString(), "node")
        .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
        .redirectError(ProcessBuilder.Redirect.appendTo(home.resolve("node.err").toFile()));
    builder.environment().put("SETSYNC_HOME", home.toString());
    builder.environment().put("SETSYNC_NODE_NAME", "itnode");
    builder.environment().put("SETSYNC_JAVA_OPTS", "-Dsetsync.node.port=" + port + " " + javaOpts);
    Process process = builder.start();
    processes.add(process);
    long before = Files.exists(out) ? Files.readString(out).split(" listening: ", -1).length : 1;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (Files.exists(out) && Files.readString(out, StandardCharsets.UTF_8).split(" listening: ", -1).length > before) {
        return process;
      }
      if (!process.isAlive()) break;
      Thread.sleep(100); // between polls
    }
    throw new AssertionError("node did not start:\n" + Files.readString(out) + "\n" + Files.readString(home.resolve("node.err")));
  }
}
