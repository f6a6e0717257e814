package io.setsync.log;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The records of one user's log, oldest first, never more than {@code maxRecords} of them. When
 * a record would exceed the bound, the whole oldest calendar day (UTC) is dropped, as AutoSYNC
 * does; only when every record is of the same day are the oldest records dropped one by one, so
 * the newest record always fits. Records are kept in time order: one that arrives late (a
 * destination's message relayed after the source's own) goes after every record not later than
 * it.
 */
public final class LogBuffer {

  private static final long MILLIS_PER_DAY = 86_400_000L;

  private final int maxRecords;
  private final ArrayList<LogRecord> records = new ArrayList<>();

  public LogBuffer(int maxRecords) {
    if (maxRecords < 1) {
      throw new IllegalArgumentException("a log must hold at least one record, got a bound of " + maxRecords);
    }
    this.maxRecords = maxRecords;
  }

  public int maxRecords() {
    return maxRecords;
  }

  public int size() {
    return records.size();
  }

  /** Every record, oldest first (a read-only view: copy it to keep it). */
  public List<LogRecord> records() {
    return Collections.unmodifiableList(records);
  }

  public void append(LogRecord record) {
    Objects.requireNonNull(record, "record");
    int at = records.size();
    while (at > 0 && records.get(at - 1).timeMillis() > record.timeMillis()) {
      at--;
    }
    records.add(at, record);
    trim();
  }

  /** Appends each record in turn, exactly as separate {@link #append} calls would. */
  public void appendAll(List<LogRecord> batch) {
    for (LogRecord record : batch) {
      append(record);
    }
  }

  /**
   * The last {@code n} records, oldest first, of file set {@code fileSetId}, or of all records
   * (file sets and user-level) when it is null.
   */
  public List<LogRecord> last(Long fileSetId, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("cannot show the last " + n + " log records");
    }
    ArrayList<LogRecord> out = new ArrayList<>(Math.min(n, records.size()));
    for (int i = records.size() - 1; i >= 0 && out.size() < n; i--) {
      LogRecord r = records.get(i);
      if (fileSetId == null || fileSetId.equals(r.fileSetId())) {
        out.add(r);
      }
    }
    Collections.reverse(out);
    return out;
  }

  private void trim() {
    while (records.size() > maxRecords) {
      long oldestDay = day(records.get(0));
      if (oldestDay < day(records.get(records.size() - 1))) {
        int endOfDay = 1;
        while (day(records.get(endOfDay)) == oldestDay) {
          endOfDay++;
        }
        records.subList(0, endOfDay).clear();
      } else {
        records.subList(0, records.size() - maxRecords).clear();
      }
    }
  }

  private static long day(LogRecord r) {
    return Math.floorDiv(r.timeMillis(), MILLIS_PER_DAY);
  }
}
