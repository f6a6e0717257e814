package io.setsync.fs;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** File work held to another account and to roots; needs root, and the system's nobody account. */
public class ConfinementTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private FsIdentity nobody;
  private Path base;

  @Before
  public void setUp() throws IOException {
    assumeTrue("switching identity needs root", FsIdentity.process().isRoot());
    nobody = FsIdentity.of("nobody");
    base = tmp.getRoot().toPath().toRealPath();
    // The temporary folder is root's 0700: let every account search it, as a shared tree would be.
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Path shared(String name) throws IOException {
    Path dir = Files.createDirectory(base.resolve(name));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    return dir;
  }

  @Test
  public void anotherAccountsConfinementCannotReadRootsPrivateFile() throws IOException {
    Path secret = Files.writeString(base.resolve("secret"), "root only");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    Path asNobody = Confinement.confine(secret, nobody, List.of());

    assertTrue(Confinement.isConfined(asNobody));
    assertThrows(AccessDeniedException.class, () -> Files.readString(asNobody));
    assertEquals("root only", Files.readString(secret));
  }

  @Test
  public void whatItCreatesBelongsToTheAccount() throws IOException {
    Path dir = Confinement.confine(shared("drop"), nobody, List.of());
    Path written = Files.writeString(dir.resolve("file"), "x");
    Files.createDirectory(dir.resolve("sub"));

    assertEquals(nobody.uid(), Files.getAttribute(written, "unix:uid", LinkOption.NOFOLLOW_LINKS));
    assertEquals(nobody.gid(), Files.getAttribute(written, "unix:gid", LinkOption.NOFOLLOW_LINKS));
    assertEquals(nobody.uid(), Files.getAttribute(dir.resolve("sub"), "unix:uid", LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  public void rootsPrivilegesAreGoneInsideTheCallAndBackAfterIt() throws IOException {
    Path dir = base.resolve("rootsdir");
    Files.createDirectory(dir);
    Path confined = Confinement.confine(dir, nobody, List.of());

    assertThrows(AccessDeniedException.class, () -> Files.writeString(confined.resolve("f"), "x"));
    // chmod of a file the account does not own: EPERM, not EACCES.
    FileSystemException chmod = assertThrows(FileSystemException.class,
        () -> Files.setPosixFilePermissions(confined, PosixFilePermissions.fromString("rwxrwxrwx")));
    assertTrue(chmod.getMessage(), chmod.getMessage().contains("Operation not permitted"));
    assertFalse(Files.exists(dir.resolve("f")));
    int[] ids = FsCredentials.threadIds();
    assertEquals(0, ids[0]);
    assertEquals(0, ids[1]);
    Files.writeString(dir.resolve("f"), "root may");
  }

  @Test
  public void aSymlinkOutOfTheRootsIsRefusedAtAnyDepth() throws IOException {
    Path allowed = shared("allowed");
    Path outside = shared("outside");
    Files.writeString(outside.resolve("target"), "outside");
    Files.writeString(allowed.resolve("inside"), "inside");
    Files.createDirectories(allowed.resolve("a/b"));
    Files.createSymbolicLink(allowed.resolve("a/b/escape"), outside);
    Files.createSymbolicLink(allowed.resolve("leaf"), outside.resolve("target"));
    Path root = Confinement.confine(allowed, FsIdentity.process(), List.of(allowed.toString()));

    assertEquals("inside", Files.readString(root.resolve("inside")));
    AccessDeniedException deep = assertThrows(AccessDeniedException.class,
        () -> Files.readString(root.resolve("a/b/escape/target")));
    assertTrue(deep.getMessage(), deep.getMessage().contains("outside the roots"));
    assertThrows(AccessDeniedException.class, () -> Files.readString(root.resolve("leaf")));
    assertThrows(AccessDeniedException.class, () -> Files.writeString(root.resolve("a/b/escape/new"), "x"));
    assertThrows(AccessDeniedException.class, () -> Files.readString(root.resolve("../outside/target")));
    assertFalse(Files.exists(outside.resolve("new")));
    // The link itself lies inside: reading it, not following it, is allowed.
    assertEquals(outside.resolve("target").toString(), Files.readSymbolicLink(root.resolve("leaf")).toString());
  }

  @Test
  public void listedAndDerivedPathsStayConfined() throws IOException {
    Path dir = shared("listed");
    Files.writeString(dir.resolve("one"), "1");
    Path root = Confinement.confine(dir, nobody, List.of(dir.toString()));

    List<Path> seen = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      entries.forEach(seen::add);
    }
    assertEquals(1, seen.size());
    assertTrue(Confinement.isConfined(seen.get(0)));
    assertTrue(Confinement.isConfined(seen.get(0).getParent()));
    assertTrue(Confinement.isConfined(RawNames.resolve(root, "x\udc80y")));
    assertEquals("1", new String(Files.readAllBytes(seen.get(0)), StandardCharsets.UTF_8));
    assertThrows(UnsupportedOperationException.class, () -> root.toFile());
  }

  @Test
  public void theProcessesOwnIdentityWithoutRootsIsThePlainPath() {
    Path plain = base.resolve("x");
    assertFalse(Confinement.isConfined(Confinement.confine(plain, FsIdentity.process(), List.of())));
  }

  @Test
  public void aSyncAccountIsTheNamedAccountAndNeverTheProcessInstead() throws IOException {
    Path dir = shared("account");
    assertFalse(Confinement.isConfined(SyncAccount.process().confine(dir)));
    Path asNobody = new SyncAccount("nobody", List.of()).confine(dir);
    assertTrue(Confinement.isConfined(asNobody));
    assertEquals(nobody.uid(), Files.getAttribute(Files.writeString(asNobody.resolve("f"), "x"), "unix:uid"));
    IOException unknown = assertThrows(IOException.class,
        () -> new SyncAccount("no-such-account-zq", List.of()).confine(dir));
    assertTrue(unknown.getMessage(), unknown.getMessage().contains("account no-such-account-zq does not exist"));
  }

  @Test
  public void anUnknownAccountIsNamed() {
    IOException e = assertThrows(IOException.class, () -> FsIdentity.of("no-such-account-zq"));
    assertTrue(e.getMessage(), e.getMessage().contains("no-such-account-zq"));
  }
}
