package io.setsync.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The local console's caller is who the kernel says, not who the client says: an unprivileged
 * account (created for the test) connects to a root node's console socket, with the real console
 * and with a hand-written client that claims to be root, and the node takes it for that account.
 */
public class ConsoleIdentityIT {

  private static final String ACCOUNT = "setsync-it-console";
  private static boolean createdAccount;
  private static int uid;

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private final List<Process> processes = new ArrayList<>();

  @BeforeClass
  public static void testAccount() throws Exception {
    assumeTrue("identity tests run as root", "root".equals(System.getProperty("user.name")));
    if (run("id", "-u", ACCOUNT) != 0) {
      assertEquals(0, run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", ACCOUNT));
      createdAccount = true;
    }
    Process id = new ProcessBuilder("id", "-u", ACCOUNT).start();
    uid = Integer.parseInt(new String(id.getInputStream().readAllBytes()).strip());
  }

  @AfterClass
  public static void removeAccount() throws Exception {
    if (createdAccount) run("userdel", ACCOUNT);
  }

  @After
  public void killProcesses() {
    processes.forEach(Process::destroyForcibly);
  }

  @Test
  public void theConsoleActsAsTheKernelsAccountWhateverItsUserOptionSays() throws Exception {
    Path nodeHome = reachableHome();
    processes.add(Launcher.startNode(nodeHome));
    Path installed = Installed.copy(tmp.newFolder("installed").toPath());
    Path consoleHome = tmp.newFolder("console-home").toPath();
    Files.setAttribute(consoleHome, "unix:mode", 0777);
    Launcher asAccount = new Launcher(consoleHome, List.of("runuser", "-u", ACCOUNT, "--"), installed);

    Launcher.Result env = asAccount.run(java.util.Map.of("SETSYNC_CONSOLE_SOCKET", nodeHome.resolve("console.sock").toString()),
        "console", "--user", "root", "ENV");
    assertEquals(env.toString(), 0, env.exitCode());
    assertTrue(env.toString(), env.stdout().matches("(?s).*caller\\s+" + ACCOUNT + " \\(uid " + uid + "\\).*"));
    assertTrue("--user only selects the sync user: " + env, env.stdout().matches("(?s).*user\\s+root\\b.*"));
    assertTrue(nodeLog(nodeHome), nodeLog(nodeHome).contains("console " + ACCOUNT + " (uid " + uid + ") as user root: ENV"));
  }

  @Test
  public void aHandWrittenClientThatClaimsToBeRootGetsOnlyItsKernelIdentity() throws Exception {
    Path nodeHome = reachableHome();
    processes.add(Launcher.startNode(nodeHome));
    Path installed = Installed.copy(tmp.newFolder("installed").toPath());
    List<String> command = new ArrayList<>(List.of("runuser", "-u", ACCOUNT, "--", "java", "-cp",
        installed.getParent().getParent().resolve("test-classes").toString(), RawConsoleClient.class.getName(),
        nodeHome.resolve("console.sock").toString(),
        "caller root (uid 0)", // a forged identity line: just a bad statement
        ":session root JSON",  // not first: a bad statement too
        "ENV"));
    Process raw = new ProcessBuilder(command).redirectErrorStream(true).start();
    processes.add(raw);
    String answer = new String(raw.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue("the raw client did not end", raw.waitFor(60, TimeUnit.SECONDS));
    assertEquals(answer, 0, raw.exitValue());
    assertTrue(answer, answer.contains("2 error: unknown command \"caller\""));
    assertTrue(answer, answer.matches("(?s).*1 caller\\s+" + ACCOUNT + " \\(uid " + uid + "\\).*"));
    assertTrue(answer, answer.matches("(?s).*1 user\\s+" + ACCOUNT + "\\b.*"));
    assertFalse(answer, answer.matches("(?s).*1 caller\\s+root.*"));
    String log = nodeLog(nodeHome);
    assertTrue(log, log.contains("console connection from " + ACCOUNT + " (uid " + uid + ")"));
    assertFalse(log, log.contains("console root"));
  }

  // ---- helpers ----

  /** A node home every account can reach (the socket file inside is open to all). */
  private Path reachableHome() throws Exception {
    Files.setAttribute(tmp.getRoot().toPath(), "unix:mode", 0755);
    Path home = tmp.newFolder("node-home").toPath();
    Files.setAttribute(home, "unix:mode", 0755);
    return home;
  }

  private static String nodeLog(Path home) throws Exception {
    Path log = home.resolve("logs/setsync.log");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    String text = "";
    while (System.nanoTime() < deadline) {
      text = Files.exists(log) ? Files.readString(log) : "";
      if (text.contains("console connection from") && text.contains(" closed")) return text;
      Thread.sleep(100); // between polls
    }
    return text;
  }


  private static int run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return p.exitValue();
  }
}
