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
import akka.util.ByteStringBuilder;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Connects one session actor to a byte transport (a TCP connection): incoming bytes are framed,
 * decoded and delivered to the actor with backpressure, as batches of the frames that arrived while
 * the actor was busy (the actor acks each batch when it is ready for the next, so a round trip
 * through the stream is paid per batch, not per frame); outgoing frames go through the returned
 * {@link Outbox}.
 */
public final class FrameLink {

  /** The acknowledgement an actor sends back for each inbound frame. */
  public enum Ack {
    INSTANCE
  }

  /**
   * Most bytes of frames delivered in one batch, weighed as they will be once decoded (a Compressed
   * frame by what it inflates to) plus {@link #FRAME_OVERHEAD} each: what one connection's decoded
   * frames may take at once, whatever its peer sends.
   */
  static final long BATCH_BYTES = 8L << 20;

  /** What a decoded frame costs beyond its bytes, so a flood of tiny frames is bounded by count too. */
  static final long FRAME_OVERHEAD = 64;

  /**
   * Frames in arrival order; {@code malformed} is set when the frame after the last one could not
   * be decoded (the connection is then of no further use).
   */
  public record Batch(List<Frame> frames, ProtocolException malformed) {}

  /** How the session actor's protocol wraps what the link delivers. */
  public interface Messages<M> {
    M opened(ActorRef<Ack> ack);

    M received(Batch batch, ActorRef<Ack> ack);

    M closed();

    /** The connection failed, or the peer sent a malformed frame (a {@link ProtocolException}). */
    M failed(Throwable cause);

    /** The previous outbound frame left; the next may be offered. */
    M outboundReady();

    /** Builds the adapter from an actor's own message constructors. */
    static <M> Messages<M> of(
        Function<ActorRef<Ack>, M> opened,
        BiFunction<Batch, ActorRef<Ack>, M> received,
        M closed,
        Function<Throwable, M> failed,
        M outboundReady) {
      return new Messages<>() {
        public M opened(ActorRef<Ack> ack) {
          return opened.apply(ack);
        }

        public M received(Batch batch, ActorRef<Ack> ack) {
          return received.apply(batch, ack);
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

  /**
   * The peer sent nothing, not even a keep-alive, for the idle timeout: it went silent (or hangs),
   * and the session ends instead of holding its destination root for ever.
   */
  public static final class IdleTimeoutException extends java.util.concurrent.TimeoutException {
    IdleTimeoutException(java.time.Duration idle) {
      super("the peer sent nothing for " + idle.toSeconds() + " s (setsync.transfer.idle-timeout)");
    }
  }

  /**
   * A frame of length zero: what a link sends when it has had nothing to send for a while, so that
   * a session whose work is elsewhere (a large file on the content lane, a long signing) is not
   * taken for a silent one. The receiving link drops it before the actor sees frames.
   */
  static final ByteString KEEP_ALIVE = ByteString.fromArray(new byte[4]);

  /**
   * Links {@code context}'s actor to {@code transport}, sending at most {@code maxBytesPerSecond}
   * (0: no limit; MAXRATE). With an {@code idleTimeout} (zero: none) the link sends a keep-alive
   * after a quarter of it without other frames, and fails with an {@link IdleTimeoutException} once
   * the peer has sent nothing for all of it.
   */
  public static <M> Outbox connect(
      ActorContext<M> context,
      Flow<ByteString, ByteString, ?> transport,
      Messages<M> messages,
      long maxBytesPerSecond,
      java.time.Duration idleTimeout) {
    Outbox outbox = new Outbox();
    Source<ByteString, ActorRef<ByteString>> outgoing =
        ActorSource.actorRefWithBackpressure(
            context.getSelf(),
            messages.outboundReady(),
            bytes -> bytes == Outbox.END ? Optional.of(CompletionStrategy.draining()) : Optional.empty(),
            bytes -> Optional.empty());
    if (maxBytesPerSecond > 0) {
      int rate = (int) Math.min(Integer.MAX_VALUE, maxBytesPerSecond);
      // Shaping delays elements until their bytes are paid for; the burst must admit the
      // largest element (a gathered batch plus one frame), or it could never pass.
      int burst = Outbox.GATHER_BYTES + FrameCodec.MAX_FRAME_BYTES + 8;
      outgoing = outgoing.throttle(rate, java.time.Duration.ofSeconds(1), burst,
          bytes -> bytes.length(), akka.stream.ThrottleMode.shaping());
    }
    Pair<Pair<ActorRef<ByteString>, akka.stream.UniqueKillSwitch>, Source<ByteString, NotUsed>> started =
        outgoing.viaMat(akka.stream.KillSwitches.single(), akka.stream.javadsl.Keep.both())
            .preMaterialize(context.getSystem());
    outbox.attach(started.first().first(), started.first().second());
    // The outbox adds the length prefixes itself (the same 4-byte big-endian prefix as
    // Framing.simpleFramingProtocol), so that many frames can travel as one stream element.
    Source<ByteString, NotUsed> out = started.second();
    if (!idleTimeout.isZero()) out = out.keepAlive(keepAliveInterval(idleTimeout), () -> KEEP_ALIVE);
    Source<ByteString, NotUsed> in =
        out.via(transport).via(Framing.lengthField(4, 0, FrameCodec.MAX_FRAME_BYTES + 4, ByteOrder.BIG_ENDIAN));
    // Before the batching, which goes on reading while the actor holds its inbox: a session that
    // holds back (a commit, a lane read) is not idle as long as its peer sends keep-alives.
    if (!idleTimeout.isZero()) in = silenceEnds(in, idleTimeout);
    in.filter(framed -> framed.length() > 4)
        .<List<ByteString>>batchWeighted(
            BATCH_BYTES,
            bytes -> FrameCodec.decodedWeight(bytes.drop(4)) + FRAME_OVERHEAD,
            first -> {
              List<ByteString> batch = new ArrayList<>();
              batch.add(first);
              return batch;
            },
            (batch, next) -> {
              batch.add(next);
              return batch;
            })
        .map(FrameLink::decode)
        .runWith(
            ActorSink.actorRefWithBackpressure(
                context.getSelf(),
                (ActorRef<Ack> ack, Batch batch) -> messages.received(batch, ack),
                messages::opened,
                Ack.INSTANCE,
                messages.closed(),
                messages::failed),
            context.getSystem());
    return outbox;
  }

  /** A keep-alive leaves after a quarter of the idle timeout without frames: three may be lost or late. */
  static java.time.Duration keepAliveInterval(java.time.Duration idle) {
    return idle.dividedBy(4).compareTo(java.time.Duration.ofMillis(50)) < 0 ? java.time.Duration.ofMillis(50) : idle.dividedBy(4);
  }

  /** Fails the inbound frames once the peer sent none, keep-alives included, for {@code idle}. */
  private static Source<ByteString, NotUsed> silenceEnds(Source<ByteString, NotUsed> in, java.time.Duration idle) {
    return in.idleTimeout(idle)
        .mapError(
            new akka.japi.pf.PFBuilder<Throwable, Throwable>()
                .match(java.util.concurrent.TimeoutException.class, e -> new IdleTimeoutException(idle))
                .build());
  }

  /**
   * A malformed frame reaches the actor as part of the batch while the connection stays up, so
   * the actor can still tell its peer why the session ends.
   */
  private static Batch decode(List<ByteString> framed) {
    List<Frame> frames = new ArrayList<>(framed.size());
    for (ByteString bytes : framed) {
      try {
        frames.add(FrameCodec.decode(bytes.drop(4)));
      } catch (ProtocolException e) {
        return new Batch(frames, e);
      }
    }
    return new Batch(frames, null);
  }

  /**
   * Frames waiting to leave. The stream takes one element at a time and acknowledges it, so
   * while one element is in flight the outbox gathers the following frames into the next element:
   * a round trip through the stream is paid per batch of frames, not per frame. {@link
   * #wantsMore()} tells the producer when to stop; {@link #backlog()} lets a reader stop reading
   * while the peer is slow to read.
   */
  public static final class Outbox {
    static final ByteString END = ByteString.fromArray(new byte[] {0});

    /** The producer may run ahead while less than this is waiting. */
    static final int GATHER_BYTES = 1 << 20;

    private ByteStringBuilder waiting = new ByteStringBuilder();
    private int waitingFrames;
    private ActorRef<ByteString> out;
    private akka.stream.UniqueKillSwitch outboundSwitch;
    private boolean inFlight;
    private boolean closed;
    private boolean endSent;
    private boolean compress;
    private long bytesSent;

    private void attach(ActorRef<ByteString> out, akka.stream.UniqueKillSwitch outboundSwitch) {
      this.out = out;
      this.outboundSwitch = outboundSwitch;
    }

    /**
     * Ends the outbound side now, whatever is still waiting: for the actor's PostStop. The end
     * queued by {@link #close()} waits for the stream's ack to the last element, and an actor that
     * stops first never sends it; the connection would then stay half open (CLOSE-WAIT at this
     * end once the peer has closed its own) for as long as the process runs.
     */
    public void shutdown() {
      closed = true;
      outboundSwitch.shutdown();
    }

    /** COMPRESS: file content leaves zstd-compressed where that makes it smaller. */
    public void compressContent(boolean on) {
      compress = on;
    }

    public void send(Frame frame) {
      if (closed) return;
      ByteString bytes = FrameCodec.encode(frame);
      if (compress && (frame instanceof Frame.FileData || frame instanceof Frame.FileWhole)) {
        bytes = FrameCodec.compress(bytes);
      }
      bytesSent += 4 + bytes.length();
      waiting.putInt(bytes.length(), ByteOrder.BIG_ENDIAN);
      waiting.append(bytes);
      waitingFrames++;
      if (!inFlight) flush();
    }

    /** Sends the frame, then ends the outbound side once everything queued has left. */
    public void sendLast(Frame frame) {
      send(frame);
      close();
    }

    public void close() {
      if (closed) return;
      closed = true;
      if (!inFlight) flush();
    }

    public boolean isClosed() {
      return closed;
    }

    /** Call on every outbound-ready message. */
    public void onReady() {
      inFlight = false;
      flush();
    }

    /** True while the producer should offer more frames: little is waiting to leave. */
    public boolean wantsMore() {
      return !closed && waiting.length() < GATHER_BYTES;
    }

    /** True when nothing is waiting or in flight. */
    public boolean idle() {
      return !inFlight && waitingFrames == 0;
    }

    /** Frames waiting behind the one in flight. */
    public int backlog() {
      return waitingFrames;
    }

    /** Bytes handed to the connection so far, length prefixes included. */
    public long bytesSent() {
      return bytesSent;
    }

    private void flush() {
      if (waitingFrames > 0) {
        ByteString element = waiting.result();
        waiting = new ByteStringBuilder();
        waitingFrames = 0;
        inFlight = true;
        out.tell(element);
      } else if (closed && !endSent) {
        endSent = true;
        out.tell(END);
      }
    }
  }
}
