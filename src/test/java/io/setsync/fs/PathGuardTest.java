package io.setsync.fs;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import org.junit.Test;

public class PathGuardTest {

  private static void refused(String rel, String reason) {
    UnsafeNameException e =
        assertThrows(UnsafeNameException.class, () -> PathGuard.checkRelativePath(rel));
    assertTrue(e.getMessage(), e.getMessage().contains(reason));
    assertEquals(rel, e.path());
  }

  @Test
  public void acceptsOrdinaryNames() {
    for (String ok :
        new String[] {"a", "a/b/c", "b c", "ä/ö", ".hidden", "..x", "x..", "...", "a/.b"}) {
      PathGuard.checkRelativePath(ok);
    }
    PathGuard.checkRelativePath("x".repeat(255));
    PathGuard.checkRelativePath("ä".repeat(127) + "x");
    PathGuard.checkRelativePath(("x".repeat(200) + "/").repeat(20) + "y".repeat(76));
  }

  @Test
  public void refusesEmpty() {
    refused("", "empty path");
  }

  @Test
  public void refusesAbsolute() {
    refused("/etc/passwd", "absolute path");
    refused("/", "absolute path");
  }

  @Test
  public void refusesTrailingSlash() {
    refused("a/", "trailing '/'");
  }

  @Test
  public void refusesEmptyComponent() {
    refused("a//b", "empty component");
  }

  @Test
  public void refusesDotAndDotDot() {
    refused(".", "component '.'");
    refused("a/./b", "component '.'");
    refused("..", "component '..'");
    refused("a/../../b", "component '..'");
  }

  @Test
  public void refusesControlCharacters() {
    refused("a\0b", "control character \\u0000 at index 1");
    refused("a\nb", "control character \\u000a");
    refused("a\u001fb", "control character \\u001f");
    refused("a\u007f", "control character \\u007f");
  }

  @Test
  public void messageDoesNotCarryRawControlCharacters() {
    UnsafeNameException e =
        assertThrows(UnsafeNameException.class, () -> PathGuard.checkRelativePath("a\nb"));
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  public void refusesOverlongPath() {
    refused(("x".repeat(200) + "/").repeat(20) + "y".repeat(97), "path longer than 4096 chars");
  }

  @Test
  public void refusesOverlongComponentCountingUtf8Bytes() {
    refused("x".repeat(256), "component longer than 255 bytes (256)");
    refused("a/" + "ä".repeat(128), "component longer than 255 bytes (256)");
  }

  @Test
  public void resolveStaysUnderRoot() {
    Path root = Path.of("/srv/data");
    assertEquals(Path.of("/srv/data/a/b"), PathGuard.resolve(root, "a/b"));
    assertEquals(Path.of("/srv/data/a/b"), PathGuard.resolve(Path.of("/srv/x/../data"), "a/b"));
    assertThrows(UnsafeNameException.class, () -> PathGuard.resolve(root, "../etc"));
    assertThrows(UnsafeNameException.class, () -> PathGuard.resolve(root, "/etc"));
  }

  @Test
  public void metadataFolderIsReserved() {
    assertTrue(PathGuard.isReserved(".setsync"));
    assertTrue(PathGuard.isReserved(".setsync/journal"));
    assertFalse(PathGuard.isReserved(".setsyncx"));
    assertFalse(PathGuard.isReserved("a/.setsync"));
    assertFalse(PathGuard.isReserved(".setsyn"));
  }

  private static void childRefused(String rel, int nameStart, String reason) {
    UnsafeNameException e =
        assertThrows(UnsafeNameException.class, () -> PathGuard.checkChildPath(rel, nameStart));
    assertTrue(e.getMessage(), e.getMessage().contains(reason));
    assertEquals(rel, e.path());
  }

  @Test
  public void checksTheLastComponentOfAChildPath() {
    PathGuard.checkChildPath("a/b/c", 4);
    PathGuard.checkChildPath("c", 0);
    PathGuard.checkChildPath("a/..x", 2);
    childRefused("a/..", 2, "component '..'");
    childRefused(".", 0, "component '.'");
    childRefused("a/", 2, "empty component");
    childRefused("a/b\nc", 2, "control character");
    childRefused("a/b/c", 2, "'/' inside a name");
    childRefused("a/" + "x".repeat(256), 2, "longer than 255");
    childRefused("x/".repeat(2048) + "y", 4096, "longer than 4096");
  }
}
