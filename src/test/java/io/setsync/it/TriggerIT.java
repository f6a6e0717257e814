package io.setsync.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.Test;

/** TRIGGER through {@code scripts/setsync sync}: when it runs, what it gets, how it ends. */
public class TriggerIT extends SyncFixture {

  @Test
  public void runsAfterAChangeWithCountsAndPathsAndNotWhenNothingChanged() throws Exception {
    Files.createDirectories(src.resolve("d"));
    Files.writeString(src.resolve("d/new file"), "x");
    Files.writeString(src.resolve("top"), "y");
    Files.createDirectories(dest);
    Files.writeString(dest.resolve("stale"), "old");
    String command = "echo \"copied=$1 purged=$2 status=$SETSYNC_STATUS\"; sort \"$SETSYNC_COPIED_LIST\";"
        + " echo purged:; cat \"$SETSYNC_PURGED_LIST\"";
    Launcher.Result r = setsync.run("sync", src.toString(), dest.toString(), "--purge", "--trigger", command, "--json");
    assertEquals(r.toString(), 0, r.exitCode());
    JsonNode trigger = new ObjectMapper().readTree(r.stdout()).get("trigger");
    assertEquals(0, trigger.get("exitCode").asInt());
    assertEquals("copied=3 purged=1 status=ok\nd/\nd/new file\ntop\npurged:\nstale\n", trigger.get("output").asText());

    Launcher.Result again = setsync.run("sync", src.toString(), dest.toString(), "--trigger", "touch ran", "--json");
    assertEquals(again.toString(), 0, again.exitCode());
    assertFalse(new ObjectMapper().readTree(again.stdout()).has("trigger"));
    assertFalse("nothing changed, so the trigger did not run", Files.exists(src.resolve("ran")));
  }

  @Test
  public void aFailingTriggerIsAWarningWithItsOutputInTheLog() throws Exception {
    Files.writeString(src.resolve("f"), "x");
    Launcher.Result r = setsync.run("sync", src.toString(), dest.toString(), "--trigger", "echo reload failed >&2; exit 4");
    assertEquals(r.toString(), 1, r.exitCode());
    assertTrue(r.stderr(), r.stderr().contains("trigger: reload failed\nwarning: trigger exit 4\n"));
    assertEquals("x", Files.readString(dest.resolve("f")));
  }

  @Test
  public void aTriggerOverItsTimeLimitIsKilled() throws Exception {
    Files.writeString(src.resolve("f"), "x");
    Launcher.Result r = setsync.run(
        Map.of("SETSYNC_JAVA_OPTS", "-Dsetsync.trigger-time-limit=2s"),
        "sync", src.toString(), dest.toString(), "--trigger", "echo started; sleep 600");
    assertEquals(r.toString(), 1, r.exitCode());
    assertTrue(r.stderr(), r.stderr().contains("trigger: started\nwarning: trigger killed after the time limit of 2 s"));
  }
}
