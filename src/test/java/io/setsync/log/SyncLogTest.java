package io.setsync.log;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.japi.Pair;
import akka.persistence.testkit.SnapshotMeta;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import com.typesafe.config.ConfigFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.ClassRule;
import org.junit.Test;

/** The sync log's behaviour against the in-memory test journal and snapshot store. */
public class SyncLogTest {

  @ClassRule
  public static final TestKitJunitResource testKit =
      new TestKitJunitResource(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));

  private static final Instant DAY1 = Instant.parse("2026-11-21T00:00:00Z");

  private static LogRecord record(int day, int seconds, Long fileSetId, String text) {
    long millis = DAY1.plusSeconds((day - 1) * 86_400L + seconds).toEpochMilli();
    return new LogRecord(millis, fileSetId, Origin.SOURCE, Severity.INFO, text);
  }

  private static List<String> texts(List<LogRecord> records) {
    return records.stream().map(LogRecord::text).toList();
  }

  private static int users;

  /** A fresh user per test: the in-memory journal is shared by the whole class. */
  private static String newUser() {
    return "user" + (++users);
  }

  private static EventSourcedBehaviorTestKit<SyncLog.Command, SyncLog.Event, SyncLog.State> log(
      String user, int maxRecords, int snapshotEvery) {
    return EventSourcedBehaviorTestKit.create(
        testKit.system(), SyncLog.create(user, maxRecords, snapshotEvery));
  }

  private static List<String> read(
      EventSourcedBehaviorTestKit<SyncLog.Command, SyncLog.Event, SyncLog.State> kit, Long fileSetId, int last) {
    var result = kit.<SyncLog.Records>runCommand(replyTo -> new SyncLog.Read(fileSetId, last, replyTo));
    result.hasNoEvents();
    return texts(result.reply().records());
  }

  @Test
  public void eachAppendIsOneEventAndReadsGiveTheLastRecords() {
    var kit = log(newUser(), 100, 1000);
    var first = kit.runCommand(new SyncLog.Append(List.of(record(1, 1, 1L, "a"), record(1, 2, 2L, "b"))));
    assertEquals(new SyncLog.Appended(List.of(record(1, 1, 1L, "a"), record(1, 2, 2L, "b"))), first.event());
    kit.runCommand(new SyncLog.Append(List.of(record(1, 3, 1L, "c"))));
    assertEquals(List.of("a", "b", "c"), read(kit, null, 10));
    assertEquals(List.of("b", "c"), read(kit, null, 2));
    assertEquals(List.of("a", "c"), read(kit, 1L, 10));
    assertEquals(List.of(), read(kit, 1L, 0));
  }

  @Test
  public void anEmptyAppendPersistsNothing() {
    var kit = log(newUser(), 100, 1000);
    kit.runCommand(new SyncLog.Append(List.of())).hasNoEvents();
    assertEquals(List.of(), read(kit, null, 10));
  }

  @Test
  public void theBoundHoldsAndSurvivesARestart() {
    var kit = log(newUser(), 4, 1000);
    kit.runCommand(new SyncLog.Append(List.of(record(1, 1, 1L, "d1a"), record(1, 2, 1L, "d1b"))));
    kit.runCommand(new SyncLog.Append(List.of(record(2, 1, 1L, "d2a"), record(2, 2, 1L, "d2b"))));
    // The fifth record drops day 1.
    kit.runCommand(new SyncLog.Append(List.of(record(3, 1, 1L, "d3a"))));
    assertEquals(List.of("d2a", "d2b", "d3a"), texts(kit.getState().records()));
    kit.restart();
    assertEquals(List.of("d2a", "d2b", "d3a"), read(kit, null, 100));
  }

  @Test
  public void snapshotsKeepTheJournalBoundedAndRecoveryUsesThem() {
    String user = newUser();
    String pid = SyncLog.persistenceId(user).id();
    var kit = log(user, 5, 3);
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      kit.runCommand(new SyncLog.Append(List.of(record(1, i, 1L, "r" + i))));
      expected.add("r" + i);
    }
    List<String> lastFive = expected.subList(expected.size() - 5, expected.size());
    assertEquals(lastFive, read(kit, null, 100));

    // Snapshots after events 3, 6, 9 and 12. Keeping two means the events before the older of
    // the two (1 to 6) are deleted, and every snapshot before that boundary (3); Akka keeps the
    // one at the boundary. Deletion runs after the write, hence the polling.
    var snapshotKit = kit.snapshotTestKit().orElseThrow();
    testKit
        .createTestProbe()
        .awaitAssert(
            () -> {
              assertEquals(
                  List.of(6L, 9L, 12L),
                  snapshotKit.persistedInStorage(pid).stream().map(p -> p.first().sequenceNr()).toList());
              assertEquals(6, kit.persistenceTestKit().persistedInStorage(pid).size());
              return null;
            });
    List<Pair<SnapshotMeta, Object>> snapshots = snapshotKit.persistedInStorage(pid);

    // The stored snapshot is a copy: appends after it do not change it.
    kit.runCommand(new SyncLog.Append(List.of(record(1, 13, 1L, "r13"))));
    SyncLog.State atTwelve = (SyncLog.State) snapshots.get(2).second();
    assertEquals(lastFive, texts(atTwelve.records()));

    kit.restart();
    assertEquals(List.of("r9", "r10", "r11", "r12", "r13"), read(kit, null, 100));
  }

  @Test
  public void refusesBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> SyncLog.create(" ", 10));
    assertThrows(IllegalArgumentException.class, () -> SyncLog.create("alice", 0));
    assertThrows(IllegalArgumentException.class, () -> SyncLog.create("alice", 10, 0));
    assertThrows(IllegalArgumentException.class, () -> new SyncLog.Read(null, -1, testKit.createTestProbe(SyncLog.Records.class).ref()));
    List<LogRecord> withHole = new ArrayList<>();
    withHole.add(null);
    assertThrows(NullPointerException.class, () -> new SyncLog.Append(withHole));
  }

  @Test
  public void theBoundComesFromTheConfiguration() {
    assertEquals(15900, SyncLog.maxRecords(ConfigFactory.load()));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SyncLog.maxRecords(ConfigFactory.parseString("setsync.log.max-records = 0")));
    assertTrue(e.getMessage(), e.getMessage().contains("setsync.log.max-records"));
  }

  @Test
  public void thePersistenceIdNamesTheUser() {
    assertEquals("synclog|alice", SyncLog.persistenceId("alice").id());
  }
}
