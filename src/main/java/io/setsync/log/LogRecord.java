package io.setsync.log;

import io.setsync.CborSerializable;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * One line of a sync user's log.
 *
 * @param timeMillis when it happened, milliseconds since the epoch
 * @param fileSetId the file set it concerns, null for a record about the user as a whole
 * @param origin where it comes from
 * @param severity how serious it is
 * @param text what happened, in words
 */
public record LogRecord(long timeMillis, Long fileSetId, Origin origin, Severity severity, String text)
    implements CborSerializable {

  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  public LogRecord {
    Objects.requireNonNull(origin, "a log record needs an origin");
    Objects.requireNonNull(severity, "a log record needs a severity");
    Objects.requireNonNull(text, "a log record needs a text");
  }

  /**
   * The record on one line, local time in {@code zone}:
   * {@code 2026-11-21 20:01:02 #3 SOURCE WARNING text}; a user-level record has no {@code #id}.
   * Line breaks inside the text are shown as {@code \n} so one record stays one line.
   */
  public String format(ZoneId zone) {
    StringBuilder out = new StringBuilder(WHEN.format(Instant.ofEpochMilli(timeMillis).atZone(zone)));
    if (fileSetId != null) {
      out.append(" #").append(fileSetId);
    }
    out.append(' ').append(origin).append(' ').append(severity).append(' ');
    out.append(text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"));
    return out.toString();
  }
}
