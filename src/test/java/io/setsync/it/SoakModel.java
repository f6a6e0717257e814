package io.setsync.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the soak test believes a node's monitor holds, and the invariants that follow from it. Plain
 * data and pure checks: the soak test ({@link MonitorSoakIT}) changes it after each command the
 * node accepted and compares what it observes (STATUS, INFO, the destination trees) with it.
 */
final class SoakModel {

  /** How a file set treats destination names its source does not have. */
  enum Purge {
    /** Extra names stay. */
    NONE("NO PURGE, NO SUBVOLPURGE"),
    /** Extra files go, in directories the source has; extra directories stay. */
    PURGE("PURGE, NO SUBVOLPURGE"),
    /** Every extra name goes: the destination equals the source. */
    SUBVOLPURGE("SUBVOLPURGE");

    /** The ALTER settings that select it. */
    final String alterText;

    Purge(String alterText) {
      this.alterText = alterText;
    }
  }

  /** One file set as the model expects it. {@code batch} "" is the default batch; {@code maxRateMb} 0: no MAXRATE. */
  record FileSet(
      long id, Path source, Path destination, int intervalSeconds, Purge purge, String batch,
      int maxRateMb, boolean suspended) {

    FileSet {
      Objects.requireNonNull(source);
      Objects.requireNonNull(destination);
      Objects.requireNonNull(purge);
      Objects.requireNonNull(batch);
    }

    FileSet withInterval(int seconds) {
      return new FileSet(id, source, destination, seconds, purge, batch, maxRateMb, suspended);
    }

    FileSet withPurge(Purge p) {
      return new FileSet(id, source, destination, intervalSeconds, p, batch, maxRateMb, suspended);
    }

    FileSet withBatch(String b) {
      return new FileSet(id, source, destination, intervalSeconds, purge, b, maxRateMb, suspended);
    }

    FileSet withMaxRate(int mb) {
      return new FileSet(id, source, destination, intervalSeconds, purge, batch, mb, suspended);
    }

    FileSet withSuspended(boolean s) {
      return new FileSet(id, source, destination, intervalSeconds, purge, batch, maxRateMb, s);
    }

    /** The options of its ADD SYNCFILESET command (after the paths). */
    String addOptions(String user) {
      StringBuilder b = new StringBuilder("USER " + user + ", INTERVAL " + intervalSeconds + " SECONDS");
      if (purge == Purge.PURGE) b.append(", PURGE");
      if (purge == Purge.SUBVOLPURGE) b.append(", SUBVOLPURGE");
      if (!batch.isEmpty()) b.append(", BATCHID ").append(batch);
      if (maxRateMb > 0) b.append(", MAXRATE ").append(maxRateMb).append(" MB");
      if (suspended) b.append(", SUSPEND");
      return b.toString();
    }
  }

  /** A file set as STATUS or INFO shows it ({@code running}: the view carries a running sync's progress). */
  record Observed(
      long id, String source, String destination, long intervalSeconds, boolean purge, boolean subvolPurge,
      String batch, int maxRateMb, boolean suspended, String state, Long nextRunMillis, boolean running) {}

  /** The monitor's own figures in STATUS. */
  record ObservedMonitor(boolean running, int fileSets, int activeFileSets, int runningSyncs) {}

  /** One name of a tree: its type and, for files and links, what a sync must reproduce. */
  record Entry(String type, String detail) {
    boolean isDirectory() {
      return type.equals("dir");
    }
  }

  private final SortedMap<Long, FileSet> fileSets = new TreeMap<>();
  private long nextId = 1;
  private boolean monitorStopped;

  // --- changes, each after the node accepted the command ---

  /** The id the monitor gives the next file set: ids are never reused. */
  long nextId() {
    return nextId;
  }

  void added(FileSet f) {
    if (f.id() != nextId) throw new IllegalArgumentException("file set " + f.id() + " added, expected id " + nextId);
    fileSets.put(f.id(), f);
    nextId++;
  }

  void replaced(FileSet f) {
    if (!fileSets.containsKey(f.id())) throw new IllegalArgumentException("no file set " + f.id());
    fileSets.put(f.id(), f);
  }

  void deleted(long id) {
    if (fileSets.remove(id) == null) throw new IllegalArgumentException("no file set " + id);
  }

  void monitorStopped(boolean stopped) {
    monitorStopped = stopped;
  }

  boolean monitorStopped() {
    return monitorStopped;
  }

  FileSet fileSet(long id) {
    FileSet f = fileSets.get(id);
    if (f == null) throw new IllegalArgumentException("no file set " + id);
    return f;
  }

  Collection<FileSet> fileSets() {
    return List.copyOf(fileSets.values());
  }

  /** Whether the monitor should be running this file set's syncs. */
  boolean isActive(FileSet f) {
    return !monitorStopped && !f.suspended();
  }

  List<FileSet> activeFileSets() {
    return fileSets.values().stream().filter(this::isActive).toList();
  }

  // --- what follows ---

  /**
   * How long an active file set may take to catch up with a source that stopped changing: a sync
   * under way (started before the last change) ends, the interval passes, then a sync of its own
   * runs; a scheduler runs its file sets one after another, so every other file set of its batch
   * may run first. {@code margin} covers one sync's work and the machine's slowness; a MAXRATE adds
   * the time its bytes take at that rate.
   */
  Duration convergenceDeadline(FileSet f, Duration margin, long sourceBytes) {
    long others = fileSets.values().stream()
        .filter(o -> o.id() != f.id() && isActive(o) && o.batch().equals(f.batch()))
        .count();
    Duration transfer = f.maxRateMb() > 0 ? Duration.ofSeconds(2 * sourceBytes / (f.maxRateMb() << 20) + 1) : Duration.ZERO;
    return Duration.ofSeconds(2L * f.intervalSeconds())
        .plus(margin)
        .plus(transfer)
        .plus(margin.dividedBy(4).multipliedBy(others));
  }

  /**
   * Where STATUS (and INFO, which shows the same views) disagrees with the model: unknown or
   * missing file sets, a configuration other than the one the commands gave, a state that the
   * model's file set cannot be in, a wrong count of file sets or active ones.
   *
   * @param localNode the node's name, which a scheduler waiting for its own endpoint names
   */
  List<String> disagreements(ObservedMonitor monitor, List<Observed> views, String localNode) {
    List<String> problems = new ArrayList<>();
    if (monitor.running() == monitorStopped) {
      problems.add("monitor is " + (monitor.running() ? "running" : "stopped") + ", expected "
          + (monitorStopped ? "stopped" : "running"));
    }
    if (monitor.fileSets() != fileSets.size()) {
      problems.add("monitor counts " + monitor.fileSets() + " file sets, expected " + fileSets.size());
    }
    long active = fileSets.values().stream().filter(f -> !f.suspended()).count();
    if (monitor.activeFileSets() != active) {
      problems.add("monitor counts " + monitor.activeFileSets() + " active file sets, expected " + active);
    }
    Map<Long, Observed> byId = new TreeMap<>();
    for (Observed o : views) {
      if (byId.put(o.id(), o) != null) problems.add("file set " + o.id() + " shown twice");
    }
    for (Long id : byId.keySet()) {
      if (!fileSets.containsKey(id)) problems.add("file set " + id + " shown, but it was never added or was deleted");
    }
    for (FileSet f : fileSets.values()) {
      Observed o = byId.get(f.id());
      if (o == null) {
        problems.add("file set " + f.id() + " missing");
        continue;
      }
      problems.addAll(configDisagreements(f, o));
      String stateProblem = stateProblem(f, o, localNode);
      if (stateProblem != null) problems.add("file set " + f.id() + ": " + stateProblem);
    }
    return problems;
  }

  private static List<String> configDisagreements(FileSet f, Observed o) {
    List<String> problems = new ArrayList<>();
    String prefix = "file set " + f.id() + ": ";
    if (!o.source().equals(f.source().toString())) problems.add(prefix + "source " + o.source() + ", expected " + f.source());
    if (!o.destination().equals(f.destination().toString())) {
      problems.add(prefix + "destination " + o.destination() + ", expected " + f.destination());
    }
    if (o.intervalSeconds() != f.intervalSeconds()) {
      problems.add(prefix + "INTERVAL " + o.intervalSeconds() + " s, expected " + f.intervalSeconds() + " s");
    }
    Purge purge = o.subvolPurge() ? Purge.SUBVOLPURGE : o.purge() ? Purge.PURGE : Purge.NONE;
    if (purge != f.purge()) problems.add(prefix + purge + ", expected " + f.purge());
    if (!o.batch().equals(f.batch())) problems.add(prefix + "BATCHID \"" + o.batch() + "\", expected \"" + f.batch() + "\"");
    if (o.maxRateMb() != f.maxRateMb()) problems.add(prefix + "MAXRATE " + o.maxRateMb() + ", expected " + f.maxRateMb());
    if (o.suspended() != f.suspended()) {
      problems.add(prefix + (o.suspended() ? "suspended" : "active") + ", expected " + (f.suspended() ? "suspended" : "active"));
    }
    return problems;
  }

  /**
   * Whether a file set's shown state fits the model: a suspended one is "suspended" (or still
   * "running", for the moment its sync takes to stop at a file boundary: {@link #suspendedAndRunning}
   * says how long that may last); under a stopped monitor an idle one is "monitor stopped"; an
   * active one is scheduled, running, or waiting for a scheduler or for its destination to appear
   * (after a node start). A state that says "running" carries a running sync, and the other way
   * round. A file set that will not run (suspended, or the monitor stopped) shows no next run.
   *
   * @return null when it fits, else what is wrong
   */
  String stateProblem(FileSet f, Observed o, String localNode) {
    if (o.running() != o.state().equals("running")) {
      return "state \"" + o.state() + "\" but " + (o.running() ? "a sync in progress" : "no sync in progress");
    }
    if (o.running()) return null;
    if (!isActive(f) && o.nextRunMillis() != null) {
      return "state \"" + o.state() + "\" with a next run at " + java.time.Instant.ofEpochMilli(o.nextRunMillis())
          + ", but it is " + (f.suspended() ? "suspended" : "under a stopped monitor");
    }
    if (f.suspended()) return o.state().equals("suspended") ? null : "state \"" + o.state() + "\", expected suspended";
    if (monitorStopped) {
      return o.state().equals("monitor stopped") ? null : "state \"" + o.state() + "\", expected monitor stopped";
    }
    return isActiveState(o.state(), localNode) ? null
        : "state \"" + o.state() + "\", expected scheduled, running or waiting";
  }

  /** A state an active file set may show: the monitor's words for scheduled, running or waiting. */
  static boolean isActiveState(String state, String localNode) {
    return state.equals("scheduled") || state.equals("running") || state.equals("starting")
        || state.equals("waiting for destination " + localNode);
  }

  /** The invariant "no file set is both suspended and running", for one view. */
  static boolean suspendedAndRunning(Observed o) {
    return o.suspended() && o.running();
  }

  /**
   * Where a destination tree differs from what its file set's source requires: every source name is
   * there, of the same type, with the same content, mode, mtime and link target; names the source
   * lacks are allowed as the purge mode says. Both maps are keyed by path relative to the root
   * ({@code a/b}), without the root itself and without {@code .setsync/}.
   */
  static List<String> treeDifferences(Map<String, Entry> source, Map<String, Entry> destination, Purge purge) {
    List<String> problems = new ArrayList<>();
    source.forEach((name, expected) -> {
      Entry actual = destination.get(name);
      if (actual == null) problems.add(name + ": missing");
      else if (!actual.equals(expected)) problems.add(name + ": " + actual + ", expected " + expected);
    });
    for (Map.Entry<String, Entry> e : destination.entrySet()) {
      String name = e.getKey();
      if (source.containsKey(name) || purge == Purge.NONE) continue;
      String parent = parentOf(name);
      boolean underExtraDirectory = parent != null && !isSourceDirectory(source, parent);
      if (underExtraDirectory) continue; // reported (or allowed) at the extra directory itself
      if (purge == Purge.SUBVOLPURGE || !e.getValue().isDirectory()) problems.add(name + ": not purged");
    }
    return problems;
  }

  private static boolean isSourceDirectory(Map<String, Entry> source, String name) {
    Entry entry = source.get(name);
    return entry != null && entry.isDirectory();
  }

  private static String parentOf(String name) {
    int slash = name.lastIndexOf('/');
    return slash < 0 ? null : name.substring(0, slash);
  }

  /**
   * The bound on a count of the node's resources (open descriptors, threads) over one node
   * lifetime: never more than {@code slack} above what it was once warm.
   *
   * @return null within the bound, else the sentence that says by how much it grew
   */
  static String growth(String what, int baseline, int now, int slack) {
    return now <= baseline + slack ? null
        : what + " grew from " + baseline + " to " + now + ", more than the allowed " + slack;
  }
}
