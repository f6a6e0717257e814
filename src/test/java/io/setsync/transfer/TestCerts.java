package io.setsync.transfer;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Certificates made by scripts/certs for tests, and the configuration that uses one of them. */
public final class TestCerts {

  private TestCerts() {}

  static final Path SCRIPT = Paths.get(System.getProperty("basedir", ".")).toAbsolutePath().resolve("scripts/certs");

  /** Runs {@code scripts/certs dir args...}; fails the test when it fails. */
  public static void make(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(SCRIPT.toString(), dir.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new AssertionError("scripts/certs " + args[0] + " failed:\n" + out);
    }
  }

  /** The node configuration with conf/cluster-tls.conf's TLS settings and {@code nodeDir}'s files. */
  public static Config config(Path nodeDir) {
    Path conf = Paths.get(System.getProperty("basedir", ".")).toAbsolutePath().resolve("conf/cluster-tls.conf");
    return ConfigFactory.parseMap(Map.of("setsync.tls.dir", nodeDir.toString()))
        .withFallback(ConfigFactory.parseFile(conf.toFile()))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }
}
