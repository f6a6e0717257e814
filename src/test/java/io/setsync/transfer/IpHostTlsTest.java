package io.setsync.transfer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.fail;

import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * TLS between nodes of two clusters under one CA, as IPHOST uses it, over real sockets: the
 * destination lets in a source of the other cluster only when setsync.iphost.accept names it, and
 * the source takes the destination's certificate only when it names the host connected to (and
 * only for IPHOST: within the cluster, the cluster's name is still required).
 */
public class IpHostTlsTest {

  @ClassRule public static TemporaryFolder tmp = new TemporaryFolder();

  @ClassRule
  public static final TestKitJunitResource testKit = new TestKitJunitResource(ConfigFactory.parseString(
      "akka.loglevel = WARNING").withFallback(ConfigFactory.defaultReference()));

  private static Path certs;

  @BeforeClass
  public static void makeCertificates() throws Exception {
    certs = tmp.newFolder("certs").toPath();
    TestCerts.make(certs, "n1=127.0.0.1", "n2=127.0.0.1");
    // Same CA, another cluster: the backup site's node names 127.0.0.1 only, "elsewhere" names another host.
    TestCerts.makeForCluster(certs, "backup-site", "backup=127.0.0.1", "elsewhere=10.9.9.9");
  }

  private static NodeTls tls(String dir, String acceptedSources) {
    Config accept = ConfigFactory.parseString("setsync.iphost.accept = [" + acceptedSources + "]");
    return new NodeTls(TestCerts.config(certs.resolve(dir), accept));
  }

  private static NodeTlsTest.Echo echo(NodeTls server) throws Exception {
    return NodeTlsTest.echo(testKit.system(), server);
  }

  private static String roundTrip(NodeTls client, int port, boolean outsideCluster) throws Exception {
    return NodeTlsTest.roundTrip(testKit.system(), client, port, outsideCluster);
  }

  private static void assertNoRoundTrip(NodeTls client, int port, boolean outsideCluster) throws Exception {
    try {
      roundTrip(client, port, outsideCluster);
      fail("a round trip that should have been refused");
    } catch (ExecutionException expected) {
      // refused by one side's check
    }
  }

  @Test
  public void anAcceptedSourceOfAnotherClusterGetsInAndIsNamed() throws Exception {
    NodeTlsTest.Echo destination = echo(tls("backup", "{ node = n1, account = backup, roots = [/srv] }"));
    assertEquals("hello", roundTrip(tls("n1", ""), destination.port(), true));
    assertEquals("n1", destination.peer().get(10, TimeUnit.SECONDS).commonName());
  }

  @Test
  public void aSourceNotInTheTableIsRefused() throws Exception {
    NodeTlsTest.Echo destination = echo(tls("backup", "{ node = n1, account = backup, roots = [/srv] }"));
    assertNoRoundTrip(tls("n2", ""), destination.port(), true);
    assertFalse(destination.peer().isDone());
  }

  @Test
  public void anIpHostDestinationMustNameTheHostConnectedTo() throws Exception {
    NodeTlsTest.Echo destination = echo(tls("elsewhere", "{ node = n1, account = backup, roots = [/srv] }"));
    assertNoRoundTrip(tls("n1", ""), destination.port(), true);
  }

  @Test
  public void withinTheClusterANodeOfAnotherClusterIsStillRefused() throws Exception {
    // The backup node names 127.0.0.1, but a cluster session (not IPHOST) needs the cluster's name.
    NodeTlsTest.Echo destination = echo(tls("backup", "{ node = n1, account = backup, roots = [/srv] }"));
    assertNoRoundTrip(tls("n1", ""), destination.port(), false);
  }
}
