package io.setsync.transfer;

import io.setsync.destination.ReceiverNode;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import akka.actor.testkit.typed.javadsl.TestKitJunitResource;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.util.ByteString;
import com.typesafe.config.ConfigFactory;
import io.setsync.options.SyncOptions;
import io.setsync.sync.SyncStatus;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * setsync.transfer.idle-timeout on the source side: a destination that accepts and then says
 * nothing (before or after Ready) ends the session with a failure that names the idle timeout, in
 * about that time, and the session's connection is closed.
 */
public class SourceSessionIdleTest {

  @ClassRule public static final TestKitJunitResource testKit = new TestKitJunitResource(ConfigFactory.load());

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final Duration IDLE = Duration.ofSeconds(1);
  /** Scheduling slack on a loaded machine. */
  private static final Duration MARGIN = Duration.ofSeconds(10);

  private static final SourceSession.Settings SETTINGS =
      new SourceSession.Settings(256 * 1024, 100, 1000, 2, 0, IDLE);

  @Test
  public void aDestinationThatNeverAnswersEndsTheSessionAfterTheIdleTimeout() throws Exception {
    assertEndsIdle(false);
  }

  @Test
  public void aDestinationThatFallsSilentAfterReadyEndsTheSessionAfterTheIdleTimeout() throws Exception {
    assertEndsIdle(true);
  }

  private void assertEndsIdle(boolean answerReady) throws Exception {
    Path source = ReceiverNode.sourceTree(tmp.newFolder("src").toPath());
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> acceptAndMaybeReady(server, answerReady));
      TestProbe<SourceSession.Outcome> outcome = testKit.createTestProbe();
      long started = System.nanoTime();
      testKit.spawn(SourceSession.create(
          new SourceSession.Request(source, "127.0.0.1", server.getLocalPort(), "/nowhere", SyncOptions.DEFAULTS),
          SETTINGS, new ReceiverNode.Recorder(), outcome.getRef()));
      Socket peer = accepted.get(MARGIN.toSeconds(), TimeUnit.SECONDS);
      try (peer) {
        SourceSession.Outcome ended = outcome.expectMessageClass(SourceSession.Outcome.class, IDLE.plus(MARGIN));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertEquals(SyncStatus.ERRORS, ended.status());
        assertNotNull(ended.failure());
        assertTrue("names the idle timeout: " + ended.failure(), ended.failure().contains("idle-timeout"));
        assertTrue("not before the idle timeout: " + took, took.compareTo(IDLE) >= 0);
        assertClosedByTheSource(peer);
      }
    }
  }

  /** Accepts the session and reads its Hello; with {@code answerReady} answers Ready; then nothing. */
  private static Socket acceptAndMaybeReady(ServerSocket server, boolean answerReady) {
    try {
      Socket peer = server.accept();
      DataInputStream in = new DataInputStream(peer.getInputStream());
      byte[] hello = new byte[in.readInt()];
      in.readFully(hello);
      assertTrue(FrameCodec.decode(ByteString.fromArray(hello)) instanceof Frame.Hello);
      if (answerReady) {
        byte[] ready = FrameCodec.encode(new Frame.Ready("idle-test")).toArray();
        DataOutputStream out = new DataOutputStream(peer.getOutputStream());
        out.writeInt(ready.length);
        out.write(ready);
        out.flush();
      }
      return peer;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Whatever the source still sent (its listing, after Ready), then the end of the stream. */
  private static void assertClosedByTheSource(Socket peer) throws IOException {
    peer.setSoTimeout((int) MARGIN.toMillis());
    InputStream in = peer.getInputStream();
    byte[] sink = new byte[64 * 1024];
    try {
      while (in.read(sink) >= 0) {
        // drain
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the source did not close its connection within " + MARGIN);
    } catch (IOException reset) {
      // a reset is closed too
    }
  }
}
