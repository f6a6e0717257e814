package io.setsync.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.setsync.node.SetSyncNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The second node of the bench, for the TLS variants: started in the same JVM as the plaintext
 * one, with conf/cluster-tls.conf (setsync.tls.enabled = on, the rotating-keys-engine files) and a
 * node certificate that scripts/certs makes into {@code work}. Its syncs go to its own endpoint as
 * the plaintext node's do, so the only difference between the two runs is TLS with mutual
 * authentication on the session and on the content lane.
 */
final class TlsNode {

  private TlsNode() {}

  /**
   * {@code project}: the checkout (scripts/certs, conf/cluster-tls.conf). The certificate names
   * 127.0.0.1, the endpoint's address: the source checks that the destination's certificate names
   * the host it connects to (setsync.tls.verify-endpoint-host).
   */
  static SetSyncNode start(Path project, Path work) throws Exception {
    Path certs = Files.createDirectories(work.resolve("certs"));
    certs(project, certs, "bench=127.0.0.1");
    Config config = ConfigFactory.parseMap(Map.of(
            "setsync.home", work.resolve("home").toString(),
            "setsync.node.name", "bench-tls",
            "setsync.tls.dir", certs.resolve("bench").toString(),
            "akka.loglevel", "WARNING"))
        .withFallback(ConfigFactory.parseFile(project.resolve("conf/cluster-tls.conf").toFile()))
        .withFallback(ConfigFactory.load())
        .resolve();
    if (!config.getBoolean("setsync.tls.enabled")) throw new IllegalStateException("conf/cluster-tls.conf left TLS off");
    SetSyncNode node = SetSyncNode.start(config);
    // The figures are worth nothing if this node's data plane were plaintext after all.
    if (!io.setsync.transfer.NodeTls.get(node.system()).enabled()) {
      node.close();
      throw new IllegalStateException("the TLS node's data plane has TLS off");
    }
    return node;
  }

  private static void certs(Path project, Path dir, String node) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(project.resolve("scripts/certs").toString(), dir.toString(), node)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) throw new IOException("scripts/certs failed: " + out);
  }
}
