package io.setsync.destination;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import io.setsync.transfer.Frame;
import io.setsync.transfer.ProtocolException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;

public class InboxTest {

  private final Inbox inbox = new Inbox();
  private final AtomicInteger acks = new AtomicInteger();

  @Test
  public void asksForMoreOnlyOnceEveryFrameIsHandledAndNothingHolds() {
    inbox.received(List.of(Frame.ListingEnd.INSTANCE, Frame.DataEnd.INSTANCE), null, acks::incrementAndGet);
    inbox.release(false, 0);
    assertEquals("frames wait", 0, acks.get());
    assertSame(Frame.ListingEnd.INSTANCE, inbox.next());
    assertSame(Frame.DataEnd.INSTANCE, inbox.next());
    assertTrue(inbox.isEmpty());
    inbox.release(true, 0);
    assertEquals("held", 0, acks.get());
    inbox.release(false, Inbox.OUTBOX_BACKLOG_LIMIT);
    assertEquals("the peer reads slowly", 0, acks.get());
    inbox.release(false, 0);
    inbox.release(false, 0);
    assertEquals("one ack per batch", 1, acks.get());
  }

  @Test
  public void aMalformedFrameShowsAfterTheFramesBeforeIt() {
    ProtocolException bad = new ProtocolException("empty frame");
    inbox.received(List.of(Frame.ListingEnd.INSTANCE), bad, acks::incrementAndGet);
    assertNull(inbox.malformed());
    inbox.next();
    assertSame(bad, inbox.malformed());
  }

  @Test
  public void droppingAsksForMoreSoTheSourcesCloseComesThrough() {
    inbox.received(List.of(Frame.ListingEnd.INSTANCE), null, acks::incrementAndGet);
    inbox.drop();
    assertTrue(inbox.isEmpty());
    assertEquals(1, acks.get());
  }

  @Test
  public void theHoldRule() {
    assertFalse(Inbox.holds(false, 3, 4, false));
    assertTrue("a lane read", Inbox.holds(true, 0, 4, false));
    assertTrue("every writer busy", Inbox.holds(false, 4, 4, false));
    assertTrue("a commit runs, the next batch is full", Inbox.holds(false, 0, 4, true));
  }
}
