package io.setsync.command;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;

import akka.actor.testkit.typed.javadsl.SerializationTestKit;
import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.jackson.JacksonCborSerializer;
import io.setsync.command.Setting;
import io.setsync.command.Statement.StatusObject;
import java.util.List;
import org.junit.ClassRule;
import org.junit.Test;

public class CommandSerializationTest {

  @ClassRule public static final TestKitJunitResource testKit = new TestKitJunitResource();

  private static final List<Setting> SETTINGS =
      List.of(
          Setting.of("PURGE"),
          Setting.of("EXCLUDE", "*.tmp"),
          Setting.of("INTERVAL", "2 SECONDS"),
          Setting.no("MAXPURGE"));

  /** One of every command, with nulls where a field may be null. */
  static final List<Statement> EVERY_COMMAND =
      List.of(
          new Statement.Synchronize("/src", null, "/dst", SETTINGS),
          new Statement.Synchronize("/src dir", "backup:2552", "/d", List.of()),
          new Statement.AddUser("alice", List.of(Setting.of("ROOT", "/data"))),
          new Statement.AlterUser("alice", List.of(Setting.no("ROOT"))),
          new Statement.DeleteUser("alice"),
          new Statement.InfoUser("alice"),
          new Statement.InfoUser(null),
          new Statement.SuspendUser("alice"),
          new Statement.ActivateUser("alice"),
          new Statement.AddFileSet("/src", "backup", "/dst", SETTINGS),
          new Statement.AlterFileSet(7, SETTINGS),
          new Statement.DeleteFileSet(7),
          new Statement.InfoFileSet(7L, 20),
          new Statement.InfoFileSet(null, null),
          new Statement.SuspendFileSet(Long.MAX_VALUE),
          new Statement.ActivateFileSet(1),
          new Statement.AddBatch("nightly", List.of(Setting.of("SUSPEND"))),
          new Statement.AlterBatch("nightly", List.of(Setting.no("SUSPEND"))),
          new Statement.DeleteBatch("nightly"),
          new Statement.InfoBatch("nightly"),
          new Statement.InfoBatch(null),
          new Statement.SuspendBatch("nightly"),
          new Statement.ActivateBatch("nightly"),
          new Statement.AddAdministrator("carol"),
          new Statement.DeleteAdministrator("carol"),
          new Statement.InfoAdministrator(null),
          new Statement.DisableAutosyncFrom("old-primary", null),
          new Statement.ClearAutosyncFrom("old-primary", "backup:2552"),
          new Statement.InfoAutosyncFrom(null, "backup"),
          new Statement.Status(StatusObject.SYNCFILESET, "7", true),
          new Statement.Status(StatusObject.AUTOSYNC, null, false),
          Statement.StartMonitor.INSTANCE,
          Statement.StopMonitor.INSTANCE,
          Statement.Env.INSTANCE,
          Statement.OpenPage.INSTANCE,
          new Statement.Help("ADD SYNCFILESET"),
          new Statement.Help(null),
          new Statement.SetParameter(Statement.Parameter.USER, "alice"),
          Statement.Reset.INSTANCE,
          Statement.Exit.INSTANCE,
          Statement.Nothing.INSTANCE);

  @Test
  public void everyCommandRoundTripsThroughJacksonCbor() {
    SerializationTestKit serialization = new SerializationTestKit(testKit.system());
    for (Statement command : EVERY_COMMAND) {
      Serializer serializer = SerializationExtension.get(testKit.system()).findSerializerFor(command);
      assertEquals(command.toString(), JacksonCborSerializer.class, serializer.getClass());
      Object back = serialization.verifySerialization(command, true);
      assertEquals(command, back);
    }
  }

  @Test
  public void parameterlessCommandsStaySingletons() {
    SerializationTestKit serialization = new SerializationTestKit(testKit.system());
    assertSame(Statement.Exit.INSTANCE, serialization.verifySerialization(Statement.Exit.INSTANCE, false));
    assertSame(
        Statement.StartMonitor.INSTANCE,
        serialization.verifySerialization(Statement.StartMonitor.INSTANCE, false));
  }

  @Test
  public void everyCommandTypeIsCovered() {
    var covered = EVERY_COMMAND.stream().map(Object::getClass).distinct().count();
    assertEquals(Statement.class.getPermittedSubclasses().length, covered);
  }
}
