package io.setsync.destination;

import static io.setsync.destination.RawSource.assertAbortMentions;
import static io.setsync.destination.RawSource.file;
import static io.setsync.destination.ReceiverNode.assertSameTree;
import static io.setsync.destination.ReceiverNode.snapshot;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.ConfigFactory;
import io.setsync.node.SetSyncNode;
import io.setsync.transfer.ContentLanes;
import io.setsync.transfer.Frame;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.slf4j.LoggerFactory;

/**
 * A source that goes silent holds its root only until setsync.transfer.idle-timeout (3 s here,
 * short, yet long enough for the normal session after it on a loaded machine, whose fsyncs may
 * pause all traffic for a second or two):
 * then the session ends with one clear line in the receiver's log, nothing is written, and the
 * root is free for the next session.
 */
public class ReceiverIdleTimeoutTest {

  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  private static SetSyncNode node;
  private static Path base;
  private static Path source;
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger receiverLog = (Logger) LoggerFactory.getLogger(Receiver.class);

  @BeforeClass
  public static void startNode() throws Exception {
    base = TMP.getRoot().toPath().toRealPath();
    source = ReceiverNode.sourceTree(base.resolve("source"));
    node = SetSyncNode.start(ConfigFactory.parseMap(Map.of(
            "setsync.home", Files.createDirectories(base.resolve("home")).toString(),
            "setsync.transfer.idle-timeout", "3s"))
        .withFallback(ConfigFactory.load()));
  }

  @AfterClass
  public static void stopNode() {
    if (node != null) node.close();
  }

  @Before
  public void captureLog() {
    log.start();
    receiverLog.addAppender(log);
  }

  @After
  public void releaseLog() {
    receiverLog.detachAppender(log);
  }

  private List<String> linesMentioning(String words) {
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent e : List.copyOf(log.list)) {
      if (e.getFormattedMessage().contains(words)) lines.add(e.getFormattedMessage());
    }
    return lines;
  }

  @Test
  public void aSourceSilentAfterItsHelloHoldsTheRootOnlyUntilTheIdleTimeout() throws Exception {
    Path dest = Files.createDirectories(base.resolve("silent"));
    Files.writeString(dest.resolve("kept.txt"), "kept\n");
    Map<String, String> before = snapshot(dest, dest.resolve(".setsync"));
    try (RawSource silent = new RawSource(node)) {
      silent.open(dest.toString(), "");
      long since = System.nanoTime();
      // Held meanwhile: a second session to the root is refused as busy.
      try (RawSource second = new RawSource(node)) {
        second.hello(dest.toString(), "");
        assertAbortMentions(second.expectAbort(), "busy");
      }
      ReceiverNode.awaitSessionsOver(node, dest);
      long heldMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
      assertTrue("released after " + heldMillis + " ms, before the idle timeout", heldMillis >= 2500);
      silent.expectClosed();
    }
    List<String> lines = linesMentioning("idle-timeout");
    assertEquals("log lines about the silence: " + lines, 1, lines.size());
    assertTrue(lines.get(0), lines.get(0).contains(dest.toString()) && lines.get(0).contains("sent nothing"));
    assertSameTree("nothing may be written", before, snapshot(dest, dest.resolve(".setsync")));
    ReceiverNode.assertGoodSession(node, source, dest);
  }

  @Test
  public void aSourceSilentOnTheContentLaneHoldsTheRootOnlyUntilTheIdleTimeout() throws Exception {
    Path dest = Files.createDirectories(base.resolve("silent-lane"));
    Map<String, String> before = snapshot(dest, dest.resolve(".setsync"));
    Frame.Abort abort;
    try (RawSource s = new RawSource(node)) {
      s.open(dest.toString(), "");
      s.entries(file("big", 1 << 20));
      s.send(Frame.ListingEnd.INSTANCE);
      Frame.Need need = s.readNeeds(new ArrayList<>()).get(0);
      Frame.LaneOffer offer = s.laneOffer();
      try (SocketChannel lane = ContentLanes.connect("127.0.0.1", offer.port(), offer.token())) {
        s.send(new Frame.FileOnLane(need.id(), 1 << 20, RawSource.MTIME));
        lane.write(java.nio.ByteBuffer.wrap(new byte[1000]));
        // The session's connection stays busy, so only the lane's silence can end the session.
        Thread keepAlive = new Thread(() -> {
          try {
            while (!Thread.currentThread().isInterrupted()) {
              s.send(new Frame.FileData(akka.util.ByteString.fromArray(new byte[1])));
              Thread.sleep(200);
            }
          } catch (Exception stopped) {
            // the receiver closed the connection, or the test is over
          }
        });
        keepAlive.start();
        try {
          abort = s.expectAbort();
        } finally {
          keepAlive.interrupt();
          keepAlive.join(5000);
        }
      }
    }
    assertAbortMentions(abort, "content lane", "file " + 1, "sent nothing", "idle-timeout");
    ReceiverNode.awaitSessionsOver(node, dest);
    assertSameTree("nothing may be written", before, snapshot(dest, dest.resolve(".setsync")));
    ReceiverNode.assertGoodSession(node, source, dest);
  }
}
