package io.setsync.node;

import static org.junit.Assert.assertEquals;

import io.setsync.schedule.SyncResult;
import io.setsync.sync.SyncCounts;
import java.util.Set;
import org.junit.Test;

/** Each result once, the newest kept, a bounded number, and only the file sets asked for. */
public class RecentRunsTest {

  private static SyncResult ended(long at, long bytes) {
    return new SyncResult(at - 1500, at, new SyncCounts(1, 1, bytes, 0, 0, 0, 0), 0, null);
  }

  @Test
  public void eachResultIsKeptOnceAndOnlyTheNewest() {
    RecentRuns recent = new RecentRuns();
    for (int i = 1; i <= RecentRuns.KEPT + 5; i++) {
      recent.saw(7, ended(i * 1000L, i));
      recent.saw(7, ended(i * 1000L, i)); // the same result seen on the next tick
    }
    recent.saw(8, null);
    recent.saw(9, new SyncResult(0, 10, SyncCounts.ZERO, 0, null, true)); // a REPORT
    var runs = recent.of(Set.of(7L, 8L, 9L));
    assertEquals(Set.of(7L), runs.keySet());
    assertEquals(RecentRuns.KEPT, runs.get(7L).size());
    assertEquals(6_000, runs.get(7L).get(0).endedMillis());
    assertEquals(1.5, runs.get(7L).get(0).seconds(), 0);
    assertEquals(Set.of(), recent.of(Set.of(8L)).keySet());
  }
}
