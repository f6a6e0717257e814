package io.setsync.sync;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/** The node's session pools: one set per actor system, sized by config, stopped with the system. */
public class SessionPoolsTest {

  @Test
  public void poolsAreSizedByConfigAndStopWithTheActorSystem() throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "pools",
        ConfigFactory.parseString("setsync.pools { walk-threads = 1, sign-threads = 2, lane-sessions = 3 }")
            .withFallback(ConfigFactory.load()));
    SessionPools pools = SessionPools.get(system);
    assertSame("one set per actor system", pools, SessionPools.get(system));
    assertEquals("ran", CompletableFuture.supplyAsync(() -> "ran", pools.walks()).get(10, TimeUnit.SECONDS));
    assertEquals("ran", CompletableFuture.supplyAsync(() -> "ran", pools.signing()).get(10, TimeUnit.SECONDS));
    assertEquals(3, pools.lanes().slotCount());
    assertFalse(pools.walks().isShutdown());

    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!(pools.walks().isShutdown() && pools.signing().isShutdown() && pools.lanes().threads().isShutdown())
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertTrue(pools.walks().isShutdown());
    assertTrue(pools.signing().isShutdown());
    assertTrue(pools.lanes().threads().isShutdown());
  }

  @Test
  public void aLaneSlotIsTakenOnceAndGivenBack() {
    SessionPools.Lanes lanes = new SessionPools.Lanes(1);
    assertTrue(lanes.tryTake());
    assertFalse("the only slot is taken", lanes.tryTake());
    lanes.give();
    assertTrue(lanes.tryTake());
  }

  @Test(expected = IllegalArgumentException.class)
  public void aPoolWithoutLaneSlotsIsRefused() {
    new SessionPools.Lanes(0);
  }
}
