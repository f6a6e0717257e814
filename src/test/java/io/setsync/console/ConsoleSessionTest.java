package io.setsync.console;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import io.setsync.command.Caller;
import io.setsync.command.Statement;
import io.setsync.monitor.Monitor;
import io.setsync.monitor.Result;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.After;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * A console connection against a probe in the monitor's place: the statements arrive with the
 * kernel's caller, and a SYNCHRONIZE's waiter stops when the connection closes.
 */
public class ConsoleSessionTest {

  @ClassRule public static final TestKitJunitResource testKit = new TestKitJunitResource(ConfigFactory.load());

  private final ExecutorService blocking = Executors.newCachedThreadPool();
  private final List<AutoCloseable> open = new ArrayList<>();

  @After
  public void close() throws Exception {
    for (AutoCloseable c : open) c.close();
    blocking.shutdownNow();
  }

  private record Pair(SocketChannel client, SocketChannel server) {}

  private Pair connect() throws Exception {
    Path dir = Files.createTempDirectory("console-session");
    Path socket = dir.resolve("s.sock");
    ServerSocketChannel listener = ConsoleEndpoint.bind(socket);
    open.add(listener);
    open.add(() -> Files.deleteIfExists(socket));
    SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    SocketChannel server = listener.accept();
    open.add(client);
    open.add(server);
    return new Pair(client, server);
  }

  private ActorRef<ConsoleSession.Command> session(SocketChannel server, TestProbe<Monitor.Command> monitor)
      throws Exception {
    ConsoleSession.Settings settings = new ConsoleSession.Settings(Duration.ofSeconds(10), 1024, 1000, 8, "c:1", "/s");
    return testKit.spawn(ConsoleSession.create(server, PeerCredentials.of(server), monitor.getRef(), blocking, settings));
  }

  @Test
  public void statementsGoToTheMonitorAsTheKernelsCallerActingForTheSelectedUser() throws Exception {
    Pair pair = connect();
    TestProbe<Monitor.Command> monitor = testKit.createTestProbe();
    session(pair.server(), monitor);
    ChannelLines client = new ChannelLines(pair.client(), 1 << 20);
    client.writeLines(List.of(ConsoleProtocol.sessionLine("root", false), "STATUS AUTOSYNC"));

    Monitor.Execute execute = monitor.expectMessageClass(Monitor.Execute.class);
    assertEquals("the kernel's word: this test's own process", Caller.thisProcess(), execute.caller());
    assertEquals("root", execute.defaultUser());
    execute.replyTo().tell(Result.Done.ok("fine"));
    assertEquals("1 fine", client.readLine());
    assertEquals("= 0", client.readLine());
  }

  @Test
  public void aLineLongerThanTheLimitEndsTheConnectionWithOneError() throws Exception {
    Pair pair = connect();
    TestProbe<Monitor.Command> monitor = testKit.createTestProbe();
    session(pair.server(), monitor);
    ChannelLines client = new ChannelLines(pair.client(), 1 << 20);
    client.writeLines(List.of("STATUS " + "X".repeat(5000)));
    assertTrue(client.readLine().startsWith("2 error: a line longer than 1024 bytes"));
    assertEquals("= 2", client.readLine());
    assertEquals(null, client.readLine());
    monitor.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  public void closingTheConnectionStopsTheSynchronizesWaiter() throws Exception {
    Pair pair = connect();
    TestProbe<Monitor.Command> monitor = testKit.createTestProbe();
    session(pair.server(), monitor);
    new ChannelLines(pair.client(), 1 << 20).writeLines(List.of("SYNCHRONIZE /a TO /b"));
    Monitor.Execute execute = monitor.expectMessageClass(Monitor.Execute.class);
    assertTrue(execute.command() instanceof Statement.Synchronize);
    pair.client().close();
    // The node's run watches this waiter: its end is what stops the run at a file boundary.
    testKit.createTestProbe().expectTerminated(execute.replyTo(), Duration.ofSeconds(10));
  }

  @Test
  public void cancelStopsTheWaiterAndAnswersThatTheRunStopsAtAFileBoundary() throws Exception {
    Pair pair = connect();
    TestProbe<Monitor.Command> monitor = testKit.createTestProbe();
    session(pair.server(), monitor);
    ChannelLines client = new ChannelLines(pair.client(), 1 << 20);
    client.writeLines(List.of("SYNCHRONIZE /a TO /b", "STATUS AUTOSYNC"));
    Monitor.Execute sync = monitor.expectMessageClass(Monitor.Execute.class);
    monitor.expectNoMessage(Duration.ofMillis(200)); // the STATUS waits its turn
    client.writeLines(List.of(ConsoleProtocol.CANCEL));
    testKit.createTestProbe().expectTerminated(sync.replyTo(), Duration.ofSeconds(10));
    assertEquals("2 error: interrupted: the node stops the synchronization at the next file boundary", client.readLine());
    assertEquals("= 2", client.readLine());
    Monitor.Execute status = monitor.expectMessageClass(Monitor.Execute.class);
    assertTrue(status.command() instanceof Statement.Status);
  }

  @Test
  public void exitEndsTheConnectionAndNothingSentBehindItRuns() throws Exception {
    Pair pair = connect();
    TestProbe<Monitor.Command> monitor = testKit.createTestProbe();
    session(pair.server(), monitor);
    ChannelLines client = new ChannelLines(pair.client(), 1 << 20);
    client.writeLines(List.of("EXIT", "STOP MONITOR"));
    assertEquals("= 0", client.readLine());
    assertEquals(null, client.readLine());
    monitor.expectNoMessage(Duration.ofMillis(300));
  }
}
