package io.setsync.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * A faithful copy through {@code scripts/setsync sync}: names as bytes, link texts as bytes, the
 * root's own mode, time and owner, owners as root, hard links, and the type-conflict rule. Trees
 * are made and compared with the shell's and find's view of them, byte for byte.
 */
public class FaithfulCopyIT extends SyncFixture {

  private JsonNode sync(int expectedExit, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("sync", src.toString(), dest.toString()));
    args.addAll(List.of(extra));
    args.add("--json");
    Launcher.Result result = setsync.run(args.toArray(String[]::new));
    assertEquals(result.toString(), expectedExit, result.exitCode());
    lastStderr = result.stderr();
    return new ObjectMapper().readTree(result.stdout());
  }

  private String lastStderr;

  /** Runs a bash script with the source and destination in $S and $D. */
  private void sh(String script) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("bash", "-c", "set -e\n" + script).redirectErrorStream(true);
    builder.environment().put("S", src.toString());
    builder.environment().put("D", dest.toString());
    builder.environment().put("LC_ALL", "C");
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue("script ended", p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(script + "\n" + out, 0, p.exitValue());
  }

  private void assertSameTrees() throws Exception {
    assertSameTrees(FindListing.of(src));
  }

  private void assertSameTrees(Map<String, FindListing.Entry> expected) throws Exception {
    List<String> differences = FindListing.differences(expected, FindListing.of(dest), 10);
    assertEquals(String.join("\n", differences), List.of(), differences);
    sh("diff -r --no-dereference -x .setsync \"$S\" \"$D\"");
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  @Test
  public void aNameThatIsNotUtf8DirectlyInTheSourceIsCopiedAsItIs() throws Exception {
    // Used to hang for ever (a NullPointerException in the prefetching walk).
    sh("printf 'x' > \"$S/$(printf 'caf\\351')\"; mkdir \"$S/$(printf 'd\\377')\"; printf 'y' > \"$S/$(printf 'd\\377/\\351t\\351')\"");
    JsonNode first = sync(0);
    assertEquals(first.toString(), 3, first.get("copied").asLong());
    assertSameTrees();
    assertEquals(0, sync(0).get("copied").asLong());
  }

  @Test
  public void namesOfEveryByteAreCopiedAndControlCharactersAreRefused() throws Exception {
    StringBuilder script = new StringBuilder("mkdir \"$S/sub\"\n");
    for (int b = 1; b <= 0xFF; b++) {
      if (b == '/') continue;
      String octal = String.format("\\%03o", b);
      // a trailing x keeps $(...) from eating a newline
      script.append("touch \"$S/$(printf 'n").append(octal).append("x')\" \"$S/sub/$(printf '").append(octal)
          .append("x')\"\n");
    }
    sh(script.toString());
    sync(1); // control characters (0x01-0x1f, 0x7f) are refused, with a warning each
    assertTrue(lastStderr, lastStderr.contains("control character"));
    assertTrue(lastStderr, lastStderr.contains("\\x0a"));
    Map<String, FindListing.Entry> expected = new TreeMap<>();
    for (Map.Entry<String, FindListing.Entry> e : FindListing.of(src).entrySet()) {
      boolean control = e.getKey().chars().anyMatch(c -> c < 0x20 || c == 0x7f);
      if (!control) expected.put(e.getKey(), e.getValue());
    }
    assertEquals("names of 256 - 1 - 33 bytes, twice, the root and sub", 2 * (255 - 1 - 32) + 2, expected.size());
    List<String> differences = FindListing.differences(expected, FindListing.of(dest), 10);
    // The root and sub differ in time only through the names refused inside them.
    differences.removeIf(d -> d.startsWith("'': ") || d.startsWith("'sub': "));
    assertEquals(String.join("\n", differences), List.of(), differences);
  }

  @Test
  public void linkTextIsCopiedByteForByte() throws Exception {
    sh("cd \"$S\"; mkdir realdir; ln -s realdir/ l1; ln -s realdir// l2; ln -s //etc/passwd l3;"
        + " ln -s a//b/./c/../d l4; ln -s \"$(printf 'caf\\351/')\" l5; ln -s ./ l6; ln -s ' sp ' l7");
    sync(0);
    assertSameTrees();
    sh("test \"$(readlink \"$D/l2\")\" = realdir//");
  }

  @Test
  public void theRootGetsTheSourceRootsModeTimeAndOwner() throws Exception {
    sh("printf a > \"$S/a\"; chmod 750 \"$S\"; touch -d '2001-02-03 04:05:06.123456789' \"$S\"");
    if (root()) sh("chown 4242:4343 \"$S\"");
    sync(0);
    assertSameTrees();
    // again, with nothing to copy: still the source's
    sh("chmod 700 \"$D\"; touch \"$D\"");
    sync(0);
    assertSameTrees();
    if (root()) {
      sync(0, "--owner", "daemon", "--ownergroup", "bin");
      sh("test \"$(stat -c %U:%G \"$D\")\" = daemon:bin; test \"$(stat -c %U:%G \"$D/a\")\" = daemon:bin");
    }
  }

  @Test
  public void checksumGivesAnEqualFileTheSourcesTime() throws Exception {
    sh("printf same > \"$S/f\"; touch -d '2010-01-01 00:00:00.5' \"$S/f\"");
    sync(0);
    sh("touch -d '2020-01-01' \"$D/f\"");
    JsonNode checked = sync(0, "--checksum");
    assertEquals(0, checked.get("copied").asLong());
    assertSameTrees();
    assertEquals("a default sync then finds it current", 0, sync(0).get("copied").asLong());
  }

  @Test
  public void ownersAndGroupsAreKeptAsRoot() throws Exception {
    assumeTrue("owners are kept only by a root destination", root());
    sh("cd \"$S\"; printf a > a; printf b > b; mkdir d; printf c > d/c; ln -s a l; mkfifo p || true; rm -f p;"
        + " chown daemon:bin a; chown 4242:4343 b; chown -h 5151:6161 l; chown nobody:nogroup d; chown 1:2 d/c");
    sync(0);
    assertSameTrees();
    // a changed owner alone is brought over too
    sh("chown 7:8 \"$S/a\"");
    sync(0);
    assertSameTrees();
    sync(0, "--numericids");
    assertSameTrees();
  }

  @Test
  public void aHardLinkNeverChangesANameWhoseContentIsCurrent() throws Exception {
    // a="A" (newer) and b="B" are synced; then the source makes a a second name of b.
    sh("printf A > \"$S/a\"; printf B > \"$S/b\"; touch -d '2020-01-02' \"$S/a\"; touch -d '2020-01-01' \"$S/b\"");
    sync(0);
    sh("rm \"$S/a\"; ln \"$S/b\" \"$S/a\"");
    JsonNode again = sync(0);
    assertEquals(again.toString(), 1, again.get("keptNewer").asLong());
    sh("test \"$(cat \"$D/a\")\" = A; test \"$(cat \"$D/b\")\" = B");
  }

  @Test
  public void aBlockedFirstNameHandsItsGroupToTheNextName() throws Exception {
    sh("printf v1 > \"$S/a\"; ln \"$S/a\" \"$S/b\"; ln \"$S/a\" \"$S/c\"; mkdir -p \"$D/a\"");
    sync(1); // a: a directory at the destination, refused
    sh("test -d \"$D/a\"; test \"$(cat \"$D/b\")\" = v1; test \"$D/b\" -ef \"$D/c\"");
    sh("printf v2 > \"$S/a\"; touch -d '2030-01-01' \"$S/a\"");
    sync(1);
    sh("test \"$(cat \"$D/b\")\" = v2; test \"$D/b\" -ef \"$D/c\"");
  }

  @Test
  public void hardLinkedSymbolicLinksStayOneInode() throws Exception {
    sh("cd \"$S\"; ln -s 'target//' l1; ln -P l1 l2; mkdir d; ln -P l1 d/l3");
    sync(0);
    assertSameTrees();
    // (test -ef would follow the links)
    sh("i=$(stat -c %i \"$D/l1\"); test \"$(stat -c %i \"$D/l2\")\" = $i; test \"$(stat -c %i \"$D/d/l3\")\" = $i;"
        + " test \"$(stat -c %h \"$D/l1\")\" = 3");
    assertEquals("nothing to do again", 0, sync(0).get("copied").asLong());
  }

  @Test
  public void anObjectNeverReplacesOneOfAnotherType() throws Exception {
    // Every pair but the symbolic link at the destination, which is replaced, never followed.
    sh("cd \"$S\"; printf f > file-over-dir; mkdir dir-over-file; ln -s x link-over-file; ln -s x link-over-dir;"
        + " printf f > file-over-fifo; mkdir dir-over-fifo; ln -s x link-over-fifo;"
        + " printf f > file-over-link; mkdir dir-over-link; ln -s new link-over-link");
    sh("mkdir -p \"$D\"; cd \"$D\"; mkdir file-over-dir; printf d > dir-over-file; printf d > link-over-file;"
        + " mkdir link-over-dir; mkfifo file-over-fifo dir-over-fifo link-over-fifo;"
        + " ln -s /etc file-over-link; ln -s /etc dir-over-link; ln -s old link-over-link");
    JsonNode result = sync(1);
    assertEquals(result.toString(), 7, result.get("skipped").asLong());
    for (String kept : List.of("file-over-dir:d", "dir-over-file:f", "link-over-file:f", "link-over-dir:d",
        "file-over-fifo:p", "dir-over-fifo:p", "link-over-fifo:p")) {
      String[] nameType = kept.split(":");
      sh("test \"$(stat -c %F \"$D/" + nameType[0] + "\" | cut -c1)\" = \"$(echo " + nameType[1]
          + " | sed 's/d/d/; s/f/r/; s/p/f/')\"");
      assertTrue(lastStderr, lastStderr.contains(nameType[0]));
    }
    sh("cd \"$D\"; test -f file-over-link -a ! -L file-over-link; test -d dir-over-link -a ! -L dir-over-link;"
        + " test \"$(readlink link-over-link)\" = new; test -d /etc");
  }

  @Test
  public void reportListsWouldPurgeDirectoriesWithATrailingSlash() throws Exception {
    sh("printf a > \"$S/a\"; mkdir -p \"$D/gone/deeper\"; printf x > \"$D/gone/deeper/x\"; printf y > \"$D/y\"");
    JsonNode report = sync(0, "--report", "--subvolpurge");
    List<String> wouldPurge = new ArrayList<>();
    report.get("wouldPurge").forEach(n -> wouldPurge.add(n.asText()));
    assertTrue(report.toString(), wouldPurge.contains("gone/"));
    assertTrue(report.toString(), wouldPurge.contains("gone/deeper/"));
    assertTrue(report.toString(), wouldPurge.contains("y"));
  }
}
