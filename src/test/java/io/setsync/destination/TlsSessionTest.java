package io.setsync.destination;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.setsync.node.SetSyncNode;
import io.setsync.sync.SyncStatus;
import io.setsync.transfer.SourceSession;
import io.setsync.transfer.TestCerts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A whole session with TLS on, in one JVM: the node's own source connects to its endpoint with
 * mutual authentication, small files through the session and a large one through the TLS lane.
 */
public class TlsSessionTest {

  @ClassRule public static TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void aSessionAndItsLaneRunOverTls() throws Exception {
    Path certs = tmp.newFolder("certs").toPath();
    TestCerts.make(certs, "n1=127.0.0.1");
    Config config = ConfigFactory.parseMap(Map.of("setsync.home", tmp.newFolder("home").toString(),
            "setsync.tls.dir", certs.resolve("n1").toString()))
        .withFallback(ConfigFactory.parseFile(Path.of(System.getProperty("basedir", "."), "conf/cluster-tls.conf").toFile()))
        .withFallback(ConfigFactory.load())
        .resolve();
    Path src = tmp.newFolder("src").toPath();
    Path dst = tmp.getRoot().toPath().resolve("dst");
    Files.writeString(src.resolve("hello.txt"), "hello from the source\n");
    byte[] big = new byte[3 << 20];
    new java.util.Random(7).nextBytes(big);
    Files.write(src.resolve("big.bin"), big);
    try (SetSyncNode node = SetSyncNode.start(config)) {
      SourceSession.Outcome outcome = ReceiverNode.synchronize(node, src, dst);
      assertNull(outcome.failure());
      assertEquals(SyncStatus.OK, outcome.status());
      assertEquals("the large file took the lane", big.length, outcome.laneBytesSent());
      assertEquals("hello from the source\n", Files.readString(dst.resolve("hello.txt")));
      assertArrayEquals(big, Files.readAllBytes(dst.resolve("big.bin")));
    }
  }
}
