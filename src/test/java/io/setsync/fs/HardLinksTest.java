package io.setsync.fs;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class HardLinksTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  /** Feeds real files in listing order; returns path → earlier name (null for first names). */
  private Map<String, String> feed(HardLinks links, Path root, String... paths) throws Exception {
    Map<String, String> result = new LinkedHashMap<>();
    for (String rel : paths) {
      Path p = root.resolve(rel);
      int nlink = (Integer) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
      result.put(rel, links.earlierName(OpenFiles.FileKey.of(p), nlink, rel));
    }
    return result;
  }

  @Test
  public void laterNamesPointAtTheFirstAndEverythingIsForgottenAtTheEnd() throws Exception {
    Path root = tmp.getRoot().toPath();
    Files.writeString(root.resolve("a"), "shared");
    Files.createLink(root.resolve("b"), root.resolve("a"));
    Files.createDirectories(root.resolve("d"));
    Files.createLink(root.resolve("d/c"), root.resolve("a"));
    Files.writeString(root.resolve("single"), "alone");
    HardLinks links = new HardLinks();
    Map<String, String> got = feed(links, root, "a", "b", "d/c", "single");
    assertNull(got.get("a"));
    assertEquals("a", got.get("b"));
    assertEquals("a", got.get("d/c"));
    assertNull(got.get("single"));
    assertEquals("all three names seen: nothing left to remember", 0, links.remembered());
  }

  @Test
  public void aLinkToAFileOutsideTheSetMakesTheFirstNameInsideCarryTheData() throws Exception {
    Path root = tmp.newFolder("set").toPath();
    Path outside = tmp.newFile("outside").toPath();
    Files.createLink(root.resolve("x"), outside);
    Files.createLink(root.resolve("y"), outside);
    HardLinks links = new HardLinks();
    Map<String, String> got = feed(links, root, "x", "y");
    assertNull(got.get("x"));
    assertEquals("x", got.get("y"));
    assertEquals("the outside name is never seen, so the file stays remembered", 1, links.remembered());
  }

  @Test
  public void aSkippedFirstNameLeavesTheNextOneFirst() throws Exception {
    Path root = tmp.getRoot().toPath();
    Files.writeString(root.resolve("a.tmp"), "x");
    Files.createLink(root.resolve("b"), root.resolve("a.tmp"));
    Files.createLink(root.resolve("c"), root.resolve("a.tmp"));
    HardLinks links = new HardLinks();
    Map<String, String> got = feed(links, root, "b", "c"); // a.tmp excluded by a filter
    assertNull(got.get("b"));
    assertEquals("b", got.get("c"));
  }

  @Test
  public void distinctFilesAreNotConfused() {
    HardLinks links = new HardLinks();
    assertNull(links.earlierName(new OpenFiles.FileKey(1, 10), 2, "p"));
    assertNull(links.earlierName(new OpenFiles.FileKey(2, 10), 2, "q"));
    assertEquals("p", links.earlierName(new OpenFiles.FileKey(1, 10), 2, "r"));
    assertEquals("q", links.earlierName(new OpenFiles.FileKey(2, 10), 2, "s"));
    assertEquals(0, links.remembered());
  }
}
