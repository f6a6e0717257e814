package io.setsync.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.TestName;

/**
 * A partition, not only a crash: three nodes, each in a network namespace of its own
 * ({@code scripts/netns-lab}), on one PostgreSQL that every node still reaches. One node is cut off
 * from the other two; the majority keeps or takes the monitor, the cut-off node downs itself (exit
 * code 3, one line saying why) and its syncs stop, never two monitors write the journal, and after
 * healing the node, started again as a service manager would, rejoins the one cluster. Prints how
 * long each step took.
 */
public class PartitionIT {

  private static final Path CHECKOUT = Launcher.SCRIPT.getParent().getParent();
  private static final Path LAB = CHECKOUT.resolve("scripts/netns-lab");
  /** The lab's name: its namespaces are sspt-1..3 and sspt-r (this test's own, nobody else's). */
  private static final String LAB_NAME = "sspt";
  /** This host's address in the lab, where the nodes reach the database (through {@link Forwarder}). */
  private static final String HOST_IN_LAB = "10.226.0.1";

  @Rule public TemporaryFolder tmp = new TemporaryFolder();
  @Rule public TestName testName = new TestName();

  private final List<Process> started = Collections.synchronizedList(new ArrayList<>());
  private final Path[] homes = new Path[3];
  private final Path[] sites = new Path[3];
  private final Process[] processes = new Process[3];
  private Path postgresDir;
  private Forwarder forwarder;
  private boolean labUp;
  /** The database's URL of {@link #startCluster()}, as this host sees it. */
  private String startedUrl;

  /** Where the data directory of this test's running PostgreSQL is noted, for the next run should this one be killed. */
  private static final Path POSTGRES_NOTE = CHECKOUT.resolve("target/partition-it/postgres-dir");

  @Before
  public void nothingLeftFromAnEarlierRun() throws Exception {
    // Network namespaces need root (CAP_SYS_ADMIN, CAP_NET_ADMIN) and iproute2.
    org.junit.Assume.assumeTrue("PartitionIT runs as root only", "root".equals(System.getProperty("user.name")));
    org.junit.Assume.assumeTrue("PartitionIT needs the ip command (iproute2)",
        List.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip").stream().anyMatch(p -> Files.isExecutable(Path.of(p))));
    // A run killed before its @After left the lab up (and its nodes running in it): down is idempotent.
    Result down = run(List.of(LAB.toString(), "down", LAB_NAME), 60);
    assertEquals(down.toString(), 0, down.exitCode());
    if (Files.exists(POSTGRES_NOTE)) {
      Result stopped = run(List.of(CHECKOUT.resolve("scripts/postgres").toString(), "stop", Files.readString(POSTGRES_NOTE).strip()), 120);
      assertEquals(stopped.toString(), 0, stopped.exitCode());
      Files.delete(POSTGRES_NOTE);
    }
  }

  @After
  public void stopEverything() throws Exception {
    for (Process node : started) node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    // Consoles still waiting for an answer end at once now that their nodes are gone.
    for (Thread poller : List.copyOf(pollers)) poller.join(TimeUnit.SECONDS.toMillis(60));
    // The nodes' logs outlive the temporary folder, for a look after the run.
    Path kept = CHECKOUT.resolve("target/partition-it").resolve(testName.getMethodName());
    Files.createDirectories(kept);
    for (int i = 0; i < homes.length; i++) {
      if (homes[i] == null) continue;
      for (String name : List.of("logs/setsync.log", "node.out", "node.err")) {
        Path file = homes[i].resolve(name);
        if (Files.exists(file)) {
          Files.copy(file, kept.resolve("n" + (i + 1) + "-" + file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    if (forwarder != null) forwarder.close();
    List<String> problems = new ArrayList<>();
    if (postgresDir != null) {
      Result stopped = run(List.of(CHECKOUT.resolve("scripts/postgres").toString(), "stop", postgresDir.toString()), 120);
      if (stopped.exitCode() != 0) problems.add(stopped.toString());
      else Files.deleteIfExists(POSTGRES_NOTE);
    }
    if (labUp) {
      Result down = run(List.of(LAB.toString(), "down", LAB_NAME), 60);
      if (down.exitCode() != 0) problems.add(down.toString());
      Result left = run(List.of("ip", "netns", "list"), 30);
      if (left.stdout().contains(LAB_NAME + "-")) problems.add("namespaces left: " + left.stdout());
    }
    assertTrue(problems.toString(), problems.isEmpty());
  }

  /**
   * The node that hosts the monitor, in the middle of a sync, is cut off. It downs itself and its
   * sync stops at a file boundary; the two others take the monitor over with every user and file
   * set; a console writing to the cut-off node's monitor all the while never has it acknowledge a
   * write once the majority's monitor has answered, and the journal shows one writer after the
   * other. Healed and started again, the node rejoins the majority's cluster.
   */
  @Test
  public void theMonitorsNodeCutOffDownsItselfAndTheMajorityTakesTheMonitorOver() throws Exception {
    String url = startCluster();
    String account = System.getProperty("user.name");
    Console first = new Console(tmp.newFolder("console-1").toPath(), homes[0]);
    Console second = new Console(tmp.newFolder("console-2").toPath(), homes[1]);
    assertOk(first.run("ADD SYNCUSER tester, ACCOUNT " + account));
    // A sync on the cut-off node, to itself, slow enough to be running when the node downs itself
    // (its data plane is inside the node's namespace, so the partition alone does not stop it).
    Path srcA = tmp.newFolder("src-a").toPath();
    Path dstA = tmp.getRoot().toPath().resolve("dst-a");
    // 50 MiB at 1 MB/s: the first sync runs some 50 s from its start, past the node's downing.
    for (int i = 0; i < 200; i++) Files.write(srcA.resolve(String.format("f%03d.bin", i)), content(i, 256 * 1024));
    assertOk(first.run("ADD SYNCFILESET " + srcA + " TO n1:" + dstA + ", USER tester, INTERVAL 1 SECONDS, MAXRATE 1 MB"));
    // One the majority will run once it has the monitor: suspended until then, so that no sync of
    // it is in flight across the cut (its session would hang until the idle timeout).
    Path srcB = tmp.newFolder("src-b").toPath();
    Path dstB = tmp.getRoot().toPath().resolve("dst-b");
    Files.writeString(srcB.resolve("b.txt"), "beta");
    assertOk(second.run("ADD SYNCFILESET " + srcB + " TO n3:" + dstB + ", USER tester, INTERVAL 1 SECONDS, SUSPEND"));
    awaitNodeLog(homes[0], "session ", 120);
    Launcher.Result before = second.run("STATUS AUTOSYNC");
    assertOk(before);
    assertTrue(before.stdout(), before.stdout().contains("monitor running on n1"));

    // The minority's monitor is asked to write all the while, from a console of its own.
    Writer minorityWrites = new Writer(new Console(tmp.newFolder("console-1w").toPath(), homes[0]), "minority");
    long cut = System.nanoTime();
    LocalDateTime cutAt = LocalDateTime.now();
    lab("cut", "1");
    AtomicLong exited = new AtomicLong();
    processes[0].onExit().thenRun(() -> exited.set(System.nanoTime()));
    minorityWrites.start();

    // The majority: its console answers with the monitor on n2 or n3, with every user and file set.
    // A console asked early waits its 30 s answer time (the node's proxy still sends to the monitor
    // across the cut), so a new one is asked every second and the first answer counts.
    Answer answer = firstAnswer(homes[1], "(?s).*monitor running on n[23].*", 120);
    long majorityAnswered = answer.answered();
    Launcher.Result status = answer.result();
    assertTrue(status.stdout(), status.stdout().contains("sync users 1, file sets 2"));
    // And writes to it; they must not interleave with the minority's.
    Writer majorityWrites = new Writer(second, "majority");
    majorityWrites.start();

    // The cut-off node downs itself: exit code 3, and one line saying why.
    awaitExit(0, cut, 120);
    long downed = exited.get() != 0 ? exited.get() : System.nanoTime();
    assertEquals("the cut-off node's exit code", 3, processes[0].exitValue());
    String err = Files.readString(homes[0].resolve("node.err"));
    assertTrue(err, err.contains("the cluster downed this node (it was on the minority side of a partition, or unreachable)"));
    if (err.contains("did not finish terminating")) System.out.println("the cut-off node's actor system did not finish terminating; it exited anyway");
    String log1 = Files.readString(homes[0].resolve("logs/setsync.log"));
    assertTrue("the cut-off node's log does not say that it downs itself:\n" + tail(log1),
        log1.contains("SBR took decision DownReachable") || log1.contains("downing"));
    minorityWrites.stopAndJoin();

    // Its sync stopped at a file boundary (its node's agent, not the monitor, runs the scheduler,
    // and stops it before the node leaves): whatever is at the destination is whole.
    assertTrue("the cut-off node's sync did not stop at a file boundary:\n" + tail(log1),
        log1.contains("stops at a file boundary"));
    assertWholeFilesOnly(srcA, dstA);
    Map<String, String> afterDown = describeIfPresent(dstA);
    // The majority's file set runs once activated there.
    assertOk(second.run("ACTIVATE SYNCFILESET 2"));
    Trees.awaitSameTree(srcB, dstB);
    long majoritySynced = System.nanoTime();
    majorityWrites.stopAndJoin();

    System.out.printf("partition of the monitor's node: the cut-off node had exited (code 3) %.1f s after the cut;"
        + " a majority node's console had the new monitor's STATUS %.1f s after it (asked %.1f s after it);"
        + " the majority's first sync, of a file set activated then, ended %.1f s after it%n",
        seconds(downed - cut), seconds(majorityAnswered - cut), seconds(answer.asked() - cut), seconds(majoritySynced - cut));
    System.out.printf("writes during the partition: the minority's monitor acknowledged %d (the last %.1f s after the cut),"
        + " the majority's %d%n", minorityWrites.acknowledged().size(), seconds(minorityWrites.lastAcknowledged() - cut),
        majorityWrites.acknowledged().size());

    // Never two monitors: no write the minority's monitor was asked for once the majority's monitor
    // had answered was acknowledged, and the journal has one writer after the other.
    assertTrue("the minority's monitor acknowledged a write asked for after the majority's monitor answered",
        minorityWrites.lastStartOfAcknowledged() < majorityAnswered);
    LocalDateTime recovered = firstLogTime(List.of(homes[1], homes[2]), "monitor recovered", cutAt);
    assertTrue("no majority node's log says its monitor recovered", recovered != null);
    assertTrue("the minority's monitor acknowledged a write at " + minorityWrites.lastAcknowledgedAt()
        + ", after the majority's monitor had recovered at " + recovered,
        minorityWrites.lastAcknowledgedAt() == null || minorityWrites.lastAcknowledgedAt().isBefore(recovered));
    if (minorityWrites.lastAcknowledgedAt() != null) {
      System.out.printf("margin: the minority's monitor's last acknowledged write came %.1f s before the majority's monitor"
          + " recovered (%.1f s after the cut)%n", Duration.between(minorityWrites.lastAcknowledgedAt(), recovered).toMillis() / 1000.0,
          Duration.between(cutAt, recovered).toMillis() / 1000.0);
    }
    assertOneWriterAfterTheOther(url, "setsync-monitor");
    assertOneWriterAfterTheOther(url, "synclog|tester");
    for (Path home : homes) {
      String log = Files.readString(home.resolve("logs/setsync.log"));
      assertFalse("a journal write was refused as a second writer's:\n" + tail(log), log.contains("duplicate key value"));
    }

    printTimeline(cutAt, null);

    // Nothing was written to the cut-off node's destination since it went down.
    assertEquals("the cut-off node's destination changed while the node was down", afterDown, describeIfPresent(dstA));

    // Healed, the node is started again (as systemd's Restart=on-failure would) and rejoins.
    lab("heal");
    long restarted = System.nanoTime();
    String monitorNode = status.stdout().replaceAll("(?s).*monitor running on (n[23]).*", "$1");
    processes[0] = startNode(0, "listening");
    Launcher.Result rejoined = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      rejoined = first.run("STATUS AUTOSYNC");
      if (rejoined.exitCode() == 0) break;
      Thread.sleep(250); // between polls
    }
    assertOk(rejoined);
    double rejoinedAfter = seconds(System.nanoTime() - restarted);
    assertTrue("the restarted node does not have the majority's monitor: " + rejoined,
        rejoined.stdout().contains("monitor running on " + monitorNode));
    Launcher.Result majority = second.run("STATUS AUTOSYNC");
    assertTrue(majority.toString(), majority.stdout().contains("monitor running on " + monitorNode));
    // Every acknowledged write of either side is in the one monitor's state.
    Launcher.Result batches = first.run("INFO BATCHID");
    assertOk(batches);
    for (String name : minorityWrites.acknowledged()) assertTrue(name + " is lost:\n" + batches.stdout(), batches.stdout().contains(name));
    for (String name : majorityWrites.acknowledged()) assertTrue(name + " is lost:\n" + batches.stdout(), batches.stdout().contains(name));
    // The file set to the node that was cut off goes on, from wherever the monitor runs it.
    Trees.awaitSameTree(srcA, dstA);
    System.out.printf("after healing: the restarted node's console had the majority's monitor %.1f s after its start;"
        + " the cut-off node's file set was complete %.1f s after it%n", rejoinedAfter, seconds(System.nanoTime() - restarted));
  }

  /**
   * A node that does not host the monitor is cut off: the monitor never moves and its node's console
   * answers all the while, the file sets between the majority's nodes go on, the cut-off node downs
   * itself, and once healed and started again it rejoins; the file set to it resumes.
   */
  @Test
  public void aNodeWithoutTheMonitorCutOffDownsItselfWhileTheMonitorStaysPut() throws Exception {
    startCluster();
    Console first = new Console(tmp.newFolder("console-1").toPath(), homes[0]);
    assertOk(first.run("ADD SYNCUSER tester, ACCOUNT " + System.getProperty("user.name")));
    // Between the majority's nodes, every second.
    Path srcC = tmp.newFolder("src-c").toPath();
    Path dstC = tmp.getRoot().toPath().resolve("dst-c");
    Files.writeString(srcC.resolve("c.txt"), "gamma");
    assertOk(first.run("ADD SYNCFILESET " + srcC + " TO n2:" + dstC + ", USER tester, INTERVAL 1 SECONDS"));
    // To the node that will be cut off: once a minute, so that no sync of it is in flight at the cut.
    Path srcD = tmp.newFolder("src-d").toPath();
    Path dstD = tmp.getRoot().toPath().resolve("dst-d");
    Files.writeString(srcD.resolve("d.txt"), "delta");
    assertOk(first.run("ADD SYNCFILESET " + srcD + " TO n3:" + dstD + ", USER tester, INTERVAL 1 MINUTES"));
    Trees.awaitSameTree(srcC, dstC);
    Trees.awaitSameTree(srcD, dstD);

    long cut = System.nanoTime();
    LocalDateTime cutAt = LocalDateTime.now();
    lab("cut", "3");
    AtomicLong exited = new AtomicLong();
    processes[2].onExit().thenRun(() -> exited.set(System.nanoTime()));
    // The cut-off node's console, asked now, must never report a monitor of its own.
    Console third = new Console(tmp.newFolder("console-3").toPath(), homes[2]);
    java.util.concurrent.CompletableFuture<Launcher.Result> minorityStatus = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return third.run("STATUS AUTOSYNC");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Files.writeString(srcC.resolve("during-the-partition.txt"), "written while n3 was cut off");
    // The monitor's node answers at once, all through the partition, with the monitor still there.
    int answers = 0;
    double slowest = 0;
    long syncedDuring = 0;
    while (processes[2].isAlive() && System.nanoTime() - cut < TimeUnit.SECONDS.toNanos(120)) {
      if (syncedDuring == 0 && Files.exists(dstC.resolve("during-the-partition.txt"))) syncedDuring = System.nanoTime();
      long asked = System.nanoTime();
      Launcher.Result status = first.run("STATUS AUTOSYNC");
      slowest = Math.max(slowest, seconds(System.nanoTime() - asked));
      assertOk(status);
      assertTrue(status.stdout(), status.stdout().contains("monitor running on n1"));
      answers++;
    }
    awaitExit(2, cut, 120);
    long downed = exited.get() != 0 ? exited.get() : System.nanoTime();
    assertEquals("the cut-off node's exit code", 3, processes[2].exitValue());
    String err = Files.readString(homes[2].resolve("node.err"));
    assertTrue(err, err.contains("the cluster downed this node (it was on the minority side of a partition, or unreachable)"));
    if (err.contains("did not finish terminating")) System.out.println("the cut-off node's actor system did not finish terminating; it exited anyway");
    Trees.awaitSameTree(srcC, dstC);
    long synced = syncedDuring != 0 ? syncedDuring : System.nanoTime();
    Launcher.Result fromTheMinority = minorityStatus.get(2, TimeUnit.MINUTES);
    assertFalse("the cut-off node answered with a monitor of its own: " + fromTheMinority,
        fromTheMinority.stdout().contains("monitor running on n3"));
    System.out.printf("partition of a node without the monitor: the cut-off node had exited (code 3) %.1f s after the cut;"
        + " the monitor's node answered %d STATUS meanwhile, the slowest in %.2f s; the file set between the majority's nodes"
        + " had the file written at the cut %.1f s after it (seen between two STATUS); the cut-off node's console said: %s%n",
        seconds(downed - cut), answers, slowest, seconds(synced - cut), firstLine(fromTheMinority));
    printTimeline(cutAt, "dst-c");

    lab("heal");
    long restarted = System.nanoTime();
    processes[2] = startNode(2, "listening");
    Console rejoined = new Console(tmp.newFolder("console-3b").toPath(), homes[2]);
    Answer answer = firstAnswer(homes[2], "(?s).*monitor running on n1.*", 120);
    double rejoinedAfter = seconds(answer.answered() - restarted);
    Files.writeString(srcD.resolve("after-healing.txt"), "written once n3 was back");
    Trees.awaitSameTree(srcD, dstD);
    assertOk(rejoined.run("STATUS AUTOSYNC"));
    System.out.printf("after healing: the restarted node's console had the monitor on n1 %.1f s after its start;"
        + " the file set to it was complete again %.1f s after it%n", rejoinedAfter, seconds(System.nanoTime() - restarted));
    assertOneWriterAfterTheOther(startedUrl, "setsync-monitor");
  }

  private static String firstLine(Launcher.Result result) {
    String text = (result.stdout() + result.stderr()).strip();
    return "exit " + result.exitCode() + ", \"" + (text.isEmpty() ? "" : text.lines().findFirst().orElse("")) + "\"";
  }

  /**
   * The journal's key (persistence_id, sequence_number) refuses a second writer: an event for
   * setsync-monitor with a sequence number the monitor already wrote, inserted as
   * akka-persistence-jdbc 5.1.0 inserts one, fails with a unique-key violation instead of
   * interleaving with the first writer's events.
   */
  @Test
  public void theJournalsKeyRefusesASecondWriterOfTheMonitor() throws Exception {
    Files.setAttribute(tmp.getRoot().toPath(), "unix:mode", 0755);
    postgresDir = tmp.getRoot().toPath().resolve("postgres");
    int pgPort = freePortIn(5650, 5699);
    notePostgres();
    Result pg = run(List.of(CHECKOUT.resolve("scripts/postgres").toString(), "start", postgresDir.toString(),
        Integer.toString(pgPort)), 600);
    assertEquals(pg.toString(), 0, pg.exitCode());
    String[] lines = pg.stdout().strip().split("\n");
    String url = lines[lines.length - 1];
    homes[0] = tmp.newFolder("home").toPath();
    sites[0] = tmp.getRoot().toPath().resolve("site.conf");
    Files.writeString(sites[0], "include file(\"" + CHECKOUT.resolve("conf/cluster-postgres.conf") + "\")\n"
        + "setsync.jdbc.url = \"" + url + "\"\n"
        + "setsync.node { name = \"n1\", port = 26010, seed-nodes = [] }\n");
    processes[0] = startNode(homes[0], sites[0], null, "monitor recovered");
    Console console = new Console(tmp.newFolder("console").toPath(), homes[0]);
    assertOk(console.run("ADD SYNCUSER tester, ACCOUNT " + System.getProperty("user.name")));
    assertOk(console.run("ADD BATCHID nightly"));

    try (Connection db = DriverManager.getConnection(url)) {
      long last;
      String firstWriter;
      try (ResultSet r = db.createStatement().executeQuery("SELECT sequence_number, writer FROM event_journal"
          + " WHERE persistence_id = 'setsync-monitor' ORDER BY sequence_number DESC LIMIT 1")) {
        assertTrue("the monitor wrote nothing", r.next());
        last = r.getLong(1);
        firstWriter = r.getString(2);
      }
      assertTrue("the monitor wrote " + last + " events", last >= 2);
      // What a second monitor, recovered at the same point, would write next: the same number.
      String insert = "INSERT INTO event_journal (persistence_id, sequence_number, deleted, writer, write_timestamp,"
          + " adapter_manifest, event_ser_id, event_ser_manifest, event_payload) VALUES (?, ?, false, ?, ?, '', ?, ?, ?)";
      for (long taken : new long[] {last, 1}) {
        try (PreparedStatement second = db.prepareStatement(insert)) {
          second.setString(1, "setsync-monitor");
          second.setLong(2, taken);
          second.setString(3, "a-second-writer");
          second.setLong(4, System.currentTimeMillis());
          second.setInt(5, 33);
          second.setString(6, "io.setsync.monitor.Event");
          second.setBytes(7, new byte[] {0});
          second.executeUpdate();
          fail("a second writer's event number " + taken + " was accepted");
        } catch (SQLException refused) {
          // 23505: unique_violation, here the primary key (persistence_id, sequence_number).
          assertEquals(refused.toString(), "23505", refused.getSQLState());
          assertTrue(refused.getMessage(), refused.getMessage().contains("event_journal_pkey"));
          System.out.printf("a second writer's event %d of setsync-monitor: refused (%s)%n", taken,
              refused.getMessage().lines().findFirst().orElse(""));
        }
      }
      try (ResultSet r = db.createStatement().executeQuery("SELECT count(*), count(DISTINCT writer), max(sequence_number)"
          + " FROM event_journal WHERE persistence_id = 'setsync-monitor'")) {
        assertTrue(r.next());
        assertEquals("the journal has events from one writer", 1, r.getInt(2));
        assertEquals(last, r.getLong(3));
        assertEquals("no gap, no duplicate", last, r.getLong(1));
      }
      assertFalse(firstWriter.equals("a-second-writer"));
    }
    // The monitor itself goes on: its next write takes the next number.
    assertOk(console.run("ADD BATCHID weekly"));
    Launcher.Result batches = console.run("INFO BATCHID");
    assertOk(batches);
    assertTrue(batches.stdout(), batches.stdout().contains("nightly") && batches.stdout().contains("weekly"));
  }

  // ---- helpers ----

  /**
   * The lab, PostgreSQL, a forwarder to it on this host's lab address, and three nodes n1..n3 at
   * 10.226.K.2 (n1 first, so that it holds the monitor). Answers the database's URL, as this host sees it.
   */
  private String startCluster() throws Exception {
    Result up = run(List.of(LAB.toString(), "up", LAB_NAME, "3"), 60);
    labUp = true;
    assertEquals(up.toString(), 0, up.exitCode());
    Files.setAttribute(tmp.getRoot().toPath(), "unix:mode", 0755);
    postgresDir = tmp.getRoot().toPath().resolve("postgres");
    int pgPort = freePortIn(5650, 5699);
    notePostgres();
    Result started = run(List.of(CHECKOUT.resolve("scripts/postgres").toString(), "start", postgresDir.toString(),
        Integer.toString(pgPort)), 600);
    assertEquals(started.toString(), 0, started.exitCode());
    String[] lines = started.stdout().strip().split("\n");
    String url = lines[lines.length - 1];
    // The server listens on 127.0.0.1 only, and lets the setsync role in from there alone.
    forwarder = new Forwarder(new InetSocketAddress(HOST_IN_LAB, pgPort), new InetSocketAddress("127.0.0.1", pgPort));
    String labUrl = url.replace("//127.0.0.1:" + pgPort + "/", "//" + HOST_IN_LAB + ":" + pgPort + "/");
    String seeds = "[\"10.226.1.2:26001\", \"10.226.2.2:26002\", \"10.226.3.2:26003\"]";
    for (int i = 0; i < 3; i++) {
      int n = i + 1;
      sites[i] = tmp.getRoot().toPath().resolve("site-" + n + ".conf");
      Files.writeString(sites[i], "include file(\"" + CHECKOUT.resolve("conf/cluster-postgres.conf") + "\")\n"
          + "setsync.jdbc.url = \"" + labUrl + "\"\n"
          + "setsync.node { name = \"n" + n + "\", host = \"10.226." + n + ".2\", port = 2600" + n + ", seed-nodes = " + seeds + " }\n"
          + "setsync.endpoint { host = \"10.226." + n + ".2\", port = 2610" + n + " }\n"
          // The lab's addresses are private to this test's namespaces: no TLS needed to be safe there.
          + "setsync.security.allow-plaintext = on\n"
          // Replacements committed 4 at a time, so that a sync stopped midway leaves whole files behind.
          + "setsync.transfer.commit-batch-files = 4\n"
          );
      homes[i] = tmp.newFolder("home-" + n).toPath();
      processes[i] = startNode(i, i == 0 ? "monitor recovered" : "listening");
    }
    startedUrl = url;
    return url;
  }

  /** Node {@code i} (0-based) in its namespace, once its log says {@code ready}; at most 2 minutes. */
  private Process startNode(int i, String ready) throws Exception {
    return startNode(homes[i], sites[i], Integer.toString(i + 1), ready);
  }

  /**
   * {@code scripts/setsync node --config SITE} with home {@code home}, in the lab's namespace of node
   * {@code labNode} (null: on this host), once its log says {@code ready}; at most 2 minutes.
   */
  private Process startNode(Path home, Path site, String labNode, String ready) throws Exception {
    Path log = home.resolve("logs/setsync.log");
    // A restarted node's log already holds the line: only what follows counts.
    long from = Files.exists(log) ? Files.size(log) : 0;
    List<String> command = new ArrayList<>();
    if (labNode != null) command.addAll(List.of(LAB.toString(), "exec", LAB_NAME, labNode));
    command.addAll(List.of(Launcher.SCRIPT.toString(), "node", "--config", site.toString()));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("node.out").toFile()))
        .redirectError(ProcessBuilder.Redirect.appendTo(home.resolve("node.err").toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().put("SETSYNC_HOME", home.toString());
    builder.environment().remove("SETSYNC_JDBC_URL");
    Process process = builder.start();
    started.add(process);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && readFrom(log, from).contains(ready)) return process;
      if (!process.isAlive()) break;
      Thread.sleep(100); // between polls
    }
    throw new AssertionError("node " + home.getFileName() + " did not start:\n" + Files.readString(home.resolve("node.out")) + "\n"
        + Files.readString(home.resolve("node.err")) + (Files.exists(log) ? "\n" + tail(Files.readString(log)) : ""));
  }

  /**
   * Waits until node {@code i} has exited, at most {@code seconds} after {@code since}; one that has
   * not has its threads printed to target/partition-it/TEST/nK-threads.txt, for a look at what holds it.
   */
  private void awaitExit(int i, long since, int seconds) throws Exception {
    long left = since + TimeUnit.SECONDS.toNanos(seconds) - System.nanoTime();
    if (processes[i].waitFor(Math.max(left, 0), TimeUnit.NANOSECONDS)) return;
    Path dump = CHECKOUT.resolve("target/partition-it").resolve(testName.getMethodName()).resolve("n" + (i + 1) + "-threads.txt");
    Files.createDirectories(dump.getParent());
    // The node's process is its JVM: ip netns exec and scripts/setsync each replace themselves.
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Result threads = run(List.of(jcmd.toString(), Long.toString(processes[i].pid()), "Thread.print", "-l"), 60);
    Files.writeString(dump, threads.stdout() + threads.stderr());
    fail("node n" + (i + 1) + " is still running " + seconds + " s after the cut; its threads are in " + dump);
  }

  private void lab(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(LAB.toString(), args[0], LAB_NAME));
    command.addAll(List.of(args).subList(1, args.length));
    Result result = run(command, 60);
    assertEquals(result.toString(), 0, result.exitCode());
  }

  /**
   * The journal rows of {@code persistenceId} in sequence-number order: the numbers run 1..n without
   * a gap, and each writer (one incarnation of the persistent actor) wrote one unbroken run of them,
   * after the previous writer's last write. Two monitors writing at once would show two writers
   * taking turns.
   */
  private static void assertOneWriterAfterTheOther(String url, String persistenceId) throws Exception {
    List<String> writers = new ArrayList<>();
    long expected = 1;
    long lastTimestamp = Long.MIN_VALUE;
    StringBuilder rows = new StringBuilder();
    try (Connection db = DriverManager.getConnection(url);
         PreparedStatement query = db.prepareStatement("SELECT sequence_number, writer, write_timestamp FROM event_journal"
             + " WHERE persistence_id = ? ORDER BY sequence_number")) {
      query.setString(1, persistenceId);
      try (ResultSet r = query.executeQuery()) {
        while (r.next()) {
          long seq = r.getLong(1);
          String writer = r.getString(2);
          long timestamp = r.getLong(3);
          rows.append(seq).append(' ').append(writer).append(' ').append(timestamp).append('\n');
          assertEquals(persistenceId + ": a gap in the sequence numbers:\n" + rows, expected++, seq);
          if (writers.isEmpty() || !writers.get(writers.size() - 1).equals(writer)) {
            assertFalse(persistenceId + ": writer " + writer + " wrote again after another writer:\n" + rows, writers.contains(writer));
            assertTrue(persistenceId + ": writer " + writer + " began before the previous writer's last write:\n" + rows,
                timestamp >= lastTimestamp);
            writers.add(writer);
          }
          lastTimestamp = Math.max(lastTimestamp, timestamp);
        }
      }
    }
    assertTrue(persistenceId + " has no events", expected > 1);
    System.out.printf("journal %s: %d events by %d writers, one after the other%n", persistenceId, expected - 1, writers.size());
  }

  /** A console's answer, when it was asked for and when it came. */
  record Answer(Launcher.Result result, long asked, long answered) {}

  private final List<Thread> pollers = Collections.synchronizedList(new ArrayList<>());

  /**
   * Asks the node in {@code nodeHome} for STATUS AUTOSYNC every second, each time from a new
   * console, without waiting for the earlier ones, until one answers (exit 0) with text matching
   * {@code wanted}; at most {@code seconds}.
   */
  private Answer firstAnswer(Path nodeHome, String wanted, int seconds) throws Exception {
    java.util.concurrent.atomic.AtomicReference<Answer> first = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicReference<Launcher.Result> last = new java.util.concurrent.atomic.AtomicReference<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    int n = 0;
    while (first.get() == null && System.nanoTime() < deadline) {
      Console console = new Console(tmp.newFolder("poll-" + nodeHome.getFileName() + "-" + (++n)).toPath(), nodeHome);
      Thread poller = new Thread(() -> {
        try {
          long asked = System.nanoTime();
          Launcher.Result result = console.run("STATUS AUTOSYNC");
          long answered = System.nanoTime();
          last.set(result);
          if (result.exitCode() == 0 && result.stdout().matches(wanted)) first.compareAndSet(null, new Answer(result, asked, answered));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, "poll-" + n);
      poller.setDaemon(true);
      pollers.add(poller);
      poller.start();
      long next = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      while (first.get() == null && System.nanoTime() < next) Thread.sleep(20); // the next poll, or an answer
    }
    assertTrue("no answer matching " + wanted + " within " + seconds + " s; the last: " + last.get(), first.get() != null);
    return first.get();
  }

  /** When the first line containing {@code text} after {@code since} was written in any of the logs of the nodes in {@code nodeHomes}. */
  private static LocalDateTime firstLogTime(List<Path> nodeHomes, String text, LocalDateTime since) throws IOException {
    java.time.format.DateTimeFormatter format = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    LocalDateTime first = null;
    for (Path home : nodeHomes) {
      for (String line : Files.readAllLines(home.resolve("logs/setsync.log"))) {
        if (line.length() < 23 || !line.contains(text)) continue;
        try {
          LocalDateTime at = LocalDateTime.parse(line.substring(0, 23), format);
          if (!at.isBefore(since) && (first == null || at.isBefore(first))) first = at;
        } catch (java.time.format.DateTimeParseException notATime) {
          // a continuation line
        }
      }
    }
    return first;
  }

  /**
   * The lines of the cluster's and the monitor's steps in the nodes' logs since {@code since}, as
   * seconds after it; lines containing {@code leaveOut} (when not null) are left out.
   */
  private void printTimeline(LocalDateTime since, String leaveOut) throws IOException {
    java.time.format.DateTimeFormatter format = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    List<String> steps = List.of("SBR ", "nreachable", "emoving", "Singleton", "singleton", "monitor recovered",
        "hutting down", "stopping", "xiting", "downed", "Down", "scheduler", "session", "sync ended", "refused", "Leader");
    List<String> timeline = new ArrayList<>();
    for (int i = 0; i < homes.length; i++) {
      for (String line : Files.readAllLines(homes[i].resolve("logs/setsync.log"))) {
        if (line.length() < 23 || steps.stream().noneMatch(line::contains)) continue;
        if (leaveOut != null && line.contains(leaveOut)) continue;
        LocalDateTime at;
        try {
          at = LocalDateTime.parse(line.substring(0, 23), format);
        } catch (java.time.format.DateTimeParseException notATime) {
          continue;
        }
        if (at.isBefore(since)) continue;
        String text = line.substring(23).strip();
        timeline.add(String.format("%s %7.2f s  n%d %s", at.format(format), Duration.between(since, at).toMillis() / 1000.0, i + 1,
            text.length() > 220 ? text.substring(0, 220) + "..." : text));
      }
    }
    Collections.sort(timeline);
    System.out.println("timeline after the cut (node logs):");
    timeline.forEach(line -> System.out.println("  " + line.substring(24)));
  }

  /** Every file under {@code dst} is its source's whole content; no temporary file is left beside them. */
  private static void assertWholeFilesOnly(Path src, Path dst) throws IOException {
    if (!Files.isDirectory(dst)) return;
    int whole = 0;
    try (var files = Files.list(dst)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = file.getFileName().toString();
        if (name.equals(".setsync")) continue;
        assertTrue(name + " at the destination has no source", Files.exists(src.resolve(name)));
        assertTrue(name + " is not whole at the destination",
            java.util.Arrays.equals(Files.readAllBytes(src.resolve(name)), Files.readAllBytes(file)));
        whole++;
      }
    }
    long all;
    try (var files = Files.list(src)) {
      all = files.count();
    }
    System.out.printf("the cut-off node's sync had written %d whole files of %d when it stopped%n", whole, all);
  }

  private static Map<String, String> describeIfPresent(Path root) throws IOException {
    return Files.isDirectory(root) ? Trees.describe(root) : Map.of();
  }

  private static byte[] content(int seed, int size) {
    byte[] bytes = new byte[size];
    new java.util.Random(seed).nextBytes(bytes);
    return bytes;
  }

  private void notePostgres() throws IOException {
    Files.createDirectories(POSTGRES_NOTE.getParent());
    Files.writeString(POSTGRES_NOTE, postgresDir + "\n");
  }

  private static int freePortIn(int from, int to) {
    for (int port = from; port <= to; port++) {
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress("127.0.0.1", port));
        return port;
      } catch (IOException taken) {
        // the next one
      }
    }
    throw new AssertionError("no free port from " + from + " to " + to);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static String readFrom(Path file, long offset) throws IOException {
    byte[] all = Files.readAllBytes(file);
    return offset >= all.length ? "" : new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8);
  }

  private static String tail(String log) {
    String[] lines = log.split("\n");
    return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 60), lines.length));
  }

  /** Waits, at most {@code seconds}, for the node's log in {@code home} to say {@code text}. */
  private static void awaitNodeLog(Path home, String text, int seconds) throws Exception {
    Path log = home.resolve("logs/setsync.log");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (Files.readString(log, StandardCharsets.UTF_8).contains(text)) return;
      Thread.sleep(100); // between polls
    }
    throw new AssertionError("the node's log never said \"" + text + "\":\n" + tail(Files.readString(log)));
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

    /** One command at a time: the launcher keeps each answer in its home's last.out. */
    synchronized Launcher.Result run(String command) throws Exception {
      return launcher.run(Map.of("SETSYNC_CONSOLE_SOCKET", socket.toString()), "console", command);
    }
  }

  /**
   * Adds batches {@code side-1}, {@code side-2}, ... through a console, one after the other, until
   * stopped; remembers which were acknowledged (exit 0) and when each acknowledged one was asked for.
   */
  private static final class Writer extends Thread {
    private final Console console;
    private final String side;
    private final List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong lastStartOfAcknowledged = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong lastAcknowledged = new AtomicLong(Long.MIN_VALUE);
    private volatile LocalDateTime lastAcknowledgedAt;
    private volatile boolean stopping;
    private volatile Throwable failure;

    Writer(Console console, String side) {
      super("writes-" + side);
      this.console = console;
      this.side = side;
      setDaemon(true);
    }

    @Override
    public void run() {
      try {
        for (int i = 1; !stopping; i++) {
          String name = side + "-" + i;
          long asked = System.nanoTime();
          Launcher.Result added = console.run("ADD BATCHID " + name);
          if (added.exitCode() == 0) {
            acknowledged.add(name);
            lastStartOfAcknowledged.set(asked);
            lastAcknowledged.set(System.nanoTime());
            lastAcknowledgedAt = LocalDateTime.now();
          }
        }
      } catch (Throwable t) {
        failure = t;
      }
    }

    void stopAndJoin() throws Exception {
      stopping = true;
      join(TimeUnit.MINUTES.toMillis(6));
      if (failure != null) throw new AssertionError("the " + side + "'s writes failed", failure);
    }

    List<String> acknowledged() {
      return List.copyOf(acknowledged);
    }

    long lastStartOfAcknowledged() {
      return lastStartOfAcknowledged.get();
    }

    long lastAcknowledged() {
      return lastAcknowledged.get();
    }

    /** When the last acknowledged write was seen acknowledged, by the clock of the nodes' logs. */
    LocalDateTime lastAcknowledgedAt() {
      return lastAcknowledgedAt;
    }
  }

  /**
   * Forwards connections to {@code bind} (this host's lab address) to {@code target}: PostgreSQL
   * listens on 127.0.0.1 only, which no namespace reaches. Threads of its own, closed at the end.
   */
  private static final class Forwarder implements AutoCloseable {
    private final ServerSocket server = new ServerSocket();
    private final InetSocketAddress target;
    private final List<Socket> open = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean closed;

    Forwarder(InetSocketAddress bind, InetSocketAddress target) throws IOException {
      this.target = target;
      server.setReuseAddress(true);
      server.bind(bind);
      Thread accepting = new Thread(this::accept, "forwarder-" + bind.getPort());
      accepting.setDaemon(true);
      accepting.start();
    }

    private void accept() {
      while (!closed) {
        try {
          Socket in = server.accept();
          Socket out = new Socket();
          open.add(in);
          open.add(out);
          try {
            out.connect(target, 5000);
          } catch (IOException refused) {
            in.close();
            out.close();
            continue;
          }
          pump(in, out);
          pump(out, in);
        } catch (IOException e) {
          if (!closed) System.err.println("forwarder: " + e);
        }
      }
    }

    private static void pump(Socket from, Socket to) {
      Thread pumping = new Thread(() -> {
        try {
          InputStream in = from.getInputStream();
          OutputStream out = to.getOutputStream();
          in.transferTo(out);
          // One direction ended: the other may still carry the peer's last words.
          to.shutdownOutput();
        } catch (IOException e) {
          try {
            from.close();
            to.close();
          } catch (IOException ignored) {
            // closing anyway
          }
        }
      }, "forwarder-pump");
      pumping.setDaemon(true);
      pumping.start();
    }

    @Override
    public void close() throws IOException {
      closed = true;
      server.close();
      synchronized (open) {
        for (Socket s : open) s.close();
      }
    }
  }
}
