package io.setsync.transfer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Tcp;
import akka.util.ByteString;
import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * The idle timeout ends links whose peer went silent, not links whose peers are alive but have
 * nothing to say (a large file on the content lane, a long signing): those send keep-alives.
 */
public class FrameLinkKeepAliveTest {

  @ClassRule public static final TestKitJunitResource testKit = new TestKitJunitResource(ConfigFactory.load());

  private static final Duration IDLE = Duration.ofSeconds(1);
  /** Scheduling slack on a loaded machine. */
  private static final Duration MARGIN = Duration.ofSeconds(10);

  /** An actor at one end of a link: what arrives (frames, a failure, the end) goes to {@code events}. */
  private static final class End {
    interface Msg {}

    record Opened(ActorRef<FrameLink.Ack> ack) implements Msg {}

    record Got(FrameLink.Batch batch, ActorRef<FrameLink.Ack> ack) implements Msg {}

    enum Closed implements Msg { INSTANCE }

    record Failed(Throwable cause) implements Msg {}

    enum OutboundReady implements Msg { INSTANCE }

    record Send(Frame frame) implements Msg {}

    static Behavior<Msg> create(Flow<ByteString, ByteString, ?> transport, ActorRef<Object> events) {
      return Behaviors.setup(ctx -> {
        FrameLink.Outbox outbox = FrameLink.connect(ctx, transport,
            FrameLink.Messages.of(Opened::new, Got::new, Closed.INSTANCE, Failed::new, OutboundReady.INSTANCE), 0, IDLE);
        return Behaviors.receive(Msg.class)
            .onMessage(Opened.class, m -> ack(m.ack()))
            .onMessage(Got.class, m -> {
              m.batch().frames().forEach(events::tell);
              return ack(m.ack());
            })
            .onMessage(OutboundReady.class, m -> {
              outbox.onReady();
              return Behaviors.same();
            })
            .onMessage(Send.class, m -> {
              outbox.send(m.frame());
              return Behaviors.same();
            })
            .onMessage(Failed.class, m -> {
              events.tell(m.cause());
              return Behaviors.stopped();
            })
            .onMessage(Closed.class, m -> Behaviors.stopped())
            .build();
      });
    }

    private static Behavior<Msg> ack(ActorRef<FrameLink.Ack> ack) {
      ack.tell(FrameLink.Ack.INSTANCE);
      return Behaviors.same();
    }
  }

  @Test
  public void aQuietLinkBetweenLiveEndsOutlastsTheIdleTimeout() throws Exception {
    TestProbe<Object> serverEvents = testKit.createTestProbe();
    TestProbe<Object> clientEvents = testKit.createTestProbe();
    Tcp.ServerBinding binding = Tcp.get(testKit.system())
        .bind("127.0.0.1", 0)
        .to(akka.stream.javadsl.Sink.foreach(connection ->
            testKit.spawn(End.create(connection.flow(), serverEvents.getRef()))))
        .run(testKit.system())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    try {
      InetSocketAddress at = binding.localAddress();
      ActorRef<End.Msg> client = testKit.spawn(
          End.create(Tcp.get(testKit.system()).outgoingConnection(at.getHostString(), at.getPort()), clientEvents.getRef()));
      // Deliberately quiet for four idle timeouts: neither end may take the other for silent.
      serverEvents.expectNoMessage(IDLE.multipliedBy(4));
      clientEvents.expectNoMessage(Duration.ofMillis(1));
      client.tell(new End.Send(new Frame.Ready("still-here")));
      assertEquals(new Frame.Ready("still-here"), serverEvents.expectMessageClass(Frame.Ready.class, MARGIN));
    } finally {
      binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  public void aPeerThatSendsNothingEndsTheLinkAfterTheIdleTimeout() throws Exception {
    TestProbe<Object> events = testKit.createTestProbe();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
        try {
          return server.accept(); // and then nothing, ever
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      long started = System.nanoTime();
      testKit.spawn(End.create(
          Tcp.get(testKit.system()).outgoingConnection("127.0.0.1", server.getLocalPort()), events.getRef()));
      Object failure = events.expectMessageClass(FrameLink.IdleTimeoutException.class, IDLE.plus(MARGIN));
      assertTrue("not before the idle timeout", System.nanoTime() - started >= IDLE.toNanos());
      assertTrue(failure.toString(), failure.toString().contains("setsync.transfer.idle-timeout"));
      accepted.get(10, TimeUnit.SECONDS).close();
    }
  }
}
