package io.setsync.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Node processes with TLS for the end-to-end tests: their certificates, their start, their logs. */
final class TlsNodes {

  private TlsNodes() {}

  static final Path BASE = Paths.get(System.getProperty("basedir", ".")).toAbsolutePath();

  /** Runs {@code scripts/certs DIR ARGS...} with {@code env} added (SETSYNC_TLS_CLUSTER, say). */
  static void certs(Map<String, String> env, Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(BASE.resolve("scripts/certs").toString(), dir.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(out, p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(out, 0, p.exitValue());
  }

  /**
   * {@code scripts/setsync node --config CONFIG} as node {@code name} on {@code host}, with the
   * TLS files of {@code tlsDir}, once it says it listens (at most 2 minutes).
   *
   * @param seed the seed node's HOST:PORT, null for a cluster of its own
   * @param moreOptions more -D options for its JVM, "" for none
   */
  static Process start(Path home, String name, Path config, Path tlsDir, String host, int port, int endpoint, int lane,
      String seed, String moreOptions) throws Exception {
    Path out = home.resolve("node.out");
    ProcessBuilder builder = new ProcessBuilder(Launcher.SCRIPT.toString(), "node", "--config", config.toString())
        .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
        .redirectError(ProcessBuilder.Redirect.appendTo(home.resolve("node.err").toFile()));
    builder.environment().put("SETSYNC_HOME", home.toString());
    builder.environment().put("SETSYNC_NODE_NAME", name);
    builder.environment().put("SETSYNC_TLS_DIR", tlsDir.toString());
    builder.environment().put("SETSYNC_JAVA_OPTS", "-Dsetsync.node.host=" + host + " -Dsetsync.node.port=" + port
        + " -Dsetsync.endpoint.host=" + host + " -Dsetsync.endpoint.port=" + endpoint
        + " -Dsetsync.endpoint.lane-port=" + lane + " " + MessageChecks.JAVA_OPTS
        + (seed == null ? "" : " -Dsetsync.node.seed-nodes.0=" + seed) + " " + moreOptions);
    return Launcher.awaitListening(builder.start(), home, "node " + name);
  }

  static String log(Path home) throws IOException {
    Path log = home.resolve("logs/setsync.log");
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  /** The first line of the node's log containing {@code text} (and each of {@code more}), waited for at most 60 s. */
  static String awaitLog(Path home, String text, String... more) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      for (String line : log(home).split("\n")) {
        if (line.contains(text) && java.util.Arrays.stream(more).allMatch(line::contains)) return line;
      }
      Thread.sleep(100); // between polls
    }
    throw new AssertionError("no line with \"" + text + "\" in " + home + "'s log:\n" + log(home));
  }
}
