package io.setsync.destination;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.PersistenceTestKitPlugin;
import akka.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import com.typesafe.config.ConfigFactory;
import io.setsync.destination.RenameJournal.Begin;
import io.setsync.destination.RenameJournal.BatchBegun;
import io.setsync.destination.RenameJournal.BatchCommitted;
import io.setsync.destination.RenameJournal.Commit;
import io.setsync.destination.RenameJournal.Done;
import io.setsync.destination.RenameJournal.GetPending;
import io.setsync.destination.RenameJournal.Pending;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * The two-phase intent log of a destination root against the in-memory test journal: the events
 * of a batch's begin and commit, what stays pending across restarts and snapshots, and a journal
 * that fails or refuses a write.
 */
public class RenameJournalTest {

  @ClassRule
  public static final TestKitJunitResource testKit = new TestKitJunitResource(
      ConfigFactory.parseString("setsync.persistence.restart-backoff { min = 10ms, max = 100ms }\n"
              + "setsync.rename-journal { journal-plugin = \"" + PersistenceTestKitPlugin.PluginId() + "\", "
              + "snapshot-plugin = \"" + PersistenceTestKitSnapshotPlugin.PluginId() + "\" }")
          .withFallback(EventSourcedBehaviorTestKit.config())
          .withFallback(ConfigFactory.load()));

  /** Long enough for a restart on a loaded machine; only reached when something is wrong. */
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private static int roots;

  /** A fresh root per test: the in-memory journal is shared by the whole class. */
  private static String newRoot() {
    return "/roots/r" + (++roots);
  }

  private static List<Replacement> batch(String name) {
    return List.of(
        new Replacement(name, ".setsync/tmp/" + name, ".setsync/saved/" + name),
        new Replacement(name + ".new", ".setsync/tmp/" + name + ".new", null));
  }

  private static EventSourcedBehaviorTestKit<RenameJournal.Command, RenameJournal.Event, RenameJournal.State>
      journal(String root) {
    return EventSourcedBehaviorTestKit.create(testKit.system(), RenameJournal.create(root));
  }

  private static void begin(
      EventSourcedBehaviorTestKit<RenameJournal.Command, RenameJournal.Event, RenameJournal.State> kit,
      long batchId, String name) {
    var result = kit.<Done>runCommand(replyTo -> new Begin(batchId, batch(name), replyTo));
    assertEquals(Done.INSTANCE, result.reply());
  }

  @Test
  public void beginRecordsTheBatchBeforeAnsweringAndCommitClosesIt() {
    var kit = journal(newRoot());
    var begun = kit.<Done>runCommand(replyTo -> new Begin(1, batch("a"), replyTo));
    assertEquals(new BatchBegun(1, batch("a")), begun.event());
    assertEquals(Done.INSTANCE, begun.reply());
    assertEquals(Map.of(1L, batch("a")), begun.state().open);
    assertEquals(2, begun.state().nextBatchId);

    var committed = kit.<Done>runCommand(replyTo -> new Commit(1, replyTo));
    assertEquals(new BatchCommitted(1), committed.event());
    assertEquals(Done.INSTANCE, committed.reply());
    assertEquals(Map.of(), committed.state().open);
    assertEquals("ids are never reused", 2, committed.state().nextBatchId);
  }

  @Test
  public void aNameThatIsNotUtf8IsJournaledAndRecoveredWithItsBytes() {
    // CBOR text cannot carry such a name; the event was rejected and the sync failed.
    String name = io.setsync.fs.RawNames.decode(new byte[] {'c', 'a', 'f', (byte) 0xe9});
    var kit = journal(newRoot());
    var begun = kit.<Done>runCommand(replyTo -> new Begin(1, batch(name), replyTo));
    assertEquals(new BatchBegun(1, batch(name)), begun.event());
    kit.restart();
    assertEquals(Map.of(1L, batch(name)), kit.getState().open);
  }

  @Test
  public void committingABatchThatIsNotOpenWritesNothingButIsAnswered() {
    var kit = journal(newRoot());
    var unknown = kit.<Done>runCommand(replyTo -> new Commit(7, replyTo));
    assertTrue(unknown.hasNoEvents());
    assertEquals(Done.INSTANCE, unknown.reply());
    begin(kit, 1, "a");
    kit.<Done>runCommand(replyTo -> new Commit(1, replyTo));
    var again = kit.<Done>runCommand(replyTo -> new Commit(1, replyTo));
    assertTrue("recovery may commit a batch twice", again.hasNoEvents());
    assertEquals(Done.INSTANCE, again.reply());
  }

  @Test
  public void theNextBatchIdFollowsTheHighestEverBegun() {
    var kit = journal(newRoot());
    begin(kit, 5, "five");
    begin(kit, 3, "three");
    var pending = kit.<Pending>runCommand(GetPending::new);
    assertTrue(pending.hasNoEvents());
    assertEquals(new Pending(Map.of(5L, batch("five"), 3L, batch("three")), 6), pending.reply());
  }

  @Test
  public void batchesBegunButNotCommittedArePendingAfterARestart() {
    var kit = journal(newRoot());
    begin(kit, 1, "a");
    begin(kit, 2, "b");
    kit.<Done>runCommand(replyTo -> new Commit(1, replyTo));
    var restarted = kit.restart();
    assertEquals(Map.of(2L, batch("b")), restarted.state().open);
    assertEquals(3, restarted.state().nextBatchId);
    assertEquals(new Pending(Map.of(2L, batch("b")), 3), kit.<Pending>runCommand(GetPending::new).reply());
  }

  @Test
  public void snapshotsBoundTheJournalAndNeverLoseAnOpenBatch() {
    String root = newRoot();
    String pid = RenameJournal.persistenceId(root).id();
    var kit = journal(root);
    begin(kit, 1, "kept-open");
    // 1 + 2 x 750 = 1501 events: snapshots after events 500, 1000 and 1500 (one every 500).
    for (long id = 2; id <= 751; id++) {
      begin(kit, id, "f" + id);
      long committed = id;
      kit.<Done>runCommand(replyTo -> new Commit(committed, replyTo));
    }
    // Two snapshots kept: the events up to the older one's boundary (1500 - 2 x 500) are deleted.
    // Deletion runs after the snapshot is written, hence the polling.
    var snapshots = kit.snapshotTestKit().orElseThrow();
    testKit.createTestProbe().awaitAssert(PATIENCE, () -> {
      assertEquals(List.of(500L, 1000L, 1500L),
          snapshots.persistedInStorage(pid).stream().map(p -> p.first().sequenceNr()).toList());
      assertEquals(1001, kit.persistenceTestKit().persistedInStorage(pid).size());
      return null;
    });
    // Event 1 (the open batch's begin) is gone from the journal; the snapshots carry it.
    var restarted = kit.restart();
    assertEquals(Map.of(1L, batch("kept-open")), restarted.state().open);
    assertEquals(752, restarted.state().nextBatchId);
  }

  @Test
  public void theSnapshotIsACopyThatLaterBatchesDoNotChange() {
    String root = newRoot();
    String pid = RenameJournal.persistenceId(root).id();
    var kit = journal(root);
    for (long id = 1; id <= 250; id++) {
      begin(kit, id, "f" + id);
      long committed = id;
      kit.<Done>runCommand(replyTo -> new Commit(committed, replyTo));
    }
    var snapshots = kit.snapshotTestKit().orElseThrow();
    testKit.createTestProbe().awaitAssert(PATIENCE, () -> {
      assertEquals(1, snapshots.persistedInStorage(pid).size());
      return null;
    });
    begin(kit, 251, "after");
    var atFiveHundred = (RenameJournal.State) snapshots.persistedInStorage(pid).get(0).second();
    assertEquals(Map.of(), atFiveHundred.open);
    assertEquals(251, atFiveHundred.nextBatchId);
  }

  // --- a journal that fails or refuses a write ---

  @Test
  public void aFailedWriteRestartsTheJournalWhichRecoversAndTakesTheNextBatch() {
    String root = newRoot();
    PersistenceTestKit persistence = PersistenceTestKit.create(testKit.system());
    ActorRef<RenameJournal.Command> journal = testKit.spawn(RenameJournal.create(root));
    TestProbe<Object> replies = testKit.createTestProbe();
    journal.tell(new Begin(1, batch("a"), replies.ref().narrow()));
    replies.expectMessage(PATIENCE, Done.INSTANCE);

    persistence.failNextPersisted(RenameJournal.persistenceId(root).id());
    journal.tell(new Begin(2, batch("b"), replies.ref().narrow()));
    journal.tell(new GetPending(replies.ref().narrow()));
    // The failed begin gets no answer (its session renames nothing); the query waits out the
    // restart and sees only what the journal holds.
    assertEquals(new Pending(Map.of(1L, batch("a")), 2), replies.expectMessageClass(Pending.class, PATIENCE));

    journal.tell(new Begin(3, batch("c"), replies.ref().narrow()));
    replies.expectMessage(PATIENCE, Done.INSTANCE);
    journal.tell(new GetPending(replies.ref().narrow()));
    assertEquals(new Pending(Map.of(1L, batch("a"), 3L, batch("c")), 4),
        replies.expectMessageClass(Pending.class, PATIENCE));
  }

  @Test
  public void aRefusedWriteRestartsTheJournalWhichRecoversAndTakesTheNextBatch() {
    String root = newRoot();
    PersistenceTestKit persistence = PersistenceTestKit.create(testKit.system());
    ActorRef<RenameJournal.Command> journal = testKit.spawn(RenameJournal.create(root));
    TestProbe<Done> done = testKit.createTestProbe();
    journal.tell(new Begin(1, batch("a"), done.ref()));
    done.expectMessage(PATIENCE, Done.INSTANCE);

    persistence.rejectNextPersisted(RenameJournal.persistenceId(root).id());
    journal.tell(new Begin(2, batch("b"), done.ref()));
    // Queries queued behind the refused event go with the old incarnation: ask until one answers.
    assertEquals(new Pending(Map.of(1L, batch("a")), 2), awaitPending(journal));

    journal.tell(new Begin(3, batch("c"), done.ref()));
    done.expectMessage(PATIENCE, Done.INSTANCE);
    assertEquals(new Pending(Map.of(1L, batch("a"), 3L, batch("c")), 4), awaitPending(journal));
    done.expectNoMessage(Duration.ZERO);
  }

  private static Pending awaitPending(ActorRef<RenameJournal.Command> journal) {
    Pending[] answer = new Pending[1];
    testKit.createTestProbe().awaitAssert(PATIENCE, Duration.ofMillis(50), () -> {
      TestProbe<Pending> probe = testKit.createTestProbe();
      journal.tell(new GetPending(probe.ref()));
      answer[0] = probe.expectMessageClass(Pending.class, Duration.ofSeconds(1));
      return null;
    });
    return answer[0];
  }
}
