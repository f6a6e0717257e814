package io.setsync.monitor;

import static org.junit.Assert.assertEquals;

import akka.actor.testkit.typed.javadsl.SerializationTestKit;
import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.serialization.SerializationExtension;
import akka.serialization.jackson.JacksonCborSerializer;
import io.setsync.command.Setting;
import io.setsync.schedule.FileSetConfig;
import io.setsync.schedule.FileSetConfigTest;
import java.util.List;
import java.util.Random;
import org.junit.ClassRule;
import org.junit.Test;

public class ConfigSerializationTest {

  @ClassRule public static final TestKitJunitResource testKit = new TestKitJunitResource();

  private void roundTrip(Object o) {
    assertEquals(
        JacksonCborSerializer.class,
        SerializationExtension.get(testKit.system()).findSerializerFor(o).getClass());
    assertEquals(o, new SerializationTestKit(testKit.system()).verifySerialization(o, true));
  }

  @Test
  public void configsRoundTripThroughJacksonCbor() {
    Random r = new Random(5);
    for (int i = 0; i < 50; i++) {
      roundTrip(FileSetConfigTest.randomConfig(r));
    }
    roundTrip(new UserConfig("alice", List.of("/data", "/my files"), true));
    roundTrip(new UserConfig("bob", List.of(), false));
    roundTrip(new UserConfig("backup", "svc-backup", List.of("/srv"), false));
    roundTrip(new BatchConfig("nightly", true));
    roundTrip(Setting.of("EXCLUDE", "*.tmp"));
    roundTrip(Setting.no("PURGE"));
  }

  /**
   * What a STATUS answers crosses nodes (a console on another node than the monitor's): a file
   * set's view with its overdue reason, and the state's overdue facts in a snapshot.
   */
  @Test
  public void aStatusWithAnOverdueFileSetAndTheOverdueFactsRoundTrip() {
    FileSetConfig config = FileSetConfigTest.randomConfig(new Random(9));
    io.setsync.schedule.SyncResult last =
        new io.setsync.schedule.SyncResult(1, 2, io.setsync.sync.SyncCounts.ZERO, 2, "no endpoint");
    Result.FileSetView overdue = new Result.FileSetView(3, config, "scheduled", 5L, last, null,
        "overdue: its last 3 syncs failed");
    Result.FileSetView onTime = new Result.FileSetView(4, config, "running", null, null, new Result.Progress(1, 2, 3, 4));
    roundTrip(overdue);
    roundTrip(onTime);
    roundTrip(new Result.Status(io.setsync.command.Statement.StatusObject.SYNCFILESET, true,
        new Result.MonitorView("n1", true, 1, 2, 2, 1, 0, 1), List.of(), List.of(overdue, onTime), List.of()));
    MonitorState state = new MonitorState();
    state.lastSuccessMillis.put(3L, 100L);
    state.failuresInARow.put(3L, 3);
    MonitorState back = (MonitorState) new SerializationTestKit(testKit.system()).verifySerialization(state, false);
    assertEquals(state.lastSuccessMillis, back.lastSuccessMillis);
    assertEquals(state.failuresInARow, back.failuresInARow);
  }

  /** The roles' events and the state that holds them, as the journal and the snapshots store them. */
  @Test
  public void roleEventsAndTheirStateRoundTripThroughJacksonCbor() {
    roundTrip(new Monitor.AdministratorAdded("carol"));
    roundTrip(new Monitor.AdministratorDeleted("carol"));
    roundTrip(new Monitor.AutosyncFromDisabled("old-primary", "backup"));
    roundTrip(new Monitor.AutosyncFromCleared("old-primary", "backup:2552"));
    roundTrip(new Monitor.UserSaved(new UserConfig("backup", "svc-backup", List.of("/srv"), true)));
    MonitorState state = new MonitorState();
    state.administrators.add("carol");
    state.refusedSources.put("backup", new java.util.TreeSet<>(List.of("old-primary", "other")));
    MonitorState back = (MonitorState) new SerializationTestKit(testKit.system()).verifySerialization(state, false);
    assertEquals(state.administrators, back.administrators);
    assertEquals(state.refusedSources, back.refusedSources);
    assertEquals(true, back.refuses("backup", "old-primary"));
  }

  /** A user saved before users named an OS account reads back with the account of its own name. */
  @Test
  public void aUserSavedBeforeAccountsExistedReadsBackWithItsNameAsAccount() throws Exception {
    UserConfig saved = new UserConfig("alice", List.of("/data"), false);
    JacksonCborSerializer serializer =
        (JacksonCborSerializer) SerializationExtension.get(testKit.system()).findSerializerFor(saved);
    com.fasterxml.jackson.databind.ObjectMapper cbor =
        new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.cbor.CBORFactory());
    com.fasterxml.jackson.databind.node.ObjectNode tree =
        (com.fasterxml.jackson.databind.node.ObjectNode) cbor.readTree(serializer.toBinary(saved));
    tree.remove("account");
    UserConfig old = (UserConfig) serializer.fromBinary(cbor.writeValueAsBytes(tree), serializer.manifest(saved));
    assertEquals(saved, old);
    assertEquals("alice", old.account());
  }

  @Test
  public void aConfigSavedBeforeAllHardLinksExistedReadsBackWithItOn() throws Exception {
    FileSetConfig saved = FileSetConfigTest.randomConfig(new Random(6));
    saved = new FileSetConfig(saved.user(), saved.source(), saved.destinationNode(), saved.destination(),
        saved.sync().toBuilder().allHardLinks(false).build(), saved.interval(), saved.start(), saved.stop(),
        saved.batchId(), saved.suspended(), saved.autoSuspend());
    JacksonCborSerializer serializer =
        (JacksonCborSerializer) SerializationExtension.get(testKit.system()).findSerializerFor(saved);
    com.fasterxml.jackson.databind.ObjectMapper cbor =
        new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.cbor.CBORFactory());
    com.fasterxml.jackson.databind.node.ObjectNode tree =
        (com.fasterxml.jackson.databind.node.ObjectNode) cbor.readTree(serializer.toBinary(saved));
    com.fasterxml.jackson.databind.node.ObjectNode sync = (com.fasterxml.jackson.databind.node.ObjectNode) tree.get("sync");
    assertEquals(true, sync.get("noAllHardLinks").asBoolean());
    sync.remove("noAllHardLinks"); // as written before the option existed
    FileSetConfig old = (FileSetConfig) serializer.fromBinary(cbor.writeValueAsBytes(tree), serializer.manifest(saved));
    assertEquals(true, old.sync().allHardLinks());
    assertEquals(saved.sync().toBuilder().allHardLinks(true).build(), old.sync());
  }
}
