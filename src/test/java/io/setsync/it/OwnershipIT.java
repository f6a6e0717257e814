package io.setsync.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * SECURE, KEEPSECURITY, OWNER, OWNERGROUP and FROMOWNER through {@code scripts/setsync sync}: as
 * root (as CI runs), and as an unprivileged test account for the refusals.
 */
public class OwnershipIT {

  private static final String ACCOUNT = "setsync-test";
  private static boolean createdAccount;

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private Path src;
  private Path dest;
  private Launcher setsync;

  @BeforeClass
  public static void testAccount() throws Exception {
    assumeTrue("ownership tests run as root", "root".equals(System.getProperty("user.name")));
    if (run("id", "-u", ACCOUNT) != 0) {
      assertEquals(0, run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", ACCOUNT));
      createdAccount = true;
    }
  }

  @AfterClass
  public static void removeAccount() throws Exception {
    if (createdAccount) run("userdel", ACCOUNT);
  }

  private static int run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return p.exitValue();
  }

  @Before
  public void setUp() throws Exception {
    Path base = tmp.getRoot().toPath();
    Files.setAttribute(base, "unix:mode", 0755);
    src = tmp.newFolder("src").toPath();
    dest = base.resolve("dest");
    setsync = new Launcher(tmp.newFolder("home").toPath());
  }

  private JsonNode sync(Launcher launcher, int expectedExit, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("sync", src.toString(), dest.toString()));
    args.addAll(List.of(extra));
    args.add("--json");
    Launcher.Result result = launcher.run(args.toArray(String[]::new));
    assertEquals(result.toString(), expectedExit, result.exitCode());
    return new ObjectMapper().readTree(result.stdout());
  }

  private static int mode(Path p) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }

  private static int uid(Path p) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
  }

  private static int gid(Path p) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
  }

  @Test
  public void setuidIsDroppedByDefaultAndKeptWithKeepSecurity() throws Exception {
    Files.writeString(src.resolve("tool"), "#!/bin/sh\n");
    Files.setAttribute(src.resolve("tool"), "unix:mode", 04755);
    Files.createDirectories(src.resolve("drop"));
    Files.setAttribute(src.resolve("drop"), "unix:mode", 01777);
    sync(setsync, 0);
    assertEquals(0755, mode(dest.resolve("tool")));
    assertEquals(0777, mode(dest.resolve("drop")));

    Files.writeString(src.resolve("tool"), "#!/bin/sh\necho v2\n");
    Files.setAttribute(src.resolve("tool"), "unix:mode", 04755);
    Files.setLastModifiedTime(src.resolve("tool"), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    sync(setsync, 0, "--keepsecurity");
    assertEquals(04755, mode(dest.resolve("tool")));
    assertEquals(01777, mode(dest.resolve("drop")));
  }

  @Test
  public void secureGivesWrittenFilesItsModeAndUnchangedFilesFollow() throws Exception {
    Files.writeString(src.resolve("data"), "x");
    Files.setAttribute(src.resolve("data"), "unix:mode", 0666);
    Files.createDirectories(src.resolve("dir"));
    Files.writeString(src.resolve("dir/more"), "y");
    sync(setsync, 0, "--secure", "rw-r-----");
    assertEquals(0640, mode(dest.resolve("data")));
    assertEquals(0640, mode(dest.resolve("dir/more")));
    assertEquals("directories keep the source's mode", mode(src.resolve("dir")), mode(dest.resolve("dir")));
    sync(setsync, 0, "--secure", "700");
    assertEquals(0700, mode(dest.resolve("data")));
  }

  @Test
  public void aBadSecureModeIsRefusedAndNothingIsWritten() throws Exception {
    Files.writeString(src.resolve("data"), "x");
    Launcher.Result r = setsync.run("sync", src.toString(), dest.toString(), "--secure", "rwxr-xr-");
    assertEquals(r.toString(), 2, r.exitCode());
    assertTrue(r.stderr(), r.stderr().contains("option SECURE got bad value \"rwxr-xr-\""));
    assertFalse(Files.exists(dest));
  }

  @Test
  public void ownerAndGroupAreGivenToWrittenFilesAsRoot() throws Exception {
    Files.writeString(src.resolve("data"), "x");
    Files.createDirectories(src.resolve("sub"));
    Files.writeString(src.resolve("sub/file"), "y");
    Files.createSymbolicLink(src.resolve("link"), Path.of("data"));
    sync(setsync, 0, "--owner", ACCOUNT, "--ownergroup", "nogroup");
    int expectedUid = Integer.parseInt(new String(new ProcessBuilder("id", "-u", ACCOUNT).start()
        .getInputStream().readAllBytes()).strip());
    for (String name : List.of("data", "sub", "sub/file", "link")) {
      assertEquals(name, expectedUid, uid(dest.resolve(name)));
      assertEquals(name, 65534, gid(dest.resolve(name)));
    }
  }

  @Test
  public void anUnknownOwnerIsRefusedAndNothingIsWritten() throws Exception {
    Files.writeString(src.resolve("data"), "x");
    Launcher.Result r = setsync.run("sync", src.toString(), dest.toString(), "--owner", "no-such-user-xq");
    assertEquals(r.toString(), 2, r.exitCode());
    assertTrue(r.stderr(), r.stderr().contains("no user \"no-such-user-xq\" on this machine"));
    assertFalse(Files.exists(dest));
  }

  @Test
  public void withoutRootOwnerAndGroupAreRefusedBeforeAnythingIsWritten() throws Exception {
    setsync.run("sync", "--help"); // builds the application as root, if needed
    Files.writeString(src.resolve("data"), "x");
    Path home = tmp.newFolder("account-home").toPath();
    Path parent = tmp.newFolder("writable").toPath();
    for (Path p : List.of(home, parent)) run("chown", ACCOUNT, p.toString());
    dest = parent.resolve("dest");
    Launcher asAccount = new Launcher(home, List.of("runuser", "-u", ACCOUNT, "--"), reachableCopy());
    for (String[] option : List.of(new String[] {"--owner", "root"}, new String[] {"--ownergroup", "root"})) {
      Launcher.Result r = asAccount.run("sync", src.toString(), dest.toString(), option[0], option[1]);
      assertEquals(r.toString(), 2, r.exitCode());
      assertTrue(r.stderr(), r.stderr().contains("needs the destination to run as root (it runs as " + ACCOUNT + ")"));
      assertFalse(r.toString(), Files.exists(dest));
    }
    // The same account may sync without them: the refusal is about the options, not the user.
    JsonNode ok = sync(asAccount, 0);
    assertEquals(1, ok.get("copied").asInt());
  }

  /**
   * The launcher with the build it runs, copied under this test's temporary folder: the account may
   * not be able to enter the checkout (a clone under a private directory), but it can enter this.
   */
  private Path reachableCopy() throws Exception {
    Path checkout = Launcher.SCRIPT.getParent().getParent();
    Path copy = tmp.newFolder("installed").toPath();
    List<String> files = new ArrayList<>(List.of("scripts/setsync", "scripts/ensure-tools", "target/setsync.jar"));
    try (var libs = Files.list(checkout.resolve("target/lib"))) {
      libs.forEach(lib -> files.add("target/lib/" + lib.getFileName()));
    }
    // Modes set outright: what the checkout and the umask give may be private too.
    Files.setAttribute(copy, "unix:mode", 0755);
    for (String file : files) {
      Path target = copy.resolve(file);
      if (!Files.isDirectory(target.getParent())) {
        Files.createDirectories(target.getParent());
        Files.setAttribute(target.getParent(), "unix:mode", 0755);
      }
      Files.copy(checkout.resolve(file), target);
      Files.setAttribute(target, "unix:mode", file.startsWith("scripts/") ? 0755 : 0644);
    }
    return copy.resolve("scripts/setsync");
  }

  @Test
  public void fromOwnerCopiesOnlyThatUsersFilesAndPurgesNoneOfTheOthers() throws Exception {
    Files.writeString(src.resolve("mine"), "account's");
    Files.writeString(src.resolve("roots"), "root's");
    run("chown", ACCOUNT, src.resolve("mine").toString());
    Files.createDirectories(dest);
    Files.writeString(dest.resolve("roots"), "an older copy that must stay");
    Files.writeString(dest.resolve("extra"), "really extra");
    JsonNode result = sync(setsync, 0, "--fromowner", ACCOUNT, "--purge");
    assertEquals(1, result.get("copied").asInt());
    assertEquals(1, result.get("purged").asInt());
    assertEquals("account's", Files.readString(dest.resolve("mine")));
    assertEquals("an older copy that must stay", Files.readString(dest.resolve("roots")));
    assertFalse(Files.exists(dest.resolve("extra")));
  }
}
