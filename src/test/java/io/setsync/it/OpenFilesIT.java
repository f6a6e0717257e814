package io.setsync.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Test;

/** Open-file rules of {@code scripts/setsync sync}, with real programs holding real files. */
public class OpenFilesIT extends SyncFixture {

  private final List<Process> holders = new ArrayList<>();
  @After
  public void stopHolders() throws Exception {
    for (Process p : holders) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor();
    }
  }

  /** A shell that opens what {@code redirections} say, reports ready, then runs {@code then}. */
  private Process hold(String redirections, String then) throws Exception {
    Process p = new ProcessBuilder("/bin/sh", "-c", "exec " + redirections + "; echo ready; " + then)
        .redirectErrorStream(true).start();
    holders.add(p);
    String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
    assertEquals("ready", line);
    return p;
  }

  private static String q(Path p) {
    return "'" + p + "'";
  }

  private JsonNode sync(int expectedExit, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("sync", src.toString(), dest.toString()));
    args.addAll(List.of(extra));
    args.add("--json");
    Launcher.Result result = setsync.run(args.toArray(String[]::new));
    assertEquals(result.toString(), expectedExit, result.exitCode());
    JsonNode json = new ObjectMapper().readTree(result.stdout());
    ((com.fasterxml.jackson.databind.node.ObjectNode) json).put("stderr", result.stderr());
    return json;
  }

  private static void age(Path file, long secondsAgo) throws Exception {
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(secondsAgo)));
  }

  @Test
  public void aSourceFileBeingWrittenIsSkippedUnlessUnprotected() throws Exception {
    Path log = src.resolve("app.log");
    Files.writeString(log, "start\n");
    Files.writeString(src.resolve("quiet.txt"), "quiet");
    hold("3>>" + q(log), "while :; do echo line >&3; sleep 0.05; done");

    JsonNode first = sync(1);
    assertEquals(1, first.get("copied").asInt());
    assertEquals(1, first.get("skipped").asInt());
    assertTrue(first.get("stderr").asText(), first.get("stderr").asText().contains("app.log: not copied: open for writing by sh["));
    assertFalse(Files.exists(dest.resolve("app.log")));
    assertEquals("quiet", Files.readString(dest.resolve("quiet.txt")));

    JsonNode unprotected = sync(0, "--unprotected");
    assertEquals(1, unprotected.get("copied").asInt());
    assertTrue(Files.readString(dest.resolve("app.log")).startsWith("start\n"));
  }

  @Test
  public void openUpdateCopiesFilesOpenForWritingOnlyAfterTheQuietWindow() throws Exception {
    Path stale = src.resolve("stale.db");
    Path fresh = src.resolve("fresh.db");
    Files.writeString(stale, "unchanged for two hours");
    Files.writeString(fresh, "just written");
    age(stale, 7200);
    hold("3>>" + q(stale) + " 4<>" + q(fresh), "exec sleep 120");

    JsonNode withoutOption = sync(1);
    assertEquals(2, withoutOption.get("skipped").asInt());

    JsonNode result = sync(1, "--openupdate=1h");
    assertEquals(1, result.get("copied").asInt());
    assertEquals(1, result.get("skipped").asInt());
    assertEquals("unchanged for two hours", Files.readString(dest.resolve("stale.db")));
    assertFalse(Files.exists(dest.resolve("fresh.db")));
    assertTrue(result.get("stderr").asText(),
        result.get("stderr").asText().contains("within OPENUPDATE's quiet window of 3600 s"));
  }

  @Test
  public void aBadOpenUpdateDurationIsRefusedBeforeAnything() throws Exception {
    Files.writeString(src.resolve("f"), "x");
    Launcher.Result r = setsync.run("sync", src.toString(), dest.toString(), "--openupdate=5 fortnights");
    assertEquals(r.toString(), 2, r.exitCode());
    assertTrue(r.stderr(), r.stderr().contains("unknown unit \"fortnights\""));
    assertFalse(Files.exists(dest));
  }

  @Test
  public void aDestinationFileOpenForReadingIsReplacedOnlyWithRenameOpen() throws Exception {
    Files.writeString(src.resolve("config"), "new");
    Files.createDirectories(dest);
    Files.writeString(dest.resolve("config"), "old");
    age(dest.resolve("config"), 3600);
    Process reader = hold("3<" + q(dest.resolve("config")), "exec sleep 120");

    JsonNode refused = sync(1);
    assertEquals(0, refused.get("copied").asInt());
    assertTrue(refused.get("stderr").asText(), refused.get("stderr").asText().contains(
        "config: not replaced: open by sleep[" + reader.pid() + "] read (RENAMEOPEN would replace it)"));
    assertEquals("old", Files.readString(dest.resolve("config")));

    JsonNode renamed = sync(0, "--renameopen");
    assertEquals(1, renamed.get("copied").asInt());
    assertEquals("new", Files.readString(dest.resolve("config")));
    assertEquals("the reader keeps the old file", "old",
        Files.readString(Path.of("/proc/" + reader.pid() + "/fd/3")));
    assertEquals(1, openArea().size());

    reader.destroyForcibly();
    reader.waitFor();
    Files.writeString(src.resolve("other"), "x");
    sync(0);
    assertTrue("closed renamed files are deleted at the next sync", openArea().isEmpty());
    assertTrue(Trees.scratchIsEmpty(dest));
  }

  @Test
  public void aDestinationFileOpenForWritingIsNeverReplaced() throws Exception {
    Files.writeString(src.resolve("journal"), "new");
    Files.createDirectories(dest);
    Files.writeString(dest.resolve("journal"), "old");
    age(dest.resolve("journal"), 3600);
    hold("3>>" + q(dest.resolve("journal")), "exec sleep 120");

    JsonNode result = sync(1, "--renameopen");
    assertEquals(0, result.get("copied").asInt());
    assertTrue(result.get("stderr").asText(), result.get("stderr").asText().contains(
        "journal: not replaced: open for writing by"));
    assertEquals("old", Files.readString(dest.resolve("journal")));
    assertTrue(openArea().isEmpty());
  }

  @Test
  public void aRunningProgramIsReplacedWithRenameOpenAndKeepsRunning() throws Exception {
    Files.createDirectories(dest);
    Path installed = dest.resolve("daemon");
    Files.copy(Path.of("/bin/sleep"), installed);
    Files.setPosixFilePermissions(installed, PosixFilePermissions.fromString("rwxr-xr-x"));
    age(installed, 3600);
    Files.writeString(src.resolve("daemon"), "#!/bin/sh\necho new release\n");
    Files.setPosixFilePermissions(src.resolve("daemon"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Process running = new ProcessBuilder(installed.toString(), "120").start();
    holders.add(running);
    for (int i = 0; i < 100 && !Files.isSameFile(Path.of("/proc/" + running.pid() + "/exe"), installed); i++) {
      Thread.sleep(50);
    }

    JsonNode refused = sync(1);
    assertTrue(refused.get("stderr").asText(), refused.get("stderr").asText().contains("] execute"));

    sync(0, "--renameopen");
    assertTrue(Files.readString(installed).contains("new release"));
    assertTrue("the old program still runs", running.isAlive());
    List<Path> kept = openArea();
    assertEquals(1, kept.size());
    assertTrue(Files.isSameFile(kept.get(0), Path.of("/proc/" + running.pid() + "/exe")));
  }

  private List<Path> openArea() throws Exception {
    Path area = dest.resolve(".setsync/open");
    if (!Files.isDirectory(area)) return List.of();
    try (Stream<Path> s = Files.list(area)) {
      return s.toList();
    }
  }
}
