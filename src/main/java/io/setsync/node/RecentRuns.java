package io.setsync.node;

import io.setsync.schedule.SyncResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The recent syncs of each file set, for the page's charts: each last result the page has seen,
 * once, at most {@link #KEPT} per file set. Kept in memory by the node that serves the page, from
 * the results STATUS gives; a restarted node starts with none. Thread-safe.
 */
final class RecentRuns {

  static final int KEPT = 30;

  /** One sync: when it ended, how long it took, what it copied. */
  record Run(long endedMillis, double seconds, long bytes, long files, int code) {}

  private final Map<Long, Deque<Run>> runs = new TreeMap<>();

  /** {@code last}: a file set's last result as STATUS shows it (null: none yet). */
  synchronized void saw(long fileSetId, SyncResult last) {
    if (last == null || last.report()) return;
    Deque<Run> kept = runs.computeIfAbsent(fileSetId, id -> new ArrayDeque<>());
    if (!kept.isEmpty() && kept.peekLast().endedMillis() >= last.endedMillis()) return;
    kept.addLast(new Run(last.endedMillis(), Math.max(0, last.endedMillis() - last.startedMillis()) / 1000.0,
        last.counts().bytes(), last.counts().copied(), last.code()));
    while (kept.size() > KEPT) kept.removeFirst();
  }

  /** The runs of these file sets (the ones the visitor may see), oldest first. */
  synchronized Map<Long, List<Run>> of(Set<Long> fileSetIds) {
    Map<Long, List<Run>> out = new TreeMap<>();
    for (Long id : fileSetIds) {
      Deque<Run> kept = runs.get(id);
      if (kept != null) out.put(id, new ArrayList<>(kept));
    }
    return out;
  }
}
