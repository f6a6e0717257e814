package io.setsync.log;

import static org.junit.Assert.assertEquals;

import java.time.Instant;
import java.util.Map;
import org.junit.Test;

/** An event is one line of JSON, whatever its fields hold. */
public class EventsTest {

  @Test
  public void anEventIsOneLineOfJsonWithItsFieldsInOrder() {
    String line = Events.line(Instant.parse("2026-12-02T10:00:00Z"), "config", "n1",
        Map.of("text", "ADD SYNCFILESET \"/a\nb\" by root", "fileSet", 7, "ok", true));
    assertEquals("{\"time\":\"2026-12-02T10:00:00Z\",\"type\":\"config\",\"node\":\"n1\",\"fileSet\":7,\"ok\":true,"
        + "\"text\":\"ADD SYNCFILESET \\\"/a\\nb\\\" by root\"}", line);
  }
}
