package io.setsync.schedule;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import org.junit.Test;

public class RetryPolicyTest {

  @Test
  public void standardRetriesThreeTimesAtOnceThenEveryHalfHour() {
    RetryPolicy p = RetryPolicy.STANDARD;
    assertEquals(Duration.ZERO, p.delayAfterFailure(1));
    assertEquals(Duration.ZERO, p.delayAfterFailure(2));
    assertEquals(Duration.ZERO, p.delayAfterFailure(3));
    assertEquals(Duration.ofMinutes(30), p.delayAfterFailure(4));
    assertEquals(Duration.ofMinutes(30), p.delayAfterFailure(1000));
  }

  @Test
  public void bothCountsAreConfigurable() {
    RetryPolicy p = new RetryPolicy(1, Duration.ofSeconds(5));
    assertEquals(Duration.ZERO, p.delayAfterFailure(1));
    assertEquals(Duration.ofSeconds(5), p.delayAfterFailure(2));
    RetryPolicy never = new RetryPolicy(0, Duration.ofMinutes(1));
    assertEquals(Duration.ofMinutes(1), never.delayAfterFailure(1));
  }

  @Test
  public void rejectsBadSettings() {
    assertMessage("must not be negative", () -> new RetryPolicy(-1, Duration.ofMinutes(30)));
    assertMessage("must be positive", () -> new RetryPolicy(3, Duration.ZERO));
    assertMessage("must be positive", () -> new RetryPolicy(3, null));
    assertMessage("starts at 1", () -> RetryPolicy.STANDARD.delayAfterFailure(0));
  }

  private static void assertMessage(String part, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage(), e.getMessage().contains(part));
  }
}
