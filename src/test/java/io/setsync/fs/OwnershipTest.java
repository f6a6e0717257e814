package io.setsync.fs;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class OwnershipTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void namesAndNumbersResolveToTheSameUser() {
    assertEquals(Ownership.user("root"), Ownership.user("0"));
    assertEquals(Ownership.group("root"), Ownership.group("0"));
    assertEquals("root", Ownership.user("root").getName());
  }

  @Test
  public void unknownNamesAreRefusedByName() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Ownership.user("no-such-user-xq"));
    assertEquals("no user \"no-such-user-xq\" on this machine", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Ownership.group("no-such-group-xq"));
    assertEquals("no group \"no-such-group-xq\" on this machine", e.getMessage());
  }

  @Test
  public void malformedNamesAreRefusedBeforeLookup() {
    assertNotNull(Ownership.nameProblem(""));
    assertNotNull(Ownership.nameProblem("a b"));
    assertNotNull(Ownership.nameProblem("a:b"));
    assertNotNull(Ownership.nameProblem("a/b"));
    assertNull(Ownership.nameProblem("www-data"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Ownership.user("a b"));
    assertTrue(e.getMessage(), e.getMessage().startsWith("bad user name \"a b\""));
  }

  @Test
  public void ownerOfAFileIsSeenAndChangedAsRoot() throws Exception {
    assumeTrue("changing owners needs root", Ownership.runningAsRoot());
    Path file = tmp.newFile("f").toPath();
    UserPrincipal nobody = Ownership.user("65534");
    assertFalse(Ownership.ownedBy(file, nobody));
    Ownership.setOwner(file, nobody, Ownership.group("65534"));
    assertTrue(Ownership.ownedBy(file, nobody));
    assertEquals(65534, Files.getAttribute(file, "unix:uid"));
    assertEquals(65534, Files.getAttribute(file, "unix:gid"));
  }

  @Test
  public void aLinkItselfIsChangedNotItsTarget() throws Exception {
    assumeTrue("changing owners needs root", Ownership.runningAsRoot());
    Path target = tmp.newFile("target").toPath();
    Path link = Files.createSymbolicLink(tmp.getRoot().toPath().resolve("link"), target);
    Ownership.setOwner(link, Ownership.user("65534"), null);
    assertEquals(65534, Files.getAttribute(link, "unix:uid", LinkOption.NOFOLLOW_LINKS));
    assertEquals(0, Files.getAttribute(target, "unix:uid"));
  }

  @Test
  public void rootIsRecognized() {
    assertEquals(Ownership.currentUser().equals("root"), Ownership.runningAsRoot());
  }
}
