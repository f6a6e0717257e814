package io.setsync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The cli-noop scenario: {@code scripts/setsync sync} as a whole process, a no-op on a 100-file
 * tree, timed against a bare {@code java} hello-world start and {@code rsync -a} on the same tree,
 * alternating, so the three see the same machine. What a user at a shell waits for: the JVM,
 * class loading, the embedded node's start, the sync and the shutdown.
 */
final class CliStart {

  /** setsync's median may be at most this many hello-world starts. */
  static final double TARGET_TIMES_HELLO = 8.0;

  static final int FILES = 100;

  record Result(Samples setsync, Samples hello, Samples rsync) {
    double timesHello() {
      return setsync.median() / hello.median();
    }

    double timesRsync() {
      return setsync.median() / rsync.median();
    }

    boolean met() {
      return timesHello() <= TARGET_TIMES_HELLO;
    }
  }

  private CliStart() {}

  /** Measures in {@code base} (a directory of its own) for {@code rounds} rounds after one untimed one. */
  static Result measure(Path base, Path launcher, DataSets data, int rounds) throws IOException, InterruptedException {
    Path src = base.resolve("src");
    data.createSmall(src, FILES, 10);
    Path hello = base.resolve("hello");
    Files.createDirectories(hello);
    Files.writeString(hello.resolve("Hello.java"),
        "public class Hello { public static void main(String[] a) { System.out.println(\"hello\"); } }\n");
    run(List.of("javac", "-d", hello.toString(), hello.resolve("Hello.java").toString()));
    List<String> setsync = List.of(launcher.toString(), "sync", src.toString(), base.resolve("setsync-dst").toString());
    List<String> java = List.of("java", "-cp", hello.toString(), "Hello");
    List<String> rsync = List.of("rsync", "-a", src + "/", base.resolve("rsync-dst") + "/");
    Result result = new Result(new Samples(), new Samples(), new Samples());
    // The untimed first round copies the tree, and makes the launcher's class-data archive if due.
    for (int round = 0; round <= rounds; round++) {
      double s = run(setsync);
      double h = run(java);
      double r = run(rsync);
      if (round == 0) continue;
      result.setsync().add(s);
      result.hello().add(h);
      result.rsync().add(r);
    }
    return result;
  }

  private static double run(List<String> command) throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) throw new IOException(String.join(" ", command) + " failed: " + out);
    return (System.nanoTime() - start) / 1e9;
  }
}
