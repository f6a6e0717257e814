package io.setsync.monitor;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.setsync.schedule.OneTimeSync;
import io.setsync.schedule.SyncResult;
import java.util.List;
import org.junit.Test;

public class OneTimeRunsTest {

  private final OneTimeRuns<String> runs = new OneTimeRuns<>();

  @Test
  public void progressShowsInStatusAndTheEndAnswersTheWaiterOnce() {
    long run = runs.add("alice", "n2:/src", "n3:/dst", "console-1", 1000);
    runs.progressed(new OneTimeSync.Progressed(run, 10, 4, 4096));
    Result.OneTimeView view = runs.views().get(0);
    assertEquals("n2:/src", view.source());
    assertEquals(new Result.Progress(1000, 10, 4, 4096), view.progress());

    SyncResult result = new SyncResult(1000, 2000, null, 0, null);
    OneTimeRuns.Answer<String> answer = runs.ended(new OneTimeSync.Ended(run, result, List.of("w"))).orElseThrow();
    assertEquals("console-1", answer.waiter());
    assertEquals(new Result.Synchronized("n2:/src", "n3:/dst", result, List.of("w")), answer.result());
    assertTrue(runs.views().isEmpty());
    assertTrue("a stop after the end answers nothing", runs.stopped(run).isEmpty());
    assertTrue(runs.notStarted(run, "late").isEmpty());
  }

  @Test
  public void aRunThatStopsWithoutAnEndOrNeverStartsIsAnsweredWithAnError() {
    long stops = runs.add(null, "/src", "n1:/dst", "a", 0);
    long refused = runs.add(null, "n2:/src", "n2:/dst", "b", 0);
    assertTrue(stops != refused);

    Result stopped = runs.stopped(stops).orElseThrow().result();
    assertEquals(2, stopped.code());
    assertTrue(stopped.toString(), ((Result.Done) stopped).message().contains("stopped without a result"));

    OneTimeRuns.Answer<String> notStarted = runs.notStarted(refused, "node n2 is stopping").orElseThrow();
    assertEquals("b", notStarted.waiter());
    assertEquals("SYNCHRONIZE n2:/src could not start: node n2 is stopping", ((Result.Done) notStarted.result()).message());
    assertFalse(runs.isUnderWay(refused));
    assertTrue(runs.ended(new OneTimeSync.Ended(refused, new SyncResult(0, 1, null, 2, "x"), List.of())).isEmpty());
  }
}
