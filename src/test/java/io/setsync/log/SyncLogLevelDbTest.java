package io.setsync.log;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The sync log against the journal and snapshot store a node really uses (LevelDB and local
 * snapshot files, configured in reference.conf), across a stop and a start of the actor system.
 */
public class SyncLogLevelDbTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private ActorTestKit running;

  private static final Instant DAY1 = Instant.parse("2026-11-21T00:00:00Z");

  private static LogRecord record(int day, int seconds, Long fileSetId, String text) {
    long millis = DAY1.plusSeconds((day - 1) * 86_400L + seconds).toEpochMilli();
    return new LogRecord(millis, fileSetId, Origin.DESTINATION, Severity.WARNING, text);
  }

  private ActorTestKit start(Path home) {
    Config config =
        ConfigFactory.parseMap(
                Map.of(
                    "akka.persistence.journal.leveldb.dir", home.resolve("journal").toString(),
                    "akka.persistence.snapshot-store.local.dir", home.resolve("snapshots").toString()))
            .withFallback(ConfigFactory.load());
    running = ActorTestKit.create("synclog", config);
    return running;
  }

  private void stop() {
    running.shutdownTestKit();
    running = null;
  }

  @After
  public void stopIfRunning() {
    if (running != null) {
      stop();
    }
  }

  private static List<LogRecord> read(ActorTestKit kit, ActorRef<SyncLog.Command> log, Long fileSetId, int last) {
    TestProbe<SyncLog.Records> probe = kit.createTestProbe();
    log.tell(new SyncLog.Read(fileSetId, last, probe.ref()));
    return probe.receiveMessage().records();
  }

  private static List<String> texts(List<LogRecord> records) {
    return records.stream().map(LogRecord::text).toList();
  }

  @Test
  public void recordsAndTheBoundSurviveARestartOfTheSystem() throws IOException {
    Path home = tmp.newFolder("home").toPath();
    List<LogRecord> day1 = List.of(record(1, 1, 1L, "d1a"), record(1, 2, null, "d1b"));
    List<LogRecord> day2 = List.of(record(2, 1, 2L, "d2a"), record(2, 2, 1L, "d2b"));

    ActorTestKit first = start(home);
    ActorRef<SyncLog.Command> log = first.spawn(SyncLog.create("alice", 4, 3));
    ActorRef<SyncLog.Command> other = first.spawn(SyncLog.create("bob", 4, 3));
    log.tell(new SyncLog.Append(day1));
    log.tell(new SyncLog.Append(day2));
    other.tell(new SyncLog.Append(List.of(record(1, 5, 9L, "bob's"))));
    // The fifth record drops the whole of day 1.
    log.tell(new SyncLog.Append(List.of(record(3, 1, 1L, "d3a"))));
    List<LogRecord> before = read(first, log, null, 100);
    assertEquals(List.of("d2a", "d2b", "d3a"), texts(before));
    assertEquals(List.of("bob's"), texts(read(first, other, null, 100)));
    stop();

    ActorTestKit second = start(home);
    ActorRef<SyncLog.Command> again = second.spawn(SyncLog.create("alice", 4, 3));
    assertEquals(before, read(second, again, null, 100));
    assertEquals(List.of("d2b", "d3a"), texts(read(second, again, 1L, 100)));
    // The bound keeps working on the recovered state: day 2 goes next.
    again.tell(new SyncLog.Append(List.of(record(3, 2, 1L, "d3b"), record(3, 3, 1L, "d3c"))));
    assertEquals(List.of("d3a", "d3b", "d3c"), texts(read(second, again, null, 100)));
    ActorRef<SyncLog.Command> otherAgain = second.spawn(SyncLog.create("bob", 4, 3));
    assertEquals(List.of("bob's"), texts(read(second, otherAgain, null, 100)));
  }

  @Test
  public void recoveryFromSnapshotsGivesTheSameLogAsTheOneBeforeTheStop() throws IOException {
    Path home = tmp.newFolder("home").toPath();
    ActorTestKit first = start(home);
    ActorRef<SyncLog.Command> log = first.spawn(SyncLog.create("carol", 10, 5));
    List<String> written = new ArrayList<>();
    // 23 appends over three days: snapshots after 5, 10, 15 and 20, with events 21 to 23 after.
    for (int i = 1; i <= 23; i++) {
      log.tell(new SyncLog.Append(List.of(record(1 + i / 10, i, (long) (i % 3), "r" + i))));
      written.add("r" + i);
    }
    List<LogRecord> before = read(first, log, null, 1000);
    // Day 1 holds r1..r9, day 2 r10..r19, day 3 r20..r23. With a bound of 10, r11 dropped day 1
    // and r20 dropped all of day 2.
    assertEquals(written.subList(19, 23), texts(before));
    stop();

    assertTrue("snapshots were written", countFiles(home.resolve("snapshots")) > 0);

    ActorTestKit second = start(home);
    ActorRef<SyncLog.Command> again = second.spawn(SyncLog.create("carol", 10, 5));
    assertEquals(before, read(second, again, null, 1000));
    assertEquals(List.of("r21"), texts(read(second, again, 0L, 1)));
  }

  @Test
  public void aLowerBoundAfterARestartTrimsTheRecoveredLog() throws IOException {
    Path home = tmp.newFolder("home").toPath();
    ActorTestKit first = start(home);
    ActorRef<SyncLog.Command> log = first.spawn(SyncLog.create("dave", 100, 2));
    for (int i = 1; i <= 5; i++) {
      log.tell(new SyncLog.Append(List.of(record(1, i, 1L, "r" + i))));
    }
    assertEquals(5, read(first, log, null, 100).size());
    stop();

    ActorTestKit second = start(home);
    ActorRef<SyncLog.Command> again = second.spawn(SyncLog.create("dave", 3, 2));
    assertEquals(List.of("r3", "r4", "r5"), texts(read(second, again, null, 100)));
  }

  private static long countFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.count();
    }
  }
}
