package io.setsync.schedule;

import java.time.Duration;

/**
 * How soon a failed scheduler is started again: AutoSYNC retries a few times at once, then at a
 * slow pace, so that a lasting fault (an unreachable destination node) neither stops
 * synchronization for good nor spins.
 *
 * @param immediateRetries how many consecutive failures are retried at once (zero or more)
 * @param laterDelay the wait before each retry after those
 */
public record RetryPolicy(int immediateRetries, Duration laterDelay) {

  /** Three retries at once, then one every 30 minutes. */
  public static final RetryPolicy STANDARD = new RetryPolicy(3, Duration.ofMinutes(30));

  public RetryPolicy {
    if (immediateRetries < 0) {
      throw new IllegalArgumentException(
          "the number of immediate retries must not be negative, got " + immediateRetries);
    }
    if (laterDelay == null || laterDelay.isNegative() || laterDelay.isZero()) {
      throw new IllegalArgumentException("the delay between later retries must be positive, got " + laterDelay);
    }
  }

  /**
   * The wait before retrying after {@code consecutiveFailures} failures in a row (counting from
   * 1): none for the first {@code immediateRetries}, {@code laterDelay} after that.
   */
  public Duration delayAfterFailure(int consecutiveFailures) {
    if (consecutiveFailures < 1) {
      throw new IllegalArgumentException(
          "the count of consecutive failures starts at 1, got " + consecutiveFailures);
    }
    return consecutiveFailures <= immediateRetries ? Duration.ZERO : laterDelay;
  }
}
