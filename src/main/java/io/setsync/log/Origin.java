package io.setsync.log;

/** Where a {@link LogRecord} comes from, as AutoSYNC tags its log. */
public enum Origin {
  /** A change of the configuration: a file set or sync user added, altered, deleted. */
  CONFIG,
  /** The source side of a sync. */
  SOURCE,
  /** The destination side of a sync, sent back to the source. */
  DESTINATION,
  /** Output of a TRIGGER command. */
  TRIGGER,
  /** A line of a REPORT (dry run): what a sync would change. */
  REPORT,
  /** The monitor or a scheduler: start, stop, failures, retries. */
  MONITOR
}
