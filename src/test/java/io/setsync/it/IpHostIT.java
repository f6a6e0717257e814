package io.setsync.it;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * AutoSYNC's TCP/IP variant between real node processes with TLS on both: a standalone node, a
 * cluster of its own under another cluster name (same CA), accepts source node n1 by its
 * certificate (setsync.iphost.accept) and writes its files as a real OS account under the root
 * that entry allows. A SYNCHRONIZE and a file set with IPHOST copy files, the lane included; the
 * destination's messages (its purges, its MAXPURGE refusal) arrive in the source's sync log. A
 * source node that is not in the table, and a root outside the entry's, are refused with one line
 * naming the peer, and nothing is written. Ports 28160–28199 only.
 */
public class IpHostIT {

  private static final Path BASE = Paths.get(System.getProperty("basedir", ".")).toAbsolutePath();
  private static final String ACCOUNT = "setsync-it-iphost";
  private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
  private static boolean created;

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private final List<Process> nodes = new ArrayList<>();
  private final List<Path> homes = new ArrayList<>();

  /** As root (CI) the destination writes as an account of its own; otherwise as the test's account. */
  @BeforeClass
  public static void createAccount() throws Exception {
    if (ROOT && run("id", "-u", ACCOUNT) != 0) {
      assertEquals(0, run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", ACCOUNT));
      created = true;
    }
  }

  @AfterClass
  public static void removeAccount() throws Exception {
    if (created) run("userdel", ACCOUNT);
  }

  @After
  public void killNodes() throws Exception {
    nodes.forEach(Process::destroyForcibly);
    for (Process p : nodes) p.waitFor(30, TimeUnit.SECONDS);
    for (Path home : homes) MessageChecks.assertAllSerializable(home);
  }

  private static String account() {
    return ROOT ? ACCOUNT : System.getProperty("user.name");
  }

  @Test
  public void aStandaloneNodeTakesAnAcceptedSourcesFilesAndSendsItsMessagesBack() throws Exception {
    Path certs = tmp.newFolder("certs").toPath();
    certs(certs, null, "n1=127.0.0.1", "n2=127.0.0.1");
    certs(certs, "backup-site", "backup=127.0.0.1");
    Path backupRoot = tmp.newFolder("backup-area").toPath().toRealPath();
    if (ROOT) {
      // The account must reach its root: the test's folder is root's own, 0700.
      assertEquals(0, run("chmod", "755", tmp.getRoot().toString()));
      assertEquals(0, run("chown", ACCOUNT, backupRoot.toString()));
    }

    Path backupHome = tmp.newFolder("backup").toPath();
    Path site = backupHome.resolve("site.conf");
    Files.writeString(site, "include file(\"" + BASE.resolve("conf/cluster-tls.conf") + "\")\n"
        + "setsync.iphost.accept = [ { node = n1, account = \"" + account() + "\", roots = [\"" + backupRoot + "\"] } ]\n");
    startNode(backupHome, "backup", site, certs.resolve("backup"), 28161, 28162, 28163);
    String listening = awaitLog(backupHome, "data endpoint listening on");
    assertTrue(listening, listening.contains("/127.0.0.1:28162 (TLS, mutual authentication, as backup)"));

    Path home1 = tmp.newFolder("n1").toPath();
    startNode(home1, "n1", BASE.resolve("conf/cluster-tls.conf"), certs.resolve("n1"), 28171, 28172, 28173);
    Launcher n1 = new Launcher(home1);
    assertOk(n1.run("console", "ADD SYNCUSER tester, ACCOUNT " + System.getProperty("user.name")));

    // A one-time sync: small files through the session, a large one on the TLS lane.
    Path src = tmp.newFolder("src").toPath();
    Files.writeString(src.resolve("a.txt"), "alpha");
    Files.createDirectories(src.resolve("docs"));
    Files.writeString(src.resolve("docs/b.txt"), "beta");
    byte[] big = new byte[3 << 20];
    new java.util.Random(5).nextBytes(big);
    Files.write(src.resolve("big.bin"), big);
    Path once = backupRoot.resolve("once");
    Launcher.Result sync = n1.run("console", "SYNCHRONIZE " + src + " TO " + once + ", IPHOST 127.0.0.1:28162");
    assertOk(sync);
    assertTrue(sync.toString(), sync.stdout().contains("copied 4"));
    assertEquals("alpha", Files.readString(once.resolve("a.txt")));
    assertEquals("beta", Files.readString(once.resolve("docs/b.txt")));
    assertArrayEquals(big, Files.readAllBytes(once.resolve("big.bin")));
    assertEquals("written as the entry's account", account(),
        Files.readAttributes(once.resolve("big.bin"), PosixFileAttributes.class).owner().getName());
    String session = awaitLog(backupHome, "for user " + account() + " to " + once);
    assertTrue(session, session.contains("from /127.0.0.1:"));

    // A file set: the destination's purges and its MAXPURGE refusal come back into n1's sync log.
    Path kept = backupRoot.resolve("kept");
    assertOk(n1.run("console", "SYNCHRONIZE " + src + " TO " + kept + ", IPHOST 127.0.0.1:28162"));
    for (int i = 0; i < 12; i++) Files.writeString(kept.resolve("extra-" + i + ".txt"), "only at the destination");
    Files.writeString(kept.resolve("docs/old.txt"), "only at the destination");
    if (ROOT) assertEquals(0, run("chown", "-R", ACCOUNT, kept.toString()));
    assertOk(n1.run("console", "ADD SYNCFILESET " + src + " TO " + kept
        + ", IPHOST 127.0.0.1:28162, USER tester, PURGE, MAXPURGE 10%, INTERVAL 2 SECONDS"));
    Launcher.Result info = n1.run("console", "INFO SYNCFILESET 1");
    assertTrue(info.toString(), info.stdout().contains("TO 127.0.0.1:28162:" + kept));
    String log = awaitConsole(n1, "INFO SYNCFILESET 1, LOG", "exceeds MAXPURGE");
    assertTrue(log, log.lines().anyMatch(l -> l.contains("#1 DESTINATION ERROR purging 13 of 17") && l.contains("exceeds MAXPURGE 10%")));
    assertTrue("nothing purged past MAXPURGE", Files.exists(kept.resolve("extra-0.txt")));
    // Within MAXPURGE the destination purges, and says so.
    for (int i = 0; i < 12; i++) Files.delete(kept.resolve("extra-" + i + ".txt"));
    assertOk(n1.run("console", "ALTER SYNCFILESET 1, MAXPURGE 50%"));
    log = awaitConsole(n1, "INFO SYNCFILESET 1, LOG", "docs/old.txt");
    assertTrue(log, log.lines().anyMatch(l -> l.contains("#1 DESTINATION INFO purged docs/old.txt")));
    assertFalse(Files.exists(kept.resolve("docs/old.txt")));
    Launcher.Result status = n1.run("console", "STATUS SYNCFILESET 1");
    assertFalse(status.toString(), status.stdout().contains("waiting for destination"));

    // Refused: a root outside the entry's, from the accepted node; nothing is created.
    Path outside = tmp.getRoot().toPath().toRealPath().resolve("not-in-the-roots");
    Launcher.Result refused = n1.run("console", "SYNCHRONIZE " + src + " TO " + outside + ", IPHOST 127.0.0.1:28162");
    assertNotEquals(refused.toString(), 0, refused.exitCode());
    assertTrue(refused.toString(), (refused.stdout() + refused.stderr()).contains("may write only under"));
    assertFalse(Files.exists(outside));
    String line = awaitLog(backupHome, "may write only under");
    assertTrue(line, line.contains("connection from /127.0.0.1:"));

    // Refused: a node of n1's cluster that the table does not name (here a cluster of its own).
    Path home2 = tmp.newFolder("n2").toPath();
    startNode(home2, "n2", BASE.resolve("conf/cluster-tls.conf"), certs.resolve("n2"), 28181, 28182, 28183);
    Launcher n2 = new Launcher(home2);
    assertOk(n2.run("console", "ADD SYNCUSER tester, ACCOUNT " + System.getProperty("user.name")));
    Path stranger = backupRoot.resolve("from-n2");
    refused = n2.run("console", "SYNCHRONIZE " + src + " TO " + stranger + ", IPHOST 127.0.0.1:28162");
    assertNotEquals(refused.toString(), 0, refused.exitCode());
    assertFalse(Files.exists(stranger));
    line = awaitLog(backupHome, "CN=n2");
    assertTrue(line, line.contains("connection from /127.0.0.1:") && line.contains("nor an IPHOST source this node accepts (setsync.iphost.accept)"));

    assertTrue(nodes.stream().allMatch(Process::isAlive));
    String backupLog = log(backupHome);
    assertFalse(backupLog, backupLog.contains(" ERROR "));
  }

  // ---------------------------------------------------------------- nodes

  private static void certs(Path dir, String cluster, String... nodes) throws Exception {
    TlsNodes.certs(cluster == null ? Map.of() : Map.of("SETSYNC_TLS_CLUSTER", cluster), dir, nodes);
  }

  /** A node alone in its cluster on 127.0.0.1, with TLS from {@code tlsDir}, once it listens. */
  private void startNode(Path home, String name, Path config, Path tlsDir, int port, int endpoint, int lane)
      throws Exception {
    homes.add(home);
    nodes.add(TlsNodes.start(home, name, config, tlsDir, "127.0.0.1", port, endpoint, lane, null, ""));
  }

  private static String log(Path home) throws IOException {
    return TlsNodes.log(home);
  }

  private static String awaitLog(Path home, String text) throws Exception {
    return TlsNodes.awaitLog(home, text);
  }

  /** The console's answer to {@code command} once it contains {@code text}, asked again for at most 60 s. */
  private static String awaitConsole(Launcher console, String command, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Launcher.Result last = null;
    while (System.nanoTime() < deadline) {
      last = console.run("console", command);
      if (last.stdout().contains(text)) return last.stdout();
      Thread.sleep(200); // between asks
    }
    throw new AssertionError("no \"" + text + "\" in " + command + " within 60 s:\n" + last);
  }

  private static void assertOk(Launcher.Result result) {
    assertEquals(result.toString(), 0, result.exitCode());
  }

  private static int run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return p.exitValue();
  }
}
