package io.setsync.schedule;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.Test;

public class TimeListTest {

  private static final Instant T0 = Instant.parse("2026-11-21T20:00:00Z");

  private static Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  /** Takes everything due at {@code now}, in order. */
  private static List<Long> drain(TimeList list, Instant now) {
    List<Long> taken = new ArrayList<>();
    for (OptionalLong id = list.takeDue(now); id.isPresent(); id = list.takeDue(now)) {
      taken.add(id.getAsLong());
    }
    return taken;
  }

  @Test
  public void anEmptyListHasNothingDue() {
    TimeList list = new TimeList();
    assertEquals(Optional.empty(), list.nextDue());
    assertEquals(OptionalLong.empty(), list.takeDue(at(1_000_000)));
    assertEquals(0, list.size());
    assertFalse(list.contains(1));
    assertEquals(Optional.empty(), list.dueOf(1));
  }

  @Test
  public void takesInOrderOfDueThenId() {
    TimeList list = new TimeList();
    list.schedule(7, at(30));
    list.schedule(3, at(10));
    list.schedule(9, at(10));
    list.schedule(1, at(20));
    list.schedule(2, at(10));
    assertEquals(Optional.of(at(10)), list.nextDue());
    assertEquals(List.of(2L, 3L, 9L, 1L, 7L), drain(list, at(30)));
    assertEquals(0, list.size());
  }

  @Test
  public void takesOnlyWhatIsDueAtOrBeforeNow() {
    TimeList list = new TimeList();
    list.schedule(1, at(10));
    list.schedule(2, at(20));
    assertEquals(OptionalLong.empty(), list.takeDue(at(9)));
    assertEquals(2, list.size());
    assertEquals(List.of(1L), drain(list, at(10)));
    assertEquals(Optional.of(at(20)), list.nextDue());
    assertTrue(list.contains(2));
    assertFalse(list.contains(1));
  }

  @Test
  public void reschedulingReplacesTheEarlierEntry() {
    TimeList list = new TimeList();
    list.schedule(1, at(10));
    list.schedule(2, at(20));
    list.schedule(1, at(30));
    assertEquals(2, list.size());
    assertEquals(Optional.of(at(30)), list.dueOf(1));
    assertEquals(Optional.of(at(20)), list.nextDue());
    assertEquals(List.of(2L, 1L), drain(list, at(30)));
  }

  @Test
  public void removeTakesAFileSetOffAndIgnoresUnknownIds() {
    TimeList list = new TimeList();
    list.schedule(1, at(10));
    list.schedule(2, at(20));
    list.remove(1);
    list.remove(42);
    assertEquals(1, list.size());
    assertFalse(list.contains(1));
    assertEquals(Optional.empty(), list.dueOf(1));
    assertEquals(Optional.of(at(20)), list.nextDue());
    assertEquals(List.of(2L), drain(list, at(100)));
  }

  @Test(expected = NullPointerException.class)
  public void aMissingDueInstantIsRefused() {
    new TimeList().schedule(1, null);
  }
}
