package io.setsync.console;

import static org.junit.Assert.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.junit.Test;

/** The remote console's TLS settings are conf/cluster-tls.conf's, which it cannot read from its jar. */
public class ConsoleClientTlsTest {

  @Test
  public void theConsolesTlsIsTheNodes() {
    Path dir = Paths.get("/etc/setsync/tls/admin-alice");
    Path conf = Paths.get(System.getProperty("basedir", ".")).toAbsolutePath().resolve("conf/cluster-tls.conf");
    Config node = ConfigFactory.parseMap(Map.of("setsync.tls.dir", dir.toString()))
        .withFallback(ConfigFactory.parseFile(conf.toFile())).resolve();
    Config console = ConsoleClient.tlsSettings(dir);
    for (String path : new String[] {"setsync.tls.enabled", "akka.remote.artery.transport", "akka.remote.artery.ssl.ssl-engine-provider",
        "akka.remote.artery.ssl.rotating-keys-engine.key-file", "akka.remote.artery.ssl.rotating-keys-engine.cert-file",
        "akka.remote.artery.ssl.rotating-keys-engine.ca-cert-file", "akka.remote.artery.ssl.rotating-keys-engine.protocol",
        "akka.remote.artery.ssl.rotating-keys-engine.enabled-algorithms"}) {
      assertEquals(path, node.getValue(path).unwrapped(), console.getValue(path).unwrapped());
    }
  }
}
