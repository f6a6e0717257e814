package io.setsync.destination;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Which session holds which destination root (one at a time, by real path), and each root's
 * rename journal ({@code J}), started on the first claim and forgotten when it stops, so the next
 * claim starts a fresh one. {@code R} is how a session is known.
 */
final class RootClaimTable<R, J> {

  private final Function<Path, J> startJournal;
  private final Map<Path, J> journals = new HashMap<>();
  private final Map<Path, R> holders = new HashMap<>();
  /** The root each live session claimed, kept until it has stopped (a release comes before that). */
  private final Map<R, Path> claimedBy = new HashMap<>();
  private final Set<Path> served = new LinkedHashSet<>();

  RootClaimTable(Function<Path, J> startJournal) {
    this.startJournal = startJournal;
  }

  /** The root's journal for {@code session}, or null while another session holds the root. */
  J claim(Path root, R session) {
    if (holders.containsKey(root)) return null;
    holders.put(root, session);
    claimedBy.put(session, root);
    served.add(root);
    return journals.computeIfAbsent(root, startJournal);
  }

  /** The session is done with the root: the next may claim it, though this one has not stopped yet. */
  void release(Path root, R session) {
    holders.remove(root, session);
  }

  /** The session has stopped; returns its root once no live session has claimed it, else null. */
  Path stopped(R session) {
    holders.values().remove(session);
    Path root = claimedBy.remove(session);
    return root != null && sessionsOver(root) ? root : null;
  }

  /** No live session has claimed the root (their scratch files are cleaned up by then). */
  boolean sessionsOver(Path root) {
    return !claimedBy.containsValue(root);
  }

  /** A journal stopped (its store failed): forgotten, unless the root already has a newer one. */
  void journalStopped(Path root, J journal) {
    journals.remove(root, journal);
  }

  /** Roots a session has claimed before and none holds now. */
  List<Path> idle() {
    List<Path> idle = new ArrayList<>();
    for (Path root : served) {
      if (!holders.containsKey(root)) idle.add(root);
    }
    return idle;
  }
}
