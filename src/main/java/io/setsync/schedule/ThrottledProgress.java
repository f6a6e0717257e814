package io.setsync.schedule;

import io.setsync.sync.SyncNotice;
import io.setsync.transfer.SourceSession;

/**
 * Hands a session's progress on at most once per interval: a sync of many small files would
 * otherwise send its supervisor a message per file. Notices are not its business (they reach the
 * log through the {@link SyncRun}). Called on the session's threads.
 */
public final class ThrottledProgress implements SourceSession.Observer {

  /** Where the progress goes: an actor's tell, usually. */
  @FunctionalInterface
  public interface Sink {
    void progress(long entriesListed, long filesSent, long bytesSent);
  }

  private final long intervalMillis;
  private final Sink sink;
  private long lastSent;

  public ThrottledProgress(long intervalMillis, Sink sink) {
    this.intervalMillis = intervalMillis;
    this.sink = sink;
  }

  @Override
  public void notice(SyncNotice notice) {}

  @Override
  public synchronized void progress(long entriesListed, long filesSent, long bytesSent) {
    long now = System.currentTimeMillis();
    if (now - lastSent >= intervalMillis) {
      lastSent = now;
      sink.progress(entriesListed, filesSent, bytesSent);
    }
  }
}
