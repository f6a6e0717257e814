package io.setsync.options;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class MaxPurgeTest {

  @Test
  public void parsesCounts() {
    assertEquals(new MaxPurge(0, false), MaxPurge.parse("0"));
    assertEquals(new MaxPurge(10, false), MaxPurge.parse("10"));
    assertEquals(new MaxPurge(7, false), MaxPurge.parse("007"));
    assertEquals(new MaxPurge(Long.MAX_VALUE, false), MaxPurge.parse(Long.toString(Long.MAX_VALUE)));
  }

  @Test
  public void parsesPercentages() {
    assertEquals(new MaxPurge(0, true), MaxPurge.parse("0%"));
    assertEquals(new MaxPurge(10, true), MaxPurge.parse("10%"));
    assertEquals(MaxPurge.ALL, MaxPurge.parse("100%"));
  }

  @Test
  public void toStringRoundTrips() {
    for (String s : new String[] {"0", "1", "123", "0%", "50%", "100%"}) {
      assertEquals(s, MaxPurge.parse(s).toString());
      assertEquals(MaxPurge.parse(s), MaxPurge.parse(MaxPurge.parse(s).toString()));
    }
  }

  @Test
  public void refusesBadTextNamingIt() {
    String[] bad = {
      "", "%", "101%", "1000%", "-1", "+1", "-1%", "1.5", "1.5%", "10 %", " 10", "10 ", "ten",
      "10%%", "%10", "1e3", "0x10", "９", "99999999999999999999", "99999999999999999999%"
    };
    for (String text : bad) {
      OptionException e = assertThrows(text, OptionException.class, () -> MaxPurge.parse(text));
      assertTrue(e.getMessage(), e.getMessage().contains("\"" + text + "\""));
    }
    assertThrows(OptionException.class, () -> MaxPurge.parse(null));
  }

  @Test
  public void constructorRefusesImpossibleLimits() {
    assertThrows(IllegalArgumentException.class, () -> new MaxPurge(-1, false));
    assertThrows(IllegalArgumentException.class, () -> new MaxPurge(101, true));
  }

  @Test
  public void countLimitBoundaries() {
    MaxPurge ten = MaxPurge.parse("10");
    assertTrue(ten.allows(0, 0));
    assertTrue(ten.allows(9, 100));
    assertTrue(ten.allows(10, 100));
    assertFalse(ten.allows(11, 100));
    assertTrue(ten.allows(10, 0)); // a count limit ignores the destination size
    MaxPurge zero = MaxPurge.parse("0");
    assertTrue(zero.allows(0, 1000));
    assertFalse(zero.allows(1, 1000));
  }

  @Test
  public void percentLimitBoundaries() {
    MaxPurge ten = MaxPurge.parse("10%");
    assertTrue(ten.allows(10, 100));
    assertFalse(ten.allows(11, 100));
    assertTrue(ten.allows(1, 10));
    assertFalse(ten.allows(2, 10));
    assertFalse(ten.allows(1, 9)); // 100 > 90
    assertTrue(ten.allows(0, 0));
    assertFalse(ten.allows(1, 0));

    MaxPurge zero = MaxPurge.parse("0%");
    assertTrue(zero.allows(0, 1000));
    assertFalse(zero.allows(1, 1000));

    MaxPurge all = MaxPurge.parse("100%");
    assertTrue(all.allows(0, 0));
    assertTrue(all.allows(1000, 1000));
    assertFalse(all.allows(1001, 1000));
  }

  @Test
  public void percentLimitDoesNotOverflow() {
    long big = Long.MAX_VALUE;
    assertTrue(MaxPurge.ALL.allows(big, big));
    assertFalse(MaxPurge.ALL.allows(big, big - 1));
    MaxPurge half = MaxPurge.parse("50%");
    assertTrue(half.allows(big / 2, big));
    assertFalse(half.allows(big / 2 + 1, big));
  }

  @Test
  public void refusesNegativeCounts() {
    assertThrows(IllegalArgumentException.class, () -> MaxPurge.ALL.allows(-1, 10));
    assertThrows(IllegalArgumentException.class, () -> MaxPurge.ALL.allows(1, -10));
  }
}
