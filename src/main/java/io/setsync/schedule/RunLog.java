package io.setsync.schedule;

import io.setsync.log.LogRecord;
import io.setsync.log.Origin;
import io.setsync.log.Severity;
import io.setsync.sync.SyncNotice;
import io.setsync.sync.Trigger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The sync-log records of one run, apart from the actor: how it started, what each notice says,
 * what its TRIGGER printed, how it ended. Pure; the clock comes in as {@code millis}.
 */
public final class RunLog {

  private RunLog() {}

  /** "sync started: /src TO node:/dest". */
  public static LogRecord started(long millis, Long fileSetId, String source, String destination) {
    return new LogRecord(millis, fileSetId, Origin.SOURCE, Severity.INFO, "sync started: " + source + " TO " + destination);
  }

  /**
   * The record a notice becomes; none for COPIED, which only feeds TRIGGER's list (one record per
   * copied file would swamp the bounded log).
   */
  public static Optional<LogRecord> notice(long millis, Long fileSetId, SyncNotice notice) {
    Origin origin = notice.side() == SyncNotice.Side.SOURCE ? Origin.SOURCE : Origin.DESTINATION;
    String text = notice.path().isEmpty() ? notice.text() : notice.path() + ": " + notice.text();
    return switch (notice.kind()) {
      case COPIED -> Optional.empty();
      case PURGED -> Optional.of(new LogRecord(millis, fileSetId, Origin.DESTINATION, Severity.INFO,
          "purged " + notice.path()));
      case WOULD_COPY, WOULD_PURGE -> Optional.of(new LogRecord(millis, fileSetId, Origin.REPORT, Severity.INFO,
          (notice.kind() == SyncNotice.Kind.WOULD_COPY ? "would copy " : "would purge ") + notice.path()
              + (notice.text().isEmpty() ? "" : " (" + notice.text() + ")")));
      case WARNING -> Optional.of(new LogRecord(millis, fileSetId, origin, Severity.WARNING, text));
      case ERROR -> Optional.of(new LogRecord(millis, fileSetId, origin, Severity.ERROR, text));
    };
  }

  /** The line a console shows for a warning or an error notice; empty for the other kinds. */
  public static Optional<String> consoleLine(SyncNotice notice) {
    return switch (notice.kind()) {
      case WARNING -> Optional.of("warning: " + notice.describe());
      case ERROR -> Optional.of("error: " + notice.describe());
      default -> Optional.empty();
    };
  }

  /**
   * What a TRIGGER said: each non-blank line of its output, then how it ended; {@code failure}
   * when it could not be run at all ({@code result} is then null).
   */
  public static List<LogRecord> trigger(
      long millis, Long fileSetId, Trigger.Result result, Throwable failure, Duration limit) {
    List<LogRecord> records = new ArrayList<>();
    if (result == null) {
      records.add(new LogRecord(millis, fileSetId, Origin.TRIGGER, Severity.WARNING, "trigger failed: " + (failure.getMessage() != null ? failure.getMessage() : failure)));
      return records;
    }
    for (String line : result.output().split("\n")) {
      if (!line.isBlank()) records.add(new LogRecord(millis, fileSetId, Origin.TRIGGER, Severity.INFO, line));
    }
    records.add(new LogRecord(millis, fileSetId, Origin.TRIGGER,
        result.succeeded() ? Severity.INFO : Severity.WARNING, result.summary(limit)));
    return records;
  }

  /**
   * "sync ended: scanned ..., code n", as serious as its completion code; for a REPORT run
   * "report ended: ..., would copy n", since it changed nothing.
   */
  public static LogRecord ended(Long fileSetId, SyncResult result, boolean report) {
    return new LogRecord(result.endedMillis(), fileSetId, report ? Origin.REPORT : Origin.SOURCE, severity(result.code()),
        report ? "report ended: " + result.reportSummary() : "sync ended: " + result.summary());
  }

  static Severity severity(int code) {
    return code == 0 ? Severity.INFO : code == 1 ? Severity.WARNING : Severity.ERROR;
  }
}
