package io.setsync.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.Test;

/** {@code scripts/setsync sync} as a user runs it, on real trees, through the real node. */
public class OneTimeSyncIT extends SyncFixture {

  private JsonNode sync(int expectedExit, String... extra) throws Exception {
    String[] args = new String[3 + extra.length + 1];
    args[0] = "sync";
    args[1] = src.toString();
    args[2] = dest.toString();
    System.arraycopy(extra, 0, args, 3, extra.length);
    args[args.length - 1] = "--json";
    Launcher.Result result = setsync.run(args);
    assertEquals(result.toString(), expectedExit, result.exitCode());
    return new ObjectMapper().readTree(result.stdout());
  }

  private void buildRichTree() throws Exception {
    Files.createDirectories(src.resolve("a/b/c"));
    Files.createDirectories(src.resolve("empty dir"));
    Files.createDirectories(src.resolve("dir with spaces/ünïcödé 日本"));
    Files.writeString(src.resolve("a/one.txt"), "one");
    Files.writeString(src.resolve("a/b/two.txt"), "two two");
    Files.writeString(src.resolve("a/b/c/three.txt"), "three three three");
    Files.createFile(src.resolve("empty file"));
    Files.createFile(src.resolve("a/b/c/empty"));
    Files.writeString(src.resolve("dir with spaces/ünïcödé 日本/名前 with space.txt"), "non-ascii");
    Files.writeString(src.resolve("a-c"), "sorts between a and a/ in plain string order");
    Trees.writeRandom(src.resolve("a/big.bin"), 50L * 1024 * 1024, 42);
    Files.writeString(src.resolve("script.sh"), "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(src.resolve("script.sh"), PosixFilePermissions.fromString("rwxr-x---"));
    Files.setPosixFilePermissions(src.resolve("a/one.txt"), PosixFilePermissions.fromString("rw-------"));
    Files.createSymbolicLink(src.resolve("relative-link"), Paths.get("a/one.txt"));
    Files.createSymbolicLink(src.resolve("a/b/absolute-link"), Paths.get("/etc/hostname"));
    Files.createSymbolicLink(src.resolve("dangling-link"), Paths.get("does/not/exist"));
    Files.createSymbolicLink(src.resolve("dir-link"), Paths.get("a/b"));
  }

  @Test
  public void copiesARichTreeThenFollowsChangesWithPurge() throws Exception {
    buildRichTree();
    JsonNode first = sync(0);
    assertEquals("ok", first.get("status").asText());
    assertEquals(0, first.get("errors").asLong());
    assertTrue(first.get("copied").asLong() >= 15);
    assertTrue(first.get("bytes").asLong() >= 50L * 1024 * 1024);
    for (String key : new String[] {"scanned", "copied", "bytes", "purged", "skipped", "keptNewer", "errors", "seconds", "status"}) {
      assertTrue("JSON has " + key, first.has(key));
    }
    Trees.assertSameTree(src, dest);
    assertTrue(Files.isSymbolicLink(dest.resolve("dir-link")));
    assertTrue(Trees.scratchIsEmpty(dest));

    JsonNode again = sync(0);
    assertEquals("nothing changed, nothing copied", 0, again.get("copied").asLong());
    assertEquals(0, again.get("bytes").asLong());

    // Change, add and delete; then sync with PURGE.
    Files.writeString(src.resolve("a/b/two.txt"), "two, changed");
    Trees.setTime(src.resolve("a/b/two.txt"), System.currentTimeMillis() / 1000 + 5);
    Files.writeString(src.resolve("a/b/c/new file.txt"), "new");
    Files.createDirectories(src.resolve("new dir/deeper"));
    Files.writeString(src.resolve("new dir/deeper/x"), "x");
    Files.delete(src.resolve("a/b/c/three.txt"));
    Files.delete(src.resolve("dangling-link"));
    Files.delete(src.resolve("relative-link"));
    Files.createSymbolicLink(src.resolve("relative-link"), Paths.get("a/b/two.txt"));
    JsonNode third = sync(0, "--purge");
    assertEquals(2, third.get("purged").asLong());
    Trees.assertSameTree(src, dest);
    assertTrue(Trees.scratchIsEmpty(dest));
  }

  @Test
  public void subvolpurgeDeletesExtraDirectoriesAndPurgeAloneKeepsThem() throws Exception {
    Files.writeString(src.resolve("keep"), "k");
    sync(0);
    Files.createDirectories(dest.resolve("extra/inner"));
    Files.writeString(dest.resolve("extra/inner/f"), "f");
    Files.writeString(dest.resolve("stray"), "s");
    JsonNode purge = sync(0, "--purge");
    assertEquals(1, purge.get("purged").asLong());
    assertTrue(Files.exists(dest.resolve("extra/inner/f")));
    assertFalse(Files.exists(dest.resolve("stray")));
    JsonNode subvol = sync(0, "--subvolpurge");
    assertEquals(3, subvol.get("purged").asLong());
    assertFalse(Files.exists(dest.resolve("extra")));
    Trees.assertSameTree(src, dest);
  }

  @Test
  public void reportChangesNothingAndListsWhatWouldChange() throws Exception {
    Files.writeString(src.resolve("new"), "n");
    Files.createDirectories(dest);
    Files.writeString(dest.resolve("old"), "o");
    Map<String, String> before = Trees.describe(dest);
    JsonNode report = sync(0, "--report", "--purge");
    assertEquals(before, Trees.describe(dest));
    assertEquals("new", report.get("wouldCopy").get(0).asText());
    assertEquals("old", report.get("wouldPurge").get(0).asText());
    assertEquals(1, report.get("copied").asLong());
    assertEquals(1, report.get("purged").asLong());
  }

  @Test
  public void reportOfAMissingDestinationCreatesNothing() throws Exception {
    Files.createDirectories(src.resolve("d"));
    Files.writeString(src.resolve("d/f"), "f");
    JsonNode report = sync(0, "--report");
    assertFalse("a dry run creates nothing", Files.exists(dest));
    assertEquals(2, report.get("copied").asLong());
    assertEquals(2, report.get("wouldCopy").size());
  }

  @Test
  public void newerDestinationIsKeptUnlessTimeExact() throws Exception {
    Files.writeString(src.resolve("f"), "source");
    Trees.setTime(src.resolve("f"), 1_600_000_000L);
    Files.createDirectories(dest);
    Files.writeString(dest.resolve("f"), "local customisation");
    Trees.setTime(dest.resolve("f"), 1_700_000_000L);
    JsonNode kept = sync(0);
    assertEquals(1, kept.get("keptNewer").asLong());
    assertEquals("local customisation", Files.readString(dest.resolve("f")));
    JsonNode exact = sync(0, "--timeexact");
    assertEquals(1, exact.get("copied").asLong());
    assertEquals("source", Files.readString(dest.resolve("f")));
  }

  @Test
  public void checksumFindsChangesThatTimesAndSizesHide() throws Exception {
    Files.writeString(src.resolve("f"), "AAAA");
    Trees.setTime(src.resolve("f"), 1_600_000_000L);
    Files.createDirectories(dest);
    Files.writeString(dest.resolve("f"), "BBBB");
    Trees.setTime(dest.resolve("f"), 1_600_000_000L);
    assertEquals(0, sync(0).get("copied").asLong());
    assertEquals("BBBB", Files.readString(dest.resolve("f")));
    assertEquals(1, sync(0, "--checksum").get("copied").asLong());
    assertEquals("AAAA", Files.readString(dest.resolve("f")));
  }

  @Test
  public void excludeLeavesNamesOutAndExcludepurgeProtectsThem() throws Exception {
    Files.writeString(src.resolve("a.tmp"), "t");
    Files.writeString(src.resolve("b.txt"), "b");
    Files.createDirectories(dest);
    Files.writeString(dest.resolve("keep.log"), "protected");
    Files.writeString(dest.resolve("x.tmp"), "excluded at the destination too");
    Files.writeString(dest.resolve("gone"), "g");
    JsonNode result = sync(0, "--purge", "--exclude", "*.tmp", "--excludepurge", "*.log");
    assertFalse(Files.exists(dest.resolve("a.tmp")));
    assertTrue(Files.exists(dest.resolve("x.tmp")));
    assertTrue(Files.exists(dest.resolve("keep.log")));
    assertFalse(Files.exists(dest.resolve("gone")));
    assertEquals(1, result.get("purged").asLong());
  }

  @Test
  public void maxpurgeRefusesAndAnEmptySourceNeverPurgesByDefault() throws Exception {
    Files.writeString(src.resolve("one"), "1");
    Files.createDirectories(dest);
    for (int i = 0; i < 5; i++) Files.writeString(dest.resolve("extra" + i), "e");
    JsonNode refused = sync(2, "--purge", "--maxpurge", "4");
    assertEquals("errors", refused.get("status").asText());
    assertEquals(0, refused.get("purged").asLong());
    assertTrue(Files.exists(dest.resolve("extra0")));
    assertEquals(5, sync(0, "--purge", "--maxpurge", "5").get("purged").asLong());

    Files.delete(src.resolve("one"));
    JsonNode empty = sync(2, "--purge");
    assertEquals(0, empty.get("purged").asLong());
    assertTrue(Files.exists(dest.resolve("one")));
    assertEquals(1, sync(0, "--purge", "--maxpurge", "100%").get("purged").asLong());
  }

  @Test
  public void aFileNeverReplacesADirectoryNorADirectoryAFile() throws Exception {
    Files.writeString(src.resolve("was-dir"), "file at the source");
    Files.createDirectories(src.resolve("was-file"));
    Files.writeString(src.resolve("was-file/child"), "c");
    Files.createDirectories(dest.resolve("was-dir"));
    Files.writeString(dest.resolve("was-dir/inside"), "i");
    Files.writeString(dest.resolve("was-file"), "file at the destination");
    JsonNode result = sync(1, "--purge");
    assertEquals("warnings", result.get("status").asText());
    assertTrue(Files.isDirectory(dest.resolve("was-dir")));
    assertTrue(Files.exists(dest.resolve("was-dir/inside")));
    assertTrue(Files.isRegularFile(dest.resolve("was-file")));
    assertTrue(result.get("skipped").asLong() >= 2);
  }

  @Test
  public void aDestinationSymlinkIsReplacedNeverWrittenThrough() throws Exception {
    Path outside = tmp.newFolder("outside").toPath();
    Files.writeString(outside.resolve("victim"), "untouched");
    Files.createDirectories(src.resolve("d"));
    Files.writeString(src.resolve("d/payload"), "p");
    Files.writeString(src.resolve("victim"), "replacement");
    Files.createDirectories(dest);
    Files.createSymbolicLink(dest.resolve("d"), outside);
    Files.createSymbolicLink(dest.resolve("victim"), outside.resolve("victim"));
    sync(0);
    assertEquals("untouched", Files.readString(outside.resolve("victim")));
    assertFalse(Files.exists(outside.resolve("payload")));
    assertTrue(Files.isDirectory(dest.resolve("d"), LinkOption.NOFOLLOW_LINKS));
    assertEquals("replacement", Files.readString(dest.resolve("victim")));
    assertFalse(Files.isSymbolicLink(dest.resolve("victim")));
  }

  @Test
  public void badInputIsRefusedAndChangesNothing() throws Exception {
    Files.writeString(src.resolve("f"), "f");
    String missing = tmp.getRoot().toPath().resolve("missing").toString();
    assertBad(missing, dest.toString(), "does not exist");
    assertBad("relative/src", dest.toString(), "absolute");
    assertBad(src.toString(), "relative/dest", "absolute");
    assertBad(src.toString(), src.resolve("inner").toString(), "inside the source");
    assertBad(src.toString(), tmp.getRoot().toPath().resolve("no/such/parent/dest").toString(), "does not exist");
    Launcher.Result unknown = setsync.run("sync", src.toString(), dest.toString(), "--purgee");
    assertEquals(2, unknown.exitCode());
    assertTrue(unknown.stderr(), unknown.stderr().contains("--purgee"));
    Launcher.Result badLimit = setsync.run("sync", src.toString(), dest.toString(), "--maxpurge", "ten");
    assertEquals(2, badLimit.exitCode());
    assertTrue(badLimit.stderr(), badLimit.stderr().contains("ten"));
    assertFalse("nothing was created", Files.exists(dest));
    assertFalse(Files.exists(src.resolve("inner")));
  }

  private void assertBad(String source, String destination, String expected) throws Exception {
    Launcher.Result result = setsync.run("sync", source, destination);
    assertEquals(result.toString(), 2, result.exitCode());
    assertTrue(result.stderr(), result.stderr().contains(expected));
  }
}
