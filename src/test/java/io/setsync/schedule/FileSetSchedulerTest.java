package io.setsync.schedule;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import io.setsync.log.SyncLog;
import io.setsync.options.SyncOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.After;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The scheduler on a clock the test moves: which file set runs when, and what it reports. The
 * destination is a port nobody listens on (every sync fails at once, as a real one would), or a
 * socket the test holds open and closes to end a sync when it wants.
 */
public class FileSetSchedulerTest {

  @ClassRule public static final TestKitJunitResource testKit = new TestKitJunitResource();

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
  private static final SchedulerKey KEY = new SchedulerKey("tester", "here", "here", "");

  private final ManualClock clock = new ManualClock(T0);
  private final TestProbe<FileSetScheduler.Report> reports = testKit.createTestProbe();
  /** The log records the scheduler reported, in order, as the report reading met them. */
  private final List<io.setsync.log.LogRecord> logged = new java.util.ArrayList<>();

  /**
   * These tests are about scheduling; their destination is a bare socket, not an endpoint. Runs
   * ask an endpoint for their session's ticket first: this one, once per class, gives them one.
   */
  @ClassRule public static final org.junit.rules.ExternalResource TICKETS = new org.junit.rules.ExternalResource() {
    @Override
    protected void before() {
      ActorRef<io.setsync.destination.DestinationEndpoint.Command> office = testKit.spawn(
          akka.actor.typed.javadsl.Behaviors.receive(io.setsync.destination.DestinationEndpoint.Command.class)
              .onMessage(io.setsync.destination.DestinationEndpoint.IssueTicket.class, m -> {
                m.replyTo().tell(new io.setsync.destination.DestinationEndpoint.Ticket("for-a-bare-socket", null));
                return akka.actor.typed.javadsl.Behaviors.same();
              })
              .build());
      testKit.system().receptionist().tell(akka.actor.typed.receptionist.Receptionist.register(
          io.setsync.destination.DestinationEndpoint.TICKETS, office));
    }
  };
  private ServerSocket holder;

  @After
  public void closeHolder() throws IOException {
    if (holder != null) holder.close();
  }

  /** A clock that stands still until the test moves it. */
  private static final class ManualClock extends Clock {
    private final AtomicReference<Instant> now;

    ManualClock(Instant start) {
      now = new AtomicReference<>(start);
    }

    void advance(Duration d) {
      now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private FileSetConfig fileSet(Duration interval) throws IOException {
    return new FileSetConfig("tester", tmp.newFolder().toString(), null, tmp.getRoot() + "/dst-" + System.nanoTime(),
        SyncOptions.DEFAULTS, interval, null, null, "", false, false);
  }

  private FileSetScheduler.Settings settings() {
    FileSetScheduler.Settings real = FileSetScheduler.Settings.from(
        testKit.system().settings().config().getConfig("setsync"));
    return new FileSetScheduler.Settings(real.session(), ZoneOffset.UTC, real.progressInterval(), clock);
  }

  private static FileSetScheduler.Destination nobodyListening() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return new FileSetScheduler.Destination("here", "127.0.0.1", s.getLocalPort());
    }
  }

  private ActorRef<FileSetScheduler.Command> start(
      SortedMap<Long, FileSetConfig> fileSets, Map<Long, Long> lastEnds, FileSetScheduler.Destination destination) {
    return testKit.spawn(FileSetScheduler.create(KEY, fileSets, lastEnds, destination, reports.getRef(), settings()));
  }

  /** The next report, its log records kept aside in {@link #logged}. */
  private FileSetScheduler.Report nextReport() {
    FileSetScheduler.Report r;
    do {
      r = reports.receiveMessage(Duration.ofSeconds(10));
      if (r instanceof FileSetScheduler.Logged l) {
        assertEquals("tester", l.user());
        logged.addAll(l.records());
      }
    } while (r instanceof FileSetScheduler.Logged);
    return r;
  }

  /** The next report of {@code type}, skipping progress (a real session may send some) and log records. */
  private <R extends FileSetScheduler.Report> R expect(Class<R> type) {
    FileSetScheduler.Report r;
    do {
      r = nextReport();
    } while (r instanceof FileSetScheduler.SyncProgress);
    assertTrue("expected " + type.getSimpleName() + ", got " + r, type.isInstance(r));
    return type.cast(r);
  }

  /** The next report of {@code type}, whatever comes before it. */
  private <R extends FileSetScheduler.Report> R awaitReport(Class<R> type) {
    FileSetScheduler.Report r;
    do {
      r = nextReport();
    } while (!type.isInstance(r));
    return type.cast(r);
  }

  @Test
  public void dueFileSetsRunOneAtATimeEarliestDueFirst() throws Exception {
    SortedMap<Long, FileSetConfig> sets = new TreeMap<>();
    sets.put(1L, fileSet(Duration.ofSeconds(5)));
    sets.put(2L, fileSet(Duration.ofSeconds(5)));
    sets.put(3L, fileSet(Duration.ofSeconds(5)));
    Map<Long, Long> lastEnds = new HashMap<>();
    lastEnds.put(1L, T0.minusSeconds(10).toEpochMilli()); // due T0 - 5 s
    lastEnds.put(2L, T0.minusSeconds(20).toEpochMilli()); // due T0 - 15 s: the earliest
    start(sets, lastEnds, nobodyListening());                // 3 never ran: due now

    assertEquals(new FileSetScheduler.NextRun(1, T0.minusSeconds(5).toEpochMilli()), expect(FileSetScheduler.NextRun.class));
    assertEquals(new FileSetScheduler.NextRun(2, T0.minusSeconds(15).toEpochMilli()), expect(FileSetScheduler.NextRun.class));
    assertEquals(new FileSetScheduler.NextRun(3, T0.toEpochMilli()), expect(FileSetScheduler.NextRun.class));
    for (long id : new long[] {2, 1, 3}) {
      assertEquals(new FileSetScheduler.SyncStarted(id, T0.toEpochMilli()), expect(FileSetScheduler.SyncStarted.class));
      FileSetScheduler.SyncEnded ended = expect(FileSetScheduler.SyncEnded.class);
      assertEquals(KEY, ended.key());
      assertEquals(id, ended.fileSetId());
      assertEquals(2, ended.result().code());
      assertNotNull("nobody listens at the destination", ended.result().failure());
      assertEquals("rescheduled from its end", new FileSetScheduler.NextRun(id, T0.plusSeconds(5).toEpochMilli()),
          expect(FileSetScheduler.NextRun.class));
    }
  }

  @Test
  public void theIntervalRunsFromTheEndOfOneSyncToTheStartOfTheNext() throws Exception {
    holder = new ServerSocket(0);
    FileSetScheduler.Destination destination = new FileSetScheduler.Destination("here", "127.0.0.1", holder.getLocalPort());
    SortedMap<Long, FileSetConfig> sets = new TreeMap<>(Map.of(1L, fileSet(Duration.ofMinutes(10))));
    start(sets, Map.of(), destination);
    assertEquals(new FileSetScheduler.NextRun(1, T0.toEpochMilli()), expect(FileSetScheduler.NextRun.class));
    assertEquals(new FileSetScheduler.SyncStarted(1, T0.toEpochMilli()), expect(FileSetScheduler.SyncStarted.class));

    try (Socket connection = holder.accept()) {
      clock.advance(Duration.ofMinutes(7)); // the sync takes seven minutes
    } // the destination hangs up: the sync ends now
    FileSetScheduler.SyncEnded ended = expect(FileSetScheduler.SyncEnded.class);
    assertEquals(T0.plus(Duration.ofMinutes(7)).toEpochMilli(), ended.result().endedMillis());
    assertEquals(new FileSetScheduler.NextRun(1, T0.plus(Duration.ofMinutes(17)).toEpochMilli()),
        expect(FileSetScheduler.NextRun.class));
  }

  @Test
  public void aFileSetTakenAwayIsUnplannedAndNeverRuns() throws Exception {
    SortedMap<Long, FileSetConfig> sets = new TreeMap<>();
    sets.put(1L, fileSet(Duration.ofHours(1)));
    sets.put(2L, fileSet(Duration.ofHours(1)));
    FileSetScheduler.Destination destination = nobodyListening();
    Map<Long, Long> lastEnds = Map.of(1L, T0.toEpochMilli(), 2L, T0.plusSeconds(1).toEpochMilli());
    ActorRef<FileSetScheduler.Command> scheduler = start(sets, lastEnds, destination);
    expect(FileSetScheduler.NextRun.class);
    expect(FileSetScheduler.NextRun.class);
    reports.expectNoMessage(Duration.ofMillis(200));

    clock.advance(Duration.ofHours(2)); // both are due now, but 1 is suspended:
    SortedMap<Long, FileSetConfig> active = new TreeMap<>(Map.of(2L, sets.get(2L)));
    scheduler.tell(new FileSetScheduler.Update(active, lastEnds, destination));
    assertEquals(new FileSetScheduler.NextRun(1, null), expect(FileSetScheduler.NextRun.class));
    assertEquals(2, expect(FileSetScheduler.SyncStarted.class).fileSetId());
    assertEquals(2, expect(FileSetScheduler.SyncEnded.class).fileSetId());
    FileSetScheduler.NextRun next = expect(FileSetScheduler.NextRun.class);
    assertEquals(2, next.fileSetId());
    reports.expectNoMessage(Duration.ofMillis(300));
  }

  @Test
  public void anAlteredRunningFileSetStopsAtAFileBoundaryAndRunsAgainAtOnce() throws Exception {
    holder = new ServerSocket(0);
    FileSetScheduler.Destination destination = new FileSetScheduler.Destination("here", "127.0.0.1", holder.getLocalPort());
    FileSetConfig before = fileSet(Duration.ofHours(1));
    ActorRef<FileSetScheduler.Command> scheduler = start(new TreeMap<>(Map.of(1L, before)), Map.of(), destination);
    awaitReport(FileSetScheduler.SyncStarted.class);
    try (Socket connection = holder.accept()) {
      clock.advance(Duration.ofMinutes(1));
      FileSetConfig altered = new FileSetConfig(before.user(), before.source(), null, before.destination(),
          before.sync().toBuilder().purge(true).build(), before.interval(), null, null, "", false, false);
      scheduler.tell(new FileSetScheduler.Update(new TreeMap<>(Map.of(1L, altered)), Map.of(), destination));
      FileSetScheduler.SyncEnded ended = expect(FileSetScheduler.SyncEnded.class);
      assertTrue(ended.result().failure(), ended.result().failure().contains("the file set was altered"));
      Instant now = T0.plus(Duration.ofMinutes(1));
      assertEquals("not an hour later", new FileSetScheduler.NextRun(1, now.toEpochMilli()),
          expect(FileSetScheduler.NextRun.class));
      assertEquals(new FileSetScheduler.SyncStarted(1, now.toEpochMilli()), expect(FileSetScheduler.SyncStarted.class));
    }
  }

  @Test
  public void eachRunWritesItsStartAndEndToTheUsersLog() throws Exception {
    start(new TreeMap<>(Map.of(4L, fileSet(Duration.ofHours(1)))), Map.of(), nobodyListening());
    awaitReport(FileSetScheduler.SyncEnded.class);
    List<String> texts = new java.util.ArrayList<>();
    for (int seen = 0; texts.stream().noneMatch(t -> t.startsWith("sync ended")); ) {
      if (seen == logged.size()) nextReport();
      for (; seen < logged.size(); seen++) {
        assertEquals(Long.valueOf(4), logged.get(seen).fileSetId());
        texts.add(logged.get(seen).text());
      }
    }
    assertTrue(texts.toString(), texts.get(0).startsWith("sync started: "));
    assertTrue(texts.toString(), texts.get(texts.size() - 1).contains("code 2"));
  }

  @Test
  public void retiringAtAFileBoundaryStopsTheRunningSyncThenTheScheduler() throws Exception {
    holder = new ServerSocket(0);
    FileSetScheduler.Destination destination = new FileSetScheduler.Destination("here", "127.0.0.1", holder.getLocalPort());
    ActorRef<FileSetScheduler.Command> scheduler =
        start(new TreeMap<>(Map.of(1L, fileSet(Duration.ofHours(1)))), Map.of(), destination);
    awaitReport(FileSetScheduler.SyncStarted.class);
    try (Socket connection = holder.accept()) {
      scheduler.tell(FileSetScheduler.Retire.AT_FILE_BOUNDARY);
      FileSetScheduler.SyncEnded ended = expect(FileSetScheduler.SyncEnded.class);
      assertEquals(1, ended.fileSetId());
      reports.expectTerminated(scheduler, Duration.ofSeconds(10));
    }
  }

  /** A run that stops without a result (a crash) is a failed run, and the scheduler goes on. */
  @Test
  public void aRunThatCrashesIsAFailedRunAndTheFileSetIsPlannedAgain() throws Exception {
    holder = new ServerSocket(0);
    FileSetScheduler.Destination destination = new FileSetScheduler.Destination("here", "127.0.0.1", holder.getLocalPort());
    ActorRef<FileSetScheduler.Command> scheduler =
        start(new TreeMap<>(Map.of(1L, fileSet(Duration.ofMinutes(10)))), Map.of(), destination);
    awaitReport(FileSetScheduler.SyncStarted.class);
    try (Socket connection = holder.accept()) {
      akka.actor.typed.javadsl.Adapter.toClassic(testKit.system())
          .actorSelection(scheduler.path().child("sync-1-1"))
          .tell(akka.actor.Kill.getInstance(), akka.actor.ActorRef.noSender());
      FileSetScheduler.SyncEnded ended = expect(FileSetScheduler.SyncEnded.class);
      assertEquals(1, ended.fileSetId());
      assertEquals(2, ended.result().code());
      assertTrue(ended.result().failure(), ended.result().failure().contains("stopped without a result"));
      assertEquals("planned from its end like any failed run",
          new FileSetScheduler.NextRun(1, T0.plus(Duration.ofMinutes(10)).toEpochMilli()),
          expect(FileSetScheduler.NextRun.class));
    }
  }
}
