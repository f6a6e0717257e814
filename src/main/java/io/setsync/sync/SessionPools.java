package io.setsync.sync;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import com.typesafe.config.Config;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads sessions give their blocking work to, apart from the dispatcher their actors run
 * on: a session actor may wait for a walk's read-ahead, and a signing task waits for nothing, so
 * neither can starve the pool it waits on. One set per actor system, bounded, stopped with it.
 *
 * <p>Configured by {@code setsync.pools}.
 */
public final class SessionPools implements Extension {

  private static final Id ID = new Id();

  /** The actor system's pools; the first call creates them. */
  public static SessionPools get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private static final class Id extends ExtensionId<SessionPools> {
    @Override
    public SessionPools createExtension(ActorSystem<?> system) {
      SessionPools pools = new SessionPools(system.settings().config().getConfig("setsync.pools"));
      system.getWhenTerminated().thenRun(pools::shutdown);
      return pools;
    }
  }

  private final ExecutorService walks;
  private final ExecutorService signing;
  private final Lanes lanes;

  SessionPools(Config config) {
    walks = fixed("setsync-walk-", config.getInt("walk-threads"));
    int signThreads = config.getInt("sign-threads");
    signing = fixed("setsync-sign-", signThreads > 0 ? signThreads : Runtime.getRuntime().availableProcessors());
    lanes = new Lanes(config.getInt("lane-sessions"));
  }

  /** Read-ahead of directory walks (source listing, destination walk): tasks that wait for nothing. */
  public ExecutorService walks() {
    return walks;
  }

  /**
   * Signing the blocks of old destination copies: CPU-bound parts, never waiting on each other,
   * so the pool's size is also the most signing that runs at once.
   */
  public ExecutorService signing() {
    return signing;
  }

  public Lanes lanes() {
    return lanes;
  }

  void shutdown() {
    walks.shutdownNow();
    signing.shutdownNow();
    lanes.threads.shutdownNow();
  }

  /**
   * Threads that block on content-lane sockets, in slots: a session takes a slot before it uses a
   * lane and gives it back when it ends, and each slot has its threads (one receiving, two sending:
   * the bytes and their checksum), so lane work never queues behind other lane work, whose peer
   * may be the very session waiting. A session that finds no free slot does without a lane.
   */
  public static final class Lanes {
    /** Threads one session's lane may use at once: the source sends and checksums, the receiver reads. */
    static final int THREADS_PER_SLOT = 3;

    private final Semaphore slots;
    private final int slotCount;
    private final ThreadPoolExecutor threads;

    public Lanes(int slotCount) {
      if (slotCount < 1) throw new IllegalArgumentException("setsync.pools.lane-sessions must be at least 1");
      this.slotCount = slotCount;
      this.slots = new Semaphore(slotCount);
      int max = slotCount * THREADS_PER_SLOT;
      threads = new ThreadPoolExecutor(max, max, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemons("setsync-lane-"));
      threads.allowCoreThreadTimeOut(true);
    }

    /** A slot for one session's lane, or false when every slot is taken. */
    public boolean tryTake() {
      return slots.tryAcquire();
    }

    public void give() {
      slots.release();
    }

    public ExecutorService threads() {
      return threads;
    }

    public int slotCount() {
      return slotCount;
    }

    public int freeSlots() {
      return slots.availablePermits();
    }
  }

  private static ExecutorService fixed(String prefix, int size) {
    if (size < 1) throw new IllegalArgumentException("a pool needs at least one thread: " + prefix + size);
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemons(prefix));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** Daemon threads named {@code prefix} and a number: a blocked one never holds a JVM up. */
  public static ThreadFactory daemons(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
