package io.setsync.sync;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Real shell commands run as triggers. */
public class TriggerTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private Trigger.Facts facts(List<String> copied, List<String> purged) {
    return new Trigger.Facts(
        tmp.getRoot().getPath(),
        "/dest/dir",
        SyncStatus.WARNINGS,
        new SyncCounts(10, copied.size(), 1234, purged.size(), 3, 0, 0),
        copied,
        purged);
  }

  private static Trigger trigger(String command) {
    return new Trigger(command, Duration.ofSeconds(20), Trigger.DEFAULT_OUTPUT_LIMIT);
  }

  @Test
  public void countsAndPlacesArriveAsArgumentsAndEnvironment() throws Exception {
    Trigger.Result r =
        trigger("echo \"$0 $1 $2 $3 $4\"; echo \"$SETSYNC_COPIED $SETSYNC_PURGED $SETSYNC_STATUS"
                + " $SETSYNC_BYTES $SETSYNC_SKIPPED $SETSYNC_SOURCE $SETSYNC_DESTINATION\"; pwd")
            .run(facts(List.of("a", "b/c"), List.of("old")));
    String root = tmp.getRoot().getPath();
    assertTrue(r.succeeded());
    assertEquals(
        "setsync-trigger 2 1 " + root + " /dest/dir\n"
            + "2 1 warnings 1234 3 " + root + " /dest/dir\n"
            + root + "\n",
        r.output());
  }

  @Test
  public void aTriggerRunningAsAnAccountHasItsIdsNotRootsAndCanReadItsPathLists() throws Exception {
    org.junit.Assume.assumeTrue("switching identity needs root", io.setsync.fs.FsIdentity.process().isRoot());
    io.setsync.fs.FsIdentity nobody = io.setsync.fs.FsIdentity.of("nobody");
    Files.setAttribute(tmp.getRoot().toPath(), "unix:mode", 0755);
    Trigger.Result r = trigger("id -u; id -g; id -G; cat \"$SETSYNC_COPIED_LIST\"; echo \"$USER ${HOME:-no home}\"")
        .runningAs(nobody)
        .run(facts(List.of("a"), List.of()));
    assertTrue(r.output(), r.succeeded());
    String[] lines = r.output().split("\n");
    assertEquals(r.output(), 5, lines.length);
    assertEquals(nobody.uid() + "", lines[0]);
    assertEquals(nobody.gid() + "", lines[1]);
    // id -G names the primary group first; the identity keeps its groups sorted.
    assertEquals(java.util.Arrays.toString(nobody.groups()),
        java.util.Arrays.toString(java.util.Arrays.stream(lines[2].split(" ")).mapToInt(Integer::parseInt).sorted().toArray()));
    assertEquals("a", lines[3]);
    assertEquals("nobody no home", lines[4]);
  }

  @Test
  public void pathListsHoldOnePathPerLineAndAreRemovedAfterwards() throws Exception {
    Path keep = tmp.getRoot().toPath().resolve("lists");
    Trigger.Result r =
        trigger("cat \"$SETSYNC_COPIED_LIST\" > lists; echo --- >> lists; cat \"$SETSYNC_PURGED_LIST\" >> lists;"
                + " echo \"$SETSYNC_COPIED_LIST\"")
            .run(facts(List.of("a b", "dir/ünï", "line\nbreak", "back\\slash"), List.of("gone")));
    assertTrue(r.succeeded());
    assertEquals("a b\ndir/ünï\nline\\nbreak\nback\\\\slash\n---\ngone\n", Files.readString(keep));
    assertFalse("the list is deleted", Files.exists(Path.of(r.output().strip())));
  }

  @Test
  public void exitStatusAndStderrAreCaptured() throws Exception {
    Trigger.Result r = trigger("echo out; echo err >&2; exit 3").run(facts(List.of("x"), List.of()));
    assertEquals(3, r.exitCode());
    assertFalse(r.succeeded());
    assertEquals("out\nerr\n", r.output());
    assertEquals("trigger exit 3", r.summary(Duration.ofSeconds(20)));
  }

  @Test
  public void outputBeyondTheLimitIsCountedAndDropped() throws Exception {
    Trigger t = new Trigger("head -c 100000 /dev/zero | tr '\\0' x", Duration.ofSeconds(20), 1000);
    Trigger.Result r = t.run(facts(List.of("x"), List.of()));
    assertTrue(r.succeeded());
    assertEquals(1000, r.output().length());
    assertEquals(99000, r.droppedBytes());
  }

  @Test
  public void theTimeLimitKillsTheCommandAndItsChildren() throws Exception {
    Path pidFile = tmp.getRoot().toPath().resolve("child.pid");
    Trigger t =
        new Trigger("sleep 300 & echo $! > child.pid; wait", Duration.ofSeconds(1), 1000);
    long start = System.nanoTime();
    Trigger.Result r = t.run(facts(List.of("x"), List.of()));
    assertTrue(r.timedOut());
    assertEquals(-1, r.exitCode());
    assertTrue(r.summary(t.timeLimit()).startsWith("trigger killed after the time limit"));
    assertTrue("returned long before the child's 300 s", System.nanoTime() - start < 60_000_000_000L);
    long child = Long.parseLong(Files.readString(pidFile).strip());
    boolean alive = ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false);
    for (int i = 0; i < 50 && alive; i++) {
      Thread.sleep(100);
      alive = ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false);
    }
    assertFalse("the background child was killed too", alive);
  }

  @Test
  public void onlyASyncThatChangedSomethingRunsATrigger() {
    assertTrue(facts(List.of("a"), List.of()).changedSomething());
    assertTrue(facts(List.of(), List.of("a")).changedSomething());
    assertFalse(facts(List.of(), List.of()).changedSomething());
  }

  @Test
  public void aCommandThatDoesNotExistFailsWithTheShellsMessage() throws Exception {
    Trigger.Result r = trigger("/no/such/program-xq").run(facts(List.of("a"), List.of()));
    assertEquals(127, r.exitCode());
    assertTrue(r.output(), r.output().contains("/no/such/program-xq"));
  }
}
