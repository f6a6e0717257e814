package io.setsync.destination;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.setsync.fs.EntryType;
import io.setsync.fs.ExcludeFilter;
import io.setsync.fs.FileEntry;
import io.setsync.fs.TreeScanner;
import io.setsync.fs.UnsafeNameException;
import io.setsync.options.SyncOptions;
import io.setsync.transfer.ProtocolException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ListingMergeTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private Path root;
  private final List<String> warnings = new ArrayList<>();
  private ListingMerge lastMerge;

  @Before
  public void setUp() throws IOException {
    root = tmp.newFolder("dest").toPath();
  }

  // ---- destination tree helpers ----

  private void destFile(String rel, String content) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.write(p, content.getBytes(StandardCharsets.UTF_8));
  }

  private void destDir(String rel) throws IOException {
    Files.createDirectories(root.resolve(rel));
  }

  private void destLink(String rel, String target) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.createSymbolicLink(p, Path.of(target));
  }

  private long mtimeOf(String rel) throws IOException {
    return Files.getLastModifiedTime(root.resolve(rel), LinkOption.NOFOLLOW_LINKS)
        .to(TimeUnit.NANOSECONDS);
  }

  // ---- source entry helpers ----

  /** A source entry equal to what the destination holds now under {@code rel}. */
  private FileEntry like(String rel) throws IOException {
    Path p = root.resolve(rel);
    if (Files.isSymbolicLink(p)) {
      return new FileEntry(
          rel, EntryType.SYMLINK, 0, mtimeOf(rel), 0777, Files.readSymbolicLink(p).toString(), null);
    }
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      return new FileEntry(rel, EntryType.DIRECTORY, 0, mtimeOf(rel), 0755, null, null);
    }
    return new FileEntry(rel, EntryType.FILE, Files.size(p), mtimeOf(rel), 0644, null, null);
  }

  /** Like the destination's file but one second newer. */
  private FileEntry newerThan(String rel) throws IOException {
    FileEntry same = like(rel);
    return new FileEntry(rel, EntryType.FILE, same.size(), same.mtimeNanos() + 1_000_000_000L,
        0644, null, null);
  }

  /** Like the destination's file but one second older. */
  private FileEntry olderThan(String rel) throws IOException {
    FileEntry same = like(rel);
    return new FileEntry(rel, EntryType.FILE, same.size(), same.mtimeNanos() - 1_000_000_000L,
        0644, null, null);
  }

  private static FileEntry file(String rel) {
    return new FileEntry(rel, EntryType.FILE, 3, 1_600_000_000_000_000_000L, 0644, null, null);
  }

  private static FileEntry dir(String rel) {
    return new FileEntry(rel, EntryType.DIRECTORY, 0, 1_600_000_000_000_000_000L, 0755, null, null);
  }

  private static FileEntry link(String rel, String target) {
    return new FileEntry(rel, EntryType.SYMLINK, 0, 1_600_000_000_000_000_000L, 0777, target, null);
  }

  private static FileEntry other(String rel) {
    return new FileEntry(rel, EntryType.OTHER, 0, 1_600_000_000_000_000_000L, 0644, null, null);
  }

  // ---- running a merge ----

  /** Records the verdicts, and keeps the link targets' states as the receiver does. */
  private final class Recorder implements ListingMerge.Actions {
    final List<String> log = new ArrayList<>();

    private void target(FileEntry source, boolean replaced) {
      LinkTargets.Target t = lastMerge.linkTargets().get(source.path());
      if (t != null && replaced) t.pending();
      else if (t != null) t.inPlace();
    }

    @Override
    public void copy(FileEntry source, FileEntry existing) {
      target(source, true);
      log.add("copy " + source.path() + (existing == null ? "" : " over " + existing.type()));
    }

    @Override
    public void link(FileEntry source, FileEntry existing, LinkTargets.Target target) {
      log.add("link " + source.path() + (existing == null ? "" : " over " + existing.type())
          + " to " + target.path() + " " + target.state());
    }

    @Override
    public void makeDirectory(FileEntry source, FileEntry existing) {
      log.add("mkdir " + source.path() + (existing == null ? "" : " over " + existing.type()));
    }

    @Override
    public void same(FileEntry source, FileEntry existing) {
      assertEquals(source.path(), existing.path());
      target(source, false);
      log.add("same " + source.path());
    }

    @Override
    public void keptNewer(FileEntry source, FileEntry existing) {
      LinkTargets.Target t = lastMerge.linkTargets().get(source.path());
      if (t != null) t.kept();
      log.add("newer " + source.path());
    }

    @Override
    public void conflict(FileEntry source, FileEntry existing) {
      log.add("conflict " + source.path() + " " + source.type() + "/" + existing.type());
    }

    @Override
    public void unsupported(FileEntry source) {
      log.add("unsupported " + source.path());
    }

    @Override
    public void skippedBeneathConflict(FileEntry source) {
      log.add("skipped " + source.path());
    }

    @Override
    public void extra(FileEntry existing, boolean purge) {
      log.add("extra " + existing.path() + " purge=" + purge);
    }

    @Override
    public void leaveDirectory(FileEntry source, FileEntry existing, boolean changedInside) {
      log.add("leave " + source.path() + " changed=" + changedInside);
    }
  }

  private List<String> merge(SyncOptions options, FileEntry... source) throws IOException {
    Recorder recorder = new Recorder();
    try (TreeScanner scanner =
        TreeScanner.open(root, ExcludeFilter.of(options.excludes()), warnings::add)) {
      lastMerge =
          new ListingMerge(
              scanner,
              options,
              e -> {
                throw new AssertionError("hash asked for " + e.path());
              },
              this::sameFile,
              recorder);
      for (FileEntry entry : source) lastMerge.accept(entry);
      lastMerge.finish();
    }
    assertEquals(List.of(), warnings);
    return recorder.log;
  }

  private boolean sameFile(String a, String b) {
    try {
      return Files.isSameFile(root.resolve(a), root.resolve(b));
    } catch (IOException e) {
      return false;
    }
  }

  private static SyncOptions purge() {
    return SyncOptions.builder().purge(true).build();
  }

  private static SyncOptions subvolPurge() {
    return SyncOptions.builder().subvolPurge(true).build();
  }

  // ---- verdicts ----

  @Test
  public void newFilesDirectoriesAndLinksAreCreated() throws IOException {
    List<String> log =
        merge(SyncOptions.DEFAULTS, dir("a"), file("a/x"), dir("a/y"), file("b"), link("c", "b"));
    assertEquals(
        List.of(
            "mkdir a",
            "copy a/x",
            "mkdir a/y",
            "leave a/y changed=false",
            "leave a changed=true",
            "copy b",
            "copy c"),
        log);
    assertTrue(lastMerge.rootChanged());
    assertEquals(0, lastMerge.destinationNames());
  }

  @Test
  public void identicalTreeIsAllSame() throws IOException {
    destFile("a/x", "xx");
    destFile("b", "bbb");
    destLink("c", "b");
    List<String> log = merge(purge(), like("a"), like("a/x"), like("b"), like("c"));
    assertEquals(
        List.of("same a", "same a/x", "leave a changed=false", "same b", "same c"), log);
    assertFalse(lastMerge.rootChanged());
    assertEquals(4, lastMerge.destinationNames());
  }

  @Test
  public void newerSourceCopiesAndNewerDestinationIsKept() throws IOException {
    destFile("a/new", "n");
    destFile("a/old", "o");
    List<String> log = merge(SyncOptions.DEFAULTS, like("a"), newerThan("a/new"), olderThan("a/old"));
    assertEquals(
        List.of("same a", "copy a/new over FILE", "newer a/old", "leave a changed=true"), log);
    assertFalse(lastMerge.rootChanged());
  }

  @Test
  public void fileAndDirectoryReplaceSymlinks() throws IOException {
    destLink("f", "nowhere");
    destDir("target");
    destLink("d", "target");
    List<String> log =
        merge(SyncOptions.DEFAULTS, dir("d"), file("d/x"), file("f"), like("target"));
    assertEquals(
        List.of(
            "mkdir d over SYMLINK",
            "copy d/x",
            "leave d changed=true",
            "copy f over SYMLINK",
            "same target",
            "leave target changed=false"),
        log);
  }

  @Test
  public void pathOrderMergesDirectoryBeforeSiblingsWithLowerChars() throws IOException {
    destFile("a/b", "1");
    destFile("a-c", "2");
    List<String> log = merge(purge(), like("a"), like("a/b"), like("a-c"));
    assertEquals(List.of("same a", "same a/b", "leave a changed=false", "same a-c"), log);
  }

  // ---- extras and purging ----

  @Test
  public void extraFilesStayWithoutPurge() throws IOException {
    destFile("a/x", "x");
    destFile("a/y", "y");
    destFile("z", "z");
    List<String> log = merge(SyncOptions.DEFAULTS, like("a"), like("a/x"));
    assertEquals(
        List.of(
            "same a",
            "same a/x",
            "extra a/y purge=false",
            "extra z purge=false",
            "leave a changed=false"),
        log);
    assertFalse(lastMerge.rootChanged());
  }

  @Test
  public void extraFilesArePurgedWithPurge() throws IOException {
    destFile("a/x", "x");
    destFile("a/y", "y");
    destFile("z", "z");
    List<String> log = merge(purge(), like("a"), like("a/x"));
    assertEquals(
        List.of(
            "same a",
            "same a/x",
            "extra a/y purge=true",
            "extra z purge=true",
            "leave a changed=true"),
        log);
    assertTrue(lastMerge.rootChanged());
  }

  @Test
  public void extraBeforeALaterSourceNameIsReportedInOrder() throws IOException {
    destFile("b", "b");
    destFile("c", "c");
    List<String> log = merge(purge(), file("a"), like("c"), file("d"));
    assertEquals(List.of("copy a", "extra b purge=true", "same c", "copy d"), log);
  }

  @Test
  public void extraDirectoryIsLeftWholeWithPurgeOnly() throws IOException {
    destFile("keep", "k");
    destFile("old/f", "f");
    destFile("old/sub/g", "g");
    destFile("a/gone/h", "h");
    List<String> log = merge(purge(), like("a"), like("keep"));
    assertEquals(
        List.of(
            "same a",
            "extra a/gone purge=false",
            "leave a changed=false",
            "same keep",
            "extra old purge=false"),
        log);
    assertFalse(lastMerge.rootChanged());
    assertEquals(4, lastMerge.destinationNames());
  }

  @Test
  public void extraDirectoryIsPurgedWholeWithSubvolPurge() throws IOException {
    destFile("keep", "k");
    destFile("old/f", "f");
    destFile("old/sub/g", "g");
    destFile("a/gone/h", "h");
    List<String> log = merge(subvolPurge(), like("a"), like("keep"));
    assertEquals(
        List.of(
            "same a",
            "extra a/gone purge=true",
            "extra a/gone/h purge=true",
            "leave a changed=true",
            "same keep",
            "extra old purge=true",
            "extra old/f purge=true",
            "extra old/sub purge=true",
            "extra old/sub/g purge=true"),
        log);
    assertTrue(lastMerge.rootChanged());
    assertEquals(8, lastMerge.destinationNames());
  }

  @Test
  public void excludePurgeProtectsAName() throws IOException {
    destFile("x.keep", "k");
    destFile("y.tmp", "t");
    destFile("d/z.keep", "k");
    SyncOptions options = purge().toBuilder().addExcludePurge("*.keep").build();
    List<String> log = merge(options, like("d"));
    assertEquals(
        List.of(
            "same d",
            "extra d/z.keep purge=false",
            // finish() drains every remaining extra before closing the open directories
            "extra x.keep purge=false",
            "extra y.tmp purge=true",
            "leave d changed=false"),
        log);
  }

  @Test
  public void directoryProtectedByExcludePurgeKeepsItsChildrenUnreported() throws IOException {
    destFile("cache/a", "a");
    destFile("cache/b/c", "c");
    destFile("other/f", "f");
    SyncOptions options = subvolPurge().toBuilder().addExcludePurge("cache/").build();
    List<String> log = merge(options);
    assertEquals(
        List.of("extra cache purge=false", "extra other purge=true", "extra other/f purge=true"),
        log);
  }

  @Test
  public void excludedNamesAreNeverReportedAtTheDestination() throws IOException {
    destFile("a.o", "o");
    destFile("build/x", "x");
    destFile("src/b.o", "o");
    destFile("src/m.c", "c");
    destFile("keep", "k");
    SyncOptions options =
        subvolPurge().toBuilder().addExclude("*.o").addExclude("build/").build();
    List<String> log = merge(options, like("keep"), like("src"), like("src/m.c"));
    assertEquals(
        List.of("same keep", "same src", "same src/m.c", "leave src changed=false"), log);
    assertFalse(lastMerge.rootChanged());
  }

  @Test
  public void metadataFolderAtTheRootIsNeverReported() throws IOException {
    destFile(".setsync/journal", "j");
    destFile(".setsync/sub/temp", "t");
    destFile("a/.setsync/x", "x"); // only the root's is reserved
    List<String> log = merge(subvolPurge(), like("a"));
    assertEquals(
        List.of(
            "same a",
            "extra a/.setsync purge=true",
            "extra a/.setsync/x purge=true",
            "leave a changed=true"),
        log);
    assertEquals(3, lastMerge.destinationNames());
  }

  // ---- conflicts ----

  @Test
  public void sourceFileAgainstDestinationDirectoryHidesTheDirectorysChildren()
      throws IOException {
    destFile("d/x", "x");
    destFile("d/y/z", "z");
    List<String> log = merge(subvolPurge(), file("d"), file("e"));
    assertEquals(List.of("conflict d FILE/DIRECTORY", "copy e"), log);
    assertTrue(lastMerge.rootChanged());
  }

  @Test
  public void sourceDirectoryAgainstDestinationFileSkipsTheSourcesChildren() throws IOException {
    destFile("f", "file");
    destFile("g", "g");
    List<String> log =
        merge(purge(), dir("f"), file("f/x"), dir("f/y"), file("f/y/z"), like("g"));
    assertEquals(
        List.of(
            "conflict f DIRECTORY/FILE",
            "skipped f/x",
            "skipped f/y",
            "skipped f/y/z",
            "same g"),
        log);
    assertFalse(lastMerge.rootChanged());
  }

  @Test
  public void symlinkAgainstDestinationDirectoryHidesTheDirectorysChildren() throws IOException {
    destFile("d/x", "x");
    List<String> log = merge(purge(), link("d", "elsewhere"));
    assertEquals(List.of("conflict d SYMLINK/DIRECTORY"), log);
  }

  @Test
  public void unsupportedSourceAgainstDestinationDirectoryHidesTheDirectorysChildren()
      throws IOException {
    destFile("p/x", "x");
    List<String> log = merge(subvolPurge(), other("p"), other("q"));
    assertEquals(List.of("unsupported p", "unsupported q"), log);
  }

  // ---- changedInside ----

  @Test
  public void changedInsideCountsOnlyDirectChanges() throws IOException {
    destFile("a/b/x", "x");
    List<String> log = merge(SyncOptions.DEFAULTS, like("a"), like("a/b"), newerThan("a/b/x"));
    assertEquals(
        List.of(
            "same a",
            "same a/b",
            "copy a/b/x over FILE",
            "leave a/b changed=true",
            "leave a changed=false"),
        log);
    assertFalse(lastMerge.rootChanged());
  }

  @Test
  public void changedInsideFromCreationsAndPurges() throws IOException {
    destFile("a/b/x", "x");
    destFile("c/old", "o");
    List<String> log =
        merge(purge(), like("a"), like("a/b"), like("a/b/x"), file("a/new"), like("c"));
    assertEquals(
        List.of(
            "same a",
            "same a/b",
            "same a/b/x",
            "leave a/b changed=false",
            "copy a/new",
            "leave a changed=true",
            "same c",
            "extra c/old purge=true",
            "leave c changed=true"),
        log);
    assertFalse(lastMerge.rootChanged());
    assertEquals(5, lastMerge.destinationNames());
  }

  // ---- refusals ----

  private RuntimeException refused(FileEntry... source) throws IOException {
    try {
      merge(SyncOptions.DEFAULTS, source);
    } catch (ProtocolException | UnsafeNameException e) {
      return e;
    }
    fail("accepted " + Arrays.toString(source));
    return null;
  }

  private static void assertMentions(RuntimeException e, String... parts) {
    for (String part : parts) {
      assertTrue(
          "message \"" + e.getMessage() + "\" should mention \"" + part + "\"",
          e.getMessage().contains(part));
    }
  }

  @Test
  public void refusesDotDot() throws IOException {
    assertMentions(refused(file("../x")), "../x", "'..'");
    assertMentions(refused(dir("a"), file("a/../../x")), "a/../../x", "'..'");
  }

  @Test
  public void refusesAbsolutePath() throws IOException {
    assertMentions(refused(file("/etc/passwd")), "absolute");
  }

  @Test
  public void refusesNulAndNewline() throws IOException {
    assertMentions(refused(file("a\0b")), "control character", "\\u0000");
    assertMentions(refused(file("a\nb")), "control character", "\\u000a");
  }

  @Test
  public void refusesReservedName() throws IOException {
    assertMentions(refused(file(".setsync/x")), ".setsync/x", "reserved");
    assertMentions(refused(dir(".setsync")), "reserved");
  }

  @Test
  public void refusesRepeatedName() throws IOException {
    assertMentions(refused(file("a"), file("a")), "\"a\"", "listed twice");
  }

  @Test
  public void refusesNamesOutOfOrder() throws IOException {
    assertMentions(refused(file("b"), file("a")), "\"a\"", "out of order", "\"b\"");
    // plain string order would accept this; PathOrder puts a/b before a-c
    assertMentions(refused(dir("a"), file("a-c"), file("a/b")), "out of order");
  }

  @Test
  public void refusesChildOfUnlistedParent() throws IOException {
    assertMentions(refused(file("x/y")), "x/y", "parent was not listed as a directory");
  }

  @Test
  public void refusesChildOfAFile() throws IOException {
    assertMentions(refused(file("x"), file("x/y")), "x/y", "parent was not listed as a directory");
  }

  @Test
  public void refusesChildOfAClosedDirectory() throws IOException {
    // "x/z" after "y" would be out of order anyway; make sure a closed directory is not reopened
    assertMentions(refused(dir("x"), file("x0"), file("x0/y")), "parent was not listed");
  }

  @Test
  public void refusesSymlinkWithoutTarget() throws IOException {
    assertMentions(refused(link("l", null)), "\"l\"", "without a target");
  }

  // ---- hard links ----

  private static FileEntry hardLink(String rel, String target) {
    return file(rel).asHardLinkTo(target);
  }

  private void destHardLink(String rel, String existing) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.createLink(p, root.resolve(existing));
  }

  @Test
  public void hardLinksAreSameOnlyWhenTheDestinationNameIsTheKeptFile() throws IOException {
    destFile("a", "shared");
    destHardLink("b", "a");
    destFile("c", "shared"); // same content, but a file of its own
    destDir("d");
    destFile("e", "shared");
    destHardLink("f", "e");
    List<String> log =
        merge(
            SyncOptions.DEFAULTS,
            like("a").withLinkCount(6),
            hardLink("b", "a"),
            hardLink("c", "a"),
            hardLink("d", "a"),
            like("e").withLinkCount(3),
            hardLink("f", "a"), // linked at the destination, but to another file
            hardLink("g", "a"),
            hardLink("h", "e"));
    assertEquals(
        List.of(
            "same a",
            "same b",
            "link c over FILE to a IN_PLACE",
            "conflict d HARDLINK/DIRECTORY",
            "same e",
            "link f over FILE to a IN_PLACE",
            "link g to a IN_PLACE",
            "link h to e IN_PLACE"),
        log);
    assertEquals("e has one more name to come", 1, lastMerge.linkTargets().remembered());
  }

  @Test
  public void aNameIsNotLinkedToAFileKeptNewerThanTheSources() throws IOException {
    // The destination's a is newer than the source's: kept. b is the source's file, current at
    // the destination: linking it to a would give it content the source never had for b.
    destFile("a", "A");
    destFile("b", "B");
    List<String> log =
        merge(SyncOptions.DEFAULTS, olderThan("a").withLinkCount(3), like("b").asHardLinkTo("a"),
            file("c").asHardLinkTo("a"));
    assertEquals(List.of("newer a", "same b", "link c to b IN_PLACE"), log);
  }

  @Test
  public void aBlockedFirstNameHandsItsFileToTheNextUsableName() throws IOException {
    destDir("a");
    List<String> log =
        merge(SyncOptions.DEFAULTS, file("a").withLinkCount(4), hardLink("b", "a"), hardLink("c", "a"),
            hardLink("d", "a"));
    assertEquals(
        List.of("conflict a FILE/DIRECTORY", "copy b", "link c to b PENDING", "link d to b PENDING"), log);
    assertEquals(0, lastMerge.linkTargets().remembered());
  }

  @Test
  public void aNameThatLeftItsGroupAtTheSourceIsMadeAgainAlone() throws IOException {
    destFile("a", "shared");
    destHardLink("b", "a");
    destLink("l", "t");
    destHardLink("m", "l");
    // Unchanged by time, size and text, but no longer linked to the others at the source.
    List<String> log = merge(SyncOptions.DEFAULTS, like("a"), like("b"), like("l"), like("m"));
    assertEquals(List.of("copy a over FILE", "copy b over FILE", "copy l over SYMLINK", "copy m over SYMLINK"), log);
  }

  @Test
  public void aSymbolicLinkWithSeveralNamesIsATargetForHardLinks() throws IOException {
    List<String> log = merge(SyncOptions.DEFAULTS, link("a", "t//").withLinkCount(2), link("b", "t//").asHardLinkTo("a"));
    assertEquals(List.of("copy a", "link b to a PENDING"), log);
  }

  @Test
  public void linksToAFileBeingReplacedAreMadeAgain() throws IOException {
    destFile("a", "old");
    destHardLink("b", "a");
    destLink("c", "a");
    List<String> log =
        merge(SyncOptions.DEFAULTS, newerThan("a").withLinkCount(3), hardLink("b", "a"), hardLink("c", "a"));
    assertEquals(
        List.of("copy a over FILE", "link b over FILE to a PENDING", "link c over SYMLINK to a PENDING"),
        log);
    assertEquals("every name of a seen: nothing remembered", 0, lastMerge.linkTargets().remembered());
  }

  @Test
  public void aHardLinkBeneathAConflictIsSkipped() throws IOException {
    destFile("d", "a file where the source has a directory");
    List<String> log =
        merge(SyncOptions.DEFAULTS, file("a").withLinkCount(2), dir("d"), hardLink("d/x", "a"));
    assertEquals(List.of("copy a", "conflict d DIRECTORY/FILE", "skipped d/x"), log);
  }

  @Test
  public void refusesHardLinksToAnythingButAnEarlierMultiplyLinkedFile() throws IOException {
    assertMentions(refused(hardLink("b", "a")), "\"b\"", "hard link to \"a\"", "not an earlier file");
    assertMentions(refused(file("a"), hardLink("b", "a")), "hard link to \"a\"", "not an earlier file");
    assertMentions(refused(hardLink("a", "b"), file("b").withLinkCount(2)), "not an earlier file");
    assertMentions(refused(dir("a"), hardLink("b", "a")), "not an earlier file");
    assertMentions(
        refused(file("a").withLinkCount(2), hardLink("b", "a"), hardLink("c", "a")),
        "\"c\"", "not an earlier file");
    assertMentions(refused(hardLink("b", null)), "\"b\"", "without a target");
    assertMentions(refused(dir("a").withLinkCount(2)), "link count 2 for a DIRECTORY");
    assertMentions(refused(file("a").withLinkCount(0)), "link count 0");
  }
}
