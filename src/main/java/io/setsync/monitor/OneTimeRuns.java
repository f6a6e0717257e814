package io.setsync.monitor;

import io.setsync.schedule.OneTimeSync;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The SYNCHRONIZEs under way, as the monitor knows them: what STATUS shows of each, and who waits
 * for its answer. Each is answered once: by its end, or by the first of its failures to start or
 * its run's stop without an end; whatever comes after that finds nothing and answers nothing.
 *
 * @param <W> whoever waits for an answer (an actor reference in the monitor)
 */
final class OneTimeRuns<W> {

  /** The answer {@code result} due to {@code waiter}. */
  record Answer<W>(W waiter, Result result) {}

  private long last;
  private final Map<Long, Result.OneTimeView> views = new TreeMap<>();
  private final Map<Long, W> waiters = new HashMap<>();

  /** A new run, not started yet; its number names it in its reports. */
  long add(String user, String source, String destination, W waiter, long nowMillis) {
    long run = ++last;
    views.put(run, new Result.OneTimeView(user, source, destination, new Result.Progress(nowMillis, 0, 0, 0)));
    waiters.put(run, waiter);
    return run;
  }

  boolean isUnderWay(long run) {
    return views.containsKey(run);
  }

  void progressed(OneTimeSync.Progressed p) {
    Result.OneTimeView v = views.get(p.run());
    if (v != null) {
      views.put(p.run(), new Result.OneTimeView(v.user(), v.source(), v.destination(),
          new Result.Progress(v.progress().startedMillis(), p.entries(), p.files(), p.bytes())));
    }
  }

  Optional<Answer<W>> ended(OneTimeSync.Ended e) {
    Result.OneTimeView v = views.get(e.run());
    return remove(e.run()).map(w -> new Answer<>(w,
        new Result.Synchronized(v.source(), v.destination(), e.result(), e.warnings())));
  }

  Optional<Answer<W>> notStarted(long run, String why) {
    Result.OneTimeView v = views.get(run);
    return remove(run).map(w -> new Answer<>(w,
        Result.Done.error("SYNCHRONIZE " + v.source() + " could not start: " + why)));
  }

  /** Its run stopped: an answer is due only if none was given. */
  Optional<Answer<W>> stopped(long run) {
    return remove(run).map(w -> new Answer<>(w,
        Result.Done.error("the sync stopped without a result (see the node's log)")));
  }

  /** For STATUS SYNC, oldest first. */
  List<Result.OneTimeView> views() {
    return List.copyOf(views.values());
  }

  private Optional<W> remove(long run) {
    views.remove(run);
    return Optional.ofNullable(waiters.remove(run));
  }
}
