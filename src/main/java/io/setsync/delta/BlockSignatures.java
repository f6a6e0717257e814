package io.setsync.delta;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.Arrays;
import net.openhft.hashing.LongHashFunction;

/**
 * What the receiver knows of its old copy of a file: its length, the block size, and per block
 * a weak rolling checksum and a strong 64-bit hash (xxHash3). The last block may be shorter.
 */
public final class BlockSignatures {

  static final LongHashFunction STRONG = LongHashFunction.xx3();

  /** Blocks are at least this big, so small changes cost little and tables stay small. */
  public static final int MIN_BLOCK = 2048;

  /** ...and at most this many, so that the signatures fit in one frame. */
  public static final int MAX_BLOCKS = 262_144;

  private final int blockSize;
  private final long length;
  private final int[] weak;
  private final long[] strong;

  public BlockSignatures(int blockSize, long length, int[] weak, long[] strong) {
    if (blockSize <= 0) throw new IllegalArgumentException("block size must be positive: " + blockSize);
    if (length < 0) throw new IllegalArgumentException("negative length " + length);
    if (weak.length != strong.length) throw new IllegalArgumentException("weak and strong counts differ");
    if (weak.length != blockCount(length, blockSize)) {
      throw new IllegalArgumentException(weak.length + " blocks do not cover " + length + " bytes in blocks of " + blockSize);
    }
    this.blockSize = blockSize;
    this.length = length;
    this.weak = weak;
    this.strong = strong;
  }

  /** rsync's choice: about the square root of the length, so blocks and block count grow alike. */
  public static int blockSizeFor(long length) {
    long size = Math.max(MIN_BLOCK, (long) Math.sqrt((double) length));
    size = Math.max(size, (length + MAX_BLOCKS - 1) / MAX_BLOCKS);
    size = (size + 1023) & ~1023L; // whole KiB
    return (int) Math.min(size, 1 << 24);
  }

  /** Blocks needed to cover {@code length} bytes (without overflow for any length). */
  public static long blockCount(long length, int blockSize) {
    return length / blockSize + (length % blockSize == 0 ? 0 : 1);
  }

  /** Reads the channel to its end and signs it in blocks of {@code blockSize}. */
  public static BlockSignatures of(ReadableByteChannel in, long expectedLength, int blockSize) throws IOException {
    long blocks = blockCount(expectedLength, blockSize);
    if (blocks >= Integer.MAX_VALUE - 8) throw new IOException("file too large for block size " + blockSize);
    int capacity = (int) blocks + 1;
    int[] weak = new int[capacity];
    long[] strong = new long[capacity];
    ByteBuffer block = ByteBuffer.allocate(blockSize);
    int count = 0;
    long length = 0;
    while (true) {
      block.clear();
      while (block.hasRemaining() && in.read(block) > 0) {
        // fill the block
      }
      int n = block.position();
      if (n == 0) break;
      if (count == capacity) throw new IOException("the file grew while its signatures were taken");
      weak[count] = RollingChecksum.of(block.array(), 0, n);
      strong[count] = STRONG.hashBytes(block.array(), 0, n);
      count++;
      length += n;
      if (n < blockSize) break;
    }
    return new BlockSignatures(blockSize, length, Arrays.copyOf(weak, count), Arrays.copyOf(strong, count));
  }

  /**
   * Signs the first {@code length} bytes of a file, its block ranges in parallel on {@code
   * executor}. No task waits for another, so the executor may be small and shared: the parts of
   * one file and of other files queue, and the future completes when the last part is done.
   * It fails with an {@link IOException} if the file is shorter than {@code length} (it changed)
   * or unreadable.
   */
  public static CompletableFuture<BlockSignatures> sign(
      FileChannel in, long length, int blockSize, int parts, Executor executor) {
    long blocks = blockCount(length, blockSize);
    if (blocks >= Integer.MAX_VALUE - 8) {
      return CompletableFuture.failedFuture(new IOException("file too large for block size " + blockSize));
    }
    int count = (int) blocks;
    int[] weak = new int[count];
    long[] strong = new long[count];
    int n = (int) Math.max(1, Math.min(parts, count / 64));
    CompletableFuture<?>[] all = new CompletableFuture<?>[n];
    for (int part = 0; part < n; part++) {
      int from = (int) ((long) count * part / n);
      int to = (int) ((long) count * (part + 1) / n);
      all[part] = CompletableFuture.runAsync(() -> {
        try {
          signRange(in, length, blockSize, from, to, weak, strong);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, executor);
    }
    return CompletableFuture.allOf(all)
        .handle((ok, failure) -> {
          if (failure == null) return new BlockSignatures(blockSize, length, weak, strong);
          Throwable cause = failure instanceof CompletionException && failure.getCause() != null
              ? failure.getCause() : failure;
          if (cause instanceof UncheckedIOException u) cause = u.getCause();
          throw new CompletionException(cause);
        });
  }

  private static void signRange(FileChannel in, long length, int blockSize, int from, int to, int[] weak,
      long[] strong) throws IOException {
    ByteBuffer block = ByteBuffer.allocate(blockSize);
    for (int i = from; i < to; i++) {
      long position = (long) i * blockSize;
      int n = (int) Math.min(blockSize, length - position);
      block.clear().limit(n);
      while (block.hasRemaining()) {
        if (in.read(block, position + block.position()) < 0) {
          throw new IOException("the file became shorter while its signatures were taken");
        }
      }
      weak[i] = RollingChecksum.of(block.array(), 0, n);
      strong[i] = STRONG.hashBytes(block.array(), 0, n);
    }
  }

  public int blockSize() {
    return blockSize;
  }

  public long length() {
    return length;
  }

  public int blockCount() {
    return weak.length;
  }

  public int weak(int block) {
    return weak[block];
  }

  public long strong(int block) {
    return strong[block];
  }

  /** Length of block {@code i}: the block size, except perhaps for the last. */
  public int blockLength(int block) {
    return (int) Math.min(blockSize, length - (long) block * blockSize);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BlockSignatures s && s.blockSize == blockSize && s.length == length
        && Arrays.equals(s.weak, weak) && Arrays.equals(s.strong, strong);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(length) * 31 + Arrays.hashCode(strong);
  }

  @Override
  public String toString() {
    return "BlockSignatures[" + weak.length + " blocks of " + blockSize + ", " + length + " bytes]";
  }
}
