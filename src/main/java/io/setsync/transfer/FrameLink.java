package io.setsync.transfer;

import akka.NotUsed;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.ActorContext;
import akka.japi.Pair;
import akka.stream.CompletionStrategy;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Framing;
import akka.stream.javadsl.Source;
import akka.stream.typed.javadsl.ActorSink;
import akka.stream.typed.javadsl.ActorSource;
import akka.util.ByteString;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Connects one session actor to a byte transport (a TCP connection): incoming bytes are framed,
 * decoded and delivered to the actor with backpressure (the actor acks each frame when it is ready
 * for the next); outgoing frames go through the returned {@link Outbox}.
 */
public final class FrameLink {

  /** The acknowledgement an actor sends back for each inbound frame. */
  public enum Ack {
    INSTANCE
  }

  /** How the session actor's protocol wraps what the link delivers. */
  public interface Messages<M> {
    M opened(ActorRef<Ack> ack);

    M received(Frame frame, ActorRef<Ack> ack);

    M closed();

    /** The connection failed, or the peer sent a malformed frame (a {@link ProtocolException}). */
    M failed(Throwable cause);

    /** The previous outbound frame left; the next may be offered. */
    M outboundReady();

    /** Builds the adapter from an actor's own message constructors. */
    static <M> Messages<M> of(
        Function<ActorRef<Ack>, M> opened,
        BiFunction<Frame, ActorRef<Ack>, M> received,
        M closed,
        Function<Throwable, M> failed,
        M outboundReady) {
      return new Messages<>() {
        public M opened(ActorRef<Ack> ack) {
          return opened.apply(ack);
        }

        public M received(Frame frame, ActorRef<Ack> ack) {
          return received.apply(frame, ack);
        }

        public M closed() {
          return closed;
        }

        public M failed(Throwable cause) {
          return failed.apply(cause);
        }

        public M outboundReady() {
          return outboundReady;
        }
      };
    }
  }

  private FrameLink() {}

  public static <M> Outbox connect(
      ActorContext<M> context, Flow<ByteString, ByteString, ?> transport, Messages<M> messages) {
    Outbox outbox = new Outbox();
    Source<ByteString, ActorRef<ByteString>> outgoing =
        ActorSource.actorRefWithBackpressure(
            context.getSelf(),
            messages.outboundReady(),
            bytes -> bytes == Outbox.END ? Optional.of(CompletionStrategy.draining()) : Optional.empty(),
            bytes -> Optional.empty());
    Pair<ActorRef<ByteString>, Source<ByteString, NotUsed>> started =
        outgoing.preMaterialize(context.getSystem());
    outbox.attach(started.first());
    started
        .second()
        .via(Framing.simpleFramingProtocol(FrameCodec.MAX_FRAME_BYTES).join(transport))
        .map(FrameLink::decodeOrError)
        .runWith(
            ActorSink.actorRefWithBackpressure(
                context.getSelf(),
                (ActorRef<Ack> ack, Object item) ->
                    item instanceof Frame frame
                        ? messages.received(frame, ack)
                        : messages.failed((ProtocolException) item),
                messages::opened,
                Ack.INSTANCE,
                messages.closed(),
                messages::failed),
            context.getSystem());
    return outbox;
  }

  /**
   * A malformed frame reaches the actor as a failure while the connection stays up, so the actor
   * can still tell its peer why the session ends.
   */
  private static Object decodeOrError(ByteString bytes) {
    try {
      return FrameCodec.decode(bytes);
    } catch (ProtocolException e) {
      return e;
    }
  }

  /**
   * Frames waiting to leave. The stream accepts one element at a time, so the outbox queues the
   * rest; {@link #backlog()} lets the actor stop reading while the peer is slow to read.
   */
  public static final class Outbox {
    static final ByteString END = ByteString.fromArray(new byte[] {0});

    private final ArrayDeque<ByteString> queue = new ArrayDeque<>();
    private ActorRef<ByteString> out;
    private boolean inFlight;
    private boolean closed;
    private long bytesSent;

    private void attach(ActorRef<ByteString> out) {
      this.out = out;
    }

    public void send(Frame frame) {
      if (closed) return;
      ByteString bytes = FrameCodec.encode(frame);
      bytesSent += 4 + bytes.length(); // with the length prefix the framing stage adds
      offer(bytes);
    }

    /** Sends the frame, then ends the outbound side once everything queued has left. */
    public void sendLast(Frame frame) {
      send(frame);
      close();
    }

    public void close() {
      if (closed) return;
      closed = true;
      offer(END);
    }

    public boolean isClosed() {
      return closed;
    }

    /** Call on every outbound-ready message. */
    public void onReady() {
      inFlight = false;
      ByteString next = queue.poll();
      if (next != null) push(next);
    }

    /** True when nothing is waiting: the right moment to produce the next frame. */
    public boolean idle() {
      return !inFlight && queue.isEmpty();
    }

    public int backlog() {
      return queue.size();
    }

    public long bytesSent() {
      return bytesSent;
    }

    private void offer(ByteString bytes) {
      if (inFlight) queue.add(bytes);
      else push(bytes);
    }

    private void push(ByteString bytes) {
      inFlight = bytes != END;
      out.tell(bytes);
    }
  }
}
