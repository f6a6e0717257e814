package io.setsync.destination;

import static org.junit.Assert.assertEquals;

import akka.actor.testkit.typed.javadsl.SerializationTestKit;
import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.serialization.SerializationExtension;
import akka.serialization.jackson.JacksonCborSerializer;
import io.setsync.fs.SyncAccount;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.ClassRule;
import org.junit.Test;

/** What a monitor or a source on another node sends a destination's endpoint, and its answers. */
public class EndpointSerializationTest {

  @ClassRule public static final TestKitJunitResource testKit = new TestKitJunitResource();

  @Test
  public void whatCrossesTheClusterRoundTripsThroughJacksonCbor() {
    SerializationTestKit serialization = new SerializationTestKit(testKit.system());
    TestProbe<DestinationEndpoint.Binding> bindings = testKit.createTestProbe();
    TestProbe<DestinationEndpoint.Ticket> tickets = testKit.createTestProbe();
    List<Object> messages = List.of(
        new DestinationEndpoint.WhenBound(bindings.getRef()),
        new DestinationEndpoint.Binding(new InetSocketAddress("127.0.0.1", 4711), null),
        new DestinationEndpoint.Binding(null, "address in use"),
        new DestinationEndpoint.IssueTicket("/dst", "alice", new SyncAccount("alice", List.of("/data", "/srv")),
            "PURGE", "127.0.0.1", 4711, tickets.getRef()),
        new DestinationEndpoint.Ticket("ab12", null),
        new DestinationEndpoint.Ticket(null, "refused"));
    for (Object message : messages) {
      assertEquals(message.toString(), JacksonCborSerializer.class,
          SerializationExtension.get(testKit.system()).findSerializerFor(message).getClass());
      assertEquals(message, serialization.verifySerialization(message, true));
    }
  }
}
