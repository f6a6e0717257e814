package io.setsync.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.setsync.destination.CrashPoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Halts the real process (as kill -9 would) at every step of a replacement, in the first batch
 * and in a later one, then checks that every destination name is wholly old or wholly new, and
 * that the next sync finishes the job and leaves the scratch area empty.
 */
public class CrashRecoveryIT {

  @ClassRule public static TemporaryFolder tmp = new TemporaryFolder();

  private static Path src;
  private static final Map<String, String> OLD = new java.util.TreeMap<>();
  private static final Map<String, String> NEW = new java.util.TreeMap<>();

  @BeforeClass
  public static void buildSource() throws Exception {
    src = tmp.newFolder("src").toPath();
    Files.createDirectories(src.resolve("sub"));
    for (int i = 0; i < 10; i++) {
      String name = (i % 2 == 0 ? "sub/" : "") + "file" + i;
      String content = "new content of " + name + " ".repeat(i * 100);
      Files.writeString(src.resolve(name), content);
      NEW.put(name, content);
      if (i < 7) OLD.put(name, "old " + name); // 7 replaced, 3 created
    }
    Files.createSymbolicLink(src.resolve("link"), Paths.get("file1"));
    NEW.put("link", "-> file1");
    OLD.put("link", "-> file3");
  }

  private Path oldDestination(String name) throws Exception {
    Path dest = tmp.newFolder(name).toPath();
    Files.createDirectories(dest.resolve("sub"));
    for (Map.Entry<String, String> e : OLD.entrySet()) {
      if (e.getKey().equals("link")) {
        Files.createSymbolicLink(dest.resolve("link"), Paths.get("file3"));
      } else {
        Files.writeString(dest.resolve(e.getKey()), e.getValue());
        Trees.setTime(dest.resolve(e.getKey()), 1_500_000_000L);
      }
    }
    Trees.setTime(dest.resolve("link"), 1_500_000_000L);
    return dest;
  }

  @Test
  public void everyStepOfEveryBatchIsSurvivable() throws Exception {
    List<String> failures = new ArrayList<>();
    for (CrashPoint point : CrashPoint.values()) {
      for (int occurrence : new int[] {1, 3}) {
        String label = point + ":" + occurrence;
        Path dest = oldDestination("dest-" + point + "-" + occurrence);
        Launcher setsync = new Launcher(tmp.newFolder("home-" + point + "-" + occurrence).toPath());
        Launcher.Result crashed = setsync.run(
            Map.of("SETSYNC_JAVA_OPTS", "-Dsetsync.crash-at=" + label + " -Dsetsync.transfer.commit-batch-files=2"),
            "sync", src.toString(), dest.toString());
        assertEquals(label + " should halt the process\n" + crashed, CrashPoint.HALT_STATUS, crashed.exitCode());
        checkOldOrNew(label, dest, failures);

        Launcher.Result resumed = setsync.run("sync", src.toString(), dest.toString(), "--json");
        assertEquals(label + " resume\n" + resumed, 0, resumed.exitCode());
        Trees.assertSameTree(src, dest);
        assertTrue(label + ": scratch area not empty", Trees.scratchIsEmpty(dest));
      }
    }
    assertTrue(String.join("\n", failures), failures.isEmpty());
  }

  private static void checkOldOrNew(String label, Path dest, List<String> failures) throws Exception {
    for (String name : NEW.keySet()) {
      Path path = dest.resolve(name);
      String now;
      if (Files.isSymbolicLink(path)) now = "-> " + Files.readSymbolicLink(path);
      else if (Files.exists(path)) now = Files.readString(path);
      else now = null;
      boolean old = OLD.containsKey(name) ? OLD.get(name).equals(now) : now == null;
      if (!old && !NEW.get(name).equals(now)) {
        failures.add(label + ": " + name + " is neither old nor new: " + now);
      }
    }
  }
}
