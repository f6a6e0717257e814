package io.setsync.monitor;

import io.setsync.log.LogRecord;
import io.setsync.log.Origin;
import io.setsync.log.Severity;

/** The log records the monitor itself writes. */
final class MonitorLog {
  private MonitorLog() {}

  /** A configuration change (ADD, ALTER, DELETE, SUSPEND, ACTIVATE). */
  static LogRecord config(Long fileSetId, String text) {
    return new LogRecord(System.currentTimeMillis(), fileSetId, Origin.CONFIG, Severity.INFO, text);
  }

  /** Something the monitor did on its own, such as restarting a failed scheduler. */
  static LogRecord monitor(Long fileSetId, String text) {
    return new LogRecord(System.currentTimeMillis(), fileSetId, Origin.MONITOR, Severity.WARNING, text);
  }
}
