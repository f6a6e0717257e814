package io.setsync.destination;

import io.setsync.transfer.Frame;
import io.setsync.transfer.ProtocolException;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Inbound flow control: the frames received and not handled yet, in order, and the link's ack,
 * which is sent back (asking for the next batch) only once every waiting frame is handled and
 * nothing holds the session. A malformed frame after the last one shows once those are handled.
 */
final class Inbox {

  /** Frames the peer has not read yet past which the receiver stops reading: it answers too fast. */
  static final int OUTBOX_BACKLOG_LIMIT = 256;

  private final ArrayDeque<Frame> frames = new ArrayDeque<>();
  private Runnable pendingAck;
  private ProtocolException malformed;

  /**
   * Whether frames must wait: while a file's bytes come on the content lane, while every writer
   * is busy, or while a commit runs and the next batch is already full.
   */
  static boolean holds(boolean laneReading, int writesInFlight, int parallelWrites, boolean commitBacklog) {
    return laneReading || writesInFlight >= parallelWrites || commitBacklog;
  }

  static ProtocolException unexpected(Frame frame) {
    return new ProtocolException("unexpected " + frame.getClass().getSimpleName() + " frame");
  }

  void opened(Runnable ack) {
    pendingAck = ack;
  }

  void received(List<Frame> batch, ProtocolException malformedAfter, Runnable ack) {
    frames.addAll(batch);
    malformed = malformedAfter;
    pendingAck = ack;
  }

  boolean isEmpty() {
    return frames.isEmpty();
  }

  Frame next() {
    return frames.poll();
  }

  /** The malformed frame, once every frame before it is handled; else null. */
  ProtocolException malformed() {
    return frames.isEmpty() ? malformed : null;
  }

  /**
   * The session has ended: what waits is dropped and the link asked for more, so that the
   * source's close (which may queue behind frames the receiver never read) reaches the receiver.
   */
  void drop() {
    frames.clear();
    malformed = null;
    if (pendingAck != null) {
      Runnable ack = pendingAck;
      pendingAck = null;
      ack.run();
    }
  }

  /** Asks for more once the inbox is handled, unless held or the peer reads slowly. */
  void release(boolean held, int outboxBacklog) {
    if (pendingAck != null && frames.isEmpty() && !held && outboxBacklog < OUTBOX_BACKLOG_LIMIT) {
      Runnable ack = pendingAck;
      pendingAck = null;
      ack.run();
    }
  }
}
