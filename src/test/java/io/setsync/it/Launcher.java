package io.setsync.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code scripts/setsync} as a user would, in its own process, with its own SETSYNC_HOME. */
final class Launcher {

  static final Path SCRIPT = Paths.get(System.getProperty("basedir", ".")).toAbsolutePath().resolve("scripts/setsync");

  record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  private final Path home;
  private final List<String> prefix;
  private final Path script;

  Launcher(Path home) {
    this(home, List.of());
  }

  /** Runs the script behind {@code prefix}, e.g. {@code runuser -u someone --}. */
  Launcher(Path home, List<String> prefix) {
    this(home, prefix, SCRIPT);
  }

  /** Runs {@code script} (a copy of {@link #SCRIPT} with its build next to it) behind {@code prefix}. */
  Launcher(Path home, List<String> prefix, Path script) {
    this.home = home;
    this.prefix = List.copyOf(prefix);
    this.script = script;
  }

  Result run(String... args) throws IOException, InterruptedException {
    return run(Map.of(), args);
  }

  Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
    Process process = start(env, args);
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("setsync did not finish within 5 minutes: " + List.of(args));
    }
    return new Result(
        process.exitValue(),
        Files.readString(home.resolve("last.out"), StandardCharsets.UTF_8),
        Files.readString(home.resolve("last.err"), StandardCharsets.UTF_8));
  }

  /**
   * {@code scripts/setsync node} with home {@code home}, named itnode, on a free cluster port,
   * once it says it listens (at most 2 minutes); a node that does not get there is killed.
   */
  static Process startNode(Path home) throws IOException, InterruptedException {
    Path out = home.resolve("node.out");
    ProcessBuilder builder = new ProcessBuilder(SCRIPT.toString(), "node")
        .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
        .redirectError(ProcessBuilder.Redirect.appendTo(home.resolve("node.err").toFile()));
    builder.environment().put("SETSYNC_HOME", home.toString());
    builder.environment().put("SETSYNC_NODE_NAME", "itnode");
    builder.environment().put("SETSYNC_JAVA_OPTS", "-Dsetsync.node.port=" + ConsoleIT.freePort());
    return awaitListening(builder.start(), home, "node");
  }

  /**
   * {@code process}, a node writing to {@code home}'s node.out and node.err, once it says it
   * listens (at most 2 minutes); one that does not get there is killed, and the test fails with
   * what it wrote.
   */
  static Process awaitListening(Process process, Path home, String what) throws IOException, InterruptedException {
    Path out = home.resolve("node.out");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (Files.exists(out) && Files.readString(out, StandardCharsets.UTF_8).contains(" listening: ")) return process;
      if (!process.isAlive()) break;
      Thread.sleep(100); // between polls
    }
    process.destroyForcibly();
    throw new AssertionError(what + " did not start:\n" + Files.readString(out) + "\n"
        + Files.readString(home.resolve("node.err")));
  }

  Process start(Map<String, String> env, String... args) throws IOException {
    Files.createDirectories(home);
    List<String> command = new ArrayList<>(prefix);
    command.add(script.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(home.resolve("last.out").toFile())
        .redirectError(home.resolve("last.err").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().put("SETSYNC_HOME", home.toString());
    builder.environment().put("LC_ALL", "C.UTF-8");
    builder.environment().putAll(env);
    return builder.start();
  }
}
