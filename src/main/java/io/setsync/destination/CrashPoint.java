package io.setsync.destination;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The steps of one replacement, in order. Each is a place where a crash is survivable, and the
 * crash tests stop the process at each of them: with {@code -Dsetsync.crash-at=STEP[:n]} the JVM
 * halts (as kill -9 would) the n-th time (default first) it reaches STEP. Unset, this costs a
 * field read.
 */
public enum CrashPoint {
  TEMP_WRITTEN,
  TEMP_SYNCED,
  BEGUN_JOURNALED,
  SAVED_LINKED,
  RENAMED,
  DIRECTORY_SYNCED,
  COMMITTED_JOURNALED,
  SAVED_DELETED;

  /** Exit status of a deliberate crash, so tests can tell it from any other end. */
  public static final int HALT_STATUS = 86;

  private static final CrashPoint ARMED;
  private static final int ARMED_AT;
  private static final AtomicInteger reached = new AtomicInteger();

  static {
    String spec = System.getProperty("setsync.crash-at", "");
    if (spec.isEmpty()) {
      ARMED = null;
      ARMED_AT = 0;
    } else {
      String[] parts = spec.split(":");
      ARMED = valueOf(parts[0]);
      ARMED_AT = parts.length > 1 ? Integer.parseInt(parts[1]) : 1;
    }
  }

  public void reach() {
    if (ARMED == this && reached.incrementAndGet() == ARMED_AT) {
      Runtime.getRuntime().halt(HALT_STATUS);
    }
  }
}
