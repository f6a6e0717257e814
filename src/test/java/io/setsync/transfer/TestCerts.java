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
    makeForCluster(dir, null, args);
  }

  /**
   * As {@link #make}, with node certificates that carry {@code cluster} as the cluster's name
   * (SETSYNC_TLS_CLUSTER; null: the default): nodes of another cluster under the same CA.
   */
  public static void makeForCluster(Path dir, String cluster, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(SCRIPT.toString(), dir.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (cluster != null) builder.environment().put("SETSYNC_TLS_CLUSTER", cluster);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new AssertionError("scripts/certs " + args[0] + " failed:\n" + out);
    }
  }

  /** The node configuration with conf/cluster-tls.conf's TLS settings and {@code nodeDir}'s files. */
  public static Config config(Path nodeDir) {
    return config(nodeDir, ConfigFactory.empty());
  }

  /** As above, with {@code overrides} first. */
  public static Config config(Path nodeDir, Config overrides) {
    Path conf = Paths.get(System.getProperty("basedir", ".")).toAbsolutePath().resolve("conf/cluster-tls.conf");
    return overrides.withFallback(ConfigFactory.parseMap(Map.of("setsync.tls.dir", nodeDir.toString())))
        .withFallback(ConfigFactory.parseFile(conf.toFile()))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }
}
