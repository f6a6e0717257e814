package io.setsync.destination;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.typesafe.config.ConfigFactory;
import io.setsync.transfer.Frame;
import io.setsync.transfer.TestCerts;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLSocket;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * {@link HostileInputTest}'s attacks against a node with TLS on (conf/cluster-tls.conf, certificates
 * from scripts/certs), each sent inside an authenticated TLS connection: the client holds a valid
 * node certificate, as an attacker with a stolen or a compromised node's certificate would. Then the
 * attacks only TLS has: a plaintext client, a client with no certificate, with another CA's, with
 * the cluster CA's but not a node's (an administrator's), a ClientHello and then silence, garbage
 * records after the handshake. The same post-conditions hold after each (the inherited
 * {@code nodeIsAsBefore}: a normal sync works, over TLS; nothing written; descriptors and threads
 * back to the baseline).
 */
public class HostileTlsInputTest extends HostileInputTest {

  private static final Path BASE = Paths.get(System.getProperty("basedir", ".")).toAbsolutePath();

  /** A node's certificate of this cluster, held by the attacker. */
  private static SSLContext stolen;
  private static SSLContext otherCa;
  private static SSLContext admin;
  private static SSLContext noCertificate;
  private final Random random = new Random(15);

  /** Shadows {@link HostileInputTest#startNode()}: JUnit runs this one instead. */
  @BeforeClass
  public static void startNode() throws Exception {
    Path dir = TMP.getRoot().toPath().toRealPath();
    Path certs = Files.createDirectories(dir.resolve("certs"));
    // The endpoint listens on 127.0.0.1: the source's own check wants a certificate naming it.
    TestCerts.make(certs, "n1=127.0.0.1");
    TestCerts.make(certs, "--other-ca", "n2=127.0.0.1");
    TestCerts.make(certs, "--admin", "mallory");
    stolen = io.setsync.transfer.TestCerts.anyServer(certs.resolve("n1"));
    otherCa = io.setsync.transfer.TestCerts.anyServer(certs.resolve("n2-other-ca"));
    admin = io.setsync.transfer.TestCerts.anyServer(certs.resolve("admin-mallory"));
    noCertificate = io.setsync.transfer.TestCerts.anyServer(null);
    startNode(tls(stolen), ConfigFactory.parseMap(Map.of("setsync.tls.dir", certs.resolve("n1").toString()))
        .withFallback(ConfigFactory.parseFile(BASE.resolve("conf/cluster-tls.conf").toFile())), dir);
    assertTrue("the node's data plane has TLS on", io.setsync.transfer.NodeTls.get(node.system()).enabled());
  }

  /** TLS 1.2 (the node's only protocol) with the certificate of {@code context}; handshaken. */
  private static Transport tls(SSLContext context) {
    return new Transport() {
      @Override
      public Socket connect(InetSocketAddress at) throws IOException {
        Socket plain = PLAIN.connect(at);
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, at.getHostString(), at.getPort(), true);
        s.setEnabledProtocols(new String[] {"TLSv1.2"});
        s.startHandshake();
        return s;
      }

      /**
       * SSLSocket has no half-close (in TLS 1.2 shutdownOutput is unsupported), so the attacker
       * goes silent instead: the node must end the connection by itself, at its handshake deadline.
       */
      @Override
      public void endOutputAndDrain(Socket s) throws IOException {
        drain(s);
      }
    };
  }

  // ---- what only TLS has

  /** The plaintext protocol, a whole Hello, to a TLS endpoint: not a TLS record, refused. */
  @Test
  public void aPlaintextClientIsRefused() throws Exception {
    try (Socket s = PLAIN.connect(node.endpoint())) {
      writeQuietly(s, framed(new Frame.Hello(Frame.PROTOCOL_VERSION, victim.toString(), "", "plaintext", "x")));
      drain(s);
    }
  }

  @Test
  public void aClientWithoutACertificateIsRefused() throws Exception {
    assertRefused(noCertificate, "no certificate");
  }

  @Test
  public void aClientWithAnotherCasCertificateIsRefused() throws Exception {
    assertRefused(otherCa, "another CA's certificate");
  }

  /** The cluster's CA signed it, but it is no node's (no cluster name): the node's own check refuses it. */
  @Test
  public void aClientWithAnAdministratorsCertificateIsRefused() throws Exception {
    assertRefused(admin, "an administrator's certificate");
  }

  /**
   * A real ClientHello, then nothing: the node must not wait for the rest for ever. Before the
   * endpoint aborted a connection whose handshake was not done by the handshake timeout, such a
   * connection stayed open (seen for more than 90 s on 2026-12-02) after its receiver had refused
   * it and stopped, so the per-peer limit no longer counted it.
   */
  @Test
  public void aClientHelloThenSilenceEndsAtADeadline() throws Exception {
    try (Socket s = PLAIN.connect(node.endpoint())) {
      writeQuietly(s, clientHello(stolen));
      long start = System.nanoTime();
      drain(s); // fails if the node holds it open past the socket's 15 s timeout
      assertTrue("closed within 15 s", System.nanoTime() - start < 15_000_000_000L);
    }
  }

  /**
   * After a complete handshake, bytes that are no valid TLS record on the TCP connection beneath:
   * random noise, and application-data records of the right form whose authentication tag fails;
   * both before a Hello and within an admitted session.
   */
  @Test
  public void garbageRecordsAfterTheHandshake() throws Exception {
    for (boolean wellFormed : new boolean[] {false, true}) {
      // The TLS socket over it is never closed: its close would write a close_notify into what
      // the node has already cut; closing the TCP connection releases everything.
      try (Socket plain = PLAIN.connect(node.endpoint())) {
        handshaken(stolen, plain);
        writeQuietly(plain, garbage(wellFormed));
        drain(plain);
      }
    }
    Path victim = admittedRoot();
    for (boolean wellFormed : new boolean[] {false, true}) {
      try (Socket plain = PLAIN.connect(node.endpoint())) {
        new RawSource(handshaken(stolen, plain), node).open(victim.toString(), "");
        writeQuietly(plain, garbage(wellFormed));
        drain(plain);
      }
      ReceiverNode.awaitSessionsOver(node, victim);
    }
    assertOnlyEmptyScratch(victim);
    deleteTree(victim);
  }

  /** The crowd's connections never start their handshake: each is closed at the handshake deadline. */
  @Test
  @Override
  public void aCrowdOfIdleConnectionsIsBoundedAndReleased() throws Exception {
    super.aCrowdOfIdleConnectionsIsBoundedAndReleased();
  }

  // ---- helpers

  /** The handshake fails, or the node closes the connection before anything of its own comes. */
  private void assertRefused(SSLContext context, String what) throws Exception {
    try (Socket plain = PLAIN.connect(node.endpoint());
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", node.endpoint().getPort(), false)) {
      s.setEnabledProtocols(new String[] {"TLSv1.2"});
      s.startHandshake();
      // TLS 1.2 finishes the client's side before the server has checked what it sent: the
      // refusal then comes as the connection's end, before any frame.
      writeQuietly(s, framed(new Frame.Hello(Frame.PROTOCOL_VERSION, victim.toString(), "", "refused", "x")));
      InputStream in = s.getInputStream();
      int first = in.read();
      assertTrue(what + ": the node answered instead of refusing (" + first + ")", first < 0);
    } catch (javax.net.ssl.SSLException | java.net.SocketException refused) {
      // refused in the handshake (or reset right after it)
    }
    assertFalse(Files.exists(victim));
  }

  /** A TLS client whose handshake is done over {@code plain}, which stays open on its close. */
  private static SSLSocket handshaken(SSLContext context, Socket plain) throws IOException {
    SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", plain.getPort(), false);
    s.setEnabledProtocols(new String[] {"TLSv1.2"});
    s.startHandshake();
    return s;
  }

  /** Random bytes, or application-data records (type 23, TLS 1.2) with random contents. */
  private byte[] garbage(boolean wellFormed) {
    ByteBuffer out = ByteBuffer.allocate(16 * 1029);
    while (out.remaining() >= 1029) {
      byte[] body = new byte[1024];
      random.nextBytes(body);
      if (wellFormed) out.put((byte) 23).put((byte) 3).put((byte) 3).putShort((short) body.length);
      else out.put(new byte[] {(byte) random.nextInt(), (byte) random.nextInt(), (byte) random.nextInt(), 0x7f, 0x7f});
      out.put(body);
    }
    return java.util.Arrays.copyOf(out.array(), out.position());
  }

  /** The first flight of a TLS 1.2 client: its ClientHello record. */
  private static byte[] clientHello(SSLContext context) throws IOException {
    SSLEngine engine = context.createSSLEngine("127.0.0.1", 0);
    engine.setUseClientMode(true);
    engine.setEnabledProtocols(new String[] {"TLSv1.2"});
    ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    SSLEngineResult result = engine.wrap(ByteBuffer.allocate(0), net);
    if (result.bytesProduced() == 0) fail("no ClientHello produced: " + result);
    net.flip();
    byte[] hello = new byte[net.remaining()];
    net.get(hello);
    return hello;
  }

}
