package io.setsync.delta;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Signs an old file, encodes a new one against it, rebuilds it from the old file, compares. */
public class DeltaTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private final SplittableRandom random = new SplittableRandom(42);

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) b[i] = (byte) random.nextInt(256);
    return b;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  private static byte[] slice(byte[] b, int from, int to) {
    return java.util.Arrays.copyOfRange(b, from, to);
  }

  /** What one round trip cost: bytes sent as literals and blocks reused. */
  private record Outcome(long literalBytes, long copiedBlocks) {}

  private Outcome roundTrip(byte[] oldBytes, byte[] newBytes, int blockSize, int maxLiteral) throws IOException {
    Path old = tmp.newFile().toPath();
    Files.write(old, oldBytes);
    BlockSignatures signatures;
    try (FileChannel in = FileChannel.open(old)) {
      signatures = BlockSignatures.of(in, oldBytes.length, blockSize);
    }
    assertEquals(oldBytes.length, signatures.length());
    CRC32C sent = new CRC32C();
    DeltaEncoder encoder = new DeltaEncoder(
        signatures, Channels.newChannel(new java.io.ByteArrayInputStream(newBytes)), maxLiteral, sent);
    ByteArrayOutputStream rebuilt = new ByteArrayOutputStream();
    long literal = 0;
    long copied = 0;
    try (FileChannel basis = FileChannel.open(old, StandardOpenOption.READ)) {
      DeltaApplier applier = new DeltaApplier(basis, blockSize, oldBytes.length);
      for (DeltaEncoder.Instruction i; (i = encoder.next()) != null; ) {
        if (i instanceof DeltaEncoder.Literal l) {
          assertTrue("literal of " + l.bytes().length + " > " + maxLiteral, l.bytes().length <= maxLiteral);
          assertTrue("empty literal", l.bytes().length > 0);
          rebuilt.writeBytes(l.bytes());
          literal += l.bytes().length;
        } else {
          DeltaEncoder.Copy c = (DeltaEncoder.Copy) i;
          applier.copy(c.first(), c.count(), b -> {
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            rebuilt.writeBytes(chunk);
          });
          copied += c.count();
        }
      }
    }
    assertArrayEquals(newBytes, rebuilt.toByteArray());
    CRC32C expected = new CRC32C();
    expected.update(newBytes);
    assertEquals("the whole-file checksum covers every byte read", expected.getValue(), sent.getValue());
    assertEquals(newBytes.length, encoder.bytesRead());
    return new Outcome(literal, copied);
  }

  @Test
  public void identicalFilesAreAllCopies() throws IOException {
    byte[] data = randomBytes(100_000);
    Outcome o = roundTrip(data, data, 2048, 8192);
    assertEquals(0, o.literalBytes());
    assertEquals(BlockSignatures.blockCount(100_000, 2048), o.copiedBlocks());
  }

  /** The receiver copies a run once its Copy comes: a long unchanged stretch comes as several. */
  @Test
  public void longUnchangedRunsComeInCopiesOfAtMostRunBytes() throws IOException {
    int blockSize = 64 * 1024;
    byte[] data = randomBytes(3 * DeltaEncoder.RUN_BYTES + 5000);
    BlockSignatures signatures = BlockSignatures.of(
        Channels.newChannel(new java.io.ByteArrayInputStream(data)), data.length, blockSize);
    DeltaEncoder encoder = new DeltaEncoder(signatures,
        Channels.newChannel(new java.io.ByteArrayInputStream(data)), 8192, new CRC32C());
    int next = 0;
    int copies = 0;
    for (DeltaEncoder.Instruction i; (i = encoder.next()) != null; ) {
      DeltaEncoder.Copy c = (DeltaEncoder.Copy) i;
      assertEquals("runs follow on", next, c.first());
      assertTrue(c.count() + " blocks", (long) c.count() * blockSize <= DeltaEncoder.RUN_BYTES);
      next += c.count();
      copies++;
    }
    assertEquals(signatures.blockCount(), next);
    assertEquals(4, copies);
  }

  @Test
  public void changeInTheMiddleSendsAboutTheChangedBlocks() throws IOException {
    byte[] old = randomBytes(200_000);
    byte[] changed = old.clone();
    System.arraycopy(randomBytes(1000), 0, changed, 100_000, 1000);
    Outcome o = roundTrip(old, changed, 2048, 8192);
    assertTrue("literal " + o.literalBytes(), o.literalBytes() <= 1000 + 2 * 2048);
  }

  @Test
  public void insertionShiftsTheRestAndIsStillFound() throws IOException {
    byte[] old = randomBytes(150_000);
    byte[] inserted = concat(slice(old, 0, 70_001), randomBytes(333), slice(old, 70_001, old.length));
    Outcome o = roundTrip(old, inserted, 2048, 4096);
    assertTrue("literal " + o.literalBytes(), o.literalBytes() <= 333 + 2 * 2048);
  }

  @Test
  public void deletionIsFound() throws IOException {
    byte[] old = randomBytes(150_000);
    byte[] deleted = concat(slice(old, 0, 50_123), slice(old, 51_000, old.length));
    Outcome o = roundTrip(old, deleted, 2048, 4096);
    assertTrue("literal " + o.literalBytes(), o.literalBytes() <= 2 * 2048);
  }

  @Test
  public void prefixAddedShiftsEveryBlock() throws IOException {
    byte[] old = randomBytes(64 * 1024);
    Outcome o = roundTrip(old, concat(randomBytes(7), old), 1024, 4096);
    assertEquals(7, o.literalBytes());
    assertEquals(64, o.copiedBlocks());
  }

  @Test
  public void emptyOldOrNewFile() throws IOException {
    byte[] data = randomBytes(10_000);
    assertEquals(10_000, roundTrip(new byte[0], data, 2048, 4096).literalBytes());
    assertEquals(0, roundTrip(data, new byte[0], 2048, 4096).literalBytes());
    assertEquals(0, roundTrip(new byte[0], new byte[0], 2048, 4096).literalBytes());
  }

  @Test
  public void tinyFilesSmallerThanABlock() throws IOException {
    byte[] tiny = randomBytes(10);
    Outcome same = roundTrip(tiny, tiny, 2048, 4096);
    assertEquals("a short last block is matched too", 0, same.literalBytes());
    assertEquals(10, roundTrip(tiny, randomBytes(10), 2048, 4096).literalBytes());
    roundTrip(randomBytes(1), randomBytes(3), 2048, 1);
  }

  @Test
  public void exactMultiplesOfTheBlockSize() throws IOException {
    byte[] old = randomBytes(4 * 4096);
    Outcome o = roundTrip(old, old.clone(), 4096, 4096);
    assertEquals(0, o.literalBytes());
    assertEquals(4, o.copiedBlocks());
    byte[] lastChanged = old.clone();
    lastChanged[lastChanged.length - 1] ^= 1;
    assertEquals(4096, roundTrip(old, lastChanged, 4096, 4096).literalBytes());
  }

  @Test
  public void shortLastBlockMatchesOnlyAtTheEnd() throws IOException {
    byte[] old = randomBytes(10_000 + 300); // last block of 300 bytes
    byte[] grown = concat(old, randomBytes(5000));
    Outcome o = roundTrip(old, grown, 1000, 2000);
    assertTrue("literal " + o.literalBytes(), o.literalBytes() <= 5000 + 300);
  }

  @Test
  public void repetitiveContentRoundTrips() throws IOException {
    byte[] zeros = new byte[50_000];
    byte[] pattern = new byte[60_000];
    for (int i = 0; i < pattern.length; i++) pattern[i] = (byte) (i % 7);
    roundTrip(zeros, pattern, 1024, 4096);
    roundTrip(pattern, zeros, 1024, 4096);
    Outcome same = roundTrip(zeros, zeros.clone(), 1024, 4096);
    assertEquals(0, same.literalBytes());
  }

  @Test
  public void completelyDifferentContentIsAllLiteral() throws IOException {
    Outcome o = roundTrip(randomBytes(30_000), randomBytes(40_000), 1024, 3000);
    assertEquals(40_000, o.literalBytes());
    assertEquals(0, o.copiedBlocks());
  }

  @Test
  public void manyRandomEditsRoundTrip() throws IOException {
    for (int round = 0; round < 30; round++) {
      byte[] old = randomBytes(random.nextInt(1, 40_000));
      byte[] edited = old.clone();
      for (int edit = 0; edit < 5; edit++) {
        int at = random.nextInt(edited.length + 1);
        switch (random.nextInt(3)) {
          case 0 -> edited = concat(slice(edited, 0, at), randomBytes(random.nextInt(200)), slice(edited, at, edited.length));
          case 1 -> edited = concat(slice(edited, 0, at), slice(edited, Math.min(edited.length, at + random.nextInt(300)), edited.length));
          default -> { if (at < edited.length) edited[at] ^= 0x55; }
        }
      }
      roundTrip(old, edited, 512 * random.nextInt(1, 5), random.nextInt(1, 5000));
    }
  }

  @Test
  public void blockSizeGrowsWithTheFileAndKeepsTheBlockCountBounded() {
    assertEquals(BlockSignatures.MIN_BLOCK, BlockSignatures.blockSizeFor(0));
    assertEquals(BlockSignatures.MIN_BLOCK, BlockSignatures.blockSizeFor(1 << 20));
    assertEquals(32 * 1024, BlockSignatures.blockSizeFor(1L << 30));
    long huge = 1L << 42;
    assertTrue(BlockSignatures.blockCount(huge, BlockSignatures.blockSizeFor(huge)) <= BlockSignatures.MAX_BLOCKS);
  }

  @Test
  public void copiesOutsideTheOldFileAreRefused() throws IOException {
    Path old = tmp.newFile().toPath();
    Files.write(old, randomBytes(5000));
    try (FileChannel basis = FileChannel.open(old)) {
      DeltaApplier applier = new DeltaApplier(basis, 1024, 5000);
      for (long[] bad : new long[][] {{-1, 1}, {0, 0}, {4, 2}, {5, 1}, {Long.MAX_VALUE, 1}, {0, Long.MAX_VALUE}}) {
        try {
          applier.copy(bad[0], bad[1], b -> fail("nothing may be written"));
          fail("accepted blocks " + bad[0] + "+" + bad[1]);
        } catch (IllegalArgumentException expected) {
          assertTrue(expected.getMessage().contains("outside"));
        }
      }
    }
  }

  @Test
  public void rollingEqualsFreshChecksumAtEveryOffset() {
    byte[] data = randomBytes(5000);
    RollingChecksum rolling = new RollingChecksum(700);
    rolling.reset(data, 0);
    for (int at = 0; at + 700 < data.length; at++) {
      assertEquals("at " + at, RollingChecksum.of(data, at, 700), rolling.value());
      rolling.roll(data[at], data[at + 700]);
    }
  }

  @Test
  public void fastSumsEqualTheByteByByteDefinition() {
    for (int length = 0; length < 40; length++) {
      byte[] data = randomBytes(length + 3);
      int a = 0;
      int b = 0;
      for (int i = 3; i < 3 + length; i++) {
        a += data[i] & 0xff;
        b += a;
      }
      assertEquals("length " + length, (a & 0xffff) | (b << 16), RollingChecksum.of(data, 3, length));
    }
  }

  /**
   * Signing started from a task of the signing pool itself, as a receiver's work is, completes even
   * when the pool has a single thread: no part waits for another part queued behind it.
   */
  @Test(timeout = 20_000)
  public void signingFromInsideItsOwnOneThreadPoolCompletes() throws Exception {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      Path file = tmp.newFile().toPath();
      Files.write(file, randomBytes(512 * 1024));
      try (FileChannel in = FileChannel.open(file)) {
        BlockSignatures signed = java.util.concurrent.CompletableFuture
            .supplyAsync(() -> BlockSignatures.sign(in, 512 * 1024, 1024, 4, pool), pool)
            .thenCompose(f -> f)
            .get(15, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(BlockSignatures.of(in, 512 * 1024, 1024), signed);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  public void parallelSignaturesEqualSequentialOnes() throws IOException {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
    try {
      for (int size : new int[] {0, 1, 1023, 1024, 64 * 1024 + 5, 300 * 1024}) {
        Path file = tmp.newFile().toPath();
        Files.write(file, randomBytes(size));
        try (FileChannel in = FileChannel.open(file)) {
          BlockSignatures sequential = BlockSignatures.of(in, size, 1024);
          for (int parts : new int[] {1, 2, 3, 7}) {
            assertEquals(size + "/" + parts, sequential, BlockSignatures.sign(in, size, 1024, parts, pool).join());
          }
          try {
            BlockSignatures.sign(in, size + 5000, 1024, 2, pool).join();
            fail("a file shorter than announced must be refused");
          } catch (java.util.concurrent.CompletionException expected) {
            assertTrue(expected.getCause() instanceof IOException);
            assertTrue(expected.getCause().getMessage().contains("shorter"));
          }
        }
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  public void signaturesOfAnEmptyStream() throws IOException {
    BlockSignatures s = BlockSignatures.of(Channels.newChannel(new java.io.ByteArrayInputStream(new byte[0])), 0, 2048);
    assertEquals(0, s.blockCount());
    assertEquals(0, s.length());
    ByteBuffer unused = ByteBuffer.allocate(0);
    assertEquals(0, unused.remaining());
  }
}
