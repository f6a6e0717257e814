package io.setsync.fs;

import static io.setsync.fs.TestTrees.listAll;
import static io.setsync.fs.TestTrees.paths;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeFalse;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class TreeScannerTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private Path root;
  private final List<String> warnings = new ArrayList<>();

  @Before
  public void setUp() {
    root = tmp.getRoot().toPath();
  }

  private void dirs(String... rels) throws IOException {
    for (String rel : rels) {
      Files.createDirectories(root.resolve(rel));
    }
  }

  private void files(String... rels) throws IOException {
    for (String rel : rels) {
      Files.createDirectories(root.resolve(rel).getParent());
      Files.writeString(root.resolve(rel), rel);
    }
  }

  private TreeScanner open(ExcludeFilter excluded) throws IOException {
    return TreeScanner.open(root, excluded, warnings::add);
  }

  private static FileEntry find(List<FileEntry> entries, String path) {
    return entries.stream().filter(e -> e.path().equals(path)).findFirst().orElseThrow();
  }

  @Test
  public void emptyRootYieldsNothing() throws IOException {
    try (TreeScanner s = open(ExcludeFilter.NONE)) {
      assertFalse(s.hasNext());
      assertThrows(NoSuchElementException.class, s::next);
    }
  }

  @Test
  public void yieldsPreOrderSortedWithTrickyNames() throws IOException {
    dirs("a/b", "empty dir", "ä");
    files("a-c", "a.b", "a/b/x", "a/b c", "Z", "ä/ö ü", "b c");
    Files.createFile(root.resolve("zero"));
    assertEquals(
        List.of(
            "Z", "a", "a/b", "a/b/x", "a/b c", "a-c", "a.b", "b c", "empty dir", "zero", "ä",
            "ä/ö ü"),
        paths(listAll(root, ExcludeFilter.NONE)));
  }

  @Test
  public void describesFilesAndDirectories() throws IOException {
    files("d/f");
    Path f = root.resolve("d/f");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-x---"));
    FileTime mtime = FileTime.from(1_600_000_000_123_456_789L, TimeUnit.NANOSECONDS);
    Files.setLastModifiedTime(f, mtime);
    Files.createFile(root.resolve("empty"));

    List<FileEntry> all = listAll(root, ExcludeFilter.NONE);
    FileEntry file = find(all, "d/f");
    assertEquals(EntryType.FILE, file.type());
    assertEquals(3, file.size());
    assertEquals(0750, file.mode());
    assertEquals(Files.getLastModifiedTime(f).to(TimeUnit.NANOSECONDS), file.mtimeNanos());
    assertEquals(1_600_000_000_000_000_000L, file.mtimeNanos() / 1_000_000_000 * 1_000_000_000);
    assertNull(file.linkTarget());
    assertNull(file.contentHash());

    FileEntry dir = find(all, "d");
    assertEquals(EntryType.DIRECTORY, dir.type());
    assertEquals(0, dir.size());

    assertEquals(0, find(all, "empty").size());
  }

  @Test
  public void keepsSetuidAndStickyBits() throws Exception {
    dirs("sticky");
    Path p = root.resolve("sticky");
    Process chmod = new ProcessBuilder("chmod", "1777", p.toString()).start();
    assumeTrue("chmod available", chmod.waitFor() == 0);
    assertEquals(01777, find(listAll(root, ExcludeFilter.NONE), "sticky").mode());
  }

  @Test
  public void filesAndLinksCarryTheirLinkCountAndIdentity() throws IOException {
    files("a", "d/single");
    Files.createLink(root.resolve("b"), root.resolve("a"));
    Files.createLink(root.resolve("d/c"), root.resolve("a"));
    Files.createSymbolicLink(root.resolve("s"), Path.of("a"));
    assertEquals(List.of("a 3 shared", "b 3 shared", "d 1 -", "d/c 3 shared", "d/single 1 own", "s 1 own"),
        linksSeen(open(ExcludeFilter.NONE)));
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      assertEquals("the prefetching walk hands the keys on",
          List.of("a 3 shared", "b 3 shared", "d 1 -", "d/c 3 shared", "d/single 1 own", "s 1 own"),
          linksSeen(PrefetchingWalk.open(root, ExcludeFilter.NONE, warnings::add, pool)));
    } finally {
      pool.shutdown();
    }
  }

  /** Each name with its link count and whether its file key is a's, another, or none. */
  private static List<String> linksSeen(Walk walk) {
    List<String> seen = new ArrayList<>();
    Object shared = null;
    try (walk) {
      while (walk.hasNext()) {
        FileEntry e = walk.next();
        Object key = walk.fileKey();
        if (e.path().equals("a")) shared = key;
        seen.add(e.path() + " " + e.linkCount() + (key == null ? " -" : key.equals(shared) ? " shared" : " own"));
      }
    }
    return seen;
  }

  @Test
  public void symlinksAreReportedNotFollowed() throws IOException {
    files("real/inside");
    Files.createSymbolicLink(root.resolve("to-dir"), Path.of("real"));
    Files.createSymbolicLink(root.resolve("dangling"), Path.of("no/such/target"));
    Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
    Files.createSymbolicLink(root.resolve("abs"), root.resolve("real/inside"));

    List<FileEntry> all = listAll(root, ExcludeFilter.NONE);
    assertEquals(
        List.of("abs", "dangling", "loop", "real", "real/inside", "to-dir"), paths(all));
    FileEntry toDir = find(all, "to-dir");
    assertEquals(EntryType.SYMLINK, toDir.type());
    assertEquals("real", toDir.linkTarget());
    assertEquals(0, toDir.size());
    assertEquals("no/such/target", find(all, "dangling").linkTarget());
    assertEquals("loop", find(all, "loop").linkTarget());
    assertEquals(root.resolve("real/inside").toString(), find(all, "abs").linkTarget());
  }

  @Test
  public void fifoIsOther() throws Exception {
    Process mkfifo = new ProcessBuilder("mkfifo", root.resolve("pipe").toString()).start();
    assumeTrue("mkfifo available", mkfifo.waitFor() == 0);
    FileEntry pipe = find(listAll(root, ExcludeFilter.NONE), "pipe");
    assertEquals(EntryType.OTHER, pipe.type());
    assertEquals(0, pipe.size());
  }

  @Test
  public void metadataFolderAtRootIsSkippedButNotDeeper() throws IOException {
    files(".setsync/journal", "a/.setsync/x", ".setsyncx");
    assertEquals(
        List.of(".setsyncx", "a", "a/.setsync", "a/.setsync/x"),
        paths(listAll(root, ExcludeFilter.NONE)));
  }

  @Test
  public void excludedNamesAreNotYieldedNorDescended() throws IOException {
    files("keep/x.tmp", "keep/y", "cache/z", "sub/cache", "build/out", "src/build/out");
    ExcludeFilter f = ExcludeFilter.of(List.of("*.tmp", "cache/", "/build"));
    assertEquals(
        List.of("keep", "keep/y", "src", "src/build", "src/build/out", "sub", "sub/cache"),
        paths(listAll(root, f)));
  }

  @Test
  public void skipChildrenRightAfterNext() throws IOException {
    files("a/b/c", "a/d", "e");
    List<String> seen = new ArrayList<>();
    try (TreeScanner s = open(ExcludeFilter.NONE)) {
      while (s.hasNext()) {
        FileEntry e = s.next();
        seen.add(e.path());
        if (e.path().equals("a/b")) {
          s.skipChildren();
        }
      }
    }
    assertEquals(List.of("a", "a/b", "a/d", "e"), seen);
  }

  @Test
  public void skipChildrenAfterHasNextAlreadyLookedAhead() throws IOException {
    files("a/b/c", "a/d", "e");
    try (TreeScanner s = open(ExcludeFilter.NONE)) {
      assertEquals("a", s.next().path());
      assertTrue(s.hasNext());
      s.skipChildren();
      assertEquals("e", s.next().path());
      assertFalse(s.hasNext());
    }
  }

  @Test
  public void skipChildrenOfEmptyDirectoryAfterLookahead() throws IOException {
    dirs("a");
    files("b");
    try (TreeScanner s = open(ExcludeFilter.NONE)) {
      assertEquals("a", s.next().path());
      assertTrue(s.hasNext());
      s.skipChildren();
      assertEquals("b", s.next().path());
      assertFalse(s.hasNext());
    }
  }

  @Test
  public void skipChildrenRefusesNonDirectory() throws IOException {
    files("f");
    try (TreeScanner s = open(ExcludeFilter.NONE)) {
      assertThrows(IllegalStateException.class, s::skipChildren);
      s.next();
      assertThrows(IllegalStateException.class, s::skipChildren);
    }
  }

  @Test
  public void closeEndsTheWalk() throws IOException {
    files("a", "b");
    TreeScanner s = open(ExcludeFilter.NONE);
    s.next();
    s.close();
    assertFalse(s.hasNext());
  }

  /**
   * Descriptors this process has open now on the test's tree. Only those: other threads of the
   * test JVM may open and close descriptors of their own while the walk runs.
   */
  private int openDescriptors() throws IOException {
    Path tree = root.toRealPath();
    int n = 0;
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          if (Files.readSymbolicLink(fd).startsWith(tree)) n++;
        } catch (IOException closedMeanwhile) {
          // The descriptor was closed between the listing and the read.
        }
      }
    }
    return n;
  }

  @Test
  public void deepTreeIsWalkedWholeHoldingOneDirectoryAtATime() throws IOException {
    int depth = 80;
    StringBuilder rel = new StringBuilder();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      if (i > 0) rel.append('/');
      rel.append("d");
      expected.add(rel.toString());
      expected.add(rel + "/f");
    }
    Files.createDirectories(root.resolve(rel.toString()));
    for (int i = 0; i < expected.size(); i += 2) Files.writeString(root.resolve(expected.get(i + 1)), "x".repeat(i));
    // Pre-order: a directory, then (sorted: "d" < "f") its subdirectory's subtree, then its file.
    List<String> order = new ArrayList<>();
    for (int i = 0; i < expected.size(); i += 2) order.add(expected.get(i));
    for (int i = expected.size() - 1; i > 0; i -= 2) order.add(expected.get(i));
    int before = openDescriptors();
    int most = before;
    List<String> seen = new ArrayList<>();
    try (TreeScanner s = open(ExcludeFilter.NONE)) {
      while (s.hasNext()) {
        FileEntry e = s.next();
        seen.add(e.path());
        if (e.type() == EntryType.FILE) assertEquals(e.path(), expected.indexOf(e.path()) - 1, e.size());
        most = Math.max(most, openDescriptors());
      }
    }
    assertEquals(order, seen);
    // One directory stream (the JDK's holds two descriptors: the directory's and a duplicate).
    assertTrue("held " + (most - before), most - before <= 2);
    assertEquals(before, openDescriptors());
    assertEquals(List.of(), warnings);
  }

  @Test
  public void closingMidWalkReleasesTheDirectoryItHeld() throws IOException {
    files("a/b/c/x", "a/b/c/y", "z");
    int before = openDescriptors();
    TreeScanner s = open(ExcludeFilter.NONE);
    while (!s.next().path().equals("a/b/c/x")) {
      // down to the deepest directory, which is held open
    }
    assertTrue(openDescriptors() > before);
    s.close();
    assertEquals(before, openDescriptors());
  }

  @Test
  public void directoryVanishingBeforeItIsReadIsWarnedAndSkipped() throws IOException {
    files("a/x", "b");
    try (TreeScanner s = open(ExcludeFilter.NONE)) {
      assertEquals("a", s.next().path());
      Files.delete(root.resolve("a/x"));
      Files.delete(root.resolve("a"));
      assertEquals("b", s.next().path());
      assertFalse(s.hasNext());
    }
    assertEquals(1, warnings.size());
    String w = warnings.get(0);
    assertTrue(w, w.contains(root.resolve("a").toString()));
    assertTrue(w, w.contains("no such file or directory"));
  }

  @Test
  public void nameVanishingBetweenListingAndStatIsWarnedAndSkipped() throws IOException {
    files("a", "b", "c");
    try (TreeScanner s = open(ExcludeFilter.NONE)) {
      Files.delete(root.resolve("b"));
      List<String> seen = new ArrayList<>();
      s.forEachRemaining(e -> seen.add(e.path()));
      assertEquals(List.of("a", "c"), seen);
    }
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0), warnings.get(0).contains(root.resolve("b").toString()));
    assertTrue(warnings.get(0), warnings.get(0).contains("no such file or directory"));
  }

  @Test
  public void unreadableDirectoryIsWarnedAndSkipped() throws IOException {
    assumeFalse("root reads any directory", "root".equals(System.getProperty("user.name")));
    files("locked/x", "z");
    Path locked = root.resolve("locked");
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    try {
      List<String> seen = new ArrayList<>();
      try (TreeScanner s = open(ExcludeFilter.NONE)) {
        s.forEachRemaining(e -> seen.add(e.path()));
      }
      assertEquals(List.of("locked", "z"), seen);
      assertEquals(1, warnings.size());
      assertTrue(warnings.get(0), warnings.get(0).contains(locked.toString()));
      assertTrue(warnings.get(0), warnings.get(0).contains("permission denied"));
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  public void nameTheReceiverWouldRefuseIsWarnedAtTheSource() throws IOException {
    files("bad\nname", "ok");
    List<String> seen = new ArrayList<>();
    try (TreeScanner s = open(ExcludeFilter.NONE)) {
      s.forEachRemaining(e -> seen.add(e.path()));
    }
    assertEquals(List.of("ok"), seen);
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0), warnings.get(0).contains("control character"));
  }

  /** Runs {@code script} with sh in the root: the test makes names and links Java could not. */
  private void shell(String script) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", script).directory(root.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(out, 0, p.waitFor());
  }

  /** The bytes of each listed name, as a shell would print them with od. */
  private static List<String> hexNames(List<FileEntry> entries) {
    List<String> out = new ArrayList<>();
    for (FileEntry e : entries) {
      StringBuilder hex = new StringBuilder();
      for (byte b : RawNames.bytes(e.path())) hex.append(String.format("%02x", b & 0xff));
      out.add(hex.toString());
    }
    return out;
  }

  @Test
  public void nameThatIsNotUtf8IsListedWithItsBytesAtAnyDepth() throws Exception {
    shell("mkdir d && touch \"$(printf 'caf\\351')\" ok \"d/$(printf 'x\\377y')\" \"$(printf 'd/\\303\\251t\\351')\"");
    List<FileEntry> entries = new ArrayList<>();
    try (TreeScanner s = open(ExcludeFilter.NONE)) {
      s.forEachRemaining(entries::add);
    }
    assertEquals(List.of(), warnings);
    // In byte order: "caf\xe9" < "d" < "d/x\xffy" < "d/\xc3\xa9t\xe9" < "ok".
    assertEquals(List.of("636166e9", "64", "642f78ff79", "642fc3a974e9", "6f6b"), hexNames(entries));
    for (FileEntry e : entries) {
      assertTrue(e.path(), Files.exists(RawNames.resolve(root, e.path()), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }
  }

  @Test
  public void prefetchingWalkOfARootHoldingANameThatIsNotUtf8DoesNotFail() throws Exception {
    // The root's names are read while the walk is being built; a warning then, or a name that
    // is not UTF-8, used to fail with a NullPointerException, and the sync hung.
    shell("touch \"$(printf 'caf\\351')\" ok \"$(printf 'bad\\nname')\"");
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
    List<String> seen = new ArrayList<>();
    try (PrefetchingWalk walk = PrefetchingWalk.open(root, ExcludeFilter.NONE, warnings::add, pool)) {
      walk.forEachRemaining(e -> seen.add(e.path()));
    } finally {
      pool.shutdownNow();
    }
    assertEquals(2, seen.size());
    assertEquals("ok", seen.get(1));
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0), warnings.get(0).contains("control character"));
  }

  @Test
  public void linkTargetTextIsKeptExactlyAsStored() throws Exception {
    shell("ln -s realdir/ l1 && ln -s realdir// l2 && ln -s //etc/passwd l3 && ln -s a//b/./c/../d l4"
        + " && ln -s \"$(printf 'caf\\351/')\" l5");
    List<FileEntry> entries = new ArrayList<>();
    try (TreeScanner s = open(ExcludeFilter.NONE)) {
      s.forEachRemaining(entries::add);
    }
    assertEquals("realdir/", find(entries, "l1").linkTarget());
    assertEquals("realdir//", find(entries, "l2").linkTarget());
    assertEquals("//etc/passwd", find(entries, "l3").linkTarget());
    assertEquals("a//b/./c/../d", find(entries, "l4").linkTarget());
    assertEquals("636166e92f", hexNames(List.of(new FileEntry(find(entries, "l5").linkTarget(), EntryType.FILE, 0, 0, 0, null, null))).get(0));
  }

  @Test
  public void missingRootThrowsNamingIt() {
    Path missing = root.resolve("missing");
    IOException e =
        assertThrows(
            IOException.class, () -> TreeScanner.open(missing, ExcludeFilter.NONE, warnings::add));
    assertTrue(e.getMessage(), e.getMessage().contains(missing.toString()));
  }

  @Test
  public void rootThatIsAFileThrowsNamingIt() throws IOException {
    files("f");
    Path f = root.resolve("f");
    IOException e =
        assertThrows(IOException.class, () -> TreeScanner.open(f, ExcludeFilter.NONE, warnings::add));
    assertTrue(e.getMessage(), e.getMessage().contains(f.toString()));
    assertTrue(e.getMessage(), e.getMessage().contains("not a directory"));
  }
}
