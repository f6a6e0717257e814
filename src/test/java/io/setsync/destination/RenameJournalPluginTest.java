package io.setsync.destination;

import static org.junit.Assert.assertEquals;

import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.persistence.testkit.PersistenceTestKitPlugin;
import akka.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * A rename journal writes to the plugin {@code setsync.rename-journal} names, not to the default
 * journal, which on a cluster is the shared database.
 */
public class RenameJournalPluginTest {

  /** The default journal is Akka's in-memory one; the rename journals' is the testkit's, which the test can read. */
  @ClassRule
  public static final TestKitJunitResource testKit = new TestKitJunitResource(
      ConfigFactory.parseString("akka.persistence.journal.plugin = \"akka.persistence.journal.inmem\"\n"
              + "akka.persistence.journal.inmem.test-serialization = on\n"
              + "setsync.rename-journal { journal-plugin = \"" + PersistenceTestKitPlugin.PluginId() + "\", "
              + "snapshot-plugin = \"" + PersistenceTestKitSnapshotPlugin.PluginId() + "\" }")
          .withFallback(PersistenceTestKitPlugin.getInstance().config())
          .withFallback(PersistenceTestKitSnapshotPlugin.config())
          .withFallback(ConfigFactory.load()));

  @Test
  public void theRenameJournalWritesToItsOwnPluginWhateverTheDefaultJournalIs() {
    String root = "/roots/own-plugin";
    PersistenceTestKit ownPlugin = PersistenceTestKit.create(testKit.system());
    ActorRef<RenameJournal.Command> journal = testKit.spawn(RenameJournal.create(root));
    TestProbe<RenameJournal.Done> done = testKit.createTestProbe();
    List<Replacement> batch = List.of(new Replacement("a", ".setsync/tmp/a", null));

    journal.tell(new RenameJournal.Begin(1, batch, done.ref()));
    done.expectMessage(Duration.ofSeconds(30), RenameJournal.Done.INSTANCE);

    assertEquals(List.of(new RenameJournal.BatchBegun(1, batch)),
        ownPlugin.persistedInStorage(RenameJournal.persistenceId(root).id()));
  }
}
