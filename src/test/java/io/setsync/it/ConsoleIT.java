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

/** The console and the node as an operator meets them: start-up errors, ENV, Ctrl-C. */
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

  // ---- helpers ----

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  Process startNode(Path home, int port) throws Exception {
    Path out = home.resolve("node.out");
    ProcessBuilder builder = new ProcessBuilder(Launcher.SCRIPT.toString(), "node")
        .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
        .redirectError(ProcessBuilder.Redirect.appendTo(home.resolve("node.err").toFile()));
    builder.environment().put("SETSYNC_HOME", home.toString());
    builder.environment().put("SETSYNC_NODE_NAME", "itnode");
    builder.environment().put("SETSYNC_JAVA_OPTS", "-Dsetsync.node.port=" + port);
    Process process = builder.start();
    processes.add(process);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (Files.exists(out) && Files.readString(out, StandardCharsets.UTF_8).contains("listening")) return process;
      if (!process.isAlive()) break;
      Thread.sleep(100); // between polls
    }
    throw new AssertionError("node did not start:\n" + Files.readString(out) + "\n" + Files.readString(home.resolve("node.err")));
  }
}
