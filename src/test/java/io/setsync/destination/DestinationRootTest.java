package io.setsync.destination;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.setsync.destination.DestinationRoot.RecoveryReport;
import io.setsync.fs.UnsafeNameException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class DestinationRootTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static void write(Path p, String content) throws IOException {
    Files.createDirectories(p.getParent());
    Files.write(p, content.getBytes(StandardCharsets.UTF_8));
  }

  private static String read(Path p) throws IOException {
    return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
  }

  private static boolean exists(Path p) {
    return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
  }

  private static void assertMentions(IOException e, String part) {
    assertTrue(
        "message \"" + e.getMessage() + "\" should mention \"" + part + "\"",
        e.getMessage().contains(part));
  }

  private DestinationRoot openFresh() throws IOException {
    return DestinationRoot.open(tmp.getRoot().toPath().resolve("dest"));
  }

  private static List<String> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  // ---- open ----

  @Test
  public void openCreatesAMissingRootAndItsScratchFolder() throws IOException {
    Path requested = tmp.getRoot().toPath().resolve("dest");
    DestinationRoot root = DestinationRoot.open(requested);
    assertTrue(Files.isDirectory(requested));
    assertEquals(requested.toRealPath(), root.path());
    assertEquals(root.path().resolve(".setsync"), root.scratch());
    assertTrue(Files.isDirectory(root.scratch(), LinkOption.NOFOLLOW_LINKS));
    assertEquals(".setsync/t1", root.scratchName("t1"));
  }

  @Test
  public void openKeepsAnExistingRootAndScratchContents() throws IOException {
    Path requested = tmp.newFolder("dest").toPath();
    write(requested.resolve("data"), "d");
    write(requested.resolve(".setsync/journal"), "j");
    DestinationRoot root = DestinationRoot.open(requested);
    assertEquals("d", read(root.resolve("data")));
    assertEquals("j", read(root.scratch().resolve("journal")));
  }

  @Test
  public void openThroughASymlinkConfinesToTheRealPath() throws IOException {
    Path real = tmp.newFolder("real").toPath();
    Path link = tmp.getRoot().toPath().resolve("link");
    Files.createSymbolicLink(link, real);
    DestinationRoot root = DestinationRoot.open(link);
    assertEquals(real.toRealPath(), root.path());
    assertTrue(Files.isDirectory(real.resolve(".setsync")));
  }

  @Test
  public void openRefusesAMissingParentAndNamesIt() throws IOException {
    Path parent = tmp.getRoot().toPath().resolve("missing");
    try {
      DestinationRoot.open(parent.resolve("dest"));
      fail("opened a root whose parent is missing");
    } catch (IOException e) {
      assertMentions(e, parent.toString());
    }
    assertFalse(exists(parent));
  }

  @Test
  public void openRefusesARootThatIsAFile() throws IOException {
    Path file = tmp.newFile("dest").toPath();
    try {
      DestinationRoot.open(file);
      fail("opened a file as root");
    } catch (IOException e) {
      assertMentions(e, file.toString());
      assertMentions(e, "not a directory");
    }
    assertTrue(Files.isRegularFile(file));
  }

  @Test
  public void openRefusesARelativePath() {
    try {
      DestinationRoot.open(Path.of("relative/dest"));
      fail("opened a relative path");
    } catch (IOException e) {
      assertMentions(e, "not an absolute path");
    }
  }

  @Test
  public void openRefusesAScratchThatIsAFile() throws IOException {
    Path requested = tmp.newFolder("dest").toPath();
    write(requested.resolve(".setsync"), "not a folder");
    try {
      DestinationRoot.open(requested);
      fail("used a .setsync file");
    } catch (IOException e) {
      assertMentions(e, ".setsync");
    }
    assertEquals("not a folder", read(requested.resolve(".setsync")));
  }

  @Test
  public void openRefusesAScratchThatIsASymlinkToADirectory() throws IOException {
    Path requested = tmp.newFolder("dest").toPath();
    Path elsewhere = tmp.newFolder("elsewhere").toPath();
    Files.createSymbolicLink(requested.resolve(".setsync"), elsewhere);
    try {
      DestinationRoot.open(requested);
      fail("used a .setsync symlink");
    } catch (IOException e) {
      assertMentions(e, ".setsync");
    }
    assertTrue(Files.isSymbolicLink(requested.resolve(".setsync")));
  }

  @Test
  public void openRefusesADanglingScratchSymlink() throws IOException {
    Path requested = tmp.newFolder("dest").toPath();
    Path nowhere = tmp.getRoot().toPath().resolve("nowhere");
    Files.createSymbolicLink(requested.resolve(".setsync"), nowhere);
    try {
      DestinationRoot.open(requested);
      fail("used a dangling .setsync symlink");
    } catch (IOException e) {
      assertMentions(e, ".setsync");
    }
    assertFalse(exists(nowhere));
  }

  @Test
  public void resolveRefusesNamesLeavingTheRoot() throws IOException {
    DestinationRoot root = openFresh();
    assertEquals(root.path().resolve("a/b"), root.resolve("a/b"));
    for (String bad : List.of("../x", "/etc/passwd", "a/../../x", "")) {
      try {
        root.resolve(bad);
        fail("resolved " + bad);
      } catch (UnsafeNameException expected) {
        // refused
      }
    }
  }

  // ---- replace ----

  @Test
  public void replaceMakesTempsVisibleAndKeepsSavedLinksUntilDeleted() throws IOException {
    DestinationRoot root = openFresh();
    write(root.resolve("a"), "old a");
    write(root.resolve("b/c"), "old c");
    write(root.resolve(".setsync/t1"), "new a");
    write(root.resolve(".setsync/t2"), "new c");
    write(root.resolve(".setsync/t3"), "new d");
    Files.createDirectories(root.resolve("b"));
    Replacement a = new Replacement("a", ".setsync/t1", ".setsync/s1");
    Replacement c = new Replacement("b/c", ".setsync/t2", ".setsync/s2");
    Replacement d = new Replacement("b/d", ".setsync/t3", null); // new name: nothing to save
    List<Replacement> batch = List.of(a, c, d);
    List<String> failures = new ArrayList<>();

    List<Replacement> failed = root.replace(batch, (r, e) -> failures.add(r.target()));

    assertEquals(List.of(), failed);
    assertEquals(List.of(), failures);
    assertEquals("new a", read(root.resolve("a")));
    assertEquals("new c", read(root.resolve("b/c")));
    assertEquals("new d", read(root.resolve("b/d")));
    assertFalse(exists(root.resolve(".setsync/t1")));
    assertFalse(exists(root.resolve(".setsync/t2")));
    assertFalse(exists(root.resolve(".setsync/t3")));
    // the saved names hold the old objects until the batch is committed
    assertEquals("old a", read(root.resolve(".setsync/s1")));
    assertEquals("old c", read(root.resolve(".setsync/s2")));
    assertEquals(List.of("s1", "s2"), list(root.scratch()));

    root.deleteSaved(batch);
    assertEquals(List.of(), list(root.scratch()));
    assertEquals("new a", read(root.resolve("a")));
    // deleting again is harmless
    root.deleteSaved(batch);
  }

  @Test
  public void replaceReportsAFailureRemovesItsScratchFilesAndGoesOn() throws IOException {
    DestinationRoot root = openFresh();
    write(root.resolve("a"), "old a");
    write(root.resolve("b"), "old b");
    write(root.resolve("c"), "old c");
    write(root.resolve(".setsync/ta"), "new a");
    // "b"'s temp vanished: the saved link is made, then the rename fails
    write(root.resolve(".setsync/tc"), "new c");
    Replacement a = new Replacement("a", ".setsync/ta", ".setsync/sa");
    Replacement b = new Replacement("b", ".setsync/tb", ".setsync/sb");
    Replacement c = new Replacement("c", ".setsync/tc", null);
    List<Replacement> reported = new ArrayList<>();
    List<IOException> errors = new ArrayList<>();

    List<Replacement> failed =
        root.replace(
            List.of(a, b, c),
            (r, e) -> {
              reported.add(r);
              errors.add(e);
            });

    assertEquals(List.of(b), failed);
    assertEquals(List.of(b), reported);
    assertTrue(errors.get(0) != null);
    assertEquals("old b", read(root.resolve("b")));
    assertFalse(exists(root.resolve(".setsync/sb")));
    assertEquals("new a", read(root.resolve("a")));
    assertEquals("new c", read(root.resolve("c")));
    assertEquals(List.of("sa"), list(root.scratch()));
  }

  @Test
  public void replaceWhoseSavedLinkCannotBeMadeLeavesTheTargetOld() throws IOException {
    DestinationRoot root = openFresh();
    write(root.resolve(".setsync/t1"), "new x");
    // the target does not exist, so no hard link of it can be taken
    Replacement x = new Replacement("x", ".setsync/t1", ".setsync/s1");
    List<Replacement> reported = new ArrayList<>();

    List<Replacement> failed = root.replace(List.of(x), (r, e) -> reported.add(r));

    assertEquals(List.of(x), failed);
    assertEquals(List.of(x), reported);
    assertFalse(exists(root.resolve("x")));
    assertEquals(List.of(), list(root.scratch()));
  }

  @Test
  public void replaceWithAMissingTargetParentReportsItAndReturnsTheOthers() throws IOException {
    DestinationRoot root = openFresh();
    write(root.resolve("a"), "old a");
    write(root.resolve(".setsync/ta"), "new a");
    write(root.resolve(".setsync/tx"), "new x");
    write(root.resolve(".setsync/tb"), "new b");
    Replacement a = new Replacement("a", ".setsync/ta", ".setsync/sa");
    Replacement x = new Replacement("missing/x", ".setsync/tx", null);
    Replacement b = new Replacement("b", ".setsync/tb", null);
    List<Replacement> reported = new ArrayList<>();

    List<Replacement> failed = root.replace(List.of(a, x, b), (r, e) -> reported.add(r));

    assertEquals(List.of(x), failed);
    assertEquals(List.of(x), reported);
    assertFalse(exists(root.resolve(".setsync/tx")));
    assertFalse(exists(root.resolve("missing")));
    assertEquals("new a", read(root.resolve("a")));
    assertEquals("new b", read(root.resolve("b")));
  }

  /** The part of the scenario above that works today: the callback and the cleanup. */
  @Test
  public void replaceWithAMissingTargetParentStillReportsAndCleansUp() throws IOException {
    DestinationRoot root = openFresh();
    write(root.resolve("a"), "old a");
    write(root.resolve(".setsync/ta"), "new a");
    write(root.resolve(".setsync/tx"), "new x");
    Replacement a = new Replacement("a", ".setsync/ta", ".setsync/sa");
    Replacement x = new Replacement("missing/x", ".setsync/tx", null);
    List<Replacement> reported = new ArrayList<>();

    try {
      root.replace(List.of(a, x), (r, e) -> reported.add(r));
    } catch (IOException tolerated) {
    }

    assertEquals(List.of(x), reported);
    assertFalse(exists(root.resolve(".setsync/tx")));
    assertEquals("new a", read(root.resolve("a")));
  }

  // ---- recover ----

  @Test
  public void recoverResolvesEveryCrashState() throws IOException {
    DestinationRoot root = openFresh();
    // (a) temp written, saved not linked yet: target still old
    write(root.resolve("a"), "old a");
    write(root.resolve(".setsync/ta"), "new a");
    Replacement a = new Replacement("a", ".setsync/ta", ".setsync/sa");
    // (b) saved linked, not renamed: target still old
    write(root.resolve("d1/b"), "old b");
    write(root.resolve(".setsync/tb"), "new b");
    Files.createLink(root.resolve(".setsync/sb"), root.resolve("d1/b"));
    Replacement b = new Replacement("d1/b", ".setsync/tb", ".setsync/sb");
    // (c) renamed, saved still present: target new
    write(root.resolve(".setsync/sc"), "old c");
    write(root.resolve("c"), "new c");
    Replacement c = new Replacement("c", ".setsync/tc", ".setsync/sc");
    // (d) target missing, saved present: the saved object goes back
    write(root.resolve(".setsync/sd"), "old d");
    Replacement d = new Replacement("d", ".setsync/td", ".setsync/sd");
    // (e) a new name, renamed: nothing was saved
    write(root.resolve("e"), "new e");
    Replacement e = new Replacement("e", ".setsync/te", null);
    // (f) a new name, not renamed: the temp goes, the name stays absent
    write(root.resolve(".setsync/tf"), "new f");
    Replacement f = new Replacement("f", ".setsync/tf", null);

    Map<Long, List<Replacement>> open = new LinkedHashMap<>();
    open.put(7L, List.of(a, b, c));
    open.put(9L, List.of(d, e, f));
    RecoveryReport report = root.recover(open);

    assertEquals("old a", read(root.resolve("a")));
    assertEquals("old b", read(root.resolve("d1/b")));
    assertEquals("new c", read(root.resolve("c")));
    assertEquals("old d", read(root.resolve("d")));
    assertEquals("new e", read(root.resolve("e")));
    assertFalse(exists(root.resolve("f")));
    assertEquals(List.of(), list(root.scratch()));
    assertEquals(3, report.rolledBack()); // a, b, f
    assertEquals(3, report.finished()); // c, d, e
    assertEquals(0, report.orphansRemoved());
    assertTrue(report.anything());
    assertEquals(new RecoveryReport(3, 3, 4), report.withOrphans(4));
  }

  @Test
  public void recoverWithNothingOpenReportsNothing() throws IOException {
    DestinationRoot root = openFresh();
    RecoveryReport report = root.recover(Map.of());
    assertEquals(new RecoveryReport(0, 0, 0), report);
    assertFalse(report.anything());
  }

  @Test
  public void recoverIsIdempotent() throws IOException {
    DestinationRoot root = openFresh();
    write(root.resolve("a"), "old a");
    write(root.resolve(".setsync/ta"), "new a");
    Files.createLink(root.resolve(".setsync/sa"), root.resolve("a"));
    Map<Long, List<Replacement>> open =
        Map.of(1L, List.of(new Replacement("a", ".setsync/ta", ".setsync/sa")));
    assertEquals(new RecoveryReport(0, 1, 0), root.recover(open));
    // a second crash during recovery replays the same batch
    assertEquals(new RecoveryReport(1, 0, 0), root.recover(open));
    assertEquals("old a", read(root.resolve("a")));
    assertEquals(List.of(), list(root.scratch()));
  }

  // ---- removeOrphans ----

  @Test
  public void removeOrphansEmptiesTheScratchFolder() throws IOException {
    DestinationRoot root = openFresh();
    Path outside = tmp.newFolder("outside").toPath();
    write(outside.resolve("precious"), "p");
    write(root.resolve(".setsync/t1"), "1");
    write(root.resolve(".setsync/spool"), "2");
    write(root.resolve(".setsync/d/e/f"), "3");
    Files.createSymbolicLink(root.scratch().resolve("link"), outside);
    write(root.resolve("data"), "kept");

    assertEquals(4, root.removeOrphans());

    assertEquals(List.of(), list(root.scratch()));
    assertTrue(Files.isDirectory(root.scratch()));
    assertEquals("p", read(outside.resolve("precious"))); // the link was not followed
    assertEquals("kept", read(root.resolve("data")));
    assertEquals(0, root.removeOrphans());
  }

  @Test
  public void removeOrphansOnAFreshRootRemovesNothing() throws IOException {
    assertEquals(0, openFresh().removeOrphans());
  }
}
