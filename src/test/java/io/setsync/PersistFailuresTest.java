package io.setsync;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import akka.persistence.typed.javadsl.EventHandler;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

public class PersistFailuresTest {

  @Test
  public void theBackoffComesFromTheConfiguration() {
    assertEquals(new PersistFailures.Backoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2),
        PersistFailures.Backoff.from(ConfigFactory.load()));
  }

  @Test
  public void aBadBackoffIsRefusedNamingTheSetting() {
    for (String bad : List.of("min = 0s", "max = 100ms", "random-factor = 1.5", "random-factor = -0.1")) {
      var config = ConfigFactory.parseString(PersistFailures.BACKOFF_SETTING + "." + bad)
          .withFallback(ConfigFactory.load());
      IllegalArgumentException e =
          assertThrows(bad, IllegalArgumentException.class, () -> PersistFailures.Backoff.from(config));
      assertTrue(e.getMessage(), e.getMessage().startsWith(PersistFailures.BACKOFF_SETTING));
    }
  }

  @Test
  public void theEmptyStateIsNeverChangedAndLaterStatesAre() {
    List<String> empty = new ArrayList<>();
    EventHandler<List<String>, String> inPlace = (state, event) -> {
      state.add(event);
      return state;
    };
    EventHandler<List<String>, String> sparing = PersistFailures.sparing(empty, ArrayList::new, inPlace);
    List<String> first = sparing.apply(empty, "a");
    assertEquals(List.of(), empty);
    assertNotSame(empty, first);
    assertSame("later events change the state in place, as the handler does", first, sparing.apply(first, "b"));
    assertEquals(List.of("a", "b"), first);
  }
}
