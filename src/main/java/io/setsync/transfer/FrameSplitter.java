package io.setsync.transfer;

import akka.stream.scaladsl.Framing.FramingException;
import akka.util.ByteString;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts the inbound byte stream into frames, each with its 4-byte big-endian length prefix (the
 * framing {@link FrameLink.Outbox} writes), without copying: a frame is a slice of the chunks the
 * connection delivered. Akka's length-field framing stage copies every frame into one array,
 * which for file content is a copy of every byte received.
 *
 * <p>Refuses, with the same {@link FramingException}s as that stage, a negative length, a frame
 * longer than the maximum, and input that ends inside a frame. Not thread-safe: one per stream.
 */
final class FrameSplitter {

  private final int maxFrameBytes;
  private ByteString buffer = ByteString.emptyByteString();

  /** @param maxFrameBytes the longest frame allowed, prefix not counted */
  FrameSplitter(int maxFrameBytes) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** The frames {@code chunk} completes, in order, prefixes included. */
  List<ByteString> offer(ByteString chunk) {
    buffer = buffer.isEmpty() ? chunk : buffer.concat(chunk);
    List<ByteString> frames = new ArrayList<>();
    while (buffer.length() >= 4) {
      int length = (buffer.apply(0) & 0xff) << 24 | (buffer.apply(1) & 0xff) << 16
          | (buffer.apply(2) & 0xff) << 8 | (buffer.apply(3) & 0xff);
      if (length < 0) {
        throw new FramingException("Decoded frame header reported negative size " + length);
      }
      if (length > maxFrameBytes) {
        throw new FramingException("Maximum allowed frame length is " + (maxFrameBytes + 4L)
            + " but decoded frame header reported length " + (length + 4L));
      }
      if (buffer.length() < 4 + length) break;
      frames.add(buffer.take(4 + length));
      buffer = buffer.drop(4 + length);
    }
    return frames;
  }

  /** The input ended: nothing, unless it ended inside a frame. */
  List<ByteString> end() {
    if (!buffer.isEmpty()) {
      throw new FramingException("Stream finished but there was a truncated final frame in the buffer");
    }
    return List.of();
  }
}
