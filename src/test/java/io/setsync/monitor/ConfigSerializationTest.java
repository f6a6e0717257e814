package io.setsync.monitor;

import static org.junit.Assert.assertEquals;

import akka.actor.testkit.typed.javadsl.SerializationTestKit;
import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.serialization.SerializationExtension;
import akka.serialization.jackson.JacksonCborSerializer;
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
    roundTrip(new BatchConfig("nightly", true));
    roundTrip(Setting.of("EXCLUDE", "*.tmp"));
    roundTrip(Setting.no("PURGE"));
  }
}
