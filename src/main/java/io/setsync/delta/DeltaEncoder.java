package io.setsync.delta;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;
import java.util.zip.Checksum;

/**
 * The sender's half of rsync's algorithm: reads the new file once and describes it as runs of
 * the receiver's old blocks ({@link Copy}) and new bytes ({@link Literal}). A window the size of a
 * block slides over the new file; where its weak checksum and then its strong hash equal those of
 * an old block, that block is reused and the window jumps past it.
 *
 * <p>Pull-based: each {@link #next()} reads only as far as it needs, so memory stays at about
 * {@code maxLiteral + 2 × blockSize} whatever the file size. Every byte read is also fed, in
 * order, to the given whole-file checksum.
 */
public final class DeltaEncoder {

  /** One step of the new file's description. */
  public sealed interface Instruction {}

  /** Old blocks {@code first .. first + count - 1}, in that order. */
  public record Copy(int first, int count) implements Instruction {}

  /** New bytes. */
  public record Literal(byte[] bytes) implements Instruction {
    @Override
    public boolean equals(Object o) {
      return o instanceof Literal l && Arrays.equals(l.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Literal[" + bytes.length + " bytes]";
    }
  }

  /** Longest run of blocks one Copy names. */
  static final int MAX_RUN = 1 << 16;

  /**
   * ...and of bytes. The receiver copies a run only once its Copy arrives, and the Copy goes only
   * once every block of it was matched: 64 Ki blocks of a 1 GiB file are half of it, so the
   * receiver idled while the source matched that half, then copied it while the source matched
   * the other. Runs of a few MiB let the copying follow the matching closely, at some 13 bytes
   * a Copy (about 3 KB for a GiB).
   */
  static final int RUN_BYTES = 4 << 20;

  private final BlockSignatures basis;
  private final ReadableByteChannel source;
  private final Checksum whole;
  private final int bs;
  private final int maxLiteral;
  private final RollingChecksum rolling;
  private final int[] heads;
  private final int[] chain;
  private final int mask;
  private final byte[] buf;

  private int literalStart;
  private int pos;
  private int limit;
  private boolean eof;
  private boolean rollingValid;
  private long bytesRead;
  /** A match found while literal bytes before it were still to be sent. */
  private int pendingBlock = -1;
  private int expectedNext = -1;

  public DeltaEncoder(BlockSignatures basis, ReadableByteChannel source, int maxLiteral, Checksum whole) {
    if (maxLiteral <= 0) throw new IllegalArgumentException("maxLiteral must be positive");
    this.basis = basis;
    this.source = source;
    this.whole = whole;
    this.bs = basis.blockSize();
    this.maxLiteral = maxLiteral;
    this.rolling = new RollingChecksum(bs);
    int blocks = basis.blockCount();
    int size = Integer.highestOneBit(Math.max(16, blocks * 2 - 1)) << 1;
    this.mask = size - 1;
    this.heads = new int[size];
    this.chain = new int[blocks];
    Arrays.fill(heads, -1);
    // Earlier blocks end up first in each chain: with repeated content, the first match is kept.
    for (int i = blocks - 1; i >= 0; i--) {
      int slot = mix(basis.weak(i)) & mask;
      chain[i] = heads[slot];
      heads[slot] = i;
    }
    this.buf = new byte[maxLiteral + 2 * bs + (1 << 16)];
  }

  private static int mix(int weak) {
    return weak ^ (weak >>> 15) * 0x2c1b3c6d;
  }

  /** Bytes of the new file read so far. */
  public long bytesRead() {
    return bytesRead;
  }

  /** The next instruction, or null once the whole new file is described. */
  public Instruction next() throws IOException {
    if (pendingBlock >= 0) {
      int block = pendingBlock;
      pendingBlock = -1;
      return run(block);
    }
    while (true) {
      if (pos - literalStart >= maxLiteral) return literal(literalStart + maxLiteral);
      if (limit - pos < bs && !eof) {
        fill();
        continue;
      }
      int available = limit - pos;
      if (available < bs) {
        // The end: the tail may equal the old file's (short) last block; otherwise it is new.
        int last = basis.blockCount() - 1;
        if (available > 0 && last >= 0 && basis.blockLength(last) == available
            && basis.weak(last) == RollingChecksum.of(buf, pos, available)
            && basis.strong(last) == BlockSignatures.STRONG.hashBytes(buf, pos, available)) {
          if (pos > literalStart) {
            pendingBlock = last;
            return literal(pos);
          }
          return run(last);
        }
        pos = limit;
        if (pos > literalStart) return literal(Math.min(pos, literalStart + maxLiteral));
        return null;
      }
      if (!rollingValid) {
        rolling.reset(buf, pos);
        rollingValid = true;
      }
      int block = find(rolling.value(), pos);
      if (block >= 0) {
        if (pos > literalStart) {
          pendingBlock = block;
          return literal(pos);
        }
        return run(block);
      }
      if (pos + bs < limit) {
        rolling.roll(buf[pos], buf[pos + bs]);
        pos++;
      } else if (eof) {
        pos++;
        rollingValid = false;
      } else {
        fill();
      }
    }
  }

  /** Emits a Copy starting at {@code block} (the window at {@code pos} matched it), extended while the next ones follow. */
  private Instruction run(int block) throws IOException {
    int count = 1;
    advancePast(basis.blockLength(block));
    int longest = Math.max(1, Math.min(MAX_RUN, RUN_BYTES / bs));
    while (count < longest && block + count < basis.blockCount()) {
      int nextBlock = block + count;
      int length = basis.blockLength(nextBlock);
      if (limit - pos < length && !eof) fill();
      if (limit - pos < length) break;
      // Only the strong hash: for one expected block it is cheaper than the weak checksum.
      if (BlockSignatures.STRONG.hashBytes(buf, pos, length) != basis.strong(nextBlock)) break;
      count++;
      advancePast(length);
    }
    expectedNext = block + count;
    return new Copy(block, count);
  }

  private void advancePast(int length) {
    pos += length;
    literalStart = pos;
    rollingValid = false;
  }

  /** The old block whose checksums the window at {@code at} has, or -1. */
  private int find(int weak, int at) {
    long strong = 0;
    boolean strongDone = false;
    if (expectedNext >= 0 && expectedNext < basis.blockCount() && basis.weak(expectedNext) == weak
        && basis.blockLength(expectedNext) == bs) {
      strong = BlockSignatures.STRONG.hashBytes(buf, at, bs);
      strongDone = true;
      if (basis.strong(expectedNext) == strong) return expectedNext;
    }
    for (int i = heads[mix(weak) & mask]; i >= 0; i = chain[i]) {
      if (basis.weak(i) != weak || basis.blockLength(i) != bs) continue;
      if (!strongDone) {
        strong = BlockSignatures.STRONG.hashBytes(buf, at, bs);
        strongDone = true;
      }
      if (basis.strong(i) == strong) return i;
    }
    return -1;
  }

  private Instruction literal(int end) {
    byte[] bytes = Arrays.copyOfRange(buf, literalStart, end);
    literalStart = end;
    return new Literal(bytes);
  }

  /** Moves the unsent bytes to the front of the buffer and reads more after them. */
  private void fill() throws IOException {
    if (literalStart > 0) {
      System.arraycopy(buf, literalStart, buf, 0, limit - literalStart);
      pos -= literalStart;
      limit -= literalStart;
      literalStart = 0;
    }
    ByteBuffer room = ByteBuffer.wrap(buf, limit, buf.length - limit);
    int n = source.read(room);
    if (n < 0) {
      eof = true;
    } else if (n > 0) {
      whole.update(buf, limit, n);
      limit += n;
      bytesRead += n;
    }
  }
}
