package io.setsync.console;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.actor.testkit.typed.javadsl.TestProbe;
import com.typesafe.config.ConfigFactory;
import io.setsync.monitor.Monitor;
import io.setsync.monitor.Result;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.After;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * A statement the monitor does not answer while the node knows that the monitor's journal database
 * cannot be reached: the console names the database, soon, and the completion code is 2.
 */
public class ConsoleSessionJournalDownTest {

  @ClassRule public static final TestKitJunitResource testKit = new TestKitJunitResource(ConfigFactory.load());

  private final ExecutorService blocking = Executors.newCachedThreadPool();

  @After
  public void close() {
    blocking.shutdownNow();
    JournalReachability.of(testKit.system()).answers();
  }

  private ChannelLines connect(TestProbe<Monitor.Command> monitor) throws Exception {
    Path socket = Files.createTempDirectory("console-journal-down").resolve("s.sock");
    ServerSocketChannel listener = ConsoleEndpoint.bind(socket);
    SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    SocketChannel server = listener.accept();
    listener.close();
    Files.delete(socket);
    // A command timeout longer than the test waits: only the journal's known state makes it shorter.
    var settings = new ConsoleSession.Settings(Duration.ofSeconds(60), 1024, 1000, 8, "c:1", "/s", Duration.ofMillis(300));
    testKit.spawn(ConsoleSession.create(server, PeerCredentials.of(server), monitor.getRef(), blocking, settings));
    return new ChannelLines(client, 1 << 20);
  }

  @Test
  public void theConsoleNamesTheDatabaseTheMonitorsJournalCannotReach() throws Exception {
    JournalReachability.of(testKit.system()).cannotReach("jdbc:postgresql://db:5432/setsync", "Connection to db:5432 refused");
    TestProbe<Monitor.Command> monitor = testKit.createTestProbe();
    ChannelLines client = connect(monitor);
    long sent = System.nanoTime();
    client.writeLines(List.of("STATUS AUTOSYNC"));
    monitor.expectMessageClass(Monitor.Execute.class); // and no answer: the monitor is recovering
    assertEquals("2 error: the monitor is unavailable: its journal database (jdbc:postgresql://db:5432/setsync) cannot be"
        + " reached (Connection to db:5432 refused); it retries until the database answers", client.readLine());
    assertEquals("= 2", client.readLine());
    assertTrue("waited the shorter time", System.nanoTime() - sent < Duration.ofSeconds(20).toNanos());
  }

  @Test
  public void aMonitorThatAnswersIsAnsweredWhateverTheDatabase() throws Exception {
    JournalReachability.of(testKit.system()).cannotReach("jdbc:postgresql://db:5432/setsync", "Connection to db:5432 refused");
    TestProbe<Monitor.Command> monitor = testKit.createTestProbe();
    ChannelLines client = connect(monitor);
    client.writeLines(List.of("STATUS AUTOSYNC"));
    monitor.expectMessageClass(Monitor.Execute.class).replyTo().tell(Result.Done.ok("fine"));
    assertEquals("1 fine", client.readLine());
    assertEquals("= 0", client.readLine());
  }
}
