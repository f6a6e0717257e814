package io.setsync.monitor;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.setsync.command.CommandParser;
import io.setsync.schedule.FileSetScheduler;
import io.setsync.schedule.SchedulerKey;
import io.setsync.schedule.SyncResult;
import io.setsync.sync.SyncCounts;
import java.time.Duration;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;

/**
 * The monitor's persisted tables against the in-memory test journal, without a cluster: commands
 * that add, alter and delete users, file sets and batch ids persist the events they should, and the
 * state recovers from them. No data endpoint registers, so no scheduler starts.
 */
public class MonitorBehaviorTest {

  private static final Config CONFIG =
      ConfigFactory.parseString("setsync.persistence.restart-backoff { min = 10ms, max = 100ms }")
          .withFallback(EventSourcedBehaviorTestKit.config())
          .withFallback(ConfigFactory.load());

  /** A system per test: the monitor's persistence id is fixed, so each test needs its own journal. */
  @Rule public final TestKitJunitResource testKit = new TestKitJunitResource(CONFIG);

  /** Long enough for a restart on a loaded machine; only reached when something is wrong. */
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private static final String PERSISTENCE_ID = "setsync-monitor";

  private static akka.actor.typed.Behavior<Monitor.Command> monitor() {
    Config setsync = CONFIG.getConfig("setsync").withValue(
        "node.name", com.typesafe.config.ConfigValueFactory.fromAnyRef("testnode"));
    return Monitor.create(Monitor.Settings.from(setsync), FileSetScheduler.Settings.from(setsync));
  }

  private EventSourcedBehaviorTestKit<Monitor.Command, Monitor.Event, MonitorState> kit() {
    // The scheduler's reports reach the monitor wrapped by a local message adapter, never over the
    // wire, so commands are not checked for serialization; events and state still are.
    return EventSourcedBehaviorTestKit.create(testKit.system(), monitor(),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyCommands(false));
  }

  private static EventSourcedBehaviorTestKit.CommandResultWithReply<Monitor.Command, Monitor.Event, MonitorState, Result>
      run(EventSourcedBehaviorTestKit<Monitor.Command, Monitor.Event, MonitorState> kit, String command) {
    return kit.runCommand(replyTo -> new Monitor.Execute(CommandParser.parse(command), "tester", replyTo));
  }

  /** Runs a command that must succeed and persist exactly one event, which it returns. */
  private static Monitor.Event persists(
      EventSourcedBehaviorTestKit<Monitor.Command, Monitor.Event, MonitorState> kit, String command) {
    var result = run(kit, command);
    assertEquals(command + " -> " + io.setsync.console.ResultText.of(result.reply()), 0, result.reply().code());
    assertEquals(command, 1, result.events().size());
    return result.event();
  }

  /** Runs a command that must be refused without persisting anything; returns the refusal. */
  private static String refused(
      EventSourcedBehaviorTestKit<Monitor.Command, Monitor.Event, MonitorState> kit, String command) {
    var result = run(kit, command);
    assertEquals(command + " -> " + io.setsync.console.ResultText.of(result.reply()), 2, result.reply().code());
    assertTrue(command, result.hasNoEvents());
    return io.setsync.console.ResultText.of(result.reply());
  }

  @Test
  public void usersAreAddedAlteredSuspendedAndDeleted() {
    var kit = kit();
    assertEquals(new Monitor.UserSaved(new UserConfig("alice", List.of("/data"), false)),
        persists(kit, "ADD SYNCUSER alice, ROOT /data"));
    assertTrue(refused(kit, "ADD SYNCUSER alice").contains("SYNCUSER alice already exists"));
    assertEquals("ALTER replaces the roots", new Monitor.UserSaved(new UserConfig("alice", List.of("/more"), false)),
        persists(kit, "ALTER SYNCUSER alice, ROOT /more"));
    assertEquals(new Monitor.UserSaved(new UserConfig("alice", List.of("/more"), true)),
        persists(kit, "SUSPEND SYNCUSER alice"));
    persists(kit, "ADD SYNCUSER bob");

    MonitorState recovered = kit.restart().state();
    assertEquals(List.of("alice", "bob"), List.copyOf(recovered.users.keySet()));
    assertEquals(new UserConfig("alice", List.of("/more"), true), recovered.users.get("alice"));

    assertEquals(new Monitor.UserDeleted("alice"), persists(kit, "DELETE SYNCUSER alice"));
    assertTrue(refused(kit, "DELETE SYNCUSER alice").contains("alice"));
    assertEquals(List.of("bob"), List.copyOf(kit.restart().state().users.keySet()));
  }

  @Test
  public void fileSetsAreAddedAlteredAndDeletedAndTheirIdsContinueAfterARestart() {
    var kit = kit();
    persists(kit, "ADD SYNCUSER tester");
    var added = run(kit, "ADD SYNCFILESET /nowhere/a TO /nowhere/b, INTERVAL 3 HOURS, SUSPEND");
    assertEquals(new Result.FileSetAdded(1, "SYNCFILESET 1 added"), added.reply());
    Monitor.FileSetSaved first = (Monitor.FileSetSaved) added.event();
    assertEquals(1, first.id());
    assertEquals("tester", first.config().user());
    assertEquals("/nowhere/b", first.config().destination());
    assertEquals(Duration.ofHours(3), first.config().interval());
    assertTrue(first.config().suspended());
    assertEquals(2, added.state().nextFileSetId);

    Monitor.FileSetSaved altered = (Monitor.FileSetSaved) persists(kit, "ALTER SYNCFILESET 1, PURGE");
    assertEquals(1, altered.id());
    assertTrue(altered.config().sync().purge());
    assertEquals(Duration.ofHours(3), altered.config().interval());

    // Active, but no destination node answers here: it waits, no scheduler starts.
    assertEquals(2, ((Monitor.FileSetSaved) persists(kit, "ADD SYNCFILESET /nowhere/c TO /nowhere/d")).id());
    assertTrue(refused(kit, "DELETE SYNCUSER tester").contains("still has SYNCFILESET"));
    assertTrue(refused(kit, "ALTER SYNCFILESET 9, PURGE").contains("unknown SYNCFILESET 9"));
    assertTrue(refused(kit, "ADD SYNCFILESET /a TO /b, USER nobody").contains("unknown SYNCUSER nobody"));
    assertEquals(new Monitor.FileSetDeleted(1), persists(kit, "DELETE SYNCFILESET 1"));

    MonitorState recovered = kit.restart().state();
    assertEquals(List.of(2L), List.copyOf(recovered.fileSets.keySet()));
    assertEquals(3, recovered.nextFileSetId);
    assertEquals("ids are not reused after a restart",
        3, ((Monitor.FileSetSaved) persists(kit, "ADD SYNCFILESET /nowhere/e TO /nowhere/f")).id());
  }

  @Test
  public void batchIdsAreAddedSuspendedAndDeletedOnceUnused() {
    var kit = kit();
    persists(kit, "ADD SYNCUSER tester");
    Monitor.BatchSaved added = (Monitor.BatchSaved) persists(kit, "ADD BATCHID nightly");
    assertEquals("nightly", added.batch().id());
    assertFalse(added.batch().suspended());
    persists(kit, "ADD SYNCFILESET /nowhere/a TO /nowhere/b, BATCHID nightly");
    assertTrue(((Monitor.BatchSaved) persists(kit, "SUSPEND BATCHID nightly")).batch().suspended());
    assertTrue(refused(kit, "DELETE BATCHID nightly").contains("still used by SYNCFILESET 1"));

    MonitorState recovered = kit.restart().state();
    assertTrue(recovered.batches.get("nightly").suspended());
    assertEquals("batch suspended", recovered.inactiveReason(recovered.fileSets.get(1L)));

    persists(kit, "DELETE SYNCFILESET 1");
    assertEquals(new Monitor.BatchDeleted("nightly"), persists(kit, "DELETE BATCHID nightly"));
    assertTrue(kit.restart().state().batches.isEmpty());
  }

  @Test
  public void stoppingTheMonitorIsPersistedOnce() {
    var kit = kit();
    assertEquals(new Monitor.RunStateChanged(true), persists(kit, "STOP MONITOR"));
    var again = run(kit, "STOP MONITOR");
    assertTrue(again.hasNoEvents());
    assertEquals(0, again.reply().code());
    assertTrue(kit.restart().state().stopped);
    assertEquals(new Monitor.RunStateChanged(false), persists(kit, "START MONITOR"));
    assertFalse(kit.restart().state().stopped);
  }

  @Test
  public void aSyncResultIsRecordedAndAutoSuspendSuspendsTheFileSet() {
    var kit = kit();
    persists(kit, "ADD SYNCUSER tester");
    persists(kit, "ADD SYNCFILESET /nowhere/a TO /nowhere/b, AUTOSUSPEND");
    persists(kit, "ADD SYNCFILESET /nowhere/c TO /nowhere/d");
    SchedulerKey key = new SchedulerKey("tester", "testnode", "testnode", "");
    SyncResult result = new SyncResult(1_000, 2_000, new SyncCounts(3, 2, 10, 0, 1, 0, 0), 0, null);

    var first = kit.runCommand(new Monitor.SchedulerReported(new io.setsync.schedule.FileSetScheduler.SyncEnded(key, 1, result)));
    assertEquals(2, first.events().size());
    assertEquals(new Monitor.SyncRecorded(1, result), first.events().get(0));
    assertTrue(((Monitor.FileSetSaved) first.events().get(1)).config().suspended());
    assertEquals(List.of(new Monitor.SyncRecorded(2, result)),
        kit.runCommand(new Monitor.SchedulerReported(new io.setsync.schedule.FileSetScheduler.SyncEnded(key, 2, result))).events());
    assertTrue("a file set deleted meanwhile records nothing",
        kit.runCommand(new Monitor.SchedulerReported(new io.setsync.schedule.FileSetScheduler.SyncEnded(key, 9, result))).hasNoEvents());

    MonitorState recovered = kit.restart().state();
    assertEquals(result, recovered.lastResults.get(1L));
    assertEquals(result, recovered.lastResults.get(2L));
    assertTrue(recovered.fileSets.get(1L).suspended());
    assertFalse(recovered.fileSets.get(2L).suspended());
  }

  /** A SyncRecorded journaled before results said whether they were a REPORT's still reads, as a real run's. */
  @Test
  public void aSyncResultRecordedBeforeTheReportFieldStillReads() throws Exception {
    akka.serialization.Serialization serialization =
        akka.serialization.SerializationExtension.get(akka.actor.typed.javadsl.Adapter.toClassic(testKit.system()));
    SyncResult now = new SyncResult(1_000, 2_000, new SyncCounts(3, 2, 10, 0, 1, 0, 0), 0, null, true);
    Monitor.SyncRecorded recorded = new Monitor.SyncRecorded(4, now);
    akka.serialization.Serializer serializer = serialization.findSerializerFor(recorded);
    String manifest = akka.serialization.Serializers.manifestFor(serializer, recorded);
    com.fasterxml.jackson.databind.ObjectMapper cbor = akka.serialization.jackson.JacksonObjectMapperProvider
        .get(akka.actor.typed.javadsl.Adapter.toClassic(testKit.system())).getOrCreate("jackson-cbor", java.util.Optional.empty());
    com.fasterxml.jackson.databind.node.ObjectNode old = cbor.valueToTree(recorded);
    ((com.fasterxml.jackson.databind.node.ObjectNode) old.get("result")).remove("report");
    byte[] before = serialization.serialize(recorded).get();
    assertTrue("the new shape has the field", new String(before, java.nio.charset.StandardCharsets.ISO_8859_1).contains("report"));
    Object read = serialization.deserialize(cbor.writeValueAsBytes(old), serializer.identifier(), manifest).get();
    assertEquals(new Monitor.SyncRecorded(4, new SyncResult(1_000, 2_000, new SyncCounts(3, 2, 10, 0, 1, 0, 0), 0, null)), read);
  }

  @Test
  public void configurationChangesReachTheUsersLogAndSurviveARestart() {
    var kit = kit();
    persists(kit, "ADD SYNCUSER tester");
    persists(kit, "ADD SYNCFILESET /nowhere/a TO /nowhere/b, SUSPEND");
    persists(kit, "ALTER SYNCFILESET 1, PURGE");
    assertEquals(List.of("ADD SYNCFILESET 1", "ALTER SYNCFILESET 1"), logOfFileSet1(kit));
    kit.restart();
    assertEquals(List.of("ADD SYNCFILESET 1", "ALTER SYNCFILESET 1"), logOfFileSet1(kit));
  }

  /** The first two words of each record of file set 1's log, read through the monitor. */
  private static List<String> logOfFileSet1(
      EventSourcedBehaviorTestKit<Monitor.Command, Monitor.Event, MonitorState> kit) {
    var read = run(kit, "INFO SYNCFILESET 1, LOG LAST 10");
    assertTrue(read.hasNoEvents());
    assertEquals(io.setsync.console.ResultText.of(read.reply()), 0, read.reply().code());
    return ((Result.Log) read.reply()).records().stream()
        .map(r -> String.join(" ", List.of(r.text().split(" ")).subList(0, 3)))
        .toList();
  }

  // --- roles and refused sources ---

  private static EventSourcedBehaviorTestKit.CommandResultWithReply<Monitor.Command, Monitor.Event, MonitorState, Result>
      runAs(EventSourcedBehaviorTestKit<Monitor.Command, Monitor.Event, MonitorState> kit,
          io.setsync.command.Caller caller, String command) {
    return kit.runCommand(replyTo -> new Monitor.Execute(CommandParser.parse(command), caller, null, replyTo));
  }

  @Test
  public void administratorsAndRefusedSourcesArePersistedAndTheirRightsFollowThem() {
    var kit = kit();
    io.setsync.command.Caller carol = new io.setsync.command.Caller("carol", 1003);
    io.setsync.command.Caller alice = new io.setsync.command.Caller("alice", 1001);
    assertEquals(new Monitor.AdministratorAdded("carol"), persists(kit, "ADD ADMINISTRATOR carol"));
    persists(kit, "ADD SYNCUSER alice, ROOT /data");

    var refusedAlter = runAs(kit, alice, "ALTER SYNCUSER alice, ROOT /");
    assertEquals(2, refusedAlter.reply().code());
    assertTrue(refusedAlter.hasNoEvents());
    assertEquals("error: ALTER SYNCUSER is for administrators only; alice (uid 1001) is not one",
        io.setsync.console.ResultText.of(refusedAlter.reply()));
    var granted = runAs(kit, carol, "ALTER SYNCUSER alice, ROOT /srv");
    assertEquals(0, granted.reply().code());
    assertEquals(new Monitor.UserSaved(new UserConfig("alice", List.of("/srv"), false)), granted.event());
    assertEquals(new Monitor.AutosyncFromDisabled("testnode", "backup"),
        persists(kit, "DISABLE AUTOSYNC FROM testnode TO backup"));

    MonitorState recovered = kit.restart().state();
    assertEquals(java.util.Set.of("carol"), recovered.administrators);
    assertTrue(recovered.refuses("backup", "testnode"));
    var asked = kit.<Monitor.AutosyncFrom>runCommand(replyTo -> new Monitor.AskAutosyncFrom("testnode", "backup", replyTo));
    assertEquals(new Monitor.AutosyncFrom("testnode", "backup", true), asked.reply());
    var refusedSync = runAs(kit, alice, "SYNCHRONIZE /srv/a TO backup:/srv/b");
    assertEquals(2, refusedSync.reply().code());
    assertTrue(io.setsync.console.ResultText.of(refusedSync.reply()),
        io.setsync.console.ResultText.of(refusedSync.reply()).contains("refused: backup disabled AUTOSYNC FROM testnode"));

    assertEquals(new Monitor.AdministratorDeleted("carol"), persists(kit, "DELETE ADMINISTRATOR carol"));
    assertEquals(2, runAs(kit, carol, "ALTER SYNCUSER alice, ROOT /").reply().code());
    assertEquals(new Monitor.AutosyncFromCleared("testnode", "backup"), persists(kit, "CLEAR AUTOSYNC FROM testnode TO backup"));
    assertFalse(kit.restart().state().refuses("backup", "testnode"));
  }

  // --- a journal that fails or refuses a write ---

  @Test
  public void aFailedWriteRestartsTheMonitorWhichRecoversAndGoesOn() {
    PersistenceTestKit persistence = PersistenceTestKit.create(testKit.system());
    ActorRef<Monitor.Command> monitor = testKit.spawn(monitor());
    TestProbe<Result> replies = testKit.createTestProbe();
    execute(monitor, replies, "ADD SYNCUSER tester");
    assertEquals(0, replies.expectMessageClass(Result.class, PATIENCE).code());
    execute(monitor, replies, "ADD SYNCFILESET /nowhere/a TO /nowhere/b, SUSPEND");
    assertEquals(0, replies.expectMessageClass(Result.class, PATIENCE).code());

    persistence.failNextPersisted(PERSISTENCE_ID);
    execute(monitor, replies, "ADD BATCHID nightly");
    // The failed command gets no answer; the next waits out the restart and sees the journal only.
    execute(monitor, replies, "INFO BATCHID");
    assertEquals(List.of(), ((Result.Batches) replies.expectMessageClass(Result.class, PATIENCE)).batches());

    execute(monitor, replies, "ADD BATCHID nightly");
    assertEquals(0, replies.expectMessageClass(Result.class, PATIENCE).code());
    execute(monitor, replies, "INFO BATCHID");
    assertEquals(1, ((Result.Batches) replies.expectMessageClass(Result.class, PATIENCE)).batches().size());
    // The user's log (a child of the monitor) lived through the restart and still answers.
    execute(monitor, replies, "INFO SYNCFILESET 1, LOG LAST 10");
    Result log = replies.expectMessageClass(Result.class, PATIENCE);
    assertEquals(io.setsync.console.ResultText.of(log), 0, log.code());
    assertEquals(1, ((Result.Log) log).records().size());
  }

  @Test
  public void aRefusedWriteRestartsTheMonitorWhichRecoversAndGoesOn() {
    PersistenceTestKit persistence = PersistenceTestKit.create(testKit.system());
    ActorRef<Monitor.Command> monitor = testKit.spawn(monitor());
    TestProbe<Result> replies = testKit.createTestProbe();
    execute(monitor, replies, "ADD SYNCUSER tester");
    assertEquals(0, replies.expectMessageClass(Result.class, PATIENCE).code());
    execute(monitor, replies, "ADD SYNCFILESET /nowhere/a TO /nowhere/b, SUSPEND");
    assertEquals(0, replies.expectMessageClass(Result.class, PATIENCE).code());

    // A refused write restarts the monitor with its children, so a log append still in flight then
    // is lost; wait until the file set's CONFIG record is stored, then refuse.
    execute(monitor, replies, "INFO SYNCFILESET 1, LOG LAST 10");
    assertEquals(1, ((Result.Log) replies.expectMessageClass(Result.class, PATIENCE)).records().size());

    persistence.rejectNextPersisted(PERSISTENCE_ID);
    execute(monitor, replies, "ADD BATCHID nightly");
    // Commands queued behind the refused event go with the old incarnation: ask until one answers.
    assertEquals(List.of(), ((Result.Batches) awaitAnswer(monitor, "INFO BATCHID")).batches());

    execute(monitor, replies, "ADD BATCHID nightly");
    assertEquals(0, replies.expectMessageClass(Result.class, PATIENCE).code());
    execute(monitor, replies, "INFO SYNCFILESET 1, LOG LAST 10");
    Result log = replies.expectMessageClass(Result.class, PATIENCE);
    assertEquals(io.setsync.console.ResultText.of(log), 0, log.code());
    assertEquals(1, ((Result.Log) log).records().size());
  }

  private static void execute(ActorRef<Monitor.Command> monitor, TestProbe<Result> replies, String command) {
    monitor.tell(new Monitor.Execute(CommandParser.parse(command), "tester", replies.ref()));
  }

  private Result awaitAnswer(ActorRef<Monitor.Command> monitor, String command) {
    Result[] answer = new Result[1];
    testKit.createTestProbe().awaitAssert(PATIENCE, Duration.ofMillis(50), () -> {
      TestProbe<Result> probe = testKit.createTestProbe();
      execute(monitor, probe, command);
      answer[0] = probe.expectMessageClass(Result.class, Duration.ofSeconds(1));
      return null;
    });
    return answer[0];
  }
}
