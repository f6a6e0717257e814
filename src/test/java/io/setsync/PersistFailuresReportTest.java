package io.setsync;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import akka.Done;
import akka.actor.testkit.typed.javadsl.LoggingTestKit;
import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import com.typesafe.config.ConfigFactory;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.slf4j.LoggerFactory;

/**
 * What a persistent actor's log says while its journal fails: one WARN line per failure (a stack
 * trace only for a failure that is not a journal out of reach, and only once), and one line when it
 * recovers.
 */
public class PersistFailuresReportTest {

  @ClassRule
  public static final TestKitJunitResource testKit = new TestKitJunitResource(
      ConfigFactory.parseString("setsync.persistence.restart-backoff { min = 10ms, max = 50ms }")
          .withFallback(EventSourcedBehaviorTestKit.config())
          .withFallback(ConfigFactory.load()));

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @BeforeClass
  public static void reportsAtInfo() {
    // QuietLogging keeps io.setsync at WARN outside a node; a node logs it at INFO.
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(PersistFailures.class))
        .setLevel(ch.qos.logback.classic.Level.INFO);
  }

  /** A list of notes, persisted as PersistFailures' users are. */
  private static final class Notes extends EventSourcedBehavior<Notes.Command, String, List<String>> {
    interface Command {}

    record Add(String note, ActorRef<Done> replyTo) implements Command {}

    record Get(ActorRef<List<String>> replyTo) implements Command {}

    private final List<String> empty = new ArrayList<>();

    static Behavior<Command> create(String id) {
      return PersistFailures.restartWhenRejected(Behaviors.setup(ctx -> new Notes(id, ctx)));
    }

    private Notes(String id, akka.actor.typed.javadsl.ActorContext<Command> ctx) {
      super(PersistenceId.ofUniqueId(id), PersistFailures.onPersistFailure(ctx.getSystem().settings().config()));
    }

    @Override
    public List<String> emptyState() {
      return empty;
    }

    @Override
    public CommandHandler<Command, String, List<String>> commandHandler() {
      return newCommandHandlerBuilder().forAnyState()
          .onCommand(Add.class, (state, add) -> Effect().persist(add.note()).thenReply(add.replyTo(), s -> Done.getInstance()))
          .onCommand(Get.class, (state, get) -> Effect().reply(get.replyTo(), List.copyOf(state)))
          .build();
    }

    @Override
    public EventHandler<List<String>, String> eventHandler() {
      return PersistFailures.sparing(empty, ArrayList::new, (state, note) -> {
        state.add(note);
        return state;
      });
    }
  }

  private static List<String> notes(ActorRef<Notes.Command> notes) {
    TestProbe<List<String>> probe = testKit.createTestProbe();
    notes.tell(new Notes.Get(probe.ref()));
    return probe.expectMessageClass(List.class, PATIENCE);
  }

  @Test
  public void aJournalOutOfReachIsOneLinePerFailureWithoutStackTraceAndItsRecoveryOneMore() {
    PersistenceTestKit persistence = PersistenceTestKit.create(testKit.system());
    persistence.failNextNReads("unreachable", 3, new SQLTransientConnectionException(
        "db - Connection is not available, request timed out after 5000ms.",
        new java.net.ConnectException("Connection refused")));
    ActorRef<Notes.Command>[] notes = new ActorRef[1];
    LoggingTestKit.warn("notes-a: its journal cannot be reached: db - Connection is not available, request timed out"
            + " after 5000ms; recovery (replaying its events) failed")
        .withCustom(event -> event.getThrowable().isEmpty())
        .withOccurrences(3)
        .expect(testKit.system(), () -> {
          LoggingTestKit.info("notes-a: recovered from its journal after 3 failures since").expect(testKit.system(), () -> {
            notes[0] = testKit.spawn(Notes.create("unreachable"), "notes-a");
            return notes(notes[0]);
          });
          return null;
        });
    TestProbe<Done> added = testKit.createTestProbe();
    notes[0].tell(new Notes.Add("after", added.ref()));
    added.expectMessage(PATIENCE, Done.getInstance());
    assertEquals(List.of("after"), notes(notes[0]));
  }

  @Test
  public void anyOtherFailureShowsItsStackTraceOnceThenOneLineEach() {
    PersistenceTestKit persistence = PersistenceTestKit.create(testKit.system());
    persistence.failNextNReads("broken", 2, new IllegalStateException("the journal's disk broke"));
    LoggingTestKit.warn("notes-b: its journal failed: the journal's disk broke; recovery (replaying its events) failed")
        .withCustom(event -> event.getThrowable().isPresent())
        .withOccurrences(1)
        .expect(testKit.system(), () ->
            LoggingTestKit.warn("notes-b: its journal failed: the journal's disk broke; recovery (replaying its events)"
                    + " failed, 2 failures since")
                .withCustom(event -> event.getThrowable().isEmpty() && event.message().endsWith("(stack trace above)"))
                .expect(testKit.system(), () -> notes(testKit.spawn(Notes.create("broken"), "notes-b"))));
  }

  @Test
  public void aFailedWriteIsOneLineAndTheRestartRecovers() {
    PersistenceTestKit persistence = PersistenceTestKit.create(testKit.system());
    ActorRef<Notes.Command> notes = testKit.spawn(Notes.create("write"), "notes-c");
    assertEquals(List.of(), notes(notes));
    persistence.failNextPersisted("write", new SQLTransientConnectionException("db - Connection is not available"));
    TestProbe<Done> added = testKit.createTestProbe();
    LoggingTestKit.warn("notes-c: its journal cannot be reached: db - Connection is not available; an event's write failed")
        .withCustom(event -> event.getThrowable().isEmpty())
        .expect(testKit.system(), () -> {
          notes.tell(new Notes.Add("lost", added.ref()));
          return null;
        });
    assertEquals(List.of(), notes(notes));
  }

  // ---- the words ----

  @Test
  public void theDriversReasonNamesAJournalOutOfReach() {
    var refused = new org.postgresql.util.PSQLException("Connection to 127.0.0.1:5591 refused. Check that the hostname"
        + " and port are correct and that the postmaster is accepting TCP/IP connections.",
        org.postgresql.util.PSQLState.CONNECTION_UNABLE_TO_CONNECT, new java.net.ConnectException("Connection refused"));
    var pool = new SQLTransientConnectionException("db - Connection is not available, request timed out after 5000ms.", refused);
    var recovery = new RuntimeException("Exception during recovery from snapshot. PersistenceId [setsync-monitor]. "
        + pool.getMessage(), pool);
    assertEquals("Connection to 127.0.0.1:5591 refused", PersistFailures.unreachable(recovery).orElseThrow());
    assertEquals("Connection refused", PersistFailures.unreachable(new java.net.ConnectException("Connection refused")).orElseThrow());
    assertTrue(PersistFailures.unreachable(new akka.pattern.CircuitBreakerOpenException(
        scala.concurrent.duration.Duration.create(1, "s"), "Circuit Breaker is open; calls are failing fast"))
        .orElseThrow().contains("circuit breaker is open"));
    assertTrue(PersistFailures.unreachable(new java.sql.SQLException("the server shuts down", "57P01")).isPresent());
  }

  @Test
  public void otherFailuresAreNotTakenForAJournalOutOfReach() {
    assertTrue(PersistFailures.unreachable(new IllegalStateException("bad event")).isEmpty());
    assertTrue("a wrong password is not a database out of reach",
        PersistFailures.unreachable(new java.sql.SQLException("password authentication failed", "28P01")).isEmpty());
    assertTrue(PersistFailures.unreachable(new RuntimeException("wrapped", new java.io.NotSerializableException("X"))).isEmpty());
  }

  @Test
  public void oneLineIsTheFirstSentenceOnOneLine() {
    assertEquals("Connection to h:1 refused", PersistFailures.oneLine(new Exception("Connection to h:1 refused. Check\n that.")));
    assertEquals("a b", PersistFailures.oneLine(new Exception("a\n  b.")));
    assertEquals("java.lang.IllegalStateException", PersistFailures.oneLine(new IllegalStateException()));
    assertEquals("jdbc:postgresql://h/db?user=u&password=***",
        PersistFailures.shownUrl("jdbc:postgresql://h/db?user=u&password=secret"));
  }
}
