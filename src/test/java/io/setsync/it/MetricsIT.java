package io.setsync.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.FileOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A real node's /metrics after real syncs, parsed: what a SYNCHRONIZE and a file set did (files,
 * bytes, purges, a file skipped because it was open for writing, warnings, statuses, durations),
 * the scheduler it runs, the rename journal's writes, the file set's last success, the JVM's own;
 * no path or user name in it. /alive and /ready answer.
 */
public class MetricsIT {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private Process node;

  @After
  public void stopNode() throws Exception {
    if (node != null) {
      node.destroyForcibly();
      node.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  public void metricsCountWhatRealSyncsDid() throws Exception {
    Path home = tmp.newFolder("home").toPath();
    node = Launcher.startNode(home);
    Matcher http = Pattern.compile(", http ([0-9.]+:[0-9]+)").matcher(Files.readString(home.resolve("node.out")));
    assertTrue("the start line names the http address", http.find());
    String base = "http://" + http.group(1);
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    assertEquals("alive\n", get(client, base + "/alive", 200));
    awaitReady(client, base);

    Path src = tmp.newFolder("secret-source-name").toPath();
    Path dst = tmp.getRoot().toPath().resolve("dst");
    Files.writeString(src.resolve("a.txt"), "alpha");
    Files.writeString(src.resolve("b.txt"), "bravo!");
    Files.createDirectories(dst);
    Files.writeString(dst.resolve("old.txt"), "only at the destination");
    Launcher console = new Launcher(home);
    assertOk(console.run("console", "ADD SYNCUSER metricsuser, ACCOUNT " + System.getProperty("user.name")));
    try (FileOutputStream open = new FileOutputStream(src.resolve("open.log").toFile())) {
      open.write("being written".getBytes(StandardCharsets.UTF_8));
      Launcher.Result sync = console.run("console", "SYNCHRONIZE " + src + " TO " + dst + ", PURGE");
      assertEquals(sync.toString(), 1, sync.exitCode()); // the open file: warnings
      // The file set's first run meets the open file too: completed, but not every file synchronized.
      assertOk(console.run("console", "ADD SYNCFILESET " + src + " TO " + tmp.getRoot().toPath().resolve("dst2")
          + ", USER metricsuser, INTERVAL 1 HOURS"));
      awaitMetric(client, base, "setsync_syncs_ended_total{fileset=\"1\",status=\"warnings\"}");
    }
    Map<String, Double> m = parse(get(client, base + "/metrics", 200));

    // The SYNCHRONIZE: one with warnings; two files copied (11 bytes), one purged, the open one skipped.
    assertEquals(1.0, m.get("setsync_syncs_ended_total{fileset=\"none\",status=\"warnings\"}"), 0);
    assertEquals(2.0, m.get("setsync_files_copied_total{fileset=\"none\"}"), 0);
    assertEquals(11.0, m.get("setsync_bytes_copied_total{fileset=\"none\"}"), 0);
    assertEquals(1.0, m.get("setsync_files_purged_total{fileset=\"none\"}"), 0);
    assertEquals(1.0, m.get("setsync_files_skipped_open_total{fileset=\"none\"}"), 0);
    assertEquals(1.0, m.get("setsync_sync_warnings_total{fileset=\"none\"}"), 0);
    // The file set: its first run copied two files and left the open one out.
    assertEquals(1.0, m.get("setsync_syncs_started_total{fileset=\"1\"}"), 0);
    assertEquals(2.0, m.get("setsync_files_copied_total{fileset=\"1\"}"), 0);
    assertEquals(1.0, m.get("setsync_files_skipped_open_total{fileset=\"1\"}"), 0);
    assertEquals(1.0, m.get("setsync_sync_duration_seconds_count{fileset=\"1\"}"), 0);
    double last = m.get("setsync_last_success_timestamp_seconds{fileset=\"1\"}");
    assertTrue("last success " + last, Math.abs(last - System.currentTimeMillis() / 1000.0) < 600);
    assertEquals(1.0, m.get("setsync_schedulers_running"), 0);
    assertEquals(0.0, m.get("setsync_destinations_waiting"), 0);
    assertTrue("the rename journal wrote batches", m.get("setsync_journal_write_seconds_count") >= 2);
    assertTrue("the JVM's own", m.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes")));

    String text = get(client, base + "/metrics", 200);
    assertFalse("no path", text.contains("secret-source-name") || text.contains(tmp.getRoot().toString()));
    assertFalse("no user name", text.contains("metricsuser"));
    assertEquals("ready\n", get(client, base + "/ready", 200));

    // The events, one JSON object per line: the node's and the monitor's start, who changed what,
    // the run that left a file out.
    java.util.List<com.fasterxml.jackson.databind.JsonNode> events = new java.util.ArrayList<>();
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String line : Files.readAllLines(home.resolve("logs/events.jsonl"))) events.add(json.readTree(line));
    java.util.function.Predicate<String> has = type -> events.stream().anyMatch(e -> e.get("type").asText().equals(type));
    assertTrue(events.toString(), has.test("node-started") && has.test("monitor-started"));
    assertTrue(events.toString(), events.stream().anyMatch(e -> e.get("type").asText().equals("config")
        && e.get("text").asText().startsWith("ADD SYNCUSER metricsuser by ")));
    assertTrue(events.toString(), events.stream().anyMatch(e -> e.get("type").asText().equals("sync-incomplete")
        && e.get("fileSet").asLong() == 1 && e.get("code").asInt() == 1 && e.get("node").asText().equals("itnode")));
  }

  private static String get(HttpClient client, String url, int status) throws Exception {
    HttpResponse<String> response = client.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(url + ": " + response.body(), status, response.statusCode());
    return response.body();
  }

  /** /ready once the monitor has started, at most 60 s. */
  private static void awaitReady(HttpClient client, String base) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String last = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/ready")).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) return;
      last = r.statusCode() + " " + r.body();
      Thread.sleep(200); // between asks
    }
    throw new AssertionError("not ready within 60 s: " + last);
  }

  /** The metrics once {@code name} has appeared, at most 60 s. */
  private static Map<String, Double> awaitMetric(HttpClient client, String base, String name) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Map<String, Double> m = Map.of();
    while (System.nanoTime() < deadline) {
      m = parse(get(client, base + "/metrics", 200));
      if (m.containsKey(name)) return m;
      Thread.sleep(200); // between scrapes
    }
    throw new AssertionError("no " + name + " within 60 s: " + m);
  }

  /** The text format's samples: "name{labels}" to value; comments and blank lines left out. */
  static Map<String, Double> parse(String text) {
    Map<String, Double> samples = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return samples;
  }

  private static void assertOk(Launcher.Result result) {
    assertEquals(result.toString(), 0, result.exitCode());
  }
}
