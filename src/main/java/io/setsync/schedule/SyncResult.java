package io.setsync.schedule;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.setsync.CborSerializable;
import io.setsync.sync.SyncCounts;

/**
 * How one file-set synchronization ended.
 *
 * @param code completion code: 0 normal, 1 warnings, 2 errors
 * @param failure why the sync did not complete, or null when it did
 * @param report a REPORT run: the counts say what it would have copied and purged; results
 *     recorded before this field existed read as false
 */
public record SyncResult(
    long startedMillis, long endedMillis, SyncCounts counts, int code, String failure, boolean report)
    implements CborSerializable {

  @JsonCreator
  public SyncResult {}

  /** A run that moved data (not a REPORT). */
  public SyncResult(long startedMillis, long endedMillis, SyncCounts counts, int code, String failure) {
    this(startedMillis, endedMillis, counts, code, failure, false);
  }

  /** This result with another completion code. */
  public SyncResult withCode(int newCode) {
    return new SyncResult(startedMillis, endedMillis, counts, newCode, failure, report);
  }

  /** "copied", or "would copy" for a REPORT run: the word STATUS puts before the count of files. */
  public String copiedWord() {
    return report ? "would copy" : "copied";
  }

  public double seconds() {
    return (endedMillis - startedMillis) / 1000.0;
  }

  /** One line for STATUS and the log: counts, code and failure (a REPORT run's as {@link #reportSummary()}). */
  public String summary() {
    return report ? reportSummary() : summary("copied", "purged");
  }

  /** As {@link #summary()} for a REPORT run, which changed nothing: what it would have copied and purged. */
  public String reportSummary() {
    return summary("would copy", "would purge");
  }

  private String summary(String copied, String purged) {
    SyncCounts c = counts;
    String text =
        "scanned " + c.scanned() + ", " + copied + " " + c.copied() + " (" + c.bytes() + " bytes), " + purged + " "
            + c.purged() + ", skipped " + c.skipped() + ", kept newer " + c.keptNewer()
            + ", errors " + c.errors() + String.format(", %.1fs, code %d", seconds(), code);
    return failure == null ? text : text + ": " + failure;
  }
}
