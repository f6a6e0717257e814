package io.setsync.console;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;

import akka.actor.testkit.typed.javadsl.SerializationTestKit;
import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.jackson.JacksonCborSerializer;
import io.setsync.console.Command.StatusObject;
import io.setsync.monitor.Setting;
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
  static final List<Command> EVERY_COMMAND =
      List.of(
          new Command.Synchronize("/src", null, "/dst", SETTINGS),
          new Command.Synchronize("/src dir", "backup:2552", "/d", List.of()),
          new Command.AddUser("alice", List.of(Setting.of("ROOT", "/data"))),
          new Command.AlterUser("alice", List.of(Setting.no("ROOT"))),
          new Command.DeleteUser("alice"),
          new Command.InfoUser("alice"),
          new Command.InfoUser(null),
          new Command.SuspendUser("alice"),
          new Command.ActivateUser("alice"),
          new Command.AddFileSet("/src", "backup", "/dst", SETTINGS),
          new Command.AlterFileSet(7, SETTINGS),
          new Command.DeleteFileSet(7),
          new Command.InfoFileSet(7L, 20),
          new Command.InfoFileSet(null, null),
          new Command.SuspendFileSet(Long.MAX_VALUE),
          new Command.ActivateFileSet(1),
          new Command.AddBatch("nightly", List.of(Setting.of("SUSPEND"))),
          new Command.AlterBatch("nightly", List.of(Setting.no("SUSPEND"))),
          new Command.DeleteBatch("nightly"),
          new Command.InfoBatch("nightly"),
          new Command.InfoBatch(null),
          new Command.SuspendBatch("nightly"),
          new Command.ActivateBatch("nightly"),
          new Command.Status(StatusObject.SYNCFILESET, "7", true),
          new Command.Status(StatusObject.AUTOSYNC, null, false),
          Command.StartMonitor.INSTANCE,
          Command.StopMonitor.INSTANCE,
          Command.Env.INSTANCE,
          new Command.Help("ADD SYNCFILESET"),
          new Command.Help(null),
          Command.Exit.INSTANCE,
          Command.Nothing.INSTANCE);

  @Test
  public void everyCommandRoundTripsThroughJacksonCbor() {
    SerializationTestKit serialization = new SerializationTestKit(testKit.system());
    for (Command command : EVERY_COMMAND) {
      Serializer serializer = SerializationExtension.get(testKit.system()).findSerializerFor(command);
      assertEquals(command.toString(), JacksonCborSerializer.class, serializer.getClass());
      Object back = serialization.verifySerialization(command, true);
      assertEquals(command, back);
    }
  }

  @Test
  public void parameterlessCommandsStaySingletons() {
    SerializationTestKit serialization = new SerializationTestKit(testKit.system());
    assertSame(Command.Exit.INSTANCE, serialization.verifySerialization(Command.Exit.INSTANCE, false));
    assertSame(
        Command.StartMonitor.INSTANCE,
        serialization.verifySerialization(Command.StartMonitor.INSTANCE, false));
  }

  @Test
  public void everyCommandTypeIsCovered() {
    var covered = EVERY_COMMAND.stream().map(Object::getClass).distinct().count();
    assertEquals(Command.class.getPermittedSubclasses().length, covered);
  }
}
