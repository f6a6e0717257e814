package io.setsync.transfer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.actor.typed.ActorSystem;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.Tcp;
import akka.util.ByteString;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The data plane's TLS over real sockets with certificates from scripts/certs: a node's certificate
 * is accepted and identified; another CA's, an expired one and a plaintext peer are refused.
 */
public class NodeTlsTest {

  @ClassRule public static TemporaryFolder tmp = new TemporaryFolder();

  @ClassRule
  public static final TestKitJunitResource testKit = new TestKitJunitResource(ConfigFactory.parseString(
      "akka.loglevel = WARNING").withFallback(ConfigFactory.defaultReference()));

  private static Path certs;

  @BeforeClass
  public static void makeCertificates() throws Exception {
    certs = tmp.newFolder("certs").toPath();
    TestCerts.make(certs, "n1=127.0.0.1", "n2=127.0.0.1,localhost");
    TestCerts.make(certs, "--expired", "n3=127.0.0.1");
    TestCerts.make(certs, "--other-ca", "n3=127.0.0.1");
  }

  private static NodeTls tls(String dir) {
    return new NodeTls(TestCerts.config(certs.resolve(dir)));
  }

  /** An echo server on a free port whose connections go through {@code server}; completes with the client's identity. */
  record Echo(int port, CompletableFuture<PeerIdentity> peer, CompletableFuture<Throwable> failure) {}

  private static Echo echo(NodeTls server) throws Exception {
    return echo(testKit.system(), server);
  }

  /** Also for IpHostTlsTest: the same server, on {@code system}. */
  static Echo echo(ActorSystem<?> system, NodeTls server) throws Exception {
    CompletableFuture<PeerIdentity> peer = new CompletableFuture<>();
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    Tcp.ServerBinding binding = Tcp.get(system).bind("127.0.0.1", 0)
        .to(Sink.foreach(connection -> server.accept(connection.flow(), peer)
            .watchTermination((nu, done) -> {
              done.whenComplete((d, e) -> failure.complete(e));
              return nu;
            })
            .join(Flow.<ByteString>create())
            .run(system)))
        .run(system).toCompletableFuture().get(10, TimeUnit.SECONDS);
    return new Echo(binding.localAddress().getPort(), peer, failure);
  }

  private static String roundTrip(NodeTls client, int port) throws Exception {
    return roundTrip(testKit.system(), client, port, false);
  }

  /** {@code outsideCluster}: as an IPHOST source connects ({@link NodeTls#connect(ActorSystem, String, int, boolean)}). */
  static String roundTrip(ActorSystem<?> system, NodeTls client, int port, boolean outsideCluster) throws Exception {
    return Source.single(ByteString.fromString("hello"))
        .concat(Source.never())
        .via(client.connect(system, "127.0.0.1", port, outsideCluster))
        .runWith(Sink.head(), system)
        .toCompletableFuture().get(10, TimeUnit.SECONDS).utf8String();
  }

  @Test
  public void aNodeCertificateIsAcceptedAndNamed() throws Exception {
    Echo server = echo(tls("n1"));
    assertEquals("hello", roundTrip(tls("n2"), server.port()));
    PeerIdentity peer = server.peer().get(10, TimeUnit.SECONDS);
    assertEquals("n2", peer.commonName());
    assertTrue(peer.names("localhost"));
    assertTrue(peer.names("127.0.0.1"));
  }

  /**
   * The client gets no round trip and the server learns no identity (its handshake failed; the
   * refusal's log line, with the reason and the peer's address, is the Receiver's: TlsIT checks it).
   */
  private static void assertRefused(String clientDir) throws Exception {
    Echo server = echo(tls("n1"));
    try {
      roundTrip(tls(clientDir), server.port());
      fail("a round trip with " + clientDir + "'s certificate");
    } catch (java.util.concurrent.ExecutionException expected) {
      // refused
    }
    server.failure().get(10, TimeUnit.SECONDS); // the server's side of the connection ended
    assertTrue("no identity for a refused peer", !server.peer().isDone());
  }

  @Test
  public void anotherCasCertificateIsRefused() throws Exception {
    assertRefused("n3-other-ca");
  }

  @Test
  public void anExpiredCertificateIsRefused() throws Exception {
    assertRefused("n3-expired");
  }

  /** Certificates replaced on disk are used once the cache's time is up, without a restart. */
  @Test
  public void rotatedCertificatesAreReadAgainAfterTheCacheTime() throws Exception {
    Path dir = tmp.newFolder("rotating").toPath();
    TestCerts.make(dir, "r1=127.0.0.1", "r2=127.0.0.1");
    com.typesafe.config.Config quick = ConfigFactory.parseString(
        "akka.remote.artery.ssl.rotating-keys-engine.ssl-context-cache-ttl = 300ms");
    NodeTls server = new NodeTls(quick.withFallback(TestCerts.config(dir.resolve("r1"))));
    NodeTls client = new NodeTls(quick.withFallback(TestCerts.config(dir.resolve("r2"))));
    Echo echo = echo(server);
    assertEquals("hello", roundTrip(client, echo.port()));
    String before = java.nio.file.Files.readString(dir.resolve("r1/tls.crt"));
    TestCerts.make(dir, "r1=127.0.0.1"); // a new key and certificate for r1, renamed into place
    assertTrue("scripts/certs made a new certificate", !before.equals(java.nio.file.Files.readString(dir.resolve("r1/tls.crt"))));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Echo again = echo(server);
    while (System.nanoTime() < deadline) {
      assertEquals("hello", roundTrip(client, again.port()));
      if (server.own().commonName().equals("r1") && serverServes(server, dir)) return;
      Thread.sleep(100); // the cache's time is 300 ms
    }
    fail("the rotated certificate was not taken up");
  }

  /** Whether the server's context now presents the certificate on disk. */
  private static boolean serverServes(NodeTls server, Path dir) throws Exception {
    java.security.cert.X509Certificate onDisk = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
        .getInstance("X.509").generateCertificate(java.nio.file.Files.newInputStream(dir.resolve("r1/tls.crt")));
    return server.ownCertificate().equals(onDisk);
  }
}
