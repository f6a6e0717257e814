package io.setsync.destination;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import io.setsync.fs.EntryType;
import io.setsync.fs.Ownership;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class FileSecurityTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static int mode(Path p) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }

  @Test
  public void byDefaultSpecialBitsAreDropped() throws Exception {
    Path file = tmp.newFile("prog").toPath();
    FileSecurity.DEFAULT.apply(file, EntryType.FILE, 04755);
    assertEquals(0755, mode(file));
    Path dir = tmp.newFolder("shared").toPath();
    FileSecurity.DEFAULT.apply(dir, EntryType.DIRECTORY, 01777);
    assertEquals(0777, mode(dir));
  }

  @Test
  public void keepSecurityKeepsSetuidSetgidAndSticky() throws Exception {
    FileSecurity keep = FileSecurity.of(null, true, null, null, false);
    Path file = tmp.newFile("prog").toPath();
    keep.apply(file, EntryType.FILE, 06750);
    assertEquals(06750, mode(file));
    Path dir = tmp.newFolder("shared").toPath();
    keep.apply(dir, EntryType.DIRECTORY, 01777);
    assertEquals(01777, mode(dir));
  }

  @Test
  public void secureSetsFileModesButDirectoriesKeepTheSourceBits() throws Exception {
    FileSecurity secure = FileSecurity.of("rw-r-----", false, null, null, false);
    Path file = tmp.newFile("data").toPath();
    secure.apply(file, EntryType.FILE, 0777);
    assertEquals(0640, mode(file));
    Path dir = tmp.newFolder("d").toPath();
    secure.apply(dir, EntryType.DIRECTORY, 0755);
    assertEquals(0755, mode(dir));
    assertEquals(04640, FileSecurity.of("rw-r-----", true, null, null, false).modeFor(EntryType.FILE, 04777));
  }

  @Test
  public void modeDifferenceFollowsThePolicy() {
    FileSecurity secure = FileSecurity.of("rwx------", false, null, null, false);
    assertFalse(secure.modeDiffers(EntryType.FILE, 0644, 0700));
    assertTrue(secure.modeDiffers(EntryType.FILE, 0700, 0644));
    assertTrue(FileSecurity.DEFAULT.modeDiffers(EntryType.FILE, 04755, 04755));
    assertFalse(FileSecurity.DEFAULT.modeDiffers(EntryType.FILE, 04755, 0755));
  }

  @Test
  public void ownerOptionsAreRefusedWithoutRoot() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FileSecurity.of(null, false, "root", null, false));
    assertTrue(e.getMessage(), e.getMessage().startsWith("OWNER root needs the destination to run as root"));
    e = assertThrows(IllegalArgumentException.class, () -> FileSecurity.of(null, false, null, "root", false));
    assertTrue(e.getMessage(), e.getMessage().startsWith("OWNERGROUP root needs the destination to run as root"));
  }

  @Test
  public void unknownOwnersAndBadModesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> FileSecurity.of(null, false, "no-such-user-xq", null, true));
    assertThrows(IllegalArgumentException.class, () -> FileSecurity.of(null, false, null, "no-such-group-xq", true));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FileSecurity.of("rwz------", false, null, null, true));
    assertTrue(e.getMessage(), e.getMessage().contains("character 3"));
  }

  @Test
  public void ownerAndGroupAreGivenAndSetuidSurvivesWithKeepSecurity() throws Exception {
    assumeTrue("changing owners needs root", Ownership.runningAsRoot());
    FileSecurity give = FileSecurity.of(null, true, "65534", "65534", true);
    assertTrue(give.changesOwners());
    Path file = tmp.newFile("prog").toPath();
    give.apply(file, EntryType.FILE, 04755);
    assertEquals(65534, Files.getAttribute(file, "unix:uid"));
    assertEquals(65534, Files.getAttribute(file, "unix:gid"));
    assertEquals("chown clears setuid, so the mode must be set after it", 04755, mode(file));
  }

  @Test
  public void aLinkGetsItsOwnerButItsTargetIsUntouched() throws Exception {
    assumeTrue("changing owners needs root", Ownership.runningAsRoot());
    Path target = tmp.newFile("target").toPath();
    Files.setAttribute(target, "unix:mode", 0600);
    Path link = Files.createSymbolicLink(tmp.getRoot().toPath().resolve("link"), target);
    FileSecurity.of("rwxrwxrwx", false, "65534", null, true).apply(link, EntryType.SYMLINK, 0777);
    assertEquals(65534, Files.getAttribute(link, "unix:uid", LinkOption.NOFOLLOW_LINKS));
    assertEquals(0, Files.getAttribute(target, "unix:uid"));
    assertEquals(0600, mode(target));
  }

  private static io.setsync.fs.FileEntry ownedBy(int uid, int gid, String user, String group) {
    return new io.setsync.fs.FileEntry("f", EntryType.FILE, 0, 0, 0644, null, null, 1,
        new io.setsync.fs.Owner(uid, gid, user, group));
  }

  @Test
  public void aRootDestinationKeepsSourceOwnersByNameWithTheNumberAsFallback() {
    FileSecurity root = FileSecurity.of(null, false, null, null, true, false);
    // "root" and "daemon" are names here: their numbers here count, whatever the source's were
    assertEquals(0, root.uidFor(ownedBy(4242, 4343, "root", "root")));
    assertEquals(Ownership.uidOf("daemon"), root.uidFor(ownedBy(4242, 4343, "daemon", null)));
    // a name this machine lacks, or none at all: the source's number
    assertEquals(4242, root.uidFor(ownedBy(4242, 4343, "no-such-user-here", "no-such-group-here")));
    assertEquals(4343, root.gidFor(ownedBy(4242, 4343, "no-such-user-here", "no-such-group-here")));
    assertEquals(4242, root.uidFor(ownedBy(4242, 4343, null, null)));
    // NUMERICIDS: always the number
    FileSecurity numeric = FileSecurity.of(null, false, null, null, true, true);
    assertEquals(4242, numeric.uidFor(ownedBy(4242, 4343, "root", "root")));
    assertEquals(4343, numeric.gidFor(ownedBy(4242, 4343, "root", "root")));
  }

  @Test
  public void ownerAndOwnerGroupOverrideAndANonRootDestinationKeepsItsOwn() {
    FileSecurity given = FileSecurity.of(null, false, "0", "0", true, false);
    assertEquals(0, given.uidFor(ownedBy(4242, 4343, "daemon", "bin")));
    assertEquals(0, given.gidFor(ownedBy(4242, 4343, "daemon", "bin")));
    FileSecurity notRoot = FileSecurity.of(null, false, null, null, false, false);
    assertEquals(-1, notRoot.uidFor(ownedBy(4242, 4343, "daemon", "bin")));
    assertEquals(-1, notRoot.gidFor(ownedBy(4242, 4343, "daemon", "bin")));
    assertFalse(notRoot.ownerDiffers(ownedBy(4242, 4343, "daemon", "bin"), ownedBy(0, 0, "root", "root")));
    assertTrue(FileSecurity.of(null, false, null, null, true, true)
        .ownerDiffers(ownedBy(4242, 4343, null, null), ownedBy(0, 0, "root", "root")));
  }
}
