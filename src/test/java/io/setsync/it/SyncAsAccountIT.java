package io.setsync.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A root node does a sync user's file work as the user's OS account: two accounts created for the
 * test run SYNCHRONIZE from their own consoles against a real node, and the kernel's own checks
 * decide what they may read and write. Nothing root-only leaks into what they write, what they
 * write is theirs, their TRIGGER runs as them, and their roots hold.
 */
public class SyncAsAccountIT {

  private static final String ALICE = "setsync-it-alice";
  private static final String BOB = "setsync-it-bob";
  private static final List<String> created = new ArrayList<>();
  private static int aliceUid;

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private final List<Process> processes = new ArrayList<>();
  private Path base;
  private Path nodeHome;
  private Path installed;

  @BeforeClass
  public static void accounts() throws Exception {
    assumeTrue("identity tests run as root", "root".equals(System.getProperty("user.name")));
    for (String account : List.of(ALICE, BOB)) {
      if (run("id", "-u", account) != 0) {
        assertEquals(0, run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", account));
        created.add(account);
      }
    }
    aliceUid = uidOf(ALICE);
  }

  @AfterClass
  public static void removeAccounts() throws Exception {
    for (String account : created) run("userdel", account);
  }

  @Before
  public void tree() throws Exception {
    base = tmp.getRoot().toPath().toRealPath();
    mode(base, 0755);
    // alice's area: her source (hers alone), her destination, and a folder of root's inside it.
    Path src = dir("alice/src", ALICE, 0700);
    dir("alice/dst", ALICE, 0755);
    dir("alice/rootdir", "root", 0755);
    mode(base.resolve("alice"), 0755);
    owner(base.resolve("alice"), ALICE);
    Path priv = dir("private", "root", 0700);
    Files.writeString(priv.resolve("secret"), "root secret");
    mode(priv.resolve("secret"), 0600);
    file(src.resolve("own.txt"), "mine", ALICE, 0644);
    file(src.resolve("public.txt"), "public", "root", 0644);
    // Planted by root in her source: a link to root's secret, and a second name for it.
    Files.createSymbolicLink(src.resolve("link"), priv.resolve("secret"));
    Files.createLink(src.resolve("hard-secret"), priv.resolve("secret"));
    dir("bobdst", BOB, 0755);

    nodeHome = dir("node-home", "root", 0755);
    processes.add(Launcher.startNode(nodeHome));
    installed = Installed.copy(tmp.newFolder("installed").toPath());
    assertOk(console("root", "ADD SYNCUSER " + ALICE + ", ROOT " + base.resolve("alice")));
    assertOk(console("root", "ADD SYNCUSER " + BOB));
  }

  @After
  public void killProcesses() {
    processes.forEach(Process::destroyForcibly);
  }

  @Test
  public void aUsersSyncReadsAndWritesAsTheUserAndItsTriggerRunsAsTheUser() throws Exception {
    Path dst = base.resolve("alice/dst");
    Path triggerOut = base.resolve("alice/trigger.out");
    Launcher.Result r = console(ALICE, "SYNCHRONIZE " + base.resolve("alice/src") + " TO " + dst
        + ", TRIGGER \"id -u > " + triggerOut + "; id -G >> " + triggerOut + "\"");

    assertNotEquals("a file she cannot read is an error: " + r, 0, r.exitCode());
    assertTrue(r.toString(), (r.stdout() + r.stderr()).contains("hard-secret"));
    assertEquals("mine", Files.readString(dst.resolve("own.txt")));
    assertEquals("public", Files.readString(dst.resolve("public.txt")));
    assertEquals("written files are hers", aliceUid, uid(dst.resolve("public.txt")));
    assertEquals(aliceUid, uid(dst.resolve("own.txt")));
    assertTrue(Files.isSymbolicLink(dst.resolve("link")));
    assertFalse("root's file under another name is not read", Files.exists(dst.resolve("hard-secret")));
    assertNothingHolds(dst, "root secret");

    // Again after changes, with PURGE: a big file's delta (her old copy read as her), an update,
    // a purge and the rename journal's commit, all as her.
    Path src = base.resolve("alice/src");
    byte[] big = new byte[3 << 20];
    new java.util.Random(7).nextBytes(big);
    Files.write(src.resolve("big.bin"), big);
    owner(src.resolve("big.bin"), ALICE);
    Launcher.Result bigCopy = console(ALICE, "SYNCHRONIZE " + src + " TO " + dst);
    assertTrue(bigCopy.toString(), Files.exists(dst.resolve("big.bin")));
    assertEquals(aliceUid, uid(dst.resolve("big.bin")));
    big[big.length / 2] ^= 1;
    Files.write(src.resolve("big.bin"), big);
    Files.writeString(src.resolve("own.txt"), "mine, changed");
    Files.delete(src.resolve("public.txt"));
    Launcher.Result again = console(ALICE, "SYNCHRONIZE " + src + " TO " + dst + ", PURGE");
    assertTrue(again.toString(), (again.stdout() + again.stderr()).contains("hard-secret"));
    assertTrue(again.toString(), java.util.Arrays.equals(big, Files.readAllBytes(dst.resolve("big.bin"))));
    assertEquals("mine, changed", Files.readString(dst.resolve("own.txt")));
    assertFalse("purged", Files.exists(dst.resolve("public.txt")));
    assertEquals(aliceUid, uid(dst.resolve("big.bin")));
    assertNothingHolds(dst, "root secret");

    String trigger = Files.readString(triggerOut).strip();
    assertTrue(trigger, trigger.startsWith(aliceUid + "\n"));
    assertFalse("root's groups are not hers: " + trigger, (" " + trigger.lines().skip(1).findFirst().orElse("") + " ").contains(" 0 "));
    assertEquals(aliceUid, uid(triggerOut));
  }

  @Test
  public void aUserCannotWriteWhereHerAccountCannotNorOutsideHerRoots() throws Exception {
    Launcher.Result intoRoots = console(ALICE, "SYNCHRONIZE " + base.resolve("alice/src") + " TO "
        + base.resolve("alice/rootdir/copy"));
    assertNotEquals(intoRoots.toString(), 0, intoRoots.exitCode());
    assertFalse(Files.exists(base.resolve("alice/rootdir/copy")));

    Launcher.Result outside = console(ALICE, "SYNCHRONIZE " + base.resolve("private") + " TO "
        + base.resolve("alice/dst/stolen"));
    assertEquals(outside.toString(), 2, outside.exitCode());
    assertFalse(Files.exists(base.resolve("alice/dst/stolen")));
  }

  @Test
  public void aUserWithoutRootsStillCannotReadRootsOrAnotherUsersFiles() throws Exception {
    Launcher.Result roots = console(BOB, "SYNCHRONIZE " + base.resolve("private") + " TO " + base.resolve("bobdst/a"));
    assertNotEquals(roots.toString(), 0, roots.exitCode());
    Launcher.Result alices = console(BOB, "SYNCHRONIZE " + base.resolve("alice/src") + " TO " + base.resolve("bobdst/b"));
    assertNotEquals(alices.toString(), 0, alices.exitCode());
    assertNothingHolds(base.resolve("bobdst"), "root secret");
    assertNothingHolds(base.resolve("bobdst"), "mine");
  }

  /**
   * The roots are checked when the sync touches the files, not only when the file set is added: a
   * destination inside them that becomes a link to a folder anyone may write is refused.
   */
  @Test
  public void aDestinationThatLeavesTheRootsAfterTheFileSetWasAddedIsRefusedAtTheSync() throws Exception {
    Path dst = dir("alice/later", ALICE, 0755);
    Path open = dir("open-to-all", "root", 0777);
    assertOk(console(ALICE, "ADD SYNCFILESET " + base.resolve("alice/src") + " TO " + dst + ", SUSPEND"));
    Files.delete(dst);
    Files.createSymbolicLink(dst, open);
    assertOk(console(ALICE, "ACTIVATE SYNCFILESET 1"));

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    String log = "";
    while (System.nanoTime() < deadline && !log.contains("sync ended")) {
      log = console(ALICE, "INFO SYNCFILESET 1, LOG LAST 50").stdout();
      if (!log.contains("sync ended")) Thread.sleep(200); // between polls
    }
    assertTrue(log, log.contains("outside the roots of account " + ALICE));
    try (Stream<Path> written = Files.list(open)) {
      assertEquals("nothing written through the link", 0, written.count());
    }
  }

  @Test
  public void aUserCannotSeeOrChangeAnothersFileSetsNorChangeUsersOrLiftHerRoots() throws Exception {
    assertOk(console(ALICE, "ADD SYNCFILESET " + base.resolve("alice/src") + " TO " + base.resolve("alice/dst")
        + ", SUSPEND"));
    for (String refused : List.of("INFO SYNCFILESET 1", "INFO SYNCFILESET 1, LOG", "ALTER SYNCFILESET 1, PURGE",
        "DELETE SYNCFILESET 1", "ACTIVATE SYNCFILESET 1", "ALTER SYNCUSER " + BOB + ", ROOT /",
        "ADD SYNCUSER mallory", "ADD ADMINISTRATOR " + BOB, "STOP MONITOR")) {
      Launcher.Result r = console(BOB, refused);
      assertEquals(refused + ": " + r, 2, r.exitCode());
    }
    Launcher.Result lift = console(ALICE, "ALTER SYNCUSER " + ALICE + ", NO ROOT");
    assertEquals(lift.toString(), 2, lift.exitCode());
    Launcher.Result bobsView = console(BOB, "STATUS AUTOSYNC, DETAIL");
    assertFalse(bobsView.toString(), bobsView.stdout().contains(base.resolve("alice/src").toString()));

    Launcher.Result users = console("root", "INFO SYNCUSER");
    assertTrue(users.toString(), users.stdout().contains(base.resolve("alice").toString()));
    assertFalse(users.toString(), users.stdout().contains("mallory"));
    Launcher.Result fileSet = console("root", "INFO SYNCFILESET 1");
    assertOk(fileSet);
    assertFalse("unchanged: " + fileSet, fileSet.stdout().contains("PURGE"));
  }

  // ---- helpers ----

  private Launcher.Result console(String account, String statement) throws Exception {
    Path home = base.resolve("console-" + account);
    if (!Files.isDirectory(home)) {
      Files.createDirectory(home);
      mode(home, 0777);
    }
    List<String> prefix = account.equals("root") ? List.of() : List.of("runuser", "-u", account, "--");
    return new Launcher(home, prefix, installed)
        .run(Map.of("SETSYNC_CONSOLE_SOCKET", nodeHome.resolve("console.sock").toString()), "console", statement);
  }

  private static void assertOk(Launcher.Result r) {
    assertEquals(r.toString(), 0, r.exitCode());
  }

  private static void assertNothingHolds(Path tree, String text) throws Exception {
    if (!Files.exists(tree)) return;
    try (Stream<Path> all = Files.walk(tree)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          // Bytes as Latin-1: any file, binary or not, reads; an ASCII text matches as itself.
          assertFalse(p + " holds " + text, new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1).contains(text));
        }
      }
    }
  }

  private Path dir(String rel, String owner, int mode) throws Exception {
    Path d = Files.createDirectories(base.resolve(rel));
    owner(d, owner);
    mode(d, mode);
    return d;
  }

  private static void file(Path p, String text, String owner, int mode) throws Exception {
    Files.writeString(p, text);
    owner(p, owner);
    mode(p, mode);
  }

  private static void owner(Path p, String account) throws Exception {
    assertEquals(0, run("chown", "-h", account, p.toString()));
  }

  private static void mode(Path p, int mode) throws Exception {
    Files.setAttribute(p, "unix:mode", mode);
  }

  private static int uid(Path p) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
  }

  private static int uidOf(String account) throws Exception {
    Process id = new ProcessBuilder("id", "-u", account).start();
    return Integer.parseInt(new String(id.getInputStream().readAllBytes()).strip());
  }


  private static int run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return p.exitValue();
  }
}
