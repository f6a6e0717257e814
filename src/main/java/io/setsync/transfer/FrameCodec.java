package io.setsync.transfer;

import akka.util.ByteString;

/** Binary encoding of {@link Frame}s; the length prefix is added by the stream's framing stage. */
public final class FrameCodec {

  /** Largest encoded frame either side accepts. */
  public static final int MAX_FRAME_BYTES = 4 * 1024 * 1024;

  private FrameCodec() {}

  public static ByteString encode(Frame frame) {
    throw new UnsupportedOperationException("TODO");
  }

  /** @throws ProtocolException naming what is wrong with the bytes */
  public static Frame decode(ByteString bytes) {
    throw new UnsupportedOperationException("TODO");
  }
}
