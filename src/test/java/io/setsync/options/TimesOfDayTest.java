package io.setsync.options;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.time.LocalTime;
import java.util.List;
import org.junit.Test;

public class TimesOfDayTest {

  @Test
  public void parses() {
    assertEquals(LocalTime.of(0, 0), TimesOfDay.parse("00:00"));
    assertEquals(LocalTime.of(7, 30), TimesOfDay.parse("7:30"));
    assertEquals(LocalTime.of(23, 59, 59), TimesOfDay.parse("23:59:59"));
    assertEquals(LocalTime.of(12, 5, 1), TimesOfDay.parse("12:05:01"));
  }

  @Test
  public void refusesOutOfRangeAndMalformed() {
    for (String bad :
        List.of("", "24:00", "12:60", "12:00:60", "1200", "12:0", "12:00:0", "123:00", "12:00:00:00",
            " 12:00", "12h", "-1:00", "a:bc")) {
      assertThrows(bad, OptionException.class, () -> TimesOfDay.parse(bad));
    }
    assertEquals("hour must be 00 to 23", TimesOfDay.problem("24:00"));
    assertEquals("minute must be 00 to 59", TimesOfDay.problem("10:75"));
    assertEquals("second must be 00 to 59", TimesOfDay.problem("10:00:99"));
    assertEquals("expected hh:mm or hh:mm:ss", TimesOfDay.problem("noon"));
    assertEquals(
        "bad time of day \"24:00\" (hour must be 00 to 23)",
        assertThrows(OptionException.class, () -> TimesOfDay.parse("24:00")).getMessage());
  }

  @Test
  public void rendersCanonically() {
    assertEquals("07:30", TimesOfDay.render(LocalTime.of(7, 30)));
    assertEquals("23:59:59", TimesOfDay.render(LocalTime.of(23, 59, 59)));
    for (int s = 0; s < 86400; s += 37) {
      LocalTime t = LocalTime.ofSecondOfDay(s);
      assertEquals(t, TimesOfDay.parse(TimesOfDay.render(t)));
    }
  }
}
