package io.setsync.schedule;

import io.setsync.CborSerializable;
import io.setsync.sync.SyncCounts;

/**
 * How one file-set synchronization ended.
 *
 * @param code completion code: 0 normal, 1 warnings, 2 errors
 * @param failure why the sync did not complete, or null when it did
 */
public record SyncResult(
    long startedMillis, long endedMillis, SyncCounts counts, int code, String failure)
    implements CborSerializable {

  public double seconds() {
    return (endedMillis - startedMillis) / 1000.0;
  }

  /** One line for STATUS and the log: counts, code and failure. */
  public String summary() {
    return summary("copied", "purged");
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
