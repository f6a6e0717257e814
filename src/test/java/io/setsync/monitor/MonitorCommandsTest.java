package io.setsync.monitor;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.setsync.command.CommandParser;
import io.setsync.schedule.RetryPolicy;
import io.setsync.schedule.SchedulerKey;
import io.setsync.log.LogRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The monitor's rules for each command, applied to a state the way its event handler would. */
public class MonitorCommandsTest {

  private final Monitor.Settings settings =
      new Monitor.Settings("here", 3, 3, RetryPolicy.STANDARD, 100);
  private final MonitorCommands commands = new MonitorCommands(settings);
  private final MonitorState state = new MonitorState();

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  /** A directory under the test's folder, made with its parents. */
  private Path dir(String name) throws Exception {
    return Files.createDirectories(tmp.getRoot().toPath().resolve(name));
  }

  /** A symbolic link at {@code name} in the test's folder to {@code target}. */
  private Path link(String name, Path target) throws Exception {
    return Files.createSymbolicLink(tmp.getRoot().toPath().resolve(name), target);
  }

  /** The one CONFIG record a decision logs. */
  private String logged(String line) {
    MonitorCommands.Decision d = decide(line);
    assertEquals(1, d.logRecords().size());
    LogRecord r = d.logRecords().get(0);
    apply(line);
    return r.text();
  }

  private MonitorCommands.Decision decide(String line) {
    return commands.decide(state, CommandParser.parse(line), "tester",
        s -> new MonitorCommands.LiveView("here", Map.of(), Map.of(), Map.of()));
  }

  /** Decides and applies the events as the monitor's event handler does. */
  private Result apply(String line) {
    MonitorCommands.Decision d = decide(line);
    for (Monitor.Event e : d.events()) {
      if (e instanceof Monitor.UserSaved u) state.users.put(u.user().name(), u.user());
      else if (e instanceof Monitor.UserDeleted u) state.users.remove(u.name());
      else if (e instanceof Monitor.FileSetSaved f) {
        state.fileSets.put(f.id(), f.config());
        state.nextFileSetId = Math.max(state.nextFileSetId, f.id() + 1);
      } else if (e instanceof Monitor.FileSetDeleted f) state.fileSets.remove(f.id());
      else if (e instanceof Monitor.BatchSaved b) state.batches.put(b.batch().id(), b.batch());
      else if (e instanceof Monitor.BatchDeleted b) state.batches.remove(b.id());
      else if (e instanceof Monitor.RunStateChanged r) state.stopped = r.stopped();
      else fail("unexpected event " + e);
    }
    return d.result();
  }

  private void refused(String line, String why) {
    try {
      decide(line);
      fail(line + " was accepted");
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage(), e.getMessage().contains(why));
    }
  }

  @Test
  public void aDestinationInsideItsSourceOnTheSameNodeIsRefusedAndNothingIsSaved() {
    apply("ADD SYNCUSER tester");
    refused("ADD SYNCFILESET /data/app TO /data/app/copy", "destination /data/app/copy is inside the source /data/app");
    refused("ADD SYNCFILESET /data/app TO here:/data", "source /data/app is inside the destination /data");
    refused("ADD SYNCFILESET /data/app TO /data/app", "the same directory");
    assertTrue(state.fileSets.isEmpty());
    refused("SYNCHRONIZE /data/app TO /data/app/copy", "destination /data/app/copy is inside the source /data/app");
    refused("SYNCHRONIZE /data/app TO here:/data/app", "the same directory");
  }

  @Test
  public void ownerOptionsNeedASyncThatWritesAsRoot() throws Exception {
    org.junit.Assume.assumeTrue("acting for another account needs root", io.setsync.fs.FsIdentity.process().isRoot());
    apply("ADD SYNCUSER web, ACCOUNT nobody");
    apply("ADD SYNCUSER ops, ACCOUNT root");
    Path src = dir("src");
    refused("ADD SYNCFILESET " + src + " TO " + dir("web") + ", USER web, OWNER root",
        "OWNER root needs a sync that writes as root, and this one writes as account nobody");
    refused("ADD SYNCFILESET " + src + " TO " + dir("web2") + ", USER web, OWNERGROUP root",
        "OWNERGROUP root needs a sync that writes as root");
    assertTrue(state.fileSets.isEmpty());
    apply("ADD SYNCFILESET " + src + " TO " + dir("ops") + ", USER ops, OWNER root");
    assertEquals(1, state.fileSets.size());
    apply("ADD SYNCFILESET " + src + " TO other:/web, USER web, OWNER root"); // checked where it is written
  }

  @Test
  public void nestedPathsOnDifferentNodesAreDifferentTrees() {
    apply("ADD SYNCUSER tester");
    apply("ADD SYNCFILESET /data/app TO other:/data/app");
    assertEquals(MonitorCommands.Kind.SYNCHRONIZE, decide("SYNCHRONIZE /data TO other:/data/copy").kind());
  }

  @Test
  public void aUsersRootsConfineItsFileSets() {
    apply("ADD SYNCUSER tester, ROOT /data, ROOT /backup");
    apply("ADD SYNCFILESET /data/app TO /backup/app");
    refused("ADD SYNCFILESET /data2/app TO /backup/app", "/data2/app is outside the roots of SYNCUSER tester");
    refused("ALTER SYNCUSER tester, ROOT /elsewhere", "SYNCFILESET 1 of tester would fall outside its roots");
  }

  @Test
  public void nothingInUseIsDeleted() {
    apply("ADD SYNCUSER tester");
    apply("ADD BATCHID nightly");
    apply("ADD SYNCFILESET /a TO /b, BATCHID nightly");
    refused("DELETE SYNCUSER tester", "still has SYNCFILESET 1");
    refused("DELETE BATCHID nightly", "still used by SYNCFILESET 1");
    refused("ADD SYNCFILESET /c TO /d, BATCHID weekly", "unknown BATCHID weekly");
    refused("ADD SYNCFILESET /c TO /d, USER someone", "unknown SYNCUSER someone");
    apply("DELETE SYNCFILESET 1");
    apply("DELETE BATCHID nightly");
    apply("DELETE SYNCUSER tester");
    assertTrue(state.users.isEmpty());
  }

  @Test
  public void schedulersFollowSuspensionsBatchesAndTheRunState() {
    apply("ADD SYNCUSER tester");
    apply("ADD BATCHID nightly");
    apply("ADD SYNCFILESET /a TO /b");
    apply("ADD SYNCFILESET /c TO other:/d");
    apply("ADD SYNCFILESET /e TO /f, BATCHID nightly");
    assertEquals(3, state.wantedSchedulers("here").size());
    apply("SUSPEND BATCHID nightly");
    assertEquals(2, state.wantedSchedulers("here").size());
    apply("SUSPEND SYNCFILESET 2");
    assertEquals(1, state.wantedSchedulers("here").size());
    assertEquals(new SchedulerKey("tester", "here", "here", ""), state.wantedSchedulers("here").firstKey());
    apply("STOP MONITOR");
    assertTrue(state.wantedSchedulers("here").isEmpty());
    apply("START MONITOR");
    apply("SUSPEND SYNCUSER tester");
    assertTrue(state.wantedSchedulers("here").isEmpty());
    apply("ACTIVATE SYNCUSER tester");
    apply("ACTIVATE SYNCFILESET 2");
    apply("ACTIVATE BATCHID nightly");
    assertEquals(3, state.wantedSchedulers("here").size());
  }

  /**
   * A next run the monitor still remembers for a file set that will not run (its scheduler was
   * retired when it was suspended, or the monitor stopped) is not shown: STATUS would promise a run
   * that never comes. The soak test found it (MonitorSoakIT, seed 1, step 9).
   */
  @Test
  public void onlyAFileSetThatWillRunShowsANextRun() {
    apply("ADD SYNCUSER tester");
    apply("ADD SYNCFILESET /a TO /b");
    apply("ADD SYNCFILESET /c TO /d");
    MonitorCommands.LiveView live = new MonitorCommands.LiveView("here",
        Map.of(new SchedulerKey("tester", "here", "here", ""), "idle"), Map.of(), Map.of(1L, 1000L, 2L, 2000L));
    assertEquals(Long.valueOf(2000L), nextRuns(live).get(2L));
    apply("SUSPEND SYNCFILESET 1");
    Map<Long, Long> afterSuspend = nextRuns(live);
    assertEquals(null, afterSuspend.get(1L));
    assertEquals(Long.valueOf(2000L), afterSuspend.get(2L));
    apply("STOP MONITOR");
    assertEquals(null, nextRuns(live).get(2L));
    apply("START MONITOR");
    assertEquals(Long.valueOf(2000L), nextRuns(live).get(2L));
  }

  /**
   * A scheduler runs its file sets one after another: while one runs, the others of that scheduler
   * wait for their turn and are not "running" (STATUS showed them running, with no sync in
   * progress; the soak test counted it).
   */
  @Test
  public void onlyTheFileSetWhoseSyncRunsIsRunning() {
    apply("ADD SYNCUSER tester");
    apply("ADD SYNCFILESET /a TO /b");
    apply("ADD SYNCFILESET /c TO /d");
    MonitorCommands.LiveView live = new MonitorCommands.LiveView("here",
        Map.of(new SchedulerKey("tester", "here", "here", ""), "running"), Map.of(1L, new Result.Progress(1, 2, 3, 4)),
        Map.of(2L, 2000L));
    Result.Status status = (Result.Status) commands.decide(state, CommandParser.parse("STATUS SYNCFILESET"), "tester",
        s -> live).result();
    assertEquals("running", status.fileSets().get(0).state());
    assertEquals("scheduled", status.fileSets().get(1).state());
    assertEquals(Long.valueOf(2000L), status.fileSets().get(1).nextRunMillis());
  }

  /** STATUS lists overdue file sets first, each with why; INFO says why too. */
  @Test
  public void overdueFileSetsComeFirstWithTheirReason() {
    apply("ADD SYNCUSER tester");
    apply("ADD SYNCFILESET /a TO /b");
    apply("ADD SYNCFILESET /c TO /d");
    apply("ADD SYNCFILESET /e TO /f");
    String why = "overdue: its last 3 syncs failed";
    MonitorCommands.LiveView live = new MonitorCommands.LiveView("here",
        Map.of(new SchedulerKey("tester", "here", "here", ""), "idle"), Map.of(), Map.of(), java.util.List.of(),
        Map.of(2L, why));
    Result.Status status = (Result.Status) commands.decide(state, CommandParser.parse("STATUS SYNCFILESET"), "tester",
        s -> live).result();
    assertEquals(java.util.List.of(2L, 1L, 3L), status.fileSets().stream().map(Result.FileSetView::id).toList());
    assertEquals(why, status.fileSets().get(0).overdue());
    assertEquals(null, status.fileSets().get(1).overdue());
    String text = io.setsync.console.ResultText.of(status);
    assertTrue(text, text.contains("\n       " + why + "\n"));
    Result info = commands.decide(state, CommandParser.parse("INFO SYNCFILESET 2"), "tester", s -> live).result();
    assertTrue(io.setsync.console.ResultText.of(info).contains("\n  " + why + "\n"));
  }

  /** What STATUS SYNCFILESET shows as each file set's next run, given what the monitor knows live. */
  private Map<Long, Long> nextRuns(MonitorCommands.LiveView live) {
    Result.Status status = (Result.Status) commands.decide(state, CommandParser.parse("STATUS SYNCFILESET"), "tester",
        s -> live).result();
    Map<Long, Long> next = new java.util.HashMap<>();
    status.fileSets().forEach(f -> next.put(f.id(), f.nextRunMillis()));
    return next;
  }

  @Test
  public void limitsAreClearErrors() {
    apply("ADD SYNCUSER tester");
    apply("ADD BATCHID b1");
    apply("ADD SYNCFILESET /a TO /b");
    apply("ADD SYNCFILESET /c TO /d, BATCHID b1");
    apply("ADD SYNCFILESET /e TO other:/f");
    refused("ADD SYNCFILESET /g TO third:/h", "3 schedulers are the most allowed");
    refused("ADD SYNCFILESET /g TO /h", "already has 3 file sets");
  }

  @Test
  public void unknownIdsAreErrorsAndIdsAreNeverReused() {
    apply("ADD SYNCUSER tester");
    refused("ALTER SYNCFILESET 9, PURGE", "unknown SYNCFILESET 9");
    refused("INFO SYNCFILESET 9", "unknown SYNCFILESET 9");
    refused("STATUS SYNCFILESET 9", "unknown SYNCFILESET 9");
    refused("SUSPEND SYNCUSER nobody", "unknown SYNCUSER nobody");
    Result.FileSetAdded first = (Result.FileSetAdded) apply("ADD SYNCFILESET /a TO /b");
    apply("DELETE SYNCFILESET " + first.id());
    Result.FileSetAdded second = (Result.FileSetAdded) apply("ADD SYNCFILESET /a TO /b");
    assertEquals(first.id() + 1, second.id());
  }

  /** HELP on a topic it has nothing on is an error (code 2), as any other bad command. */
  @org.junit.Test
  public void helpOnAnUnknownTopicIsAnError() {
    org.junit.Assert.assertEquals(2, MonitorCommands.help("frobnicate").code());
    org.junit.Assert.assertEquals(0, MonitorCommands.help("PURGE").code());
    org.junit.Assert.assertEquals(0, MonitorCommands.help(null).code());
  }

  @Test
  public void nestingThroughSymbolicLinksIsRefusedAndNothingIsSaved() throws Exception {
    apply("ADD SYNCUSER tester");
    Path app = dir("data/app");
    Path toApp = link("toapp", app);
    Path toData = link("todata", app.getParent());
    refused("ADD SYNCFILESET " + toApp + " TO " + app + "/copy", "is inside the source " + app.toRealPath());
    refused("ADD SYNCFILESET " + app + " TO " + toApp + "/copy", "once symbolic links are followed");
    refused("SYNCHRONIZE " + app + " TO " + toData, "is inside the destination " + app.getParent().toRealPath());
    refused("SYNCHRONIZE " + toApp + " TO here:" + app, "the same directory");
    assertTrue(state.fileSets.isEmpty());
  }

  @Test
  public void theWholeFileSystemIsNeverASourceNorADestination() {
    apply("ADD SYNCUSER tester");
    refused("ADD SYNCFILESET / TO other:/backup", "the source is /, the whole file system");
    refused("SYNCHRONIZE / TO other:/backup", "the source is /, the whole file system");
    refused("SYNCHRONIZE /data TO other:/", "the destination is /, the whole file system");
    refused("ADD SYNCFILESET / TO /backup", "the source is /, the whole file system");
    assertTrue(state.fileSets.isEmpty());
  }

  @Test
  public void aLinkInsideARootThatLeadsOutsideIsRefused() throws Exception {
    Path root = dir("root");
    Path outside = dir("outside");
    Path escape = link("root/escape", outside);
    dir("root/dest");
    apply("ADD SYNCUSER tester, ROOT " + root);
    refused("ADD SYNCFILESET " + escape + " TO " + root + "/dest", escape + " leads to " + outside.toRealPath());
    refused("ADD SYNCFILESET " + root + "/dest TO " + escape + "/copy", "outside the roots of SYNCUSER tester");
    refused("SYNCHRONIZE " + escape + " TO " + root + "/dest", "outside the roots of SYNCUSER tester");
    assertTrue(state.fileSets.isEmpty());
    Path inside = dir("root/data");
    apply("ADD SYNCFILESET " + link("root/fine", inside) + " TO " + root + "/dest");
    // A destination on another node can only be judged by its text here.
    apply("ADD SYNCFILESET " + inside + " TO other:" + root + "/copy");
    assertEquals(2, state.fileSets.size());
  }

  @Test
  public void ownersAreAccountsOfTheMachineThatResolvesThem() throws Exception {
    apply("ADD SYNCUSER tester");
    Path src = dir("src");
    refused("ADD SYNCFILESET " + src + " TO /backup, OWNER nosuchuser", "OWNER nosuchuser: no user \"nosuchuser\"");
    refused("ADD SYNCFILESET " + src + " TO /backup, OWNERGROUP nosuchgroup", "OWNERGROUP nosuchgroup: no group");
    refused("ADD SYNCFILESET " + src + " TO other:/backup, FROMOWNER nosuchuser", "FROMOWNER nosuchuser");
    refused("SYNCHRONIZE " + src + " TO /backup, OWNER nosuchuser", "OWNER nosuchuser: no user");
    apply("ADD SYNCFILESET " + src + " TO /backup, OWNER root, OWNERGROUP 0");
    refused("ALTER SYNCFILESET 1, OWNER nosuchuser", "OWNER nosuchuser: no user");
    assertEquals("root", state.fileSets.get(1L).sync().owner());
    // The destination node resolves its own accounts; this one cannot know them.
    apply("ADD SYNCFILESET " + src + " TO other:/backup, OWNER someoneelsewhere");
    // SUSPEND and ACTIVATE never fail on what changed outside the monitor.
    apply("SUSPEND SYNCFILESET 2");
    apply("ACTIVATE SYNCFILESET 2");
  }

  @Test
  public void anAltersConfigRecordSaysWhoChangedWhat() throws Exception {
    apply("ADD SYNCUSER tester");
    Path src = dir("src");
    assertEquals("ADD SYNCFILESET 1 by tester: " + src + " TO /backup, USER tester, PURGE, MAXRATE 1 MB",
        logged("ADD SYNCFILESET " + src + " TO /backup, PURGE, MAXRATE 1 MB"));
    assertEquals("ALTER SYNCFILESET 1 by tester: INTERVAL (none) -> 2 HOURS; MAXRATE 1 MB -> 2 MB; PURGE on -> off",
        logged("ALTER SYNCFILESET 1, MAXRATE 2, NO PURGE, INTERVAL 2 HOURS"));
    assertEquals("ALTER SYNCFILESET 1 by tester: EXCLUDE (none) -> *.tmp, *.bak; ALLHARDLINKS on -> off",
        logged("ALTER SYNCFILESET 1, NO ALLHARDLINKS, EXCLUDE '*.tmp', EXCLUDE '*.bak'"));
    assertEquals("ALTER SYNCFILESET 1 by tester: nothing changed", logged("ALTER SYNCFILESET 1, INTERVAL 2 HOURS"));
    assertEquals("SUSPEND SYNCFILESET 1 by tester", logged("SUSPEND SYNCFILESET 1"));
    assertEquals("ADD SYNCUSER other by tester: ROOT /data", logged("ADD SYNCUSER other, ROOT /data"));
    assertEquals("ALTER SYNCUSER other by tester: ROOT /data -> /data, /backup; SUSPEND off -> on",
        logged("ALTER SYNCUSER other, ROOT /data, ROOT /backup, SUSPEND"));
  }
}
