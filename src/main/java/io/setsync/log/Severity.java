package io.setsync.log;

/** How serious a {@link LogRecord} is. */
public enum Severity {
  INFO,
  WARNING,
  ERROR
}
