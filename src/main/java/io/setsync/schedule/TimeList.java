package io.setsync.schedule;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * A scheduler's time-list: each file set it serves at most once, with the instant it is due,
 * ordered by due instant and then by file-set id so that file sets due together run in a stable
 * order. Not thread-safe; it lives inside one actor.
 */
public final class TimeList {

  private record Entry(Instant due, long fileSetId) {}

  private static final Comparator<Entry> ORDER =
      Comparator.comparing(Entry::due).thenComparingLong(Entry::fileSetId);

  private final TreeSet<Entry> byDue = new TreeSet<>(ORDER);
  private final Map<Long, Instant> dueById = new HashMap<>();

  /** Puts {@code fileSetId} on the list at {@code due}, replacing any earlier entry for it. */
  public void schedule(long fileSetId, Instant due) {
    Objects.requireNonNull(due, "due");
    remove(fileSetId);
    byDue.add(new Entry(due, fileSetId));
    dueById.put(fileSetId, due);
  }

  /** Takes {@code fileSetId} off the list; nothing happens when it is not on it. */
  public void remove(long fileSetId) {
    Instant due = dueById.remove(fileSetId);
    if (due != null) {
      byDue.remove(new Entry(due, fileSetId));
    }
  }

  /** The earliest due instant on the list, empty when the list is. */
  public Optional<Instant> nextDue() {
    return byDue.isEmpty() ? Optional.empty() : Optional.of(byDue.first().due());
  }

  /**
   * Removes and returns the file set due first, if it is due at or before {@code now}; empty
   * (and the list unchanged) when nothing is due yet.
   */
  public OptionalLong takeDue(Instant now) {
    Objects.requireNonNull(now, "now");
    if (byDue.isEmpty() || byDue.first().due().isAfter(now)) {
      return OptionalLong.empty();
    }
    Entry first = byDue.pollFirst();
    dueById.remove(first.fileSetId());
    return OptionalLong.of(first.fileSetId());
  }

  public boolean contains(long fileSetId) {
    return dueById.containsKey(fileSetId);
  }

  /** When {@code fileSetId} is due, empty when it is not on the list. */
  public Optional<Instant> dueOf(long fileSetId) {
    return Optional.ofNullable(dueById.get(fileSetId));
  }

  public int size() {
    return dueById.size();
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("TimeList[");
    String separator = "";
    for (Entry e : byDue) {
      out.append(separator).append('#').append(e.fileSetId()).append('@').append(e.due());
      separator = ", ";
    }
    return out.append(']').toString();
  }
}
