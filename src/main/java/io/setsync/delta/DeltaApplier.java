package io.setsync.delta;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The receiver's half: turns a {@link DeltaEncoder.Copy} back into the old file's bytes. Block
 * ranges come from the network, so they are checked against the old file's block count.
 */
public final class DeltaApplier {

  /** Receives the bytes of a copied run, in order. */
  public interface Sink {
    void write(ByteBuffer bytes) throws IOException;
  }

  private final FileChannel basis;
  private final int blockSize;
  private final long length;
  private final ByteBuffer buffer;

  public DeltaApplier(FileChannel basis, int blockSize, long length) {
    this.basis = basis;
    this.blockSize = blockSize;
    this.length = length;
    this.buffer = ByteBuffer.allocateDirect(Math.max(blockSize, 1 << 20));
  }

  public long blockCount() {
    return BlockSignatures.blockCount(length, blockSize);
  }

  /**
   * Writes old blocks {@code first .. first + count - 1} to the sink.
   *
   * @throws IllegalArgumentException if the range is not within the old file's blocks
   * @throws IOException if the old file cannot be read in full (it changed meanwhile)
   */
  public long copy(long first, long count, Sink out) throws IOException {
    if (first < 0 || count <= 0 || first > blockCount() || count > blockCount() - first) {
      throw new IllegalArgumentException("blocks " + first + "+" + count + " are outside the "
          + blockCount() + " blocks of the old file");
    }
    long from = first * blockSize;
    long to = Math.min(length, (first + count) * blockSize);
    long position = from;
    while (position < to) {
      buffer.clear();
      buffer.limit((int) Math.min(buffer.capacity(), to - position));
      int n = basis.read(buffer, position);
      if (n <= 0) throw new IOException("the old file ended early: it changed during the transfer");
      position += n;
      buffer.flip();
      out.write(buffer);
    }
    return to - from;
  }
}
