package io.setsync.monitor;

import io.setsync.CborSerializable;
import io.setsync.schedule.FileSetConfig;
import io.setsync.schedule.SchedulerKey;
import io.setsync.schedule.SyncResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The monitor's persisted state: the SYNCUSER table, the file sets, the batch ids, the last result
 * of each file set, and whether the monitor is stopped. Changed only by {@link Monitor}'s event
 * handler; everything else reads. Which schedulers should run follows from it ({@link
 * #wantedSchedulers}), so the table of running schedulers never needs persisting.
 */
public final class MonitorState implements CborSerializable {

  public TreeMap<String, UserConfig> users = new TreeMap<>();
  public TreeMap<Long, FileSetConfig> fileSets = new TreeMap<>();
  public TreeMap<String, BatchConfig> batches = new TreeMap<>();
  public TreeMap<Long, SyncResult> lastResults = new TreeMap<>();
  /** When each file set's last sync without errors ended (for the overdue rule). */
  public TreeMap<Long, Long> lastSuccessMillis = new TreeMap<>();
  /** Failed syncs of each file set since its last success. */
  public TreeMap<Long, Integer> failuresInARow = new TreeMap<>();
  public long nextFileSetId = 1;
  public boolean stopped;
  /** The OS accounts the authorizer made administrators. */
  public TreeSet<String> administrators = new TreeSet<>();
  /** Per destination node, the source nodes it refuses (DISABLE AUTOSYNC FROM). */
  public TreeMap<String, TreeSet<String>> refusedSources = new TreeMap<>();

  /** An independent copy (the configs themselves are immutable records). */
  public MonitorState copy() {
    MonitorState c = new MonitorState();
    c.users = new TreeMap<>(users);
    c.fileSets = new TreeMap<>(fileSets);
    c.batches = new TreeMap<>(batches);
    c.lastResults = new TreeMap<>(lastResults);
    c.lastSuccessMillis = new TreeMap<>(lastSuccessMillis);
    c.failuresInARow = new TreeMap<>(failuresInARow);
    c.nextFileSetId = nextFileSetId;
    c.stopped = stopped;
    c.administrators = new TreeSet<>(administrators);
    c.refusedSources = new TreeMap<>();
    refusedSources.forEach((d, sources) -> c.refusedSources.put(d, new TreeSet<>(sources)));
    return c;
  }

  /**
   * A sync of file set {@code id} ended: a success (no errors, not a REPORT) resets its failures, an
   * error adds one.
   */
  void recordSync(long id, SyncResult result) {
    lastResults.put(id, result);
    if (result.report()) return;
    if (result.code() < 2) {
      lastSuccessMillis.put(id, result.endedMillis());
      failuresInARow.remove(id);
    } else {
      failuresInARow.merge(id, 1, Integer::sum);
    }
  }

  /** Whether a file set is due to be scheduled: it, its user and its batch are all active. */
  public boolean isActive(FileSetConfig f) {
    if (f.suspended()) return false;
    UserConfig user = users.get(f.user());
    if (user == null || user.suspended()) return false;
    BatchConfig batch = f.batchId().isEmpty() ? null : batches.get(f.batchId());
    return batch == null || !batch.suspended();
  }

  /** Why a file set is not active, or null when it is. */
  public String inactiveReason(FileSetConfig f) {
    if (f.suspended()) return "suspended";
    UserConfig user = users.get(f.user());
    if (user == null) return "user " + f.user() + " deleted";
    if (user.suspended()) return "user suspended";
    BatchConfig batch = f.batchId().isEmpty() ? null : batches.get(f.batchId());
    if (batch != null && batch.suspended()) return "batch suspended";
    return null;
  }

  /**
   * Whether {@code destination} refuses syncs from {@code source} (DISABLE AUTOSYNC FROM). The
   * question a destination's endpoint asks before it accepts a session (see {@link
   * Monitor.AskAutosyncFrom}).
   */
  public boolean refuses(String destination, String source) {
    TreeSet<String> sources = refusedSources.get(destination);
    return sources != null && sources.contains(source);
  }

  /** Why a file set's syncs do not run (its destination refuses its source), or null. */
  public String refusalOf(FileSetConfig f, String monitorNode) {
    String source = f.sourceNodeOr(monitorNode);
    String destination = f.destinationNodeOr(monitorNode);
    return refuses(destination, source) ? "refused: " + destination + " disabled AUTOSYNC FROM " + source : null;
  }

  /** The scheduler key of a file set; {@code monitorNode} stands in for a file set recorded without a source node. */
  public static SchedulerKey keyOf(FileSetConfig f, String monitorNode) {
    return new SchedulerKey(f.user(), f.sourceNodeOr(monitorNode), f.destinationNodeOr(monitorNode), f.batchId());
  }

  /** The active file sets grouped by the scheduler that should run them. */
  public SortedMap<SchedulerKey, SortedMap<Long, FileSetConfig>> wantedSchedulers(String monitorNode) {
    SortedMap<SchedulerKey, SortedMap<Long, FileSetConfig>> wanted = new TreeMap<>();
    if (stopped) return wanted;
    for (Map.Entry<Long, FileSetConfig> e : fileSets.entrySet()) {
      if (isActive(e.getValue()) && refusalOf(e.getValue(), monitorNode) == null) {
        wanted.computeIfAbsent(keyOf(e.getValue(), monitorNode), k -> new TreeMap<>())
            .put(e.getKey(), e.getValue());
      }
    }
    return wanted;
  }

  public List<Long> fileSetsOfUser(String user) {
    List<Long> ids = new ArrayList<>();
    fileSets.forEach((id, f) -> {
      if (f.user().equals(user)) ids.add(id);
    });
    return ids;
  }

  public List<Long> fileSetsOfBatch(String batchId) {
    List<Long> ids = new ArrayList<>();
    fileSets.forEach((id, f) -> {
      if (f.batchId().equals(batchId)) ids.add(id);
    });
    return ids;
  }

  public long activeCount() {
    return fileSets.values().stream().filter(this::isActive).count();
  }
}
