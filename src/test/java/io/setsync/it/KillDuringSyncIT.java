package io.setsync.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * kill -9 of a running {@code scripts/setsync sync} of large files, while another thread keeps
 * reading every destination file: no read ever sees a torn file, and the next sync converges.
 */
public class KillDuringSyncIT {

  private static final int FILES = 6;
  private static final long NEW_SIZE = 24L * 1024 * 1024;
  private static final long OLD_SIZE = 16L * 1024 * 1024;

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void killedMidSyncNeverTearsAFileAndTheNextSyncConverges() throws Exception {
    Path src = tmp.newFolder("src").toPath();
    Path dest = tmp.newFolder("dest").toPath();
    List<String> names = new ArrayList<>();
    Map<String, Set<String>> allowed = new java.util.HashMap<>();
    for (int i = 0; i < FILES; i++) {
      String name = "large-" + i + ".bin";
      names.add(name);
      Trees.writeRandom(src.resolve(name), NEW_SIZE, i);
      Trees.writeRandom(dest.resolve(name), OLD_SIZE, 100 + i);
      Trees.setTime(dest.resolve(name), 1_500_000_000L);
      allowed.put(name, Set.of(Trees.sha256(src.resolve(name)), Trees.sha256(dest.resolve(name))));
    }

    AtomicBoolean reading = new AtomicBoolean(true);
    AtomicLong reads = new AtomicLong();
    List<String> torn = Collections.synchronizedList(new ArrayList<>());
    Thread reader = new Thread(() -> {
      while (reading.get()) {
        for (String name : names) {
          try {
            String hash = Trees.sha256(dest.resolve(name));
            reads.incrementAndGet();
            if (!allowed.get(name).contains(hash)) torn.add(name + " read as " + hash);
          } catch (Exception e) {
            torn.add(name + " unreadable: " + e);
          }
        }
      }
    });
    reader.start();

    Launcher setsync = new Launcher(tmp.newFolder("home").toPath());
    // Small batches, so the kill lands between commits as well as inside them.
    Process sync = setsync.start(
        Map.of("SETSYNC_JAVA_OPTS", "-Dsetsync.transfer.commit-batch-files=1"),
        "sync", src.toString(), dest.toString(), "--renameopen");
    boolean killedMidway = waitForSomeButNotAllReplaced(dest, names, allowed, src, sync);
    sync.destroyForcibly();
    sync.waitFor(30, TimeUnit.SECONDS);

    assertTrue("the kill should land mid-sync", killedMidway);
    // Without readers, so that no file is left alone for being open and the trees converge.
    reading.set(false);
    reader.join();
    Launcher.Result resumed = setsync.run("sync", src.toString(), dest.toString(), "--json");

    assertTrue("torn reads: " + torn, torn.isEmpty());
    assertTrue("the reader kept reading", reads.get() > FILES);
    assertEquals(resumed.toString(), 0, resumed.exitCode());
    Trees.assertSameTree(src, dest);
    assertTrue(Trees.scratchIsEmpty(dest));
  }

  /** Waits until at least one file is new and at least one is still old. */
  private static boolean waitForSomeButNotAllReplaced(
      Path dest, List<String> names, Map<String, Set<String>> allowed, Path src, Process sync)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline && sync.isAlive()) {
      int replaced = 0;
      for (String name : names) {
        if (Files.size(dest.resolve(name)) == NEW_SIZE) replaced++;
      }
      if (replaced > 0 && replaced < names.size()) return true;
      Thread.sleep(2);
    }
    return false;
  }
}
