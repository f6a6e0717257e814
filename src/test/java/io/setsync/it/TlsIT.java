package io.setsync.it;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Two node processes under conf/cluster-tls.conf with certificates from scripts/certs: they form
 * a cluster over Artery's tls-tcp and synchronize from one to the other over the TLS data plane
 * (a large file on the TLS content lane). A plaintext peer, a certificate from another CA and an
 * expired one are refused on the cluster port, the data endpoint and the content lane, each
 * refusal logged with the peer's address, and nothing is written. Three nodes do the same with an
 * administrator's remote console among them. Without TLS, a
 * node on a wildcard address refuses to start unless allow-plaintext is on, and then warns.
 * Ports 28001–28099 only.
 */
public class TlsIT {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final Path BASE = Paths.get(System.getProperty("basedir", ".")).toAbsolutePath();

  private final List<Process> nodes = new ArrayList<>();
  private final List<Path> homes = new ArrayList<>();

  @After
  public void killNodes() throws Exception {
    nodes.forEach(Process::destroyForcibly);
    for (Process p : nodes) p.waitFor(30, TimeUnit.SECONDS);
    for (Path home : homes) MessageChecks.assertAllSerializable(home);
  }

  @Test
  public void twoNodesSyncOverTlsAndRefuseStrangersOnEveryPort() throws Exception {
    Path certs = tmp.newFolder("certs").toPath();
    certs("n1=127.0.0.2", certs);
    certs("n2=127.0.0.3", certs);
    certs("--expired", certs, "n3=127.0.0.4");
    certs("--other-ca", certs, "n3=127.0.0.4");

    Path home1 = tmp.newFolder("home1").toPath();
    Path home2 = tmp.newFolder("home2").toPath();
    startNode(home1, "n1", certs.resolve("n1"), "127.0.0.2", 28021, 28022, 28023, null);
    startNode(home2, "n2", certs.resolve("n2"), "127.0.0.3", 28031, 28032, 28033, "127.0.0.2:28021");
    awaitLog(home1, "node n2 is here");
    assertTrue(log(home2).contains("data endpoint listening on /127.0.0.3:28032 (TLS, mutual authentication, as n2)"));

    Path src = tmp.newFolder("src").toPath();
    Path dst = tmp.getRoot().toPath().resolve("dst-on-n2");
    Files.writeString(src.resolve("a.txt"), "alpha");
    byte[] big = new byte[3 << 20];
    new java.util.Random(11).nextBytes(big);
    Files.write(src.resolve("big.bin"), big);
    Launcher console = new Launcher(home1);
    assertOk(console.run("console", "ADD SYNCUSER tester, ACCOUNT " + System.getProperty("user.name")));
    Launcher.Result sync = console.run("console", "SYNCHRONIZE " + src + " TO n2:" + dst);
    assertOk(sync);
    assertTrue(sync.toString(), sync.stdout().contains("copied 2"));
    assertArrayEquals(big, Files.readAllBytes(dst.resolve("big.bin")));
    assertEquals("alpha", Files.readString(dst.resolve("a.txt")));
    List<String> before = listing(dst);

    // The data endpoint and the content lane: each refusal is one line naming the peer's address.
    for (int port : new int[] {28032, 28033}) {
      String line = awaitLog(home2, refusal(port, plaintextPeer("127.0.0.3", port)));
      assertTrue(line, line.contains("nrecognized SSL message"));
      line = awaitLog(home2, refusal(port, tlsPeer("127.0.0.3", port, certs.resolve("n3-other-ca"))));
      assertTrue(line, line.contains("unable to find valid certification path"));
      line = awaitLog(home2, refusal(port, tlsPeer("127.0.0.3", port, certs.resolve("n3-expired"))));
      assertTrue(line, line.contains("validity check failed"));
    }
    // The cluster port (ClusterTls): the same, in its own words; the cluster goes on as before.
    String cluster = "cluster port 127.0.0.3:28031: refused a connection from 127.0.0.1:";
    assertTrue(awaitLog(home2, cluster + plaintextPeer("127.0.0.3", 28031) + ": TLS: ").contains("plaintext"));
    assertTrue(awaitLog(home2, cluster + tlsPeer("127.0.0.3", 28031, certs.resolve("n3-other-ca")) + ": TLS: ")
        .contains("does not chain to this node's CA"));
    assertTrue(awaitLog(home2, cluster + tlsPeer("127.0.0.3", 28031, certs.resolve("n3-expired")) + ": TLS: ")
        .contains("expired (NotAfter: "));

    assertEquals("nothing written by the refused peers", before, listing(dst));
    assertTrue(nodes.stream().allMatch(Process::isAlive));
    Files.writeString(src.resolve("after.txt"), "after the strangers");
    assertOk(console.run("console", "SYNCHRONIZE " + src + " TO n2:" + dst));
    assertEquals("after the strangers", Files.readString(dst.resolve("after.txt")));
    String n2 = log(home2);
    assertTrue(n2, !n2.contains(" ERROR "));
  }

  /**
   * Three nodes, TLS on both planes: files go n1 → n2 → n3; an administrator's remote console runs
   * STATUS and INFO on n1 (named in n1's log); on n2's cluster port a plaintext peer, another CA's
   * node, an expired node, another CA's administrator, a peer without a certificate and a node of
   * another cluster (same CA) are each refused with one WARN line naming its address, and the
   * cluster's membership does not change;
   * n2's data endpoint refuses the administrator's certificate; a console without a certificate,
   * with another CA's or with a node's gets one error line and exit code 2.
   */
  @Test
  public void threeNodesOverTlsWithAnAdministratorsConsoleAndStrangersRefusedOnTheClusterPort() throws Exception {
    Path certs = tmp.newFolder("certs3").toPath();
    certs("n1=127.0.0.2", certs, "n2=127.0.0.3", "n3=127.0.0.4");
    certs("--admin", certs, "alice");
    certs("--expired", certs, "n9=127.0.0.9");
    certs("--other-ca", certs, "n9=127.0.0.9");
    Path elsewhere = tmp.newFolder("elsewhere").toPath();
    certs("--admin", elsewhere, "mallory"); // an administrator's certificate from a CA of its own
    Path otherCluster = tmp.newFolder("other-cluster").toPath();
    Files.copy(certs.resolve("ca/ca.crt"), Files.createDirectories(otherCluster.resolve("ca")).resolve("ca.crt"));
    Files.copy(certs.resolve("ca/ca.key"), otherCluster.resolve("ca/ca.key"));
    certs(Map.of("SETSYNC_TLS_CLUSTER", "other-cluster"), "x1=127.0.0.9", otherCluster); // this CA, another cluster

    Path home1 = tmp.newFolder("t-home1").toPath();
    Path home2 = tmp.newFolder("t-home2").toPath();
    Path home3 = tmp.newFolder("t-home3").toPath();
    startNode(home1, "n1", certs.resolve("n1"), "127.0.0.2", 28051, 28052, 28053, null, "-Dsetsync.console.remote=on");
    startNode(home2, "n2", certs.resolve("n2"), "127.0.0.3", 28061, 28062, 28063, "127.0.0.2:28051");
    startNode(home3, "n3", certs.resolve("n3"), "127.0.0.4", 28071, 28072, 28073, "127.0.0.2:28051");
    awaitLog(home1, "node n2 is here");
    awaitLog(home1, "node n3 is here");

    // n1 → n2, then n2 → n3: each over the TLS data plane of two different pairs of nodes
    Path src = tmp.newFolder("src3").toPath();
    Files.writeString(src.resolve("a.txt"), "alpha");
    byte[] big = new byte[2 << 20];
    new java.util.Random(13).nextBytes(big);
    Files.write(src.resolve("big.bin"), big);
    Path onN2 = tmp.getRoot().toPath().resolve("on-n2");
    Path onN3 = tmp.getRoot().toPath().resolve("on-n3");
    Launcher console1 = new Launcher(home1);
    assertOk(console1.run("console", "ADD SYNCUSER tester, ACCOUNT " + System.getProperty("user.name")));
    Launcher.Result first = console1.run("console", "SYNCHRONIZE " + src + " TO n2:" + onN2);
    assertOk(first);
    assertTrue(first.toString(), first.stdout().contains("copied 2"));
    Launcher.Result second = new Launcher(home2).run("console", "SYNCHRONIZE " + onN2 + " TO n3:" + onN3);
    assertOk(second);
    assertTrue(second.toString(), second.stdout().contains("copied 2"));
    assertArrayEquals(big, Files.readAllBytes(onN3.resolve("big.bin")));
    assertEquals("alpha", Files.readString(onN3.resolve("a.txt")));

    // Strangers on n2's cluster port: one WARN line each, with the address, and no member more or less.
    String members = membership(home1, home2, home3);
    String cluster = "WARN  i.s.transfer.ClusterTls - cluster port 127.0.0.3:28061: refused a connection from ";
    String line = awaitLog(home2, cluster + "127.0.0.1:" + plaintextPeer("127.0.0.3", 28061) + ": TLS: ");
    assertTrue(line, line.contains("plaintext"));
    line = awaitLog(home2, cluster + "127.0.0.1:" + tlsPeer("127.0.0.3", 28061, certs.resolve("n9-other-ca")) + ": TLS: ");
    assertTrue(line, line.contains("the certificate CN=n9 ") && line.contains("does not chain to this node's CA"));
    line = awaitLog(home2, cluster + "127.0.0.1:" + tlsPeer("127.0.0.3", 28061, certs.resolve("n9-expired")) + ": TLS: ");
    assertTrue(line, line.contains("the certificate CN=n9 ") && line.contains("expired (NotAfter: "));
    line = awaitLog(home2, cluster + "127.0.0.1:" + tlsPeer("127.0.0.3", 28061, elsewhere.resolve("admin-mallory")) + ": TLS: ");
    assertTrue(line, line.contains("the certificate CN=mallory ") && line.contains("does not chain to this node's CA"));
    line = awaitLog(home2, cluster + "127.0.0.1:" + tlsPeer("127.0.0.3", 28061, null) + ": TLS: ");
    assertTrue(line, line.contains("certificate"));
    line = awaitLog(home2, cluster + "127.0.0.1:" + tlsPeer("127.0.0.3", 28061, otherCluster.resolve("x1")) + ": TLS: ");
    assertTrue(line, line.contains("the certificate CN=x1 ") && line.contains("is not a node certificate of this cluster"));
    log(home2).lines().filter(l -> l.contains("refused a connection from")).forEach(System.out::println); // for the record
    assertEquals("one line per refused connection", 6, count(log(home2), "refused a connection from"));
    // An administrator's certificate may run a console, not a node's data plane.
    line = awaitLog(home2, "connection from /127.0.0.1:" + tlsPeer("127.0.0.3", 28062, certs.resolve("admin-alice"))
        + " refused: TLS: ");
    assertTrue(line, line.contains("is an administrator's, not a node certificate"));
    assertEquals("the cluster's membership", members, membership(home1, home2, home3));

    // The administrator's remote console, over TLS.
    Launcher admin = new Launcher(tmp.newFolder("admin-home").toPath());
    Map<String, String> alice = Map.of("SETSYNC_TLS_DIR", certs.resolve("admin-alice").toString());
    Launcher.Result status = admin.run(alice, "console", "--node", "127.0.0.2:28051", "STATUS AUTOSYNC");
    assertOk(status);
    Launcher.Result info = admin.run("console", "--node", "127.0.0.2:28051", "--tls-dir", certs.resolve("admin-alice").toString(),
        "INFO SYNCUSER tester");
    assertOk(info);
    assertTrue(info.toString(), info.stdout().contains("tester"));
    line = awaitLog(home1, "remote console ");
    assertTrue(line, line.contains(" admin alice as "));

    // Consoles the nodes do not take: one error line each, exit code 2, within the connect timeout (8 s).
    long started = System.nanoTime();
    Launcher.Result plain = admin.run("console", "--node", "127.0.0.2:28051", "STATUS AUTOSYNC");
    assertEquals(plain.toString(), 2, plain.exitCode());
    assertTrue(plain.toString(), plain.stderr().strip().lines().count() == 1
        && plain.stderr().contains("cannot reach a setsync node at 127.0.0.2:28051 within 8 s")
        && plain.stderr().contains("--tls-dir"));
    String n1 = "WARN  i.s.transfer.ClusterTls - cluster port 127.0.0.2:28051: refused a connection from ";
    awaitLog(home1, n1, "plaintext");
    Launcher.Result stranger = admin.run(Map.of("SETSYNC_TLS_DIR", elsewhere.resolve("admin-mallory").toString()),
        "console", "--node", "127.0.0.2:28051", "STATUS AUTOSYNC");
    assertEquals(stranger.toString(), 2, stranger.exitCode());
    assertTrue(stranger.toString(), stranger.stderr().strip().lines().count() == 1
        && stranger.stderr().contains("cannot reach a setsync node at 127.0.0.2:28051 over TLS within 8 s as administrator mallory"));
    // Mallory's console trusts only its own CA: it ends the handshake on n1's certificate, or n1 refuses mallory's.
    line = awaitLog(home1, n1, ": TLS: the ");
    assertTrue(line, line.contains("the peer ended the handshake") || line.contains("CN=mallory"));
    log(home1).lines().filter(l -> l.contains("refused a connection from") || l.contains("remote console "))
        .forEach(System.out::println); // for the record
    assertTrue("two refused consoles took " + (System.nanoTime() - started) / 1_000_000 + " ms",
        System.nanoTime() - started < TimeUnit.SECONDS.toNanos(2 * (8 + 15)));
    Launcher.Result node = admin.run(Map.of("SETSYNC_TLS_DIR", certs.resolve("n3").toString()),
        "console", "--node", "127.0.0.2:28051", "STATUS AUTOSYNC");
    assertEquals(node.toString(), 2, node.exitCode());
    assertTrue(node.toString(), node.stderr().contains("is not an administrator's certificate"));

    assertTrue(nodes.stream().allMatch(Process::isAlive));
    for (Path home : List.of(home1, home2, home3)) {
      String log = log(home);
      assertTrue(log, !log.contains(" ERROR "));
    }
  }

  /** What the leader (n1) and the others logged about members joining, leaving or being unreachable. */
  private static String membership(Path... homes) throws IOException {
    StringBuilder all = new StringBuilder();
    for (Path home : homes) {
      for (String line : log(home).split("\n")) {
        if (line.contains("is JOINING") || line.contains("Leader is removing") || line.contains("nreachable")
            || line.contains("is moving node") || line.contains("Marking node")) {
          all.append(line.substring(line.indexOf(" - ") + 3)).append('\n');
        }
      }
    }
    return all.toString();
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) n++;
    return n;
  }

  @Test
  public void withoutTlsAWildcardAddressNeedsAllowPlaintextAndThenWarns() throws Exception {
    Path home = tmp.newFolder("plain-home").toPath();
    List<String> opts = List.of("-Dsetsync.node.host=127.0.0.1", "-Dsetsync.node.port=28041",
        "-Dsetsync.endpoint.host=0.0.0.0", "-Dsetsync.endpoint.port=28042", "-Dsetsync.endpoint.lane-port=28043");
    Launcher launcher = new Launcher(home);
    Process refused = launcher.start(Map.of("SETSYNC_NODE_NAME", "plain", "SETSYNC_JAVA_OPTS", String.join(" ", opts)), "node");
    assertTrue(refused.waitFor(120, TimeUnit.SECONDS));
    String err = Files.readString(home.resolve("last.err"));
    assertEquals(err, 2, refused.exitValue());
    assertTrue(err, err.contains("refusing to listen without TLS on an address other machines may reach"
        + " (setsync.endpoint.host = 0.0.0.0)"));

    List<String> allowed = new ArrayList<>(opts);
    allowed.add("-Dsetsync.security.allow-plaintext=on");
    Process started = launcher.start(Map.of("SETSYNC_NODE_NAME", "plain", "SETSYNC_JAVA_OPTS", String.join(" ", allowed)), "node");
    nodes.add(started);
    homes.add(home);
    String warning = awaitLog(home, "WARN  i.s.node.SetSyncNode - listening without TLS where other machines may reach it");
    assertTrue(warning, warning.contains("setsync.endpoint.host = 0.0.0.0"));
  }

  // ---------------------------------------------------------------- peers

  /** The refusal line of n2's endpoint (28032) or lane (28033) for the peer at 127.0.0.1:{@code local}. */
  private static String refusal(int port, int local) {
    return port == 28032 ? "connection from /127.0.0.1:" + local + " refused: TLS: "
        : "content lane: refused a connection from /127.0.0.1:" + local + ": TLS: ";
  }

  /** Sends bytes that are no TLS record; returns the local port it used (the peer address logged). */
  private static int plaintextPeer(String host, int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 5000);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("SYNCHRONIZE / TO n2:/tmp/x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      drain(socket.getInputStream());
      return socket.getLocalPort();
    }
  }

  /**
   * A TLS client presenting the certificate in {@code dir} (trusting any server, so that the
   * server's check of the client certificate is what decides); returns its local port.
   */
  private static int tlsPeer(String host, int port, Path dir) throws Exception {
    SSLContext context = io.setsync.transfer.TestCerts.anyServer(dir);
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress(host, port), 5000);
      plain.setSoTimeout(10_000);
      int local = plain.getLocalPort();
      try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, false)) {
        socket.setEnabledProtocols(new String[] {"TLSv1.2"});
        socket.startHandshake();
        OutputStream out = socket.getOutputStream();
        out.write(new byte[] {0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8});
        out.flush();
        drain(socket.getInputStream());
      } catch (IOException expected) {
        // refused: what the server logs is what the test checks
      }
      return local;
    }
  }

  private static void drain(InputStream in) {
    try {
      byte[] buffer = new byte[4096];
      while (in.read(buffer) >= 0) {
        // until the server closes
      }
    } catch (IOException closed) {
      // closed or reset by the server
    }
  }

  // ---------------------------------------------------------------- nodes

  private static void certs(String first, Path dir, String... more) throws Exception {
    certs(Map.of(), first, dir, more);
  }

  private static void certs(Map<String, String> env, String first, Path dir, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of(first));
    args.addAll(List.of(more));
    TlsNodes.certs(env, dir, args.toArray(String[]::new));
  }

  private void startNode(Path home, String name, Path tlsDir, String host, int port, int endpoint, int lane, String seed)
      throws Exception {
    startNode(home, name, tlsDir, host, port, endpoint, lane, seed, "");
  }

  private void startNode(Path home, String name, Path tlsDir, String host, int port, int endpoint, int lane, String seed,
      String moreOptions) throws Exception {
    homes.add(home);
    nodes.add(TlsNodes.start(home, name, BASE.resolve("conf/cluster-tls.conf"), tlsDir, host, port, endpoint, lane, seed,
        moreOptions));
  }

  private static String log(Path home) throws IOException {
    return TlsNodes.log(home);
  }

  private static String awaitLog(Path home, String text, String... more) throws Exception {
    return TlsNodes.awaitLog(home, text, more);
  }

  private static List<String> listing(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.map(p -> root.relativize(p) + (Files.isRegularFile(p) ? " " + p.toFile().length() : "")).sorted().toList();
    }
  }

  private static void assertOk(Launcher.Result result) {
    assertEquals(result.toString(), 0, result.exitCode());
  }
}
