package io.setsync.destination;


import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.setsync.node.SetSyncNode;
import io.setsync.options.OptionText;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import io.setsync.transfer.SourceSession;

/** RENAMEOPEN's kept files go once no process holds them, without waiting for another sync. */
public class OpenAreaSweepTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static long count(Path dir) throws java.io.IOException {
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      return files.count();
    }
  }

  /** Waits (at most 20 s) for {@code process} to print {@code line}. */
  private static void awaitLine(Process process, String line) throws Exception {
    java.util.concurrent.CompletableFuture<String> read = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream())).readLine();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertEquals(line, read.get(20, TimeUnit.SECONDS));
  }

  @Test
  public void aReplacedFileIsRemovedSoonAfterItsLastReaderCloses() throws Exception {
    Path src = tmp.newFolder("src").toPath();
    Path dst = tmp.newFolder("dst").toPath();
    Files.writeString(src.resolve("app.bin"), "version 1");
    try (SetSyncNode node = SetSyncNode.start(ConfigFactory.parseMap(Map.of(
            "setsync.home", tmp.newFolder("home").toString(),
            "setsync.endpoint.open-area-sweep", "300ms"))
        .withFallback(ConfigFactory.load()))) {
      assertEquals(null, ReceiverNode.synchronize(node, src, dst).failure());
      Process reader = new ProcessBuilder(
          "/bin/sh", "-c", "exec 3< '" + dst.resolve("app.bin") + "'; echo open; exec sleep 60").start();
      try {
        awaitLine(reader, "open"); // the shell holds the file
        Files.writeString(src.resolve("app.bin"), "version 2");
        Files.setLastModifiedTime(src.resolve("app.bin"),
            java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        InetSocketAddress at = node.endpoint();
        SourceSession.Outcome outcome = node.synchronize(
                new SourceSession.Request(src, at.getHostString(), at.getPort(), dst.toString(),
                    OptionText.parse("RENAMEOPEN")),
                new ReceiverNode.Recorder())
            .toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertEquals(outcome.toString(), 1, outcome.counts().copied());
        assertEquals("version 2", Files.readString(dst.resolve("app.bin")));
        Path area = dst.resolve(DestinationRoot.OPEN_AREA);
        for (int sweep = 0; sweep < 2; sweep++) {
          ReceiverNode.awaitSweep(node, dst); // the reader still holds the old file
          assertTrue("the open area lost a file still held", Files.isDirectory(area) && count(area) == 1);
        }
      } finally {
        reader.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      Path area = dst.resolve(DestinationRoot.OPEN_AREA);
      ReceiverNode.awaitSweep(node, dst);
      assertFalse("the open area was not swept after the reader closed", Files.exists(area));
    }
  }
}
