package io.setsync.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.fusesource.leveldbjni.JniDBFactory;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The shared journal as a user sets it up: {@code scripts/postgres start}, a node with
 * conf/cluster-postgres.conf, users, a batch and a file set that syncs; the node is killed with
 * SIGKILL and a new node with an empty home of its own, on the same database, has all of it. The
 * rename journal of the first node's destination root stays in that node's LevelDB.
 */
public class PostgresJournalIT {

  private static final Path CHECKOUT = Launcher.SCRIPT.getParent().getParent();

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private final List<Process> nodes = new ArrayList<>();
  private Path postgresDir;
  /** The three-node cluster of the failover tests. */
  private final int[] ports = new int[3];
  private final Path[] homes = new Path[3];
  private final Process[] processes = new Process[3];

  @After
  public void stopEverything() throws Exception {
    for (Process node : nodes) node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    for (Path home : homes) if (home != null) MessageChecks.assertAllSerializable(home);
    if (postgresDir != null) {
      Result stopped = run(List.of(CHECKOUT.resolve("scripts/postgres").toString(), "stop", postgresDir.toString()), 120);
      assertEquals(stopped.toString(), 0, stopped.exitCode());
    }
  }

  @Test
  public void aNewNodeWithAnEmptyHomeRecoversEverythingFromTheDatabase() throws Exception {
    // The postgres account runs the server: its directory must be reachable from /.
    Files.setAttribute(tmp.getRoot().toPath(), "unix:mode", 0755);
    postgresDir = tmp.getRoot().toPath().resolve("postgres");
    int postgresPort = ConsoleIT.freePort();
    String url = startPostgres(postgresPort);
    assertTrue(url, url.startsWith("jdbc:postgresql://127.0.0.1:" + postgresPort + "/setsync?"));
    assertEquals("a second start finds everything in place", url, startPostgres(postgresPort));

    Path site = tmp.getRoot().toPath().resolve("site.conf");
    Files.writeString(site, "include file(\"" + CHECKOUT.resolve("conf/cluster-postgres.conf") + "\")\n"
        + "setsync.node { name = \"pgnode\", seed-nodes = [] }\n");
    Path src = tmp.newFolder("src").toPath();
    Path dst = tmp.getRoot().toPath().resolve("dst");
    Files.writeString(src.resolve("a.txt"), "alpha");
    Files.createDirectories(src.resolve("sub"));
    Files.writeString(src.resolve("sub/b.txt"), "beta");

    Path firstHome = tmp.newFolder("first-home").toPath();
    Process first = startNode(firstHome, site, url);
    String account = System.getProperty("user.name");
    Console console = new Console(tmp.newFolder("console-home").toPath(), firstHome);
    assertOk(console.run("ADD SYNCUSER tester, ACCOUNT " + account));
    assertOk(console.run("ADD BATCHID nightly"));
    Launcher.Result added = console.run("ADD SYNCFILESET " + src + " TO " + dst + ", USER tester, BATCHID nightly, INTERVAL 1 SECONDS");
    assertOk(added);
    assertTrue(added.toString(), added.stdout().contains("SYNCFILESET 1 added"));
    Trees.awaitSameTree(src, dst);
    String firstLog = awaitLog(console, "sync ended");

    first.destroyForcibly(); // SIGKILL: nothing is flushed that was not already written
    assertTrue("the first node did not die", first.waitFor(30, TimeUnit.SECONDS));

    Path secondHome = tmp.newFolder("second-home").toPath();
    startNode(secondHome, site, url);
    console = new Console(tmp.getRoot().toPath().resolve("console-home"), secondHome);
    Launcher.Result user = console.run("INFO SYNCUSER tester");
    assertOk(user);
    assertTrue(user.stdout(), user.stdout().matches("(?s).*\\btester\\s+" + account + "\\s+active.*"));
    Launcher.Result fileSet = console.run("INFO SYNCFILESET 1");
    assertOk(fileSet);
    assertTrue(fileSet.stdout(), fileSet.stdout().contains(src.toString()));
    assertTrue(fileSet.stdout(), fileSet.stdout().contains("BATCHID nightly"));
    Launcher.Result batch = console.run("INFO BATCHID nightly");
    assertOk(batch);
    assertTrue(batch.stdout(), batch.stdout().matches("(?s).*\\bnightly\\s+active\\s+\\[1\\].*"));
    Launcher.Result log = console.run("INFO SYNCFILESET 1, LOG");
    assertOk(log);
    for (String line : firstLog.strip().split("\n")) {
      assertTrue("the first node's log record \"" + line + "\" is missing:\n" + log.stdout(), log.stdout().contains(line));
    }
    // The schedule goes on from the recovered state, on the new node.
    Files.writeString(src.resolve("after-kill.txt"), "written while no node ran");
    Trees.awaitSameTree(src, dst);

    Set<String> shared = persistenceIds(url);
    assertTrue(shared.toString(), shared.contains("setsync-monitor"));
    assertTrue(shared.toString(), shared.contains("synclog|tester"));
    String renameJournal = "RenameJournal|" + dst;
    assertFalse("rename journals stay local: " + shared, shared.stream().anyMatch(id -> id.startsWith("RenameJournal")));
    assertTrue("the first node's rename journal of " + dst + " is not in its own LevelDB",
        levelDbHolds(firstHome.resolve("journal"), renameJournal));
  }

  /**
   * A node whose database is down says so in one line and waits; its monitor recovers once the
   * database answers, without a restart. Meanwhile each failed recovery of the monitor is one line
   * of the node's log, with no stack trace, and the console names the database and exits 2.
   */
  @Test
  public void aNodeStartedBeforeItsDatabaseSaysSoAndRecoversWhenItAnswers() throws Exception {
    int postgresPort = 5591; // ports of this class's own (the other ITs pick free ones)
    String url = startAndStopPostgres(postgresPort);
    String password = url.substring(url.indexOf("password=") + "password=".length());
    String shown = "jdbc:postgresql://127.0.0.1:" + postgresPort + "/setsync?user=setsync&password=***";

    Path site = tmp.getRoot().toPath().resolve("site.conf");
    Files.writeString(site, "include file(\"" + CHECKOUT.resolve("conf/cluster-postgres.conf") + "\")\n");
    Path home = tmp.newFolder("home").toPath();
    startNode(home, site, url, "shared journal: cannot reach the database", 27101);
    String log = Files.readString(home.resolve("logs/setsync.log"));
    assertTrue(log, log.contains("shared journal: cannot reach the database " + shown + ": Connection to 127.0.0.1:"
        + postgresPort + " refused"));

    // Three failed recoveries of the monitor (its restarts back off, 5 to 10 s apart): one line
    // each, and nothing else of them, no stack trace, in the log from the first to the third.
    String failure = "WARN  i.s.PersistFailures - monitor: its journal, the database " + shown + ", cannot be reached: ";
    String window = awaitNodeLogLines(home, failure, 3, 90);
    window = window.substring(window.indexOf(failure));
    List<String> lines = List.of(window.split("\n"));
    assertTrue(window, lines.stream().filter(line -> line.contains(failure)).count() >= 3);
    assertTrue(window, lines.get(0).contains(failure + "Connection to 127.0.0.1:" + postgresPort + " refused; recovery"));
    List<String> traces = lines.stream()
        .filter(line -> line.matches("\\s+at .*|Caused by: .*|.*Exception.*|.*Supervisor .* saw failure.*")).toList();
    assertEquals("stack traces in the node's log while its database is down:\n" + window, List.of(), traces);

    Console console = new Console(tmp.newFolder("console-home").toPath(), home);
    long asked = System.nanoTime();
    Launcher.Result unavailable = console.run("STATUS AUTOSYNC");
    System.out.printf("DB down: the console's answer came after %.1f s%n", (System.nanoTime() - asked) / 1e9);
    assertEquals(unavailable.toString(), 2, unavailable.exitCode());
    assertEquals(unavailable.toString(), "error: the monitor is unavailable: its journal database (" + shown + ") cannot be"
        + " reached (Connection to 127.0.0.1:" + postgresPort + " refused); it retries until the database answers",
        unavailable.stderr().strip());
    assertEquals(unavailable.toString(), "", unavailable.stdout().strip());

    assertEquals(url, startPostgres(postgresPort));
    awaitNodeLog(home, "monitor recovered");
    awaitNodeLog(home, "INFO  i.s.PersistFailures - monitor: recovered from its journal (the database " + shown
        + ") after ");
    awaitNodeLog(home, "shared journal: the database " + shown + " answers again");
    assertOk(console.run("ADD SYNCUSER tester, ACCOUNT " + System.getProperty("user.name")));
    assertTrue(persistenceIds(url).contains("setsync-monitor"));
    assertFalse("the log shows the password", Files.readString(home.resolve("logs/setsync.log")).contains(password));
  }

  /**
   * SIGTERM of a node whose database is down: the node stops within 15 s. Its monitor, which never
   * recovered, is stopped when the node leaves instead of being waited for (the singleton's hand-over
   * waited out cluster-exiting's 10 s for it, the hand-over message stashed behind the recovery).
   */
  @Test
  public void aNodeWhoseDatabaseIsDownStopsSoonOnSigterm() throws Exception {
    String url = startAndStopPostgres(5592);
    Path site = tmp.getRoot().toPath().resolve("site.conf");
    // The "stop-running-syncs" task asks the node's own agent, which answers at once even while
    // the monitor cannot: no wait for the monitor is in this bound.
    Files.writeString(site, "include file(\"" + CHECKOUT.resolve("conf/cluster-postgres.conf") + "\")\n");
    Path home = tmp.newFolder("home").toPath();
    Process node = startNode(home, site, url, "WARN  i.s.PersistFailures - monitor: its journal", 27102);

    long signalled = System.nanoTime();
    node.destroy(); // SIGTERM
    boolean stopped = node.waitFor(15, TimeUnit.SECONDS);
    double took = (System.nanoTime() - signalled) / 1e9;
    String log = Files.readString(home.resolve("logs/setsync.log"));
    assertTrue("the node did not stop within 15 s of SIGTERM with its database down:\n" + log, stopped);
    System.out.printf("DB down: the node stopped %.1f s after SIGTERM%n", took);
    assertEquals("a node asked to stop exits as on SIGTERM", 143, node.exitValue());
    assertTrue(log, log.contains("monitor: stopped without having recovered since its journal failed, as its node stops"));
    assertFalse(log, log.contains("timed out"));
  }

  /**
   * Three nodes on one database; the monitor's node is killed with SIGKILL. Another node takes the
   * monitor over with the users and file sets; the file set between the two survivors goes on, and
   * the one from the dead node waits for it and resumes when it is back. Prints how long the
   * takeover took.
   */
  @Test
  public void whenTheMonitorsNodeDiesAnotherTakesItOverAndTheSurvivorsSyncsGoOn() throws Exception {
    String url = startCluster();
    Path src = tmp.newFolder("src").toPath();
    Path dst = tmp.getRoot().toPath().resolve("dst");
    Path fromDead = tmp.newFolder("src-n1").toPath();
    Path toSurvivor = tmp.getRoot().toPath().resolve("dst-n1");
    Files.writeString(src.resolve("a.txt"), "alpha");
    Files.writeString(fromDead.resolve("b.txt"), "beta");
    Console first = new Console(tmp.newFolder("console-home").toPath(), homes[0]);
    assertOk(first.run("ADD SYNCUSER tester, ACCOUNT " + System.getProperty("user.name")));
    // Typed on n1, the monitor's node: the survivors' file set names its source node.
    assertOk(first.run("ADD SYNCFILESET n2:" + src + " TO n3:" + dst + ", USER tester, INTERVAL 1 SECONDS"));
    assertOk(first.run("ADD SYNCFILESET " + fromDead + " TO n2:" + toSurvivor + ", USER tester, INTERVAL 1 SECONDS"));
    Trees.awaitSameTree(src, dst);
    Trees.awaitSameTree(fromDead, toSurvivor);
    Launcher.Result info = first.run("INFO SYNCFILESET");
    assertTrue(info.stdout(), info.stdout().contains("SYNCFILESET 1: n2:" + src + " TO n3:" + dst));
    assertTrue(info.stdout(), info.stdout().contains("SYNCFILESET 2: n1:" + fromDead + " TO n2:" + toSurvivor));

    long killed = System.nanoTime();
    processes[0].destroyForcibly(); // SIGKILL of the monitor's node
    assertTrue(processes[0].waitFor(30, TimeUnit.SECONDS));
    Files.writeString(src.resolve("after-kill.txt"), "written once the monitor's node was dead");
    Files.writeString(fromDead.resolve("while-down.txt"), "written while its node was down");
    // The file system says when the next sync is done, to the quarter second.
    Trees.awaitSameTree(src, dst);
    double synced = (System.nanoTime() - killed) / 1e9;
    Console second = new Console(tmp.getRoot().toPath().resolve("console-home"), homes[1]);
    Launcher.Result status = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    double longestWait = 0;
    String unavailable = null;
    while (System.nanoTime() < deadline) {
      long asked = System.nanoTime();
      status = second.run("STATUS AUTOSYNC");
      longestWait = Math.max(longestWait, (System.nanoTime() - asked) / 1e9);
      if (status.exitCode() == 0 && status.stdout().matches("(?s).*monitor running on n[23].*")) break;
      String said = status.stdout() + status.stderr();
      if (unavailable == null && said.contains("the monitor is unavailable")) unavailable = said.strip();
      Thread.sleep(250); // between polls
    }
    double answered = (System.nanoTime() - killed) / 1e9;
    // A console asked while the monitor's node is gone says so as soon as the node is unreachable,
    // instead of waiting its 30 s answer time for an answer that cannot come.
    assertTrue("a STATUS waited " + longestWait + " s", longestWait < 20);
    System.out.println("takeover: while it lasted, a console said: " + unavailable);
    assertTrue("no node took the monitor over: " + status, status.exitCode() == 0
        && status.stdout().matches("(?s).*monitor running on n[23].*"));
    assertTrue(status.stdout(), status.stdout().contains("sync users 1, file sets 2"));
    System.out.printf("takeover: the next sync was done %.1f s after the kill; a survivor's console had the new monitor's"
        + " STATUS %.1f s after it%n", synced, answered);
    Launcher.Result waiting = awaitConsole(second, "STATUS SYNCFILESET 2", "waiting for source node n1");
    assertFalse("nothing from the dead node was copied", Files.exists(toSurvivor.resolve("while-down.txt")));

    // The first node, started again, joins the survivors' cluster: one monitor, not a second one.
    String monitorNode = status.stdout().replaceAll("(?s).*monitor running on (n[23]).*", "$1");
    // Its log already says "listening" from before: its console's answer is the signal.
    startNode(homes[0], tmp.getRoot().toPath().resolve("site-1.conf"), url, "listening", ports[0]);
    Launcher.Result rejoined = null;
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      rejoined = first.run("STATUS AUTOSYNC");
      if (rejoined.exitCode() == 0) break;
      Thread.sleep(250); // between polls
    }
    assertOk(rejoined);
    assertTrue("the restarted first node runs a monitor of its own: " + rejoined,
        rejoined.stdout().contains("monitor running on " + monitorNode));
    // Its file set resumes with what was written while it was down.
    Trees.awaitSameTree(fromDead, toSurvivor);
    System.out.println("while n1 was down, its file set showed: " + waiting.stdout().lines()
        .filter(l -> l.startsWith("2 ")).findFirst().orElse("?"));
  }

  /**
   * SIGTERM of the monitor's node while a sync between the two other nodes runs: the monitor moves,
   * the sync goes on (its scheduler belongs to its source node), and the new monitor records it.
   */
  @Test
  public void aGracefulStopOfTheMonitorsNodeHandsOverWithoutLosingASync() throws Exception {
    String url = startCluster();
    Path src = tmp.newFolder("src").toPath();
    Path dst = tmp.getRoot().toPath().resolve("dst");
    for (int i = 0; i < 40; i++) Files.write(src.resolve("f" + i + ".bin"), new byte[256 * 1024]);
    Console first = new Console(tmp.newFolder("console-home").toPath(), homes[0]);
    assertOk(first.run("ADD SYNCUSER tester, ACCOUNT " + System.getProperty("user.name")));
    // Slow enough (about 5 s) that the stop finds the first sync running.
    assertOk(first.run("ADD SYNCFILESET n2:" + src + " TO n3:" + dst + ", USER tester, INTERVAL 1 HOURS, MAXRATE 2 MB"));
    awaitNodeLog(homes[2], "session ");

    processes[0].destroy(); // SIGTERM
    assertTrue("the monitor's node did not stop on SIGTERM", processes[0].waitFor(90, TimeUnit.SECONDS));
    // A JVM stopped by SIGTERM exits 143 (128 + 15); 3 would mean the cluster downed it.
    assertEquals("a node asked to stop exits as on SIGTERM", 143, processes[0].exitValue());
    Trees.awaitSameTree(src, dst);
    Console second = new Console(tmp.getRoot().toPath().resolve("console-home"), homes[1]);
    Launcher.Result log = awaitConsole(second, "INFO SYNCFILESET 1, LOG", "sync ended");
    assertFalse("the hand-over stopped the sync: " + log.stdout(), log.stdout().contains("stopped at a file boundary"));
    assertTrue(log.stdout(), log.stdout().lines().anyMatch(l -> l.contains("sync ended") && l.endsWith("code 0")));
    String n2 = Files.readString(homes[1].resolve("logs/setsync.log"));
    assertEquals("one scheduler, never restarted: " + n2, 1, n2.split("scheduler tester@n2>n3 started", -1).length - 1);
    Launcher.Result status = second.run("STATUS AUTOSYNC");
    assertTrue(status.toString(), status.stdout().matches("(?s).*monitor running on n[23].*"));
  }

  /** Polls {@code command} on {@code console} until its output contains {@code text}. */
  private static Launcher.Result awaitConsole(Console console, String command, String text) throws Exception {
    Launcher.Result last = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      last = console.run(command);
      if (last.exitCode() == 0 && last.stdout().contains(text)) return last;
      Thread.sleep(250); // between polls
    }
    throw new AssertionError(command + " never said \"" + text + "\": " + last);
  }

  /**
   * Three nodes whose database is down, stopped one after the other with SIGTERM: each stops within
   * 15 s, the monitor's node first. Its monitor, never recovered, is handed over at once rather than
   * waited for, and so is the one the next node took over a moment before its own SIGTERM.
   */
  @Test
  public void nodesWhoseDatabaseIsDownStopSoonOnSigtermWhileTheMonitorMovesBetweenThem() throws Exception {
    String url = startAndStopPostgres(5593);
    int[] clusterPorts = {27111, 27112, 27113};
    String seeds = "[\"127.0.0.1:27111\", \"127.0.0.1:27112\", \"127.0.0.1:27113\"]";
    for (int i = 0; i < 3; i++) {
      Path site = tmp.getRoot().toPath().resolve("site-" + (i + 1) + ".conf");
      Files.writeString(site, "include file(\"" + CHECKOUT.resolve("conf/cluster-postgres.conf") + "\")\n"
          + "setsync.node { name = \"n" + (i + 1) + "\", seed-nodes = " + seeds + " }\n");
      homes[i] = tmp.newFolder("home-" + (i + 1)).toPath();
      processes[i] = startNode(homes[i], site, url, i == 0 ? "WARN  i.s.PersistFailures - monitor: its journal" : "listening",
          clusterPorts[i]);
    }
    // A node listens before it has joined: the others are members (their proxies found the monitor
    // on n1) before n1 is stopped.
    for (int i = 1; i < 3; i++) awaitNodeLog(homes[i], "Singleton identified at [akka://setsync@127.0.0.1:" + clusterPorts[0]);
    // The monitor's node first, then wherever the monitor went (the oldest of the others, which
    // need not be n2: the nodes join in whatever order their first tries succeed).
    List<Integer> running = new ArrayList<>(List.of(0, 1, 2));
    int i = 0;
    while (true) {
      running.remove(Integer.valueOf(i));
      long signalled = System.nanoTime();
      processes[i].destroy(); // SIGTERM
      boolean stopped = processes[i].waitFor(15, TimeUnit.SECONDS);
      double took = (System.nanoTime() - signalled) / 1e9;
      String log = Files.readString(homes[i].resolve("logs/setsync.log"));
      assertTrue("n" + (i + 1) + " did not stop within 15 s of SIGTERM with its database down:\n" + log, stopped);
      System.out.printf("DB down: n%d stopped %.1f s after SIGTERM%n", i + 1, took);
      assertEquals(143, processes[i].exitValue());
      assertFalse(log, log.contains("timed out"));
      if (running.isEmpty()) return;
      // Another node holds the monitor now: its proxy found it there, on its own node.
      i = awaitFirstNodeLog(running, "Singleton identified at [akka://setsync/system/singletonManagermonitor/monitor]");
    }
  }

  /** Which of the {@code nodes} (indexes) first says {@code text} in its log, waiting at most 2 minutes. */
  private int awaitFirstNodeLog(List<Integer> nodes, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      for (int n : nodes) {
        if (Files.readString(homes[n].resolve("logs/setsync.log"), StandardCharsets.UTF_8).contains(text)) return n;
      }
      Thread.sleep(100); // between polls
    }
    throw new AssertionError("no node of " + nodes + " said \"" + text + "\"");
  }

  // ---- helpers ----

  /** Three nodes on one new database, the first holding the monitor; answers the database's URL. */
  private String startCluster() throws Exception {
    Files.setAttribute(tmp.getRoot().toPath(), "unix:mode", 0755);
    postgresDir = tmp.getRoot().toPath().resolve("postgres");
    String url = startPostgres(ConsoleIT.freePort());
    for (int i = 0; i < 3; i++) ports[i] = ConsoleIT.freePort();
    for (int i = 0; i < 3; i++) {
      // Every node names all three, in the same order, as README's guide says: the first forms the
      // cluster only when no other answers, so a restarted first node joins the survivors.
      String seeds = "[\"127.0.0.1:" + ports[0] + "\", \"127.0.0.1:" + ports[1] + "\", \"127.0.0.1:" + ports[2] + "\"]";
      Path site = tmp.getRoot().toPath().resolve("site-" + (i + 1) + ".conf");
      Files.writeString(site, "include file(\"" + CHECKOUT.resolve("conf/cluster-postgres.conf") + "\")\n"
          + "setsync.node { name = \"n" + (i + 1) + "\", seed-nodes = " + seeds + " }\n");
      homes[i] = tmp.newFolder("home-" + (i + 1)).toPath();
      processes[i] = startNode(homes[i], site, url, i == 0 ? "monitor recovered" : "listening", ports[i]);
    }
    // A node listens before it has joined: every node is a member (its proxy found the monitor on
    // the first) before a test goes on.
    for (int i = 1; i < 3; i++) awaitNodeLog(homes[i], "Singleton identified at [akka://setsync@127.0.0.1:" + ports[0]);
    return url;
  }


  /** A database started once, for its URL (password and all), and stopped: the URL of a database that is down. */
  private String startAndStopPostgres(int port) throws Exception {
    Files.setAttribute(tmp.getRoot().toPath(), "unix:mode", 0755);
    postgresDir = tmp.getRoot().toPath().resolve("postgres");
    String url = startPostgres(port);
    Result stopped = run(List.of(CHECKOUT.resolve("scripts/postgres").toString(), "stop", postgresDir.toString()), 120);
    assertEquals(stopped.toString(), 0, stopped.exitCode());
    return url;
  }

  /**
   * The node's log once {@code text} occurs in it {@code count} times, waiting at most {@code seconds}.
   */
  private static String awaitNodeLogLines(Path home, String text, int count, int seconds) throws Exception {
    Path log = home.resolve("logs/setsync.log");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    String content = "";
    while (System.nanoTime() < deadline) {
      content = Files.readString(log, StandardCharsets.UTF_8);
      if (content.split(java.util.regex.Pattern.quote(text), -1).length - 1 >= count) {
        // Up to the end of the line of the last occurrence.
        int last = content.lastIndexOf(text);
        int end = content.indexOf('\n', last);
        return end < 0 ? content : content.substring(0, end + 1);
      }
      Thread.sleep(100); // between polls
    }
    throw new AssertionError("the node's log never said \"" + text + "\" " + count + " times:\n" + content);
  }

  private String startPostgres(int port) throws Exception {
    // Long enough to install PostgreSQL from the Debian packages on a fresh machine.
    Result started = run(List.of(CHECKOUT.resolve("scripts/postgres").toString(), "start", postgresDir.toString(),
        Integer.toString(port)), 600);
    assertEquals(started.toString(), 0, started.exitCode());
    String[] lines = started.stdout().strip().split("\n");
    return lines[lines.length - 1];
  }

  /** {@code scripts/setsync node --config SITE} with its own home and cluster port, on the database at {@code url}. */
  private Process startNode(Path home, Path site, String url) throws Exception {
    // Commands sent before the monitor recovered from the database would only wait for it.
    return startNode(home, site, url, "monitor recovered");
  }

  /** The node, once its log says {@code ready}. */
  private Process startNode(Path home, Path site, String url, String ready) throws Exception {
    return startNode(home, site, url, ready, ConsoleIT.freePort());
  }

  /** As {@link #startNode(Path, Path, String, String)}, on cluster port {@code port}. */
  private Process startNode(Path home, Path site, String url, String ready, int port) throws Exception {
    Path out = home.resolve("node.out");
    ProcessBuilder builder = new ProcessBuilder(Launcher.SCRIPT.toString(), "node", "--config", site.toString())
        .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
        .redirectError(ProcessBuilder.Redirect.appendTo(home.resolve("node.err").toFile()));
    builder.environment().put("SETSYNC_HOME", home.toString());
    builder.environment().put("SETSYNC_JDBC_URL", url);
    builder.environment().put("SETSYNC_JAVA_OPTS", "-Dsetsync.node.port=" + port + " " + MessageChecks.JAVA_OPTS);
    Process process = builder.start();
    nodes.add(process);
    Path log = home.resolve("logs/setsync.log");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(ready)) return process;
      if (!process.isAlive()) break;
      Thread.sleep(100); // between polls
    }
    throw new AssertionError("node did not start:\n" + Files.readString(out) + "\n" + Files.readString(home.resolve("node.err"))
        + (Files.exists(log) ? "\n" + Files.readString(log) : ""));
  }

  /** Waits, at most 2 minutes, for the node's log in {@code home} to say {@code text}. */
  private static void awaitNodeLog(Path home, String text) throws Exception {
    Path log = home.resolve("logs/setsync.log");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (Files.readString(log, StandardCharsets.UTF_8).contains(text)) return;
      Thread.sleep(100); // between polls
    }
    throw new AssertionError("the node's log never said \"" + text + "\":\n" + Files.readString(log));
  }

  /** The user's log once it has a record containing {@code text}, for at most 2 minutes. */
  private static String awaitLog(Console console, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    Launcher.Result log = null;
    while (System.nanoTime() < deadline) {
      log = console.run("INFO SYNCFILESET 1, LOG");
      if (log.exitCode() == 0 && log.stdout().contains(text)) return log.stdout();
      Thread.sleep(250); // between polls
    }
    throw new AssertionError("the log never said \"" + text + "\": " + log);
  }


  /** Every persistence id in the shared journal and snapshot tables. */
  private static Set<String> persistenceIds(String url) throws Exception {
    Set<String> ids = new TreeSet<>();
    try (Connection db = DriverManager.getConnection(url)) {
      for (String table : List.of("event_journal", "snapshot")) {
        try (ResultSet rows = db.createStatement().executeQuery("SELECT DISTINCT persistence_id FROM " + table)) {
          while (rows.next()) ids.add(rows.getString(1));
        }
      }
    }
    return ids;
  }

  /** Whether the LevelDB journal in {@code dir} (its node dead, so unlocked) names {@code persistenceId}. */
  private static boolean levelDbHolds(Path dir, String persistenceId) throws Exception {
    byte[] wanted = persistenceId.getBytes(StandardCharsets.UTF_8);
    try (DB db = JniDBFactory.factory.open(dir.toFile(), new Options().createIfMissing(false));
         DBIterator entries = db.iterator()) {
      for (entries.seekToFirst(); entries.hasNext(); ) {
        // The plugin maps each persistence id to a number once, with the id as the entry's value.
        if (java.util.Arrays.equals(entries.next().getValue(), wanted)) return true;
      }
    }
    return false;
  }

  private static void assertOk(Launcher.Result result) {
    assertEquals(result.toString(), 0, result.exitCode());
  }

  record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  private Result run(List<String> command, int seconds) throws Exception {
    Path out = Files.createTempFile(tmp.getRoot().toPath(), "run", ".out");
    Path err = Files.createTempFile(tmp.getRoot().toPath(), "run", ".err");
    Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(command + " did not finish within " + seconds + " s: " + Files.readString(err));
    }
    return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** {@code scripts/setsync console COMMAND} on the local console socket of the node in {@code nodeHome}. */
  private static final class Console {
    private final Launcher launcher;
    private final Path socket;

    Console(Path home, Path nodeHome) {
      this.launcher = new Launcher(home);
      this.socket = nodeHome.resolve("console.sock");
    }

    Launcher.Result run(String command) throws Exception {
      return launcher.run(Map.of("SETSYNC_CONSOLE_SOCKET", socket.toString()), "console", command);
    }
  }
}
