package io.setsync.destination;


import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.setsync.node.SetSyncNode;
import io.setsync.sync.SyncStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import io.setsync.transfer.SourceSession;

/**
 * The faster transfer paths against a real node: many small files (one frame each, written in
 * parallel), a large file in chunks, and a changed large file sent as a delta against the old copy.
 */
public class TransferPathsTest {

  @ClassRule public static TemporaryFolder tmp = new TemporaryFolder();

  private static SetSyncNode node;
  private final SplittableRandom random = new SplittableRandom(7);

  @BeforeClass
  public static void startNode() throws Exception {
    node = ReceiverNode.start(tmp.newFolder("home").toPath());
  }

  @AfterClass
  public static void stopNode() {
    if (node != null) node.close();
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) b[i] = (byte) random.nextInt(256);
    return b;
  }

  private static SourceSession.Outcome sync(Path source, Path dest) throws Exception {
    SourceSession.Outcome outcome = ReceiverNode.synchronize(node, source, dest);
    assertNull("failure: " + outcome, outcome.failure());
    assertEquals("status: " + outcome, SyncStatus.OK, outcome.status());
    try (Stream<Path> scratch = Files.list(dest.resolve(".setsync"))) {
      assertEquals("scratch area left empty", 0, scratch.count());
    }
    return outcome;
  }

  @Test
  public void manySmallFilesArriveWholeWithModeAndTime() throws Exception {
    Path source = tmp.newFolder("small-src").toPath();
    Path dest = tmp.getRoot().toPath().resolve("small-dst");
    for (int i = 0; i < 700; i++) {
      Path dir = Files.createDirectories(source.resolve("d" + (i % 13)));
      Path file = dir.resolve("f" + i);
      Files.write(file, randomBytes(random.nextInt(0, 40_000)));
      Files.setLastModifiedTime(file, FileTime.fromMillis(1_600_000_000_000L + i * 1000L));
    }
    Files.setPosixFilePermissions(source.resolve("d0/f0"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-x---"));
    SourceSession.Outcome first = sync(source, dest);
    assertEquals(700, first.counts().copied() - 13);
    for (int i = 0; i < 700; i++) {
      Path rel = Path.of("d" + (i % 13), "f" + i);
      assertArrayEquals(rel.toString(), Files.readAllBytes(source.resolve(rel)), Files.readAllBytes(dest.resolve(rel)));
      assertEquals(Files.getLastModifiedTime(source.resolve(rel)), Files.getLastModifiedTime(dest.resolve(rel)));
    }
    assertEquals("rwxr-x---", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dest.resolve("d0/f0"))));
    assertEquals("nothing changed: nothing copied", 0, sync(source, dest).counts().copied());
  }

  @Test
  public void changedLargeFileTravelsAsADeltaAndIsRebuiltExactly() throws Exception {
    Path source = tmp.newFolder("big-src").toPath();
    Path dest = tmp.getRoot().toPath().resolve("big-dst");
    byte[] content = randomBytes(6 << 20);
    Path file = source.resolve("big.bin");
    Files.write(file, content);
    SourceSession.Outcome initial = sync(source, dest);
    assertTrue("the first copy sends everything: " + initial.wireBytesSent(), initial.wireBytesSent() > content.length);

    byte[] changed = content.clone();
    System.arraycopy(randomBytes(100_000), 0, changed, 3 << 20, 100_000);
    byte[] grown = new byte[changed.length + 5000];
    System.arraycopy(changed, 0, grown, 0, 1000);
    System.arraycopy(randomBytes(5000), 0, grown, 1000, 5000); // an insertion near the start
    System.arraycopy(changed, 1000, grown, 6000, changed.length - 1000);
    Files.write(file, grown);
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    SourceSession.Outcome delta = sync(source, dest);

    assertEquals(1, delta.counts().copied());
    assertArrayEquals(grown, Files.readAllBytes(dest.resolve("big.bin")));
    assertEquals(Files.getLastModifiedTime(file), Files.getLastModifiedTime(dest.resolve("big.bin")));
    assertTrue("only about the changed bytes travel: " + delta.wireBytesSent(), delta.wireBytesSent() < 300_000);
  }

  private static SourceSession.Outcome syncWith(Path source, Path dest, io.setsync.options.SyncOptions options)
      throws Exception {
    java.net.InetSocketAddress at = node.endpoint();
    SourceSession.Outcome outcome = node.synchronize(
            new SourceSession.Request(source, at.getHostString(), at.getPort(), dest.toString(), options),
            new ReceiverNode.Recorder())
        .toCompletableFuture()
        .get(60, java.util.concurrent.TimeUnit.SECONDS);
    assertNull("failure: " + outcome, outcome.failure());
    assertEquals("status: " + outcome, SyncStatus.OK, outcome.status());
    return outcome;
  }

  @Test
  public void compressShrinksCompressibleContentAndKeepsItExact() throws Exception {
    Path source = tmp.newFolder("zip-src").toPath();
    byte[] text = "the same line of text, again and again\n".repeat(50_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    Files.write(source.resolve("small.txt"), java.util.Arrays.copyOf(text, 100_000));
    Files.write(source.resolve("large.txt"), text);
    byte[] noise = randomBytes(200_000);
    Files.write(source.resolve("noise.bin"), noise);
    Path plainDest = tmp.getRoot().toPath().resolve("zip-plain");
    Path packedDest = tmp.getRoot().toPath().resolve("zip-packed");
    long plain = syncWith(source, plainDest, io.setsync.options.SyncOptions.DEFAULTS).wireBytesSent();
    long packed = syncWith(source, packedDest,
        io.setsync.options.SyncOptions.builder().compress(true).build()).wireBytesSent();
    assertTrue("compressed " + packed + " vs plain " + plain, packed < noise.length + 100_000);
    assertTrue("plain " + plain, plain > text.length + 100_000 + noise.length);
    for (String name : new String[] {"small.txt", "large.txt", "noise.bin"}) {
      assertArrayEquals(name, Files.readAllBytes(source.resolve(name)), Files.readAllBytes(packedDest.resolve(name)));
    }
  }

  @Test
  public void maxRateHoldsTheTransferBack() throws Exception {
    Path source = tmp.newFolder("rate-src").toPath();
    Files.write(source.resolve("eight.bin"), randomBytes(8 << 20));
    long start = System.nanoTime();
    syncWith(source, tmp.getRoot().toPath().resolve("rate-dst"),
        io.setsync.options.SyncOptions.builder().maxRateMb(1).build());
    double seconds = (System.nanoTime() - start) / 1e9;
    // 8 MiB at 1 MiB/s after a burst of at most about 5 MiB: well over a second.
    assertTrue("took " + seconds + " s", seconds > 1.5);
    assertArrayEquals(Files.readAllBytes(source.resolve("eight.bin")),
        Files.readAllBytes(tmp.getRoot().toPath().resolve("rate-dst/eight.bin")));
  }

  @Test
  public void rateHoldsTheTransferBackToAShareOfTheLink() throws Exception {
    Path source = tmp.newFolder("share-src").toPath();
    Files.write(source.resolve("eight.bin"), randomBytes(8 << 20));
    long start = System.nanoTime();
    // 1% of reference.conf's link-rate (125,000,000 bytes/s) is 1.25 MB/s.
    syncWith(source, tmp.getRoot().toPath().resolve("share-dst"),
        io.setsync.options.SyncOptions.builder().ratePercent(1).build());
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue("took " + seconds + " s", seconds > 1.5);
    assertArrayEquals(Files.readAllBytes(source.resolve("eight.bin")),
        Files.readAllBytes(tmp.getRoot().toPath().resolve("share-dst/eight.bin")));
  }

  @Test
  public void largeFileWithoutOldCopyTravelsInChunks() throws Exception {
    Path source = tmp.newFolder("chunk-src").toPath();
    Path dest = tmp.getRoot().toPath().resolve("chunk-dst");
    byte[] content = randomBytes(3 * 262_144 + 17);
    Files.write(source.resolve("c.bin"), content);
    sync(source, dest);
    assertArrayEquals(content, Files.readAllBytes(dest.resolve("c.bin")));
  }

  @Test
  public void largeFilesTakeTheContentLaneAndArriveExactly() throws Exception {
    Path source = tmp.newFolder("lane-src").toPath();
    Path dest = tmp.getRoot().toPath().resolve("lane-dst");
    int[] sizes = {1 << 20, (5 << 20) + 17, 600_000, 3000, (2 << 20) - 1};
    long onLane = 0;
    for (int i = 0; i < sizes.length; i++) {
      Path file = Files.createDirectories(source.resolve("d" + (i % 2))).resolve("f" + i);
      Files.write(file, randomBytes(sizes[i]));
      Files.setLastModifiedTime(file, FileTime.fromMillis(1_600_000_000_000L + i * 1000L));
      if (sizes[i] >= 1 << 20) onLane += sizes[i];
    }
    SourceSession.Outcome first = sync(source, dest);
    assertEquals("the files of 1 MiB and more went on the lane", onLane, first.laneBytesSent());
    for (int i = 0; i < sizes.length; i++) {
      Path rel = Path.of("d" + (i % 2), "f" + i);
      assertArrayEquals(rel.toString(), Files.readAllBytes(source.resolve(rel)), Files.readAllBytes(dest.resolve(rel)));
      assertEquals(Files.getLastModifiedTime(source.resolve(rel)), Files.getLastModifiedTime(dest.resolve(rel)));
    }
    SourceSession.Outcome again = sync(source, dest);
    assertEquals("nothing changed: nothing copied", 0, again.counts().copied());
    assertEquals(0, again.laneBytesSent());
  }

  @Test
  public void compressKeepsLargeFilesOffTheLane() throws Exception {
    Path source = tmp.newFolder("nolane-src").toPath();
    byte[] content = randomBytes(3 << 20);
    Files.write(source.resolve("big.bin"), content);
    SourceSession.Outcome outcome = syncWith(source, tmp.getRoot().toPath().resolve("nolane-dst"),
        io.setsync.options.SyncOptions.builder().compress(true).build());
    assertEquals(0, outcome.laneBytesSent());
    assertArrayEquals(content, Files.readAllBytes(tmp.getRoot().toPath().resolve("nolane-dst/big.bin")));
  }
}
