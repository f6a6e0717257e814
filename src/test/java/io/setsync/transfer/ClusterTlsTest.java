package io.setsync.transfer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Artery's engines from {@link ClusterTls}, handshaking in memory with certificates from
 * scripts/certs: who is taken on the cluster port (nodes, the cluster's administrators), who is
 * refused and with what reason (another CA, expired, another cluster, plaintext), and that an
 * administrator's certificate is still refused on the data plane.
 */
public class ClusterTlsTest {

  @ClassRule public static TemporaryFolder tmp = new TemporaryFolder();

  private static Path certs;
  private static Path elsewhere;

  @BeforeClass
  public static void makeCertificates() throws Exception {
    certs = tmp.newFolder("certs").toPath();
    TestCerts.make(certs, "n1=127.0.0.1", "n2=127.0.0.1");
    TestCerts.make(certs, "--admin", "alice");
    TestCerts.make(certs, "--admin", "n2"); // an administrator named like a node is still no node
    TestCerts.make(certs, "--expired", "n3=127.0.0.1");
    TestCerts.make(certs, "--other-ca", "n3=127.0.0.1");
    elsewhere = tmp.newFolder("elsewhere").toPath();
    TestCerts.make(elsewhere, "--admin", "mallory"); // its own CA
  }

  private static NodeTls nodeTls(Path dir) {
    return new NodeTls(TestCerts.config(dir));
  }

  private static ClusterTls provider(String dir) {
    return new ClusterTls(nodeTls(certs.resolve(dir)));
  }

  /** Client {@code from} connects to server {@code to}; the server's engine after the handshake, or the failure. */
  private static SSLEngine handshake(ClusterTls from, ClusterTls to) throws SSLException {
    SSLEngine client = from.createClientSSLEngine("127.0.0.1", 25520);
    SSLEngine server = to.createServerSSLEngine("127.0.0.1", 25520);
    ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
    ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
    client.beginHandshake();
    server.beginHandshake();
    for (int i = 0; i < 100; i++) {
      step(client, toClient, toServer);
      step(server, toServer, toClient);
      if (client.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
          && server.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
          && toServer.position() == 0 && toClient.position() == 0) {
        return server;
      }
    }
    throw new AssertionError("the handshake did not end");
  }

  private static void step(SSLEngine engine, ByteBuffer in, ByteBuffer out) throws SSLException {
    ByteBuffer app = ByteBuffer.allocate(1 << 17);
    in.flip();
    engine.unwrap(in, app);
    in.compact();
    tasks(engine);
    engine.wrap(ByteBuffer.allocate(0), out);
    tasks(engine);
  }

  private static void tasks(SSLEngine engine) {
    for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) task.run();
  }

  private static void assertTaken(String client, String server) throws Exception {
    ClusterTls to = provider(server);
    SSLEngine engine = handshake(provider(client), to);
    assertTrue(client + " → " + server, to.verifyServerSession("127.0.0.1", engine.getSession()).isEmpty());
  }

  @Test
  public void nodesTakeEachOtherAndTheirAdministratorsBothWays() throws Exception {
    assertTaken("n1", "n2");
    assertTaken("n2", "n1");
    assertTaken("admin-alice", "n1"); // the console connects to the node
    assertTaken("n1", "admin-alice"); // and the node to the console (Artery connects both ways)
    assertTaken("admin-n2", "admin-alice"); // two consoles at once are members that heartbeat each other
  }

  @Test
  public void anotherCasExpiredOrNoCertificateIsRefusedSayingWhy() throws Exception {
    assertEquals(List.of(), refusals("n1", "n2"));
    // In memory the other CA's node refuses n1's certificate first (no test client trusting any server here).
    String other = refusals("n3-other-ca", "n1").get(0);
    assertTrue(other, other.startsWith("the certificate CN=n1 (DNS n1, setsync-cluster; IP 127.0.0.1): "));
    assertTrue(other, other.contains(": does not chain to this node's CA ("));
    String expired = refusals("n3-expired", "n1").get(0);
    assertTrue(expired, expired.startsWith("the certificate CN=n3 (DNS n3, setsync-cluster; IP 127.0.0.1): expired (NotAfter: "));
    ClusterTls mallory = new ClusterTls(nodeTls(elsewhere.resolve("admin-mallory")));
    try {
      handshake(mallory, provider("n1"));
      fail("an administrator of another CA was taken");
    } catch (SSLException expected) {
      assertTrue(ClusterTls.Watched.reason(expected), ClusterTls.Watched.reason(expected).contains("does not chain to this node's CA"));
    }
  }

  /** What the server's engine told about a refused handshake (its trust manager's text). */
  private static List<String> refusals(String client, String server) throws Exception {
    List<String> told = new ArrayList<>();
    try {
      handshake(provider(client), provider(server));
    } catch (SSLException e) {
      told.add(ClusterTls.Watched.reason(e));
    }
    return told;
  }

  @Test
  public void aPlaintextPeerIsToldApart() throws Exception {
    List<String> told = new ArrayList<>();
    SSLEngine server = new ClusterTls.Watched(provider("n1").createServerSSLEngine("127.0.0.1", 1), told::add);
    server.beginHandshake();
    try {
      server.unwrap(ByteBuffer.wrap("SYNCHRONIZE / TO n2:/x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)),
          ByteBuffer.allocate(1 << 17));
      fail("plaintext was unwrapped");
    } catch (SSLException expected) {
      // told below
    }
    assertEquals(1, told.size());
    assertTrue(told.get(0), told.get(0).contains("plaintext"));
  }

  @Test
  public void anAdministratorCertificateIsNoNodeOnTheDataPlane() throws Exception {
    for (String admin : List.of("admin-alice", "admin-n2")) {
      SSLEngine server = handshake(provider(admin), provider("n2"));
      try {
        nodeTls(certs.resolve("n2")).verify(server.getSession(), null);
        fail(admin + " was taken for a node on the data plane");
      } catch (SSLPeerUnverifiedException expected) {
        assertTrue(expected.getMessage(), expected.getMessage().contains("is an administrator's, not a node certificate"));
      }
    }
  }

  @Test
  public void theStageLinesNameThePeer() {
    assertEquals(Optional.of("127.0.0.1:52470"), ClusterTls.InboundRefusals.address(
        "Closing connection from 127.0.0.1:52470 because downstream cancelled stream without failure"));
    assertEquals(Optional.of("10.0.0.7:40000"), ClusterTls.InboundRefusals.address(
        "Aborting tcp connection to /10.0.0.7:40000 because of upstream failure: javax.net.ssl.SSLException: x"));
    assertEquals(Optional.of("[::1]:5"), ClusterTls.InboundRefusals.address(
        "Aborting connection from [::1]:5 because of downstream failure: x"));
    assertEquals(Optional.empty(), ClusterTls.InboundRefusals.address("Unbinding from 0.0.0.0:25520 because downstream cancelled"));
  }

  @Test
  public void aRotatedCertificateIsPresentedOnceNodeTlsHasReadItAgain() throws Exception {
    Path dir = tmp.newFolder("rotating").toPath();
    TestCerts.make(dir, "r1=127.0.0.1", "r2=127.0.0.1");
    com.typesafe.config.Config quick = com.typesafe.config.ConfigFactory.parseString(
        "akka.remote.artery.ssl.rotating-keys-engine.ssl-context-cache-ttl = 300ms");
    ClusterTls server = new ClusterTls(new NodeTls(quick.withFallback(TestCerts.config(dir.resolve("r1")))));
    ClusterTls client = new ClusterTls(new NodeTls(quick.withFallback(TestCerts.config(dir.resolve("r2")))));
    java.security.cert.Certificate before = handshake(client, server).getSession().getLocalCertificates()[0];
    TestCerts.make(dir, "r1=127.0.0.1"); // a new key and certificate for r1, renamed into place
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      SSLEngine engine = handshake(client, server);
      assertTrue(server.verifyServerSession("127.0.0.1", engine.getSession()).isEmpty());
      if (!engine.getSession().getLocalCertificates()[0].equals(before)) return;
      Thread.sleep(100); // the cache's time is 300 ms
    }
    fail("the rotated certificate was not presented");
  }

  @Test
  public void eachRefusalTakesTheNextClosedConnectionsAddressOrNoneOnceItHasWaited() {
    long s = 1_000_000_000L;
    ClusterTls.Pairing pairing = new ClusterTls.Pairing("10.0.0.2:25520", java.time.Duration.ofSeconds(5));
    String closed = "Closing connection from 10.0.0.9:%d because downstream cancelled stream without failure";
    assertEquals("no refusal waits: a member's connection says nothing", List.of(),
        pairing.closed(String.format(closed, 1), 0));
    pairing.refused(new ClusterTls.InboundRefusals.Refused("first", 1 * s));
    pairing.refused(new ClusterTls.InboundRefusals.Refused("second", 2 * s));
    assertEquals(List.of("cluster port 10.0.0.2:25520: refused a connection from 10.0.0.9:40001: TLS: first"),
        pairing.closed(String.format(closed, 40001), 2 * s));
    assertEquals(List.of(), pairing.closed("Unbinding from 0.0.0.0:25520 because downstream cancelled stream", 3 * s));
    assertEquals(List.of(), pairing.expired(6 * s));
    // "second" has waited 5 s when the next line comes: logged without an address, not paired with it
    assertEquals(List.of("cluster port 10.0.0.2:25520: refused a connection (Akka named no peer address within 5 s): TLS: second"),
        pairing.closed(String.format(closed, 40002), 7 * s));
    assertEquals(List.of(), pairing.expired(100 * s));
  }

  // ---------------------------------------------------------------- the rule, on names alone

  private static final PeerIdentity N1 = new PeerIdentity("n1", Set.of("n1", "setsync-cluster"), Set.of("10.0.0.1"));
  private static final PeerIdentity N2 = new PeerIdentity("n2", Set.of("n2", "setsync-cluster"), Set.of("10.0.0.2"));
  private static final PeerIdentity OTHER = new PeerIdentity("x1", Set.of("x1", "other-cluster"), Set.of());
  private static final PeerIdentity ALICE = new PeerIdentity("alice", Set.of(), Set.of(), Set.of("setsync-admin:setsync-cluster"));
  private static final PeerIdentity EVE = new PeerIdentity("n1", Set.of(), Set.of(), Set.of("setsync-admin:other-cluster"));

  @Test
  public void theClusterPortRule() {
    assertEquals(Optional.empty(), N2.clusterPortRefusal(N1));
    assertEquals(Optional.empty(), ALICE.clusterPortRefusal(N1));
    assertEquals(Optional.empty(), N1.clusterPortRefusal(ALICE));
    assertTrue(OTHER.clusterPortRefusal(N1).orElseThrow().contains("not a node certificate of this cluster"));
    assertTrue(OTHER.clusterPortRefusal(ALICE).isPresent());
    // named like n1, but an administrator of another cluster: neither a node nor ours
    assertTrue(EVE.clusterPortRefusal(N1).orElseThrow().contains("is for cluster other-cluster"));
    assertTrue(EVE.isAdministrator());
    assertFalse(N1.isAdministrator());
    assertTrue(ALICE.administers(N1));
    assertFalse(EVE.administers(N1));
  }
}
