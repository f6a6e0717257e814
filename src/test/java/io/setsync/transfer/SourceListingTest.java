package io.setsync.transfer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.setsync.fs.EntryType;
import io.setsync.fs.FileEntry;
import io.setsync.fs.Ownership;
import io.setsync.options.SyncOptions;
import io.setsync.sync.ContentHash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The source listing's policies on a real tree: FROMOWNER, ALLHARDLINKS, CHECKSUM. */
public class SourceListingTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private Path root;

  @Before
  public void tree() throws Exception {
    root = tmp.newFolder("src").toPath();
    Files.createDirectories(root.resolve("d"));
    Files.writeString(root.resolve("a"), "first name");
    Files.createLink(root.resolve("d/b"), root.resolve("a"));
    Files.writeString(root.resolve("c"), "alone");
  }

  private Map<String, FileEntry> list(SyncOptions options, int perRun) throws Exception {
    List<String> warnings = new ArrayList<>();
    Map<String, FileEntry> byPath = new TreeMap<>();
    boolean[] seenRoot = new boolean[1];
    try (SourceListing listing = SourceListing.open(root, options, SourceListing.fromOwner(options), warnings::add,
        Runnable::run)) {
      while (true) {
        List<FileEntry> run = listing.next(perRun);
        assertTrue("at most " + perRun + " per run", run.size() <= perRun);
        if (run.isEmpty()) break;
        // The root itself comes first, as "".
        if (byPath.isEmpty() && !seenRoot[0]) {
          assertEquals("", run.get(0).path());
          assertEquals(EntryType.DIRECTORY, run.get(0).type());
          seenRoot[0] = true;
          run = run.subList(1, run.size());
        }
        run.forEach(e -> byPath.put(e.path(), e));
      }
      assertTrue(listing.ended());
    }
    assertEquals(List.of(), warnings);
    return byPath;
  }

  @Test
  public void withoutAllHardLinksEveryNameIsAFileOfItsOwn() throws Exception {
    Map<String, FileEntry> entries = list(SyncOptions.builder().allHardLinks(false).build(), 1);
    assertEquals(List.of("a", "c", "d", "d/b"), List.copyOf(entries.keySet()));
    assertEquals(EntryType.FILE, entries.get("d/b").type());
    assertEquals(1, entries.get("a").linkCount());
    assertEquals(1, entries.get("d/b").linkCount());
    assertEquals(EntryType.DIRECTORY, entries.get("d").type());
  }

  @Test
  public void allHardLinksMakesTheLaterNameALinkToTheFirst() throws Exception {
    Map<String, FileEntry> entries = list(SyncOptions.DEFAULTS, 100); // ALLHARDLINKS is the default
    assertEquals(EntryType.FILE, entries.get("a").type());
    assertEquals(2, entries.get("a").linkCount());
    assertEquals(EntryType.HARDLINK, entries.get("d/b").type());
    assertEquals("a", entries.get("d/b").linkTarget());
  }

  @Test
  public void checksumHashesFilesOnly() throws Exception {
    Map<String, FileEntry> entries = list(SyncOptions.builder().checksum(true).build(), 2);
    assertEquals(ContentHash.of(root.resolve("c")), entries.get("c").contentHash());
    assertEquals(ContentHash.of(root.resolve("a")), entries.get("a").contentHash());
    assertNull("a hard link has its first name's content", entries.get("d/b").contentHash());
    Map<String, FileEntry> apart = list(SyncOptions.builder().checksum(true).allHardLinks(false).build(), 2);
    assertEquals(ContentHash.of(root.resolve("a")), apart.get("d/b").contentHash());
    assertNull(entries.get("d").contentHash());
    assertNull("off by default", list(SyncOptions.DEFAULTS, 2).get("c").contentHash());
  }

  @Test
  public void fromOwnerLeavesOutOtherUsersFilesButNotDirectories() throws Exception {
    String me = Ownership.currentUser();
    assertEquals(EntryType.FILE, list(SyncOptions.builder().fromOwner(me).build(), 10).get("c").type());
    String other = me.equals("nobody") ? "root" : "nobody";
    Map<String, FileEntry> entries = list(SyncOptions.builder().fromOwner(other).build(), 10);
    assertEquals(EntryType.LEFT_OUT, entries.get("c").type());
    assertEquals(0, entries.get("c").size());
    assertEquals(EntryType.LEFT_OUT, entries.get("d/b").type());
    assertEquals(EntryType.DIRECTORY, entries.get("d").type());
  }

  @Test
  public void anUnknownFromOwnerIsRefusedBeforeAnyWalk() {
    assertThrows(IllegalArgumentException.class,
        () -> SourceListing.fromOwner(SyncOptions.builder().fromOwner("no-such-user-xyz").build()));
    assertNull(SourceListing.fromOwner(SyncOptions.DEFAULTS));
  }
}
