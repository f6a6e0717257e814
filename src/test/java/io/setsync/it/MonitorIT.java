package io.setsync.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
 * Scheduled synchronization as a user runs it: {@code scripts/setsync node} in its own process,
 * commanded through {@code scripts/setsync console}; the node is killed with SIGKILL and started
 * again, and the schedule carries on from its journal.
 */
public class MonitorIT {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private final List<Process> nodes = new ArrayList<>();
  private final List<Path> homes = new ArrayList<>();

  @After
  public void killNodes() throws Exception {
    nodes.forEach(Process::destroyForcibly);
    for (Path home : homes) MessageChecks.assertAllSerializable(home);
  }

  @Test
  public void scheduledSyncFollowsTheSourceAndSurvivesKillMinus9() throws Exception {
    Path nodeHome = tmp.newFolder("node-home").toPath();
    Path src = tmp.newFolder("src").toPath();
    Path dst = tmp.getRoot().toPath().resolve("dst");
    Files.writeString(src.resolve("a.txt"), "alpha");
    Files.createDirectories(src.resolve("sub"));
    Files.writeString(src.resolve("sub/b.txt"), "beta");
    int port = freePort();
    Console console = new Console(tmp.newFolder("console-home").toPath(), port);

    Process node = startNode(nodeHome, port);
    assertOk(console.run("ADD SYNCUSER tester, ACCOUNT " + System.getProperty("user.name")));
    Launcher.Result added = console.run("ADD SYNCFILESET " + src + " TO " + dst + ", USER tester, INTERVAL 2 SECONDS, PURGE");
    assertOk(added);
    assertTrue(added.toString(), added.stdout().contains("SYNCFILESET 1 added"));

    Trees.awaitSameTree(src, dst);
    Files.writeString(src.resolve("c.txt"), "gamma");
    Files.delete(src.resolve("a.txt"));
    Files.writeString(src.resolve("sub/b.txt"), "beta, changed");
    Trees.awaitSameTree(src, dst);

    JsonNode status = console.json("STATUS SYNCFILESET 1");
    assertEquals(status.toString(), 0, status.get("code").asInt());
    JsonNode fileSet = status.get("result").get("fileSets").get(0);
    assertEquals(1, fileSet.get("id").asLong());
    assertTrue(status.toString(), fileSet.get("last").get("counts").get("scanned").asLong() >= 3);

    Launcher.Result log = console.run("INFO SYNCFILESET 1, LOG LAST 50");
    assertOk(log);
    assertTrue(log.stdout(), log.stdout().contains("sync ended"));
    assertTrue(log.stdout(), log.stdout().contains("purged a.txt"));
    assertTrue(log.stdout(), log.stdout().contains("ADD SYNCFILESET 1"));

    // SIGKILL: no shutdown hook, no journal flush beyond what was already written.
    node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    Files.writeString(src.resolve("after-kill.txt"), "written while the node was down");

    Process restarted = startNode(nodeHome, port);
    Trees.awaitSameTree(src, dst);
    Launcher.Result info = console.run("INFO SYNCFILESET 1");
    assertOk(info);
    assertTrue(info.stdout(), info.stdout().contains("INTERVAL 2 SECONDS"));
    assertTrue(info.stdout(), info.stdout().contains("PURGE"));

    assertOk(console.run("SUSPEND SYNCFILESET 1"));
    // A sync already under way ends at its next file boundary; only then is the file set idle.
    awaitFileSetState(console, 1, "suspended");
    Files.writeString(src.resolve("while-suspended.txt"), "not yet");
    // Not a wait for something: time passes on purpose, two and a half INTERVALs, to show that
    // no sync runs in it.
    Thread.sleep(5000);
    assertFalse("a suspended file set must not run", Files.exists(dst.resolve("while-suspended.txt")));
    assertOk(console.run("ACTIVATE SYNCFILESET 1"));
    Trees.awaitSameTree(src, dst);

    restarted.destroy(); // SIGTERM: schedulers stop at a file boundary, then the node leaves
    assertTrue("the node did not stop on SIGTERM", restarted.waitFor(60, TimeUnit.SECONDS));
    String nodeLog = Files.readString(nodeHome.resolve("logs/setsync.log"));
    assertTrue(nodeLog, nodeLog.contains("node stopping: every scheduler has stopped"));
  }

  @Test
  public void badCommandsAreClearErrorsAndAnAbsentNodeIsReportedQuickly() throws Exception {
    int port = freePort();
    Console console = new Console(tmp.newFolder("console-home").toPath(), port);

    Launcher.Result syntax = console.run("ADD SYNCFILESET /a TO /b, PURG");
    assertEquals(syntax.toString(), 2, syntax.exitCode());
    assertTrue(syntax.toString(), syntax.stderr().contains("\"PURG\" at column 27"));

    long started = System.nanoTime();
    Launcher.Result absent = console.run("STATUS AUTOSYNC");
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    assertEquals(absent.toString(), 2, absent.exitCode());
    assertTrue(absent.toString(), absent.stderr().contains("cannot reach a setsync node at 127.0.0.1:" + port));
    assertTrue("gave up after " + seconds + " s", seconds < 30);

    startNode(tmp.newFolder("node-home").toPath(), port);
    Launcher.Result unknownUser = console.run("ADD SYNCFILESET /a TO /b, USER nobody");
    assertEquals(unknownUser.toString(), 2, unknownUser.exitCode());
    assertTrue(unknownUser.toString(), unknownUser.stderr().contains("unknown SYNCUSER nobody"));
    Launcher.Result unknownId = console.run("ALTER SYNCFILESET 42, PURGE");
    assertEquals(unknownId.toString(), 2, unknownId.exitCode());
    assertTrue(unknownId.toString(), unknownId.stderr().contains("unknown SYNCFILESET 42"));
    assertOk(console.run("STATUS AUTOSYNC"));
  }

  /**
   * Two node processes in one cluster; the second gets SIGTERM. Only its own work stops: the
   * monitor (on the first node) keeps its schedulers, and the first node's file set goes on
   * syncing and shows no "not started" scheduler.
   */
  @Test
  public void sigtermOfAnotherNodeLeavesTheSchedulersRunning() throws Exception {
    Path src = tmp.newFolder("src").toPath();
    Path dst = tmp.getRoot().toPath().resolve("dst");
    Files.writeString(src.resolve("a.txt"), "alpha");
    int port = freePort();
    int secondPort = freePort();
    Console console = new Console(tmp.newFolder("console-home").toPath(), port);
    startNode(tmp.newFolder("first-home").toPath(), port);
    Path secondHome = tmp.newFolder("second-home").toPath();
    Process second = startNode(secondHome, secondPort, "itnode2", port);
    assertOk(console.run("ADD SYNCUSER tester, ACCOUNT " + System.getProperty("user.name")));
    assertOk(console.run("ADD SYNCFILESET " + src + " TO " + dst + ", USER tester, INTERVAL 1 SECONDS"));
    Trees.awaitSameTree(src, dst);

    second.destroy(); // SIGTERM
    assertTrue("the second node did not stop on SIGTERM", second.waitFor(90, TimeUnit.SECONDS));
    Files.writeString(src.resolve("after.txt"), "written after the other node stopped");
    Trees.awaitSameTree(src, dst);
    Launcher.Result status = console.run("STATUS AUTOSYNC, DETAIL");
    assertOk(status);
    assertFalse(status.stdout(), status.stdout().contains("not started"));
    assertFalse(status.stdout(), status.stdout().contains("stopped"));
  }

  /**
   * A file set from the first node to the second: the second node's endpoint is found through the
   * cluster and issues the session's ticket over it; a change, an addition and a deletion follow
   * with PURGE.
   */
  @Test
  public void aFileSetToAnotherNodeFollowsChangesAddsAndDeletes() throws Exception {
    Path src = tmp.newFolder("src").toPath();
    Path dst = tmp.getRoot().toPath().resolve("dst-on-second");
    Files.writeString(src.resolve("a.txt"), "alpha");
    Files.writeString(src.resolve("gone.txt"), "to be deleted");
    Files.createDirectories(src.resolve("sub"));
    Files.writeString(src.resolve("sub/b.txt"), "beta");
    int port = freePort();
    Console console = new Console(tmp.newFolder("console-home").toPath(), port);
    Path firstHome = tmp.newFolder("first-home").toPath();
    startNode(firstHome, port);
    Path secondHome = tmp.newFolder("second-home").toPath();
    int secondPort = freePort();
    startNode(secondHome, secondPort, "itnode2", port);
    assertOk(console.run("ADD SYNCUSER tester, ACCOUNT " + System.getProperty("user.name")));
    assertOk(console.run("ADD SYNCFILESET " + src + " TO itnode2:" + dst + ", USER tester, PURGE, INTERVAL 1 SECONDS"));
    Trees.awaitSameTree(src, dst);

    Files.writeString(src.resolve("a.txt"), "alpha, changed");
    Files.writeString(src.resolve("sub/new.txt"), "added");
    Files.delete(src.resolve("gone.txt"));
    Trees.awaitSameTree(src, dst);
    String secondLog = Files.readString(secondHome.resolve("logs/setsync.log"));
    assertTrue(secondLog, secondLog.contains("to " + dst + " done"));

    // Typed on the second node's console, a bare source is that node's: its agent runs the
    // scheduler there and sends to the first node, whose monitor it reports to.
    Console second = new Console(tmp.newFolder("second-console-home").toPath(), secondPort);
    Path back = tmp.getRoot().toPath().resolve("back-on-first");
    assertOk(second.run("ADD SYNCFILESET " + dst + " TO itnode:" + back + ", USER tester, INTERVAL 1 SECONDS"));
    Trees.awaitSameTree(src, back);
    Launcher.Result info = console.run("INFO SYNCFILESET 2");
    assertTrue(info.stdout(), info.stdout().contains("SYNCFILESET 2: itnode2:" + dst + " TO itnode:" + back));
    secondLog = Files.readString(secondHome.resolve("logs/setsync.log"));
    assertTrue(secondLog, secondLog.contains("scheduler tester@itnode2>itnode started"));

    // A SYNCHRONIZE typed there reads that node's files too, under its agent, and a bare
    // destination is on the same node; the answer comes back through the first node's monitor.
    Path once = tmp.getRoot().toPath().resolve("once-on-second");
    Launcher.Result synced = second.runAs("tester", "SYNCHRONIZE " + src + " TO " + once);
    assertEquals(synced.stdout() + synced.stderr(), 0, synced.exitCode());
    assertTrue(synced.stdout(), synced.stdout().contains("itnode2:" + src));
    Trees.assertSameTree(src, once);
    secondLog = Files.readString(secondHome.resolve("logs/setsync.log"));
    assertTrue(secondLog, secondLog.contains("SYNCHRONIZE synchronize-1 of tester: " + src + " to itnode2:" + once));
    assertTrue(secondLog, secondLog.contains("to " + once + " done"));
    String firstLog = Files.readString(firstHome.resolve("logs/setsync.log"));
    assertFalse(firstLog, firstLog.contains("to " + once + " done"));
  }

  /**
   * Two nodes, one killed: the survivor has no majority, downs itself, and exits non-zero with one
   * line saying why, so a service manager starts it again (it does not stay up half-alive, nor
   * exit 0 as if asked to stop).
   */
  @Test
  public void aNodeTheClusterDownsExitsNonZeroAndSaysWhy() throws Exception {
    int a = freePort();
    int b = freePort();
    // Of two equal halves keep-majority keeps the one with the lowest address: kill that one.
    int kept = Math.min(a, b);
    int survivor = Math.max(a, b);
    Process first = startNode(tmp.newFolder("kept-home").toPath(), kept, "itnode", 0);
    Path survivorHome = tmp.newFolder("survivor-home").toPath();
    Process second = startNode(survivorHome, survivor, "itnode2", kept);
    Console console = new Console(tmp.newFolder("console-home").toPath(), survivor);
    assertOk(console.run("STATUS AUTOSYNC")); // joined: the monitor on the first node answers through it

    first.destroyForcibly();
    assertTrue(first.waitFor(30, TimeUnit.SECONDS));
    assertTrue("the survivor did not stop", second.waitFor(120, TimeUnit.SECONDS));
    String err = Files.readString(survivorHome.resolve("node.err"));
    assertEquals(err, 3, second.exitValue());
    assertTrue(err, err.contains("setsync node: the cluster downed this node"));
  }

  private Process startNode(Path home, int port) throws Exception {
    return startNode(home, port, "itnode", 0);
  }

  /** A node named {@code name} on cluster port {@code port}; {@code seedPort}: the node to join (0: none). */
  private Process startNode(Path home, int port, String name, int seedPort) throws Exception {
    Path out = home.resolve("node.out");
    ProcessBuilder builder = new ProcessBuilder(Launcher.SCRIPT.toString(), "node")
        .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
        .redirectError(ProcessBuilder.Redirect.appendTo(home.resolve("node.err").toFile()));
    builder.environment().put("SETSYNC_HOME", home.toString());
    builder.environment().put("SETSYNC_NODE_NAME", name);
    // These tests command the node through the remote console (--node): allowed here.
    builder.environment().put("SETSYNC_JAVA_OPTS", "-Dsetsync.node.port=" + port + " -Dsetsync.console.remote=on "
        + MessageChecks.JAVA_OPTS + (seedPort == 0 ? "" : " -Dsetsync.node.seed-nodes.0=127.0.0.1:" + seedPort));
    long before = Files.exists(out) ? Files.readString(out).split("listening", -1).length : 1;
    Process process = builder.start();
    nodes.add(process);
    homes.add(home);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (Files.exists(out) && Files.readString(out, StandardCharsets.UTF_8).split("listening", -1).length > before) {
        return process;
      }
      if (!process.isAlive()) break;
      Thread.sleep(100); // between polls
    }
    throw new AssertionError("node did not start:\n" + Files.readString(out) + "\n" + Files.readString(home.resolve("node.err")));
  }


  /** Polls STATUS until file set {@code id} is in {@code state} (e.g. "suspended"), for at most 2 minutes. */
  private static void awaitFileSetState(Console console, long id, String state) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    JsonNode status = null;
    while (System.nanoTime() < deadline) {
      status = console.json("STATUS SYNCFILESET " + id);
      JsonNode fileSets = status.path("result").path("fileSets");
      if (fileSets.size() == 1 && state.equals(fileSets.get(0).path("state").asText())) return;
      Thread.sleep(250); // between polls
    }
    throw new AssertionError("SYNCFILESET " + id + " did not become " + state + "; last status: " + status);
  }

  private static void assertOk(Launcher.Result result) {
    assertEquals(result.toString(), 0, result.exitCode());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** {@code scripts/setsync console --node 127.0.0.1:PORT COMMAND}. */
  private static final class Console {
    private final Launcher launcher;
    private final int port;

    Console(Path home, int port) {
      this.launcher = new Launcher(home);
      this.port = port;
    }

    Launcher.Result run(String command) throws IOException, InterruptedException {
      return launcher.run(Map.of(), "console", "--node", "127.0.0.1:" + port, command);
    }

    Launcher.Result runAs(String user, String command) throws IOException, InterruptedException {
      return launcher.run(Map.of(), "console", "--node", "127.0.0.1:" + port, "--user", user, command);
    }

    JsonNode json(String command) throws IOException, InterruptedException {
      Launcher.Result result = launcher.run(Map.of(), "console", "--node", "127.0.0.1:" + port, "--json", command);
      return new ObjectMapper().readTree(result.stdout());
    }
  }
}
