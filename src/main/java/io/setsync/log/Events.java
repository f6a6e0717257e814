package io.setsync.log;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AutoSYNC's EMS events as structured events: one JSON object per line (time, type, node, and the
 * event's own fields), through their own logger, which a running node writes to
 * {@code $SETSYNC_HOME/logs/events.jsonl} (rolled at 20 MB, five kept). Types: {@code node-started},
 * {@code node-stopped}, {@code monitor-started}, {@code monitor-handing-over}, {@code config},
 * {@code sync-failed}, {@code sync-incomplete} (completed, but some files not synchronized),
 * {@code overdue}, {@code on-time}.
 */
public final class Events {

  /** The logger the events go through; NodeLogging gives it its file. */
  public static final String LOGGER = "setsync.events";

  private static final Logger log = LoggerFactory.getLogger(LOGGER);
  private static final ObjectMapper JSON = new ObjectMapper();

  private Events() {}

  /** One event; {@code fields}' values are strings, numbers or booleans. */
  public static void emit(String type, String node, Map<String, ?> fields) {
    if (!log.isInfoEnabled()) return;
    log.info(line(Instant.now(), type, node, fields));
  }

  /**
   * The last {@code n} lines of an events file (at most its last MiB is read), oldest first; none
   * when it does not exist.
   */
  public static java.util.List<String> lastLines(java.nio.file.Path file, int n) {
    try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file)) {
      long size = channel.size();
      long from = Math.max(0, size - (1 << 20));
      java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate((int) (size - from));
      while (bytes.hasRemaining() && channel.read(bytes, from + bytes.position()) >= 0) {
        // read until full
      }
      String text = new String(bytes.array(), 0, bytes.position(), java.nio.charset.StandardCharsets.UTF_8);
      java.util.List<String> lines = new java.util.ArrayList<>(java.util.List.of(text.split("\n")));
      if (from > 0 && !lines.isEmpty()) lines.remove(0); // the first is cut
      lines.removeIf(String::isBlank);
      return lines.subList(Math.max(0, lines.size() - n), lines.size());
    } catch (java.nio.file.NoSuchFileException e) {
      return java.util.List.of();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The event as its line: {"time":"...","type":"...","node":"...",...}. */
  static String line(Instant time, String type, String node, Map<String, ?> fields) {
    ObjectNode o = JSON.createObjectNode();
    o.put("time", time.toString());
    o.put("type", type);
    o.put("node", node);
    new java.util.TreeMap<>(fields).forEach((k, v) -> o.set(k, JSON.valueToTree(v)));
    return o.toString(); // escapes newlines and quotes: one line whatever a path or a message holds
  }
}
