package io.setsync.options;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.Test;

public class DurationsTest {

  @Test
  public void suffixForms() {
    assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
    assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
    assertEquals(Duration.ofHours(2), Durations.parse("2h"));
    assertEquals(Duration.ofDays(1), Durations.parse("1d"));
    assertEquals(Duration.ofDays(1), Durations.parse("1D"));
    assertEquals(Duration.ofMinutes(10), Durations.parse("10min"));
  }

  @Test
  public void wordForms() {
    assertEquals(Duration.ofSeconds(2), Durations.parse("2 SECONDS"));
    assertEquals(Duration.ofSeconds(1), Durations.parse("1 second"));
    assertEquals(Duration.ofMinutes(1), Durations.parse("1 MINUTE"));
    assertEquals(Duration.ofHours(3), Durations.parse("3 hours"));
    assertEquals(Duration.ofHours(3), Durations.parse("3 Hour"));
    assertEquals(Duration.ofDays(1), Durations.parse("1 DAY"));
    assertEquals(Duration.ofDays(366), Durations.parse("366 days"));
    assertEquals(Duration.ofSeconds(7), Durations.parse("  7   secs "));
    assertEquals(Duration.ZERO, Durations.parse("0 s"));
    assertEquals(Duration.ofSeconds(5), Durations.parse("005s"));
  }

  @Test
  public void badForms() {
    for (String bad :
        List.of("", " ", "5", "s", "MINUTES", "5 5 s", "-1 s", "1.5 h", "5 m s", "x5m", "5 WEEKS",
            "5 mi", "٣ s", "5 ſ", "99999999999999999999 s", "9223372036854775807 d")) {
      assertThrows(bad, OptionException.class, () -> Durations.parse(bad));
    }
    assertEquals(
        "bad duration \"5 WEEKS\" (unknown unit \"WEEKS\", expected SECONDS, MINUTES, HOURS or DAYS)",
        assertThrows(OptionException.class, () -> Durations.parse("5 WEEKS")).getMessage());
    assertEquals(
        "bad duration \"5\" (expected N UNIT, N a whole number and UNIT one of SECONDS, MINUTES,"
            + " HOURS, DAYS (or 30s, 5m, 2h, 1d))",
        assertThrows(OptionException.class, () -> Durations.parse("5")).getMessage());
    assertEquals("number too large", Durations.problem("9223372036854775807 d"));
    assertNull(Durations.problem("9223372036854775807 s"));
    assertThrows(OptionException.class, () -> Durations.parse(null));
  }

  @Test
  public void rendersInTheLargestExactUnit() {
    assertEquals("2 SECONDS", Durations.render(Duration.ofSeconds(2)));
    assertEquals("90 SECONDS", Durations.render(Duration.ofSeconds(90)));
    assertEquals("5 MINUTES", Durations.render(Duration.ofMinutes(5)));
    assertEquals("1 DAYS", Durations.render(Duration.ofDays(1)));
    assertEquals("25 HOURS", Durations.render(Duration.ofHours(25)));
    assertEquals("0 SECONDS", Durations.render(Duration.ZERO));
    assertEquals("30s", Durations.renderShort(Duration.ofSeconds(30)));
    assertEquals("5m", Durations.renderShort(Duration.ofMinutes(5)));
    assertEquals("2h", Durations.renderShort(Duration.ofHours(2)));
    assertEquals("1d", Durations.renderShort(Duration.ofDays(1)));
    assertThrows(IllegalArgumentException.class, () -> Durations.render(Duration.ofMillis(1500)));
    assertThrows(IllegalArgumentException.class, () -> Durations.render(Duration.ofSeconds(-1)));
  }

  @Test
  public void renderThenParseIsIdentity() {
    Random random = new Random(7);
    for (int i = 0; i < 2000; i++) {
      long seconds =
          switch (random.nextInt(4)) {
            case 0 -> random.nextInt(100);
            case 1 -> 60L * random.nextInt(1000);
            case 2 -> 3600L * random.nextInt(1000);
            default -> random.nextLong() & 0xFFFFFFFFFFL;
          };
      Duration d = Duration.ofSeconds(seconds);
      assertEquals(d, Durations.parse(Durations.render(d)));
      assertEquals(d, Durations.parse(Durations.renderShort(d)));
    }
  }
}
