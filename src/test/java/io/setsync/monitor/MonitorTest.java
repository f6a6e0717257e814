package io.setsync.monitor;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import akka.actor.Kill;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.receptionist.Receptionist;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.setsync.command.CommandParser;
import io.setsync.console.ResultText;
import io.setsync.destination.DestinationEndpoint;
import io.setsync.node.SetSyncNode;
import io.setsync.schedule.FileSetConfig;
import io.setsync.schedule.SyncResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The monitor in a real clustered node (LevelDB journal, singleton, receptionist, TCP endpoint):
 * recovery from the journal, scheduled syncs, waiting for a destination, scheduler supervision.
 */
public class MonitorTest {

  /** The test's sync user, acting as the account the tests run as: its syncs need no other account. */
  private static final String ADD_TESTER = "ADD SYNCUSER tester, ACCOUNT " + System.getProperty("user.name");

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private SetSyncNode node;

  @After
  public void stop() {
    if (node != null) node.close();
  }

  private SetSyncNode start(Path home, Map<String, Object> extra) throws Exception {
    Map<String, Object> settings = new HashMap<>(extra);
    settings.put("setsync.home", home.toString());
    settings.put("setsync.node.cluster", true);
    settings.put("setsync.node.port", 0);
    settings.put("setsync.node.name", "testnode");
    Config config = ConfigFactory.parseMap(settings).withFallback(ConfigFactory.load());
    node = SetSyncNode.start(config);
    return node;
  }

  private Result run(String command) throws Exception {
    ActorRef<Monitor.Command> monitor = node.monitor().orElseThrow();
    return AskPattern.<Monitor.Command, Result>ask(
            monitor, r -> new Monitor.Execute(CommandParser.parse(command), "tester", r), Duration.ofSeconds(20),
            node.system().scheduler())
        .toCompletableFuture()
        .get(25, TimeUnit.SECONDS);
  }

  private Result ok(String command) throws Exception {
    Result result = run(command);
    assertEquals(command + " -> " + ResultText.of(result), 0, result.code());
    return result;
  }

  private Result.Status awaitStatus(String what, Predicate<Result.Status> condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Result.Status status = null;
    while (System.nanoTime() < deadline) {
      status = (Result.Status) ok("STATUS SYNCFILESET, DETAIL");
      if (condition.test(status)) return status;
      Thread.sleep(100);
    }
    throw new AssertionError(what + "; last status:\n" + (status == null ? "none" : ResultText.of(status)));
  }

  private static Result.FileSetView fileSet(Result.Status status, long id) {
    return status.fileSets().stream().filter(f -> f.id() == id).findFirst().orElseThrow();
  }

  @Test
  public void everyFileSetScheduleAndSuspensionSurvivesARestart() throws Exception {
    Path home = tmp.newFolder("home").toPath();
    start(home, Map.of());
    ok(ADD_TESTER);
    ok("ADD BATCHID nightly");
    Result.FileSetAdded first = (Result.FileSetAdded) ok(
        "ADD SYNCFILESET /nowhere/a TO /nowhere/b, INTERVAL 3 HOURS, EXCLUDE \"*.tmp\", SUSPEND");
    Result.FileSetAdded second = (Result.FileSetAdded) ok(
        "ADD SYNCFILESET /nowhere/c TO /nowhere/d, BATCHID nightly, START 02:00, PURGE");
    assertEquals(1, first.id());
    assertEquals(2, second.id());
    ok("SUSPEND BATCHID nightly");
    node.close();

    start(home, Map.of());
    Result.FileSets info = (Result.FileSets) ok("INFO SYNCFILESET");
    assertEquals(2, info.fileSets().size());
    FileSetConfig a = info.fileSets().get(0).config();
    assertEquals(Duration.ofHours(3), a.interval());
    assertTrue(a.suspended());
    assertEquals(java.util.List.of("*.tmp"), a.sync().excludes());
    FileSetConfig c = info.fileSets().get(1).config();
    assertEquals("nightly", c.batchId());
    assertTrue(c.sync().purge());
    assertEquals("suspended", info.fileSets().get(0).state());
    assertEquals("batch suspended", info.fileSets().get(1).state());
    Result.FileSetAdded third = (Result.FileSetAdded) ok("ADD SYNCFILESET /nowhere/e TO /nowhere/f");
    assertEquals("ids continue after recovery", 3, third.id());
  }

  @Test
  public void aScheduledFileSetSyncsAgainAndRecordsItsResult() throws Exception {
    start(tmp.newFolder("home").toPath(), Map.of());
    Path src = tmp.newFolder("src").toPath();
    Path dst = tmp.getRoot().toPath().resolve("dst");
    Files.writeString(src.resolve("one.txt"), "1");
    ok(ADD_TESTER);
    ok("ADD SYNCFILESET " + src + " TO " + dst + ", INTERVAL 1 SECONDS");
    awaitStatus("first sync", s -> fileSet(s, 1).last() != null);
    assertEquals("1", Files.readString(dst.resolve("one.txt")));
    Files.writeString(src.resolve("two.txt"), "2");
    awaitStatus("second sync copies the new file", s -> Files.exists(dst.resolve("two.txt")));
    Result.Status status = awaitStatus("a recorded result", s -> fileSet(s, 1).last().counts().scanned() == 2);
    assertEquals(0, fileSet(status, 1).last().code());
    Result.Log log = (Result.Log) ok("INFO SYNCFILESET 1, LOG LAST 100");
    assertTrue(ResultText.of(log), ResultText.of(log).contains("sync ended"));
  }

  private Result runAs(io.setsync.command.Caller caller, String user, String command) throws Exception {
    ActorRef<Monitor.Command> monitor = node.monitor().orElseThrow();
    return AskPattern.<Monitor.Command, Result>ask(
            monitor, r -> new Monitor.Execute(CommandParser.parse(command), caller, user, r), Duration.ofSeconds(20),
            node.system().scheduler())
        .toCompletableFuture()
        .get(25, TimeUnit.SECONDS);
  }

  @Test
  public void aDestinationThatDisabledItsSourceGetsNoSyncsUntilCleared() throws Exception {
    start(tmp.newFolder("home").toPath(), Map.of());
    Path src = tmp.newFolder("src").toPath();
    Path dst = tmp.getRoot().toPath().resolve("dst");
    Files.writeString(src.resolve("one.txt"), "1");
    ok(ADD_TESTER);
    ok("ADD SYNCFILESET " + src + " TO " + dst + ", INTERVAL 1 SECONDS");
    awaitStatus("first sync", s -> fileSet(s, 1).last() != null);

    io.setsync.command.Caller alice = new io.setsync.command.Caller("alice", 1001);
    assertEquals("a user may not", 2, runAs(alice, null, "DISABLE AUTOSYNC FROM testnode").code());
    ok("DISABLE AUTOSYNC FROM testnode");
    Result.Status refused = awaitStatus("the file set refused",
        s -> fileSet(s, 1).state().equals("refused: testnode disabled AUTOSYNC FROM testnode"));
    assertTrue("no scheduler is wanted for it", ((Result.Status) ok("STATUS AUTOSYNC")).schedulers().isEmpty());
    assertEquals(null, fileSet(refused, 1).nextRunMillis());
    Result sync = run("SYNCHRONIZE " + src + " TO " + tmp.getRoot().toPath().resolve("once"));
    assertEquals(ResultText.of(sync), 2, sync.code());
    assertFalse(Files.exists(tmp.getRoot().toPath().resolve("once")));
    assertTrue(userLog("tester"), userLog("tester").contains("SYNCFILESET 1: testnode refuses syncs from testnode"));

    ok("CLEAR AUTOSYNC FROM testnode");
    Files.writeString(src.resolve("two.txt"), "2");
    awaitStatus("syncs run again", s -> Files.exists(dst.resolve("two.txt")));
  }

  @Test
  public void aUserSeesOnlyTheirOwnFileSetsInTheRunningMonitor() throws Exception {
    start(tmp.newFolder("home").toPath(), Map.of());
    ok("ADD SYNCUSER alice");
    ok("ADD SYNCUSER bob");
    ok("ADD SYNCFILESET /nowhere/a TO /nowhere/b, USER alice, SUSPEND");
    ok("ADD SYNCFILESET /nowhere/c TO /nowhere/d, USER bob, SUSPEND");
    io.setsync.command.Caller alice = new io.setsync.command.Caller("alice", 1001);
    Result.Status mine = (Result.Status) runAs(alice, null, "STATUS SYNCFILESET");
    assertEquals(java.util.List.of(1L), mine.fileSets().stream().map(Result.FileSetView::id).toList());
    Result other = runAs(alice, null, "INFO SYNCFILESET 2");
    assertEquals(2, other.code());
    assertEquals("error: SYNCFILESET 2 belongs to SYNCUSER bob; alice (uid 1001) may not act for it",
        ResultText.of(other));
    assertEquals(2, runAs(alice, "bob", "ACTIVATE SYNCFILESET 2").code());
    assertEquals(2, runAs(alice, "alice", "ALTER SYNCUSER alice, ROOT /").code());
    assertTrue(((Result.FileSets) ok("INFO SYNCFILESET 2")).fileSets().get(0).config().suspended());
  }

  @Test
  public void aDestinationNodeThatIsNotThereIsWaitedFor() throws Exception {
    start(tmp.newFolder("home").toPath(), Map.of());
    Path src = tmp.newFolder("src").toPath();
    Path dst = tmp.getRoot().toPath().resolve("dst");
    Files.writeString(src.resolve("one.txt"), "1");
    ok(ADD_TESTER);
    ok("ADD SYNCFILESET " + src + " TO elsewhere:" + dst + ", INTERVAL 1 SECONDS");
    Result.Status waiting = awaitStatus("waiting", s -> fileSet(s, 1).state().equals("waiting for destination elsewhere"));
    assertEquals(1, waiting.monitor().waitingSchedulers());
    assertFalse(Files.exists(dst));

    ActorRef<DestinationEndpoint.Command> endpoint = node.system().systemActorOf(
        DestinationEndpoint.create("127.0.0.1", 0,
            DestinationEndpoint.settingsFrom(node.system().settings().config().getConfig("setsync.transfer"))),
        "elsewhere-endpoint", Props.empty());
    node.system().receptionist().tell(Receptionist.register(Monitor.endpointKey("elsewhere"), endpoint));
    awaitStatus("synced once the destination came", s -> fileSet(s, 1).last() != null);
    assertEquals("1", Files.readString(dst.resolve("one.txt")));
  }

  /**
   * A file set to a node that does not exist (a typo) must not stop the others: after a restart the
   * monitor watches both nodes' endpoints, and the local file set still syncs.
   */
  @Test
  public void aFileSetToAnUnknownNodeDoesNotHoldUpTheLocalOnesAfterARestart() throws Exception {
    Path home = tmp.newFolder("home").toPath();
    start(home, Map.of());
    Path src = tmp.newFolder("src").toPath();
    Path dst = tmp.getRoot().toPath().resolve("dst");
    Files.writeString(src.resolve("one.txt"), "1");
    ok(ADD_TESTER);
    ok("ADD SYNCFILESET " + src + " TO ghostnode:" + tmp.getRoot().toPath().resolve("ghost") + ", INTERVAL 1 SECONDS");
    ok("ADD SYNCFILESET " + src + " TO " + dst + ", INTERVAL 1 SECONDS");
    awaitStatus("the local file set syncs", s -> fileSet(s, 2).last() != null);
    node.close();

    Files.writeString(src.resolve("two.txt"), "2");
    start(home, Map.of());
    awaitStatus("the local file set syncs after the restart", s -> Files.exists(dst.resolve("two.txt")));
    Result.Status status = awaitStatus("the other one waits for its node",
        s -> fileSet(s, 1).state().equals("waiting for destination ghostnode"));
    assertEquals(0, fileSet(status, 2).last().code());
  }

  @Test
  public void aFailedSchedulerIsRestartedAtOnceThenOnlyLater() throws Exception {
    start(tmp.newFolder("home").toPath(), Map.of("setsync.monitor.retry.immediate", 1, "setsync.monitor.retry.later", "1h"));
    Path src = tmp.newFolder("src").toPath();
    ok(ADD_TESTER);
    ok("ADD SYNCFILESET " + src + " TO " + tmp.getRoot().toPath().resolve("dst") + ", INTERVAL 1 HOURS");
    awaitStatus("scheduler up", s -> fileSet(s, 1).last() != null);

    killSchedulers();
    awaitLog("failed (1 in a row); restart now");
    awaitStatus("restarted at once", s -> fileSet(s, 1).state().equals("scheduled"));
    killSchedulers();
    Result.Status failed = awaitStatus("second failure waits", s -> fileSet(s, 1).state().startsWith("failed 2x, retry at"));
    assertTrue(ResultText.of(failed), failed.monitor().schedulers() == 1);
  }

  private void awaitLog(String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String log = "";
    while (System.nanoTime() < deadline) {
      log = ResultText.of(ok("INFO SYNCFILESET 1, LOG LAST 100"));
      if (log.contains(text)) return;
      Thread.sleep(100);
    }
    throw new AssertionError("the log never said \"" + text + "\":\n" + log);
  }

  /** A real fault: the scheduler actor is killed (ActorKilledException), as a bug would stop it. */
  private void killSchedulers() {
    Adapter.toClassic(node.system()).actorSelection("/user/agent/scheduler-*")
        .tell(Kill.getInstance(), akka.actor.ActorRef.noSender());
  }

  @Test
  public void synchronizeThroughTheNodeLogsRunsItsTriggerAndShowsItsWarnings() throws Exception {
    start(tmp.newFolder("home").toPath(), Map.of());
    Path src = tmp.newFolder("src").toPath();
    Path dst = tmp.getRoot().toPath().resolve("dst");
    Path marker = tmp.getRoot().toPath().resolve("trigger-ran");
    Files.writeString(src.resolve("one.txt"), "1");
    Files.writeString(src.resolve("busy.log"), "busy");
    Process holder = new ProcessBuilder("/bin/sh", "-c", "exec 3>>busy.log; echo ready; exec sleep 600")
        .directory(src.toFile()).redirectErrorStream(true).start();
    try {
      assertEquals("ready", new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream())).readLine());
      Result result = synchronizeOnceTheEndpointIsKnown(
          "SYNCHRONIZE " + src + " TO " + dst + ", TRIGGER \"echo copied $1 > " + marker + "\"");

      assertEquals(ResultText.of(result), 1, result.code());
      assertTrue("the console sees the per-file warning:\n" + ResultText.of(result),
          ResultText.of(result).contains("warning: busy.log: not copied: open for writing"));
      assertEquals("1", Files.readString(dst.resolve("one.txt")));
      assertEquals("the TRIGGER ran", "copied 1\n", Files.readString(marker));
      String log = userLog("tester");
      assertTrue(log, log.contains("sync started: " + src + " TO testnode:" + dst));
      assertTrue(log, log.contains("busy.log: not copied: open for writing"));
      assertTrue(log, log.contains("trigger exit 0"));
      assertTrue(log, log.contains("sync ended: scanned"));
    } finally {
      holder.destroyForcibly().waitFor();
    }
  }

  /** A command that may take longer than the usual answer (a SYNCHRONIZE). */
  /**
   * Right after the node starts, the monitor may not have heard of its own endpoint yet (the
   * receptionist tells it), and SYNCHRONIZE then says so and does nothing; ask again until it has.
   */
  private Result synchronizeOnceTheEndpointIsKnown(String command) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Result result = runLong(command);
      if (!ResultText.of(result).contains("is not available") || System.nanoTime() > deadline) return result;
      Thread.sleep(100); // a poll interval, not a wait: the loop ends on the answer
    }
  }

  private Result runLong(String command) throws Exception {
    ActorRef<Monitor.Command> monitor = node.monitor().orElseThrow();
    return AskPattern.<Monitor.Command, Result>ask(
            monitor, r -> new Monitor.Execute(CommandParser.parse(command), "tester", r), Duration.ofSeconds(60),
            node.system().scheduler())
        .toCompletableFuture()
        .get(65, TimeUnit.SECONDS);
  }

  /** The whole log of a sync user, one-time syncs included, read from its SyncLog actor. */
  private String userLog(String user) throws Exception {
    akka.actor.ActorRef classic = Adapter.toClassic(node.system()).actorSelection("/system/*/monitor/log-" + user)
        .resolveOne(Duration.ofSeconds(10)).toCompletableFuture().get(15, TimeUnit.SECONDS);
    ActorRef<io.setsync.log.SyncLog.Command> log = Adapter.toTyped(classic);
    io.setsync.log.SyncLog.Records records = AskPattern.<io.setsync.log.SyncLog.Command, io.setsync.log.SyncLog.Records>ask(
            log, r -> new io.setsync.log.SyncLog.Read(null, 100, r), Duration.ofSeconds(10), node.system().scheduler())
        .toCompletableFuture()
        .get(15, TimeUnit.SECONDS);
    StringBuilder text = new StringBuilder();
    records.records().forEach(r -> text.append(r.text()).append('\n'));
    return text.toString();
  }

  @Test
  public void aNodeStopEndsTheRunningSyncAtAFileBoundaryAndRecordsIt() throws Exception {
    Path home = tmp.newFolder("home").toPath();
    start(home, Map.of());
    Path src = tmp.newFolder("src").toPath();
    writeMebibyteFiles(src, 30);
    ok(ADD_TESTER);
    ok("ADD SYNCFILESET " + src + " TO " + tmp.getRoot().toPath().resolve("dst") + ", MAXRATE 2, INTERVAL 1 HOURS");
    // A file sent, not merely the run begun: a run still waiting for its ticket stops before its session starts.
    awaitStatus("the sync is under way", s -> fileSet(s, 1).running() != null && fileSet(s, 1).running().files() > 0);

    // The node's agent stops its schedulers before the monitor hands over, so the monitor records the run.
    node.close();
    node.system().getWhenTerminated().toCompletableFuture().get(120, TimeUnit.SECONDS);

    start(home, Map.of());
    SyncResult last = ((Result.FileSets) ok("INFO SYNCFILESET 1")).fileSets().get(0).last();
    assertTrue("the stopped run was recorded before the node stopped", last != null);
    assertTrue(last.failure(), last.failure().startsWith("stopped at a file boundary"));
  }

  /** A hand-over stops the monitor alone: the schedulers belong to the node's agent and go on. */
  @Test
  public void aHandOverLeavesTheSchedulersRunning() throws Exception {
    start(tmp.newFolder("home").toPath(), Map.of());
    Path src = tmp.newFolder("src").toPath();
    writeMebibyteFiles(src, 30);
    ok(ADD_TESTER);
    ok("ADD SYNCFILESET " + src + " TO " + tmp.getRoot().toPath().resolve("dst") + ", MAXRATE 2, INTERVAL 1 HOURS");
    awaitStatus("the sync is under way", s -> fileSet(s, 1).running() != null);
    akka.actor.ActorRef scheduler = scheduler();

    ActorRef<Object> monitorItself = monitorActor();
    node.monitor().orElseThrow().tell(Monitor.HandOver.INSTANCE);
    TestProbe.create(node.system()).expectTerminated(monitorItself, Duration.ofSeconds(30));
    assertEquals("the same scheduler runs after the monitor has gone", scheduler, scheduler());
  }

  private akka.actor.ActorRef scheduler() throws Exception {
    return Adapter.toClassic(node.system()).actorSelection("/user/agent/scheduler-*")
        .resolveOne(Duration.ofSeconds(10)).toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  /** The monitor actor itself, behind the singleton proxy. */
  private ActorRef<Object> monitorActor() throws Exception {
    akka.actor.ActorRef classic = Adapter.toClassic(node.system()).actorSelection("/system/*/monitor")
        .resolveOne(Duration.ofSeconds(10)).toCompletableFuture().get(15, TimeUnit.SECONDS);
    return Adapter.toTyped(classic);
  }

  @Test
  public void tooManySchedulersIsAClearError() throws Exception {
    start(tmp.newFolder("home").toPath(), Map.of("setsync.monitor.max-schedulers", 1));
    ok(ADD_TESTER);
    ok("ADD BATCHID other");
    ok("ADD SYNCFILESET /nowhere/a TO /nowhere/b");
    Result refused = run("ADD SYNCFILESET /nowhere/c TO /nowhere/d, BATCHID other");
    assertEquals(2, refused.code());
    assertTrue(ResultText.of(refused), ResultText.of(refused).contains("1 schedulers are the most allowed"));
    ok("ADD SYNCFILESET /nowhere/e TO /nowhere/f");
  }

  /** REPORT changes nothing: STATUS and INFO say what it would have copied, never "copied". */
  @Test
  public void aReportRunShowsWhatItWouldHaveCopied() throws Exception {
    start(tmp.newFolder("home").toPath(), Map.of());
    Path src = tmp.newFolder("src").toPath();
    Path dst = tmp.getRoot().toPath().resolve("dst");
    Files.writeString(src.resolve("one.txt"), "1");
    ok(ADD_TESTER);
    ok("ADD SYNCFILESET " + src + " TO " + dst + ", REPORT, INTERVAL 1 HOURS");
    Result.Status status = awaitStatus("the report ran", s -> fileSet(s, 1).last() != null);
    assertFalse(Files.exists(dst.resolve("one.txt")));
    String brief = ResultText.of(ok("STATUS SYNCFILESET"));
    String detail = ResultText.of(status);
    String info = ResultText.of(ok("INFO SYNCFILESET 1"));
    for (String text : new String[] {brief, detail, info}) {
      assertTrue(text, text.contains("would copy 1"));
      assertFalse(text, text.contains("copied"));
    }
  }

  /** ACTIVATE schedules at the first opportunity, not an interval after the last run. */
  @Test
  public void activateAfterSuspendRunsAtTheFirstOpportunity() throws Exception {
    start(tmp.newFolder("home").toPath(), Map.of());
    Path src = tmp.newFolder("src").toPath();
    Path dst = tmp.getRoot().toPath().resolve("dst");
    Files.writeString(src.resolve("one.txt"), "1");
    ok(ADD_TESTER);
    ok("ADD SYNCFILESET " + src + " TO " + dst + ", INTERVAL 1 HOURS");
    long firstEnd = awaitStatus("the first sync", s -> fileSet(s, 1).last() != null).fileSets().get(0).last().endedMillis();
    ok("SUSPEND SYNCFILESET 1");
    awaitStatus("suspended", s -> fileSet(s, 1).state().equals("suspended"));
    Files.writeString(src.resolve("two.txt"), "2");
    ok("ACTIVATE SYNCFILESET 1");
    awaitStatus("ran again at once", s -> fileSet(s, 1).last().endedMillis() > firstEnd);
    assertEquals("2", Files.readString(dst.resolve("two.txt")));
  }

  /**
   * A second node of the cluster stops (SIGTERM runs the same coordinated shutdown): only its own
   * work stops; the monitor on the first node keeps its schedulers, and they go on syncing.
   */
  @Test
  public void anotherNodeStoppingLeavesTheMonitorsSchedulersRunning() throws Exception {
    start(tmp.newFolder("home").toPath(), Map.of());
    int port = akka.cluster.typed.Cluster.get(node.system()).selfMember().address().getPort().get();
    Config second = ConfigFactory.parseMap(Map.of(
            "setsync.home", tmp.newFolder("home2").toString(),
            "setsync.node.cluster", true,
            "setsync.node.port", 0,
            "setsync.node.name", "secondnode",
            "setsync.node.seed-nodes", java.util.List.of("127.0.0.1:" + port)))
        .withFallback(ConfigFactory.load());
    SetSyncNode other = SetSyncNode.start(second);
    try {
      awaitMembers(2);
      Path src = tmp.newFolder("src").toPath();
      Path dst = tmp.getRoot().toPath().resolve("dst");
      Files.writeString(src.resolve("one.txt"), "1");
      ok(ADD_TESTER);
      ok("ADD SYNCFILESET " + src + " TO " + dst + ", INTERVAL 1 SECONDS");
      awaitStatus("the first sync", s -> fileSet(s, 1).last() != null);
    } finally {
      other.close();
      other.system().getWhenTerminated().toCompletableFuture().get(90, TimeUnit.SECONDS);
    }
    long stoppedAt = System.currentTimeMillis();
    Result.Status status = awaitStatus("syncs go on after the other node left",
        s -> fileSet(s, 1).last().endedMillis() > stoppedAt);
    String schedulers = ResultText.of(ok("STATUS AUTOSYNC, DETAIL"));
    assertFalse(schedulers, schedulers.contains("not started"));
    assertEquals(ResultText.of(status), 1, status.monitor().schedulers());
  }

  private void awaitMembers(int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    akka.cluster.typed.Cluster cluster = akka.cluster.typed.Cluster.get(node.system());
    while (java.util.stream.StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
        .filter(m -> m.status() == akka.cluster.MemberStatus.up()).count() < count) {
      if (System.nanoTime() > deadline) throw new AssertionError("the cluster has not " + count + " members up");
      Thread.sleep(100);
    }
  }

  /** STATUS SYNC shows a SYNCHRONIZE while it runs, and no more once it has ended. */
  @Test
  public void statusShowsARunningSynchronize() throws Exception {
    start(tmp.newFolder("home").toPath(), Map.of());
    Path src = tmp.newFolder("src").toPath();
    Path dst = tmp.getRoot().toPath().resolve("dst");
    ok(ADD_TESTER);
    Files.writeString(src.resolve("first.txt"), "1");
    assertEquals(0, synchronizeOnceTheEndpointIsKnown("SYNCHRONIZE " + src + " TO " + dst).code());
    byte[] mib = new byte[1 << 20];
    // MAXRATE lets a burst of about 5 MiB pass at once; the rest takes seconds.
    for (int i = 0; i < 12; i++) Files.write(src.resolve("big" + i), mib);
    java.util.concurrent.CompletableFuture<Result> sync = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return runLong("SYNCHRONIZE " + src + " TO " + dst + ", MAXRATE 1 MB");
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String status = "";
    while (!status.contains("SYNCHRONIZE " + src + " TO testnode:" + dst + " (user tester) running since")) {
      assertFalse("the sync ended before STATUS showed it:\n" + status, sync.isDone());
      if (System.nanoTime() > deadline) throw new AssertionError("STATUS SYNC never showed the SYNCHRONIZE:\n" + status);
      status = ResultText.of(ok("STATUS SYNC"));
      Thread.sleep(100);
    }
    Result.Status auto = (Result.Status) ok("STATUS AUTOSYNC");
    assertEquals(1, auto.monitor().runningSyncs());
    assertEquals(ResultText.of(sync.get(60, TimeUnit.SECONDS)), 0, sync.get().code());
    assertEquals("no syncs running", ResultText.of(ok("STATUS SYNC")));
  }

  /**
   * ALTER of a running sync stops it at a file boundary (its result counts what arrived) and runs
   * the file set again at once with the new options: the destination is not left busy, the
   * scratch area ends empty, and the rerun does not wait for the interval.
   */
  @Test
  public void alterOfARunningSyncStopsItAndRunsTheNewConfigurationAtOnce() throws Exception {
    start(tmp.newFolder("home").toPath(), Map.of());
    Path src = tmp.newFolder("src").toPath();
    Path dst = tmp.getRoot().toPath().resolve("dst");
    writeMebibyteFiles(src, 10);
    ok(ADD_TESTER);
    ok("ADD SYNCFILESET " + src + " TO " + dst + ", MAXRATE 1 MB, INTERVAL 1 HOURS");
    awaitStatus("the sync is under way", s -> fileSet(s, 1).running() != null && fileSet(s, 1).running().files() > 0);
    ok("ALTER SYNCFILESET 1, MAXRATE 100 MB");

    Result.Status done = awaitStatus("the altered file set ran again to the end",
        s -> fileSet(s, 1).last() != null && fileSet(s, 1).last().failure() == null && fileSet(s, 1).running() == null);
    assertEquals(ResultText.of(done), 0, fileSet(done, 1).last().code());
    for (int i = 0; i < 10; i++) assertTrue(Files.exists(dst.resolve(String.format("f%02d", i))));
    String log = ResultText.of(ok("INFO SYNCFILESET 1, LOG LAST 100"));
    assertTrue(log, log.contains("stopped at a file boundary: the file set was altered"));
    assertFalse(log, log.contains("busy"));
    assertScratchEmpty(dst);
  }

  /** SUSPEND of a running sync stops it at a file boundary; its result counts what reached the destination. */
  @Test
  public void suspendOfARunningSyncStopsItAndCountsWhatArrived() throws Exception {
    start(tmp.newFolder("home").toPath(), Map.of());
    Path src = tmp.newFolder("src").toPath();
    Path dst = tmp.getRoot().toPath().resolve("dst");
    writeMebibyteFiles(src, 10);
    ok(ADD_TESTER);
    ok("ADD SYNCFILESET " + src + " TO " + dst + ", MAXRATE 1 MB, INTERVAL 1 HOURS");
    awaitStatus("the sync is under way", s -> fileSet(s, 1).running() != null && fileSet(s, 1).running().files() > 0);
    ok("SUSPEND SYNCFILESET 1");
    Result.Status status = awaitStatus("the stopped run is recorded",
        s -> fileSet(s, 1).last() != null && fileSet(s, 1).running() == null);
    awaitSessionsOver(dst);
    SyncResult last = fileSet(status, 1).last();
    assertTrue(ResultText.of(status), last.failure().startsWith("stopped at a file boundary"));
    long arrived;
    try (java.util.stream.Stream<Path> files = Files.list(dst)) {
      arrived = files.filter(p -> !p.getFileName().toString().equals(".setsync")).count();
    }
    assertTrue("stopped before the end: " + arrived, arrived < 10);
    assertTrue("the files sent before the stop reached the destination", arrived >= 1);
    assertEquals(ResultText.of(status), arrived, last.counts().copied());
    assertEquals("suspended", fileSet(status, 1).state());
    assertScratchEmpty(dst);
  }

  /**
   * STOP MONITOR lets the running sync finish; a START MONITOR meanwhile waits for that scheduler
   * to stop before it starts the next one for the same file sets, so there is one scheduler, and
   * no run finds its destination busy with the other's.
   */
  @Test
  public void stopAndStartMonitorDuringASyncKeepsOneScheduler() throws Exception {
    start(tmp.newFolder("home").toPath(), Map.of());
    Path src = tmp.newFolder("src").toPath();
    Path dst = tmp.getRoot().toPath().resolve("dst");
    writeMebibyteFiles(src, 8);
    ok(ADD_TESTER);
    ok("ADD SYNCFILESET " + src + " TO " + dst + ", MAXRATE 1 MB, INTERVAL 1 SECONDS");
    awaitStatus("the sync is under way", s -> fileSet(s, 1).running() != null);
    ok("STOP MONITOR");
    ok("START MONITOR");
    Result.Status auto = (Result.Status) ok("STATUS AUTOSYNC");
    assertTrue(ResultText.of(auto), auto.monitor().schedulers() <= 1);
    Result.Status synced = awaitStatus("the finished sync is recorded",
        s -> fileSet(s, 1).last() != null && fileSet(s, 1).last().code() == 0 && Files.exists(dst.resolve("f07")));
    assertEquals(1, synced.monitor().schedulers());
    Files.writeString(src.resolve("later.txt"), "later");
    awaitStatus("syncs go on after START MONITOR", s -> Files.exists(dst.resolve("later.txt")));
    String log = ResultText.of(ok("INFO SYNCFILESET 1, LOG LAST 200"));
    assertFalse(log, log.contains("busy"));
  }

  /** Waits (at most 20 s) until no session holds the destination root {@code root}. */
  private void awaitSessionsOver(Path root) throws Exception {
    Path real = root.toRealPath();
    akka.actor.typed.receptionist.ServiceKey<DestinationEndpoint.Command> key = Monitor.endpointKey(node.name());
    Receptionist.Listing listing = AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
            node.system().receptionist(), r -> Receptionist.find(key, r), Duration.ofSeconds(20), node.system().scheduler())
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
    AskPattern.<DestinationEndpoint.Command, Path>ask(listing.getServiceInstances(key).iterator().next(),
            r -> new DestinationEndpoint.WhenSessionsOver(real, r), Duration.ofSeconds(20), node.system().scheduler())
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** {@code count} files f00, f01, ... of one MiB each: enough to outlast MAXRATE 1 MB's first burst. */
  private static void writeMebibyteFiles(Path src, int count) throws java.io.IOException {
    byte[] mib = new byte[1 << 20];
    for (int i = 0; i < count; i++) Files.write(src.resolve(String.format("f%02d", i)), mib);
  }

  /** The destination's scratch area holds nothing between syncs. */
  private static void assertScratchEmpty(Path dst) throws java.io.IOException {
    try (java.util.stream.Stream<Path> scratch = Files.list(dst.resolve(".setsync"))) {
      assertEquals(java.util.List.of(), scratch.map(Path::toString).toList());
    }
  }
}
