package io.setsync.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.setsync.it.SoakModel.Entry;
import io.setsync.it.SoakModel.FileSet;
import io.setsync.it.SoakModel.Observed;
import io.setsync.it.SoakModel.ObservedMonitor;
import io.setsync.it.SoakModel.Purge;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.Test;

/** The soak test's model on its own: what it expects of STATUS, of destination trees and of counts. */
public class SoakModelTest {

  private final SoakModel model = new SoakModel();

  private static FileSet fileSet(long id) {
    return new FileSet(id, Path.of("/s/src-" + id), Path.of("/s/dst-" + id), 2, Purge.PURGE, "", 0, false);
  }

  /** The view STATUS would give of {@code f} in {@code state}. */
  private static Observed seen(FileSet f, String state, boolean running) {
    return new Observed(f.id(), f.source().toString(), f.destination().toString(), f.intervalSeconds(),
        f.purge() != Purge.NONE, f.purge() == Purge.SUBVOLPURGE, f.batch(), f.maxRateMb(), f.suspended(), state,
        running || f.suspended() ? null : 1000L, running);
  }

  private static ObservedMonitor monitor(boolean running, int fileSets, int active) {
    return new ObservedMonitor(running, fileSets, active, 0);
  }

  @Test
  public void idsFollowOneAnotherAndAreNeverReused() {
    model.added(fileSet(1));
    model.added(fileSet(2));
    model.deleted(1);
    assertEquals(3, model.nextId());
    assertThrows(IllegalArgumentException.class, () -> model.added(fileSet(2)));
    assertThrows(IllegalArgumentException.class, () -> model.deleted(1));
  }

  @Test
  public void statusThatMatchesTheModelHasNoDisagreement() {
    FileSet a = fileSet(1);
    FileSet b = fileSet(2).withSuspended(true);
    model.added(a);
    model.added(b);
    assertEquals(List.of(), model.disagreements(monitor(true, 2, 1),
        List.of(seen(a, "scheduled", false), seen(b, "suspended", false)), "here"));
    assertEquals(List.of(), model.disagreements(monitor(true, 2, 1),
        List.of(seen(a, "running", true), seen(b, "suspended", false)), "here"));
    assertEquals(List.of(), model.disagreements(monitor(true, 2, 1),
        List.of(seen(a, "waiting for destination here", false), seen(b, "suspended", false)), "here"));
  }

  @Test
  public void everyKindOfDisagreementIsNamed() {
    FileSet a = fileSet(1);
    model.added(a);
    model.added(fileSet(2));
    List<String> problems = model.disagreements(monitor(false, 3, 1),
        List.of(seen(a.withInterval(5).withPurge(Purge.NONE).withBatch("b1"), "scheduled", false),
            seen(fileSet(7), "scheduled", false)),
        "here");
    assertTrue(problems.toString(), problems.contains("monitor is stopped, expected running"));
    assertTrue(problems.toString(), problems.contains("monitor counts 3 file sets, expected 2"));
    assertTrue(problems.toString(), problems.contains("monitor counts 1 active file sets, expected 2"));
    assertTrue(problems.toString(), problems.contains("file set 7 shown, but it was never added or was deleted"));
    assertTrue(problems.toString(), problems.contains("file set 2 missing"));
    assertTrue(problems.toString(), problems.contains("file set 1: INTERVAL 5 s, expected 2 s"));
    assertTrue(problems.toString(), problems.contains("file set 1: NONE, expected PURGE"));
    assertTrue(problems.toString(), problems.contains("file set 1: BATCHID \"b1\", expected \"\""));
  }

  @Test
  public void statesMustFitTheModel() {
    FileSet a = fileSet(1);
    model.added(a);
    assertNull(model.stateProblem(a, seen(a, "scheduled", false), "here"));
    assertEquals("state \"running\" but no sync in progress", model.stateProblem(a, seen(a, "running", false), "here"));
    assertEquals("state \"scheduled\" but a sync in progress", model.stateProblem(a, seen(a, "scheduled", true), "here"));
    assertEquals("state \"not started: limit of 1024 schedulers\", expected scheduled, running or waiting",
        model.stateProblem(a, seen(a, "not started: limit of 1024 schedulers", false), "here"));
    assertTrue(model.stateProblem(a, seen(a, "waiting for destination ghost", false), "here") != null);

    FileSet suspended = a.withSuspended(true);
    model.replaced(suspended);
    assertNull(model.stateProblem(suspended, seen(suspended, "suspended", false), "here"));
    assertNull("stopping at a file boundary takes a moment", model.stateProblem(suspended, seen(suspended, "running", true), "here"));
    Observed promised = new Observed(1, "/s/src-1", "/s/dst-1", 2, true, false, "", 0, true, "suspended", 5000L, false);
    assertTrue(model.stateProblem(suspended, promised, "here").contains("with a next run"));

    model.replaced(a);
    model.monitorStopped(true);
    assertNull(model.stateProblem(a, new Observed(1, "/s/src-1", "/s/dst-1", 2, true, false, "", 0, false,
        "monitor stopped", null, false), "here"));
    assertEquals("state \"scheduled\", expected monitor stopped",
        model.stateProblem(a, new Observed(1, "/s/src-1", "/s/dst-1", 2, true, false, "", 0, false,
            "scheduled", null, false), "here"));
  }

  @Test
  public void suspendedAndRunningIsOneView() {
    FileSet a = fileSet(1).withSuspended(true);
    assertTrue(SoakModel.suspendedAndRunning(seen(a, "running", true)));
    assertFalse(SoakModel.suspendedAndRunning(seen(a, "suspended", false)));
    assertFalse(SoakModel.suspendedAndRunning(seen(fileSet(2), "running", true)));
  }

  @Test
  public void onlyActiveFileSetsAreExpectedToRun() {
    model.added(fileSet(1));
    model.added(fileSet(2).withSuspended(true));
    assertEquals(List.of(1L), model.activeFileSets().stream().map(FileSet::id).toList());
    model.monitorStopped(true);
    assertEquals(List.of(), model.activeFileSets());
  }

  @Test
  public void theDeadlineAllowsForTheIntervalTheBatchAndTheRate() {
    FileSet a = fileSet(1);
    model.added(a);
    Duration margin = Duration.ofSeconds(20);
    assertEquals(Duration.ofSeconds(2 * 2 + 20), model.convergenceDeadline(a, margin, 0));
    model.added(fileSet(2));
    model.added(fileSet(3).withBatch("b1"));
    assertEquals("one more file set in its batch, none counted from another batch",
        Duration.ofSeconds(2 * 2 + 20 + 5), model.convergenceDeadline(a, margin, 0));
    FileSet slow = a.withMaxRate(1);
    model.replaced(slow);
    assertEquals(Duration.ofSeconds(2 * 2 + 20 + 5 + 2 * 3 + 1), model.convergenceDeadline(slow, margin, 3 << 20));
  }

  private static Map<String, Entry> tree(Object... nameAndEntry) {
    Map<String, Entry> t = new TreeMap<>();
    for (int i = 0; i < nameAndEntry.length; i += 2) t.put((String) nameAndEntry[i], (Entry) nameAndEntry[i + 1]);
    return t;
  }

  private static final Entry DIR = new Entry("dir", "");
  private static final Entry OLD = new Entry("file", "644 1 3 aaa");
  private static final Entry NEW = new Entry("file", "644 2 3 bbb");

  @Test
  public void aDestinationHasEverySourceNameAsItIs() {
    Map<String, Entry> source = tree("d", DIR, "d/x", NEW, "y", NEW);
    assertEquals(List.of(), SoakModel.treeDifferences(source, tree("d", DIR, "d/x", NEW, "y", NEW), Purge.SUBVOLPURGE));
    assertEquals(List.of("d/x: " + OLD + ", expected " + NEW, "y: missing"),
        SoakModel.treeDifferences(source, tree("d", DIR, "d/x", OLD), Purge.NONE));
  }

  @Test
  public void extraNamesAreAllowedAsThePurgeModeSays() {
    Map<String, Entry> source = tree("d", DIR, "d/x", NEW);
    Map<String, Entry> destination = tree("d", DIR, "d/x", NEW, "d/gone", OLD, "old", DIR, "old/f", OLD, "top", OLD);
    assertEquals(List.of(), SoakModel.treeDifferences(source, destination, Purge.NONE));
    assertEquals("PURGE leaves extra directories, and what is in them",
        List.of("d/gone: not purged", "top: not purged"), SoakModel.treeDifferences(source, destination, Purge.PURGE));
    assertEquals(List.of("d/gone: not purged", "old: not purged", "top: not purged"),
        SoakModel.treeDifferences(source, destination, Purge.SUBVOLPURGE));
  }

  @Test
  public void growthIsBoundedBySlack() {
    assertNull(SoakModel.growth("threads", 90, 130, 40));
    assertEquals("threads grew from 90 to 131, more than the allowed 40", SoakModel.growth("threads", 90, 131, 40));
    assertNull("shrinking is fine", SoakModel.growth("threads", 90, 60, 40));
  }

  @Test
  public void theAddCommandSaysWhatTheModelHolds() {
    FileSet f = new FileSet(4, Path.of("/a"), Path.of("/b"), 3, Purge.SUBVOLPURGE, "b1", 1, true);
    assertEquals("USER u, INTERVAL 3 SECONDS, SUBVOLPURGE, BATCHID b1, MAXRATE 1 MB, SUSPEND", f.addOptions("u"));
    assertEquals("USER u, INTERVAL 2 SECONDS, PURGE", fileSet(1).addOptions("u"));
  }
}
