package io.setsync.log;

import static org.junit.Assert.assertEquals;

import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.junit.ClassRule;
import org.junit.Test;

/** A sync log whose journal fails or refuses a write restarts, recovers and keeps appending. */
public class SyncLogPersistFailureTest {

  @ClassRule
  public static final TestKitJunitResource testKit = new TestKitJunitResource(
      ConfigFactory.parseString("setsync.persistence.restart-backoff { min = 10ms, max = 100ms }")
          .withFallback(EventSourcedBehaviorTestKit.config())
          .withFallback(ConfigFactory.load()));

  /** Long enough for a restart on a loaded machine; only reached when something is wrong. */
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private static LogRecord record(String text) {
    return new LogRecord(1_764_547_200_000L, 1L, Origin.SOURCE, Severity.INFO, text);
  }

  private static List<String> texts(SyncLog.Records records) {
    return records.records().stream().map(LogRecord::text).toList();
  }

  @Test
  public void aFailedWriteRestartsTheLogWhichRecoversAndKeepsAppending() {
    PersistenceTestKit persistence = PersistenceTestKit.create(testKit.system());
    ActorRef<SyncLog.Command> log = testKit.spawn(SyncLog.create("failing-write", 100));
    TestProbe<SyncLog.Records> reader = testKit.createTestProbe();
    log.tell(new SyncLog.Append(List.of(record("a"))));
    log.tell(new SyncLog.Read(null, 10, reader.ref()));
    assertEquals(List.of("a"), texts(reader.expectMessageClass(SyncLog.Records.class, PATIENCE)));

    persistence.failNextPersisted(SyncLog.persistenceId("failing-write").id());
    log.tell(new SyncLog.Append(List.of(record("lost"))));
    // Waits out the restart, then sees what the journal holds: the failed append is not there,
    // and the recovery did not replay the journal on top of the state from before.
    log.tell(new SyncLog.Read(null, 10, reader.ref()));
    assertEquals(List.of("a"), texts(reader.expectMessageClass(SyncLog.Records.class, PATIENCE)));

    log.tell(new SyncLog.Append(List.of(record("c"))));
    log.tell(new SyncLog.Read(null, 10, reader.ref()));
    assertEquals(List.of("a", "c"), texts(reader.expectMessageClass(SyncLog.Records.class, PATIENCE)));
  }

  @Test
  public void aRefusedWriteRestartsTheLogWhichRecoversAndKeepsAppending() {
    PersistenceTestKit persistence = PersistenceTestKit.create(testKit.system());
    ActorRef<SyncLog.Command> log = testKit.spawn(SyncLog.create("refused-write", 100));
    TestProbe<SyncLog.Records> reader = testKit.createTestProbe();
    log.tell(new SyncLog.Append(List.of(record("a"))));
    log.tell(new SyncLog.Read(null, 10, reader.ref()));
    assertEquals(List.of("a"), texts(reader.expectMessageClass(SyncLog.Records.class, PATIENCE)));

    persistence.rejectNextPersisted(SyncLog.persistenceId("refused-write").id());
    log.tell(new SyncLog.Append(List.of(record("refused"))));
    // Reads queued behind the refused append go with the old incarnation: read until one answers.
    assertEquals(List.of("a"), awaitRecords(log));

    log.tell(new SyncLog.Append(List.of(record("c"))));
    assertEquals(List.of("a", "c"), awaitRecords(log));
  }

  private static List<String> awaitRecords(ActorRef<SyncLog.Command> log) {
    List<List<String>> answer = new java.util.ArrayList<>();
    testKit.createTestProbe().awaitAssert(PATIENCE, Duration.ofMillis(50), () -> {
      TestProbe<SyncLog.Records> probe = testKit.createTestProbe();
      log.tell(new SyncLog.Read(null, 10, probe.ref()));
      answer.add(texts(probe.expectMessageClass(SyncLog.Records.class, Duration.ofSeconds(1))));
      return null;
    });
    return answer.get(answer.size() - 1);
  }
}
