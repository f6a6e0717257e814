package io.setsync.monitor;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import akka.actor.Kill;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.receptionist.Receptionist;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.setsync.console.CommandParser;
import io.setsync.node.SetSyncNode;
import io.setsync.destination.DestinationEndpoint;
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
    assertEquals(command + " -> " + result.text(), 0, result.code());
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
    throw new AssertionError(what + "; last status:\n" + (status == null ? "none" : status.text()));
  }

  private static Result.FileSetView fileSet(Result.Status status, long id) {
    return status.fileSets().stream().filter(f -> f.id() == id).findFirst().orElseThrow();
  }

  @Test
  public void everyFileSetScheduleAndSuspensionSurvivesARestart() throws Exception {
    Path home = tmp.newFolder("home").toPath();
    start(home, Map.of());
    ok("ADD SYNCUSER tester");
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
    ok("ADD SYNCUSER tester");
    ok("ADD SYNCFILESET " + src + " TO " + dst + ", INTERVAL 1 SECONDS");
    awaitStatus("first sync", s -> fileSet(s, 1).last() != null);
    assertEquals("1", Files.readString(dst.resolve("one.txt")));
    Files.writeString(src.resolve("two.txt"), "2");
    awaitStatus("second sync copies the new file", s -> Files.exists(dst.resolve("two.txt")));
    Result.Status status = awaitStatus("a recorded result", s -> fileSet(s, 1).last().counts().scanned() == 2);
    assertEquals(0, fileSet(status, 1).last().code());
    Result.Log log = (Result.Log) ok("INFO SYNCFILESET 1, LOG LAST 100");
    assertTrue(log.text(), log.text().contains("sync ended"));
  }

  @Test
  public void aDestinationNodeThatIsNotThereIsWaitedFor() throws Exception {
    start(tmp.newFolder("home").toPath(), Map.of());
    Path src = tmp.newFolder("src").toPath();
    Path dst = tmp.getRoot().toPath().resolve("dst");
    Files.writeString(src.resolve("one.txt"), "1");
    ok("ADD SYNCUSER tester");
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

  @Test
  public void aFailedSchedulerIsRestartedAtOnceThenOnlyLater() throws Exception {
    start(tmp.newFolder("home").toPath(), Map.of("setsync.monitor.retry.immediate", 1, "setsync.monitor.retry.later", "1h"));
    Path src = tmp.newFolder("src").toPath();
    ok("ADD SYNCUSER tester");
    ok("ADD SYNCFILESET " + src + " TO " + tmp.getRoot().toPath().resolve("dst") + ", INTERVAL 1 HOURS");
    awaitStatus("scheduler up", s -> fileSet(s, 1).last() != null);

    killSchedulers();
    awaitLog("failed (1 in a row); restart now");
    awaitStatus("restarted at once", s -> fileSet(s, 1).state().equals("scheduled"));
    killSchedulers();
    Result.Status failed = awaitStatus("second failure waits", s -> fileSet(s, 1).state().startsWith("failed 2x, retry at"));
    assertTrue(failed.text(), failed.monitor().schedulers() == 1);
  }

  private void awaitLog(String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String log = "";
    while (System.nanoTime() < deadline) {
      log = ok("INFO SYNCFILESET 1, LOG LAST 100").text();
      if (log.contains(text)) return;
      Thread.sleep(100);
    }
    throw new AssertionError("the log never said \"" + text + "\":\n" + log);
  }

  /** A real fault: the scheduler actor is killed (ActorKilledException), as a bug would stop it. */
  private void killSchedulers() {
    Adapter.toClassic(node.system()).actorSelection("/system/*/monitor/scheduler-*")
        .tell(Kill.getInstance(), akka.actor.ActorRef.noSender());
  }

  @Test
  public void tooManySchedulersIsAClearError() throws Exception {
    start(tmp.newFolder("home").toPath(), Map.of("setsync.monitor.max-schedulers", 1));
    ok("ADD SYNCUSER tester");
    ok("ADD BATCHID other");
    ok("ADD SYNCFILESET /nowhere/a TO /nowhere/b");
    Result refused = run("ADD SYNCFILESET /nowhere/c TO /nowhere/d, BATCHID other");
    assertEquals(2, refused.code());
    assertTrue(refused.text(), refused.text().contains("1 schedulers are the most allowed"));
    ok("ADD SYNCFILESET /nowhere/e TO /nowhere/f");
  }
}
