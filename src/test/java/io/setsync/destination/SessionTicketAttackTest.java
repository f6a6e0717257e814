package io.setsync.destination;

import static io.setsync.destination.RawSource.assertAbortMentions;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.setsync.node.SetSyncNode;
import io.setsync.transfer.Frame;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.rules.TestName;
import org.slf4j.LoggerFactory;

/**
 * A raw client on the data endpoint without the ticket its Hello needs: without one, with a forged
 * one, a used one, one for another root, one without the options it asks for. Each gets one Abort
 * and one log line with its address, and nothing is written: the destination is not even created.
 */
public class SessionTicketAttackTest {

  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  @Rule public final TestName testName = new TestName();

  private static SetSyncNode node;
  private static Path base;
  private static Path source;

  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger receiverLog = (Logger) LoggerFactory.getLogger(Receiver.class);
  /** Not there before the attack; must not be there after it. */
  private Path dest;

  @BeforeClass
  public static void startNode() throws Exception {
    base = TMP.getRoot().toPath().toRealPath();
    source = ReceiverNode.sourceTree(base.resolve("source"));
    node = ReceiverNode.start(Files.createDirectories(base.resolve("home")));
  }

  @AfterClass
  public static void stopNode() {
    if (node != null) node.close();
  }

  @Before
  public void setUp() {
    dest = base.resolve("dest-" + testName.getMethodName());
    log.start();
    receiverLog.addAppender(log);
  }

  @After
  public void releaseLog() {
    receiverLog.detachAppender(log);
  }

  @Test
  public void aHelloWithoutATicketIsRefused() throws Exception {
    refused(dest.toString(), "", "", "no valid session ticket");
  }

  @Test
  public void aForgedTicketIsRefused() throws Exception {
    refused(dest.toString(), "", "ab".repeat(32), "no valid session ticket");
  }

  @Test
  public void aUsedTicketIsRefused() throws Exception {
    Files.createDirectories(dest);
    String ticket = ReceiverNode.ticket(node, dest.toString(), "");
    try (RawSource s = new RawSource(node)) {
      s.hello(dest.toString(), "", ticket);
      assertTrue(s.read() instanceof Frame.Ready);
      s.send(Frame.ListingEnd.INSTANCE);
      s.send(Frame.DataEnd.INSTANCE);
      s.readUntil(Frame.Done.class, new ArrayList<>());
    }
    ReceiverNode.awaitSessionsOver(node, dest);
    Files.delete(dest.resolve(".setsync"));
    Files.delete(dest);
    refused(dest.toString(), "", ticket, "already used");
  }

  @Test
  public void aTicketForAnotherRootIsRefused() throws Exception {
    String ticket = ReceiverNode.ticket(node, base.resolve("elsewhere").toString(), "");
    refused(dest.toString(), "", ticket, "another destination root");
  }

  /** Each endpoint knows only the tickets it issued: one from another node's endpoint opens nothing here. */
  @Test
  public void aTicketFromAnotherNodesEndpointIsRefused() throws Exception {
    SetSyncNode other = ReceiverNode.start(Files.createDirectories(base.resolve("other-home")));
    try {
      String ticket = ReceiverNode.ticket(other, dest.toString(), "");
      refused(dest.toString(), "", ticket, "no valid session ticket");
    } finally {
      other.close();
    }
  }

  @Test
  public void aTicketWithoutTheAddedOwnerOptionIsRefused() throws Exception {
    String ticket = ReceiverNode.ticket(node, dest.toString(), "PURGE");
    refused(dest.toString(), "PURGE, OWNER root", ticket, "other options");
  }

  @Test
  public void aTicketWithoutKeepSecurityIsRefused() throws Exception {
    String ticket = ReceiverNode.ticket(node, dest.toString(), "");
    refused(dest.toString(), "KEEPSECURITY", ticket, "other options");
  }

  @Test
  public void aTicketAdmitsItsSessionAndTheSameOptionsSpelledOtherwise() throws Exception {
    Files.createDirectories(dest);
    String ticket = ReceiverNode.ticket(node, dest.toString(), "PURGE, CHECKSUM");
    try (RawSource s = new RawSource(node)) {
      s.hello(dest.toString(), "checksum,purge", ticket);
      Frame answer = s.read();
      assertTrue("expected Ready, got " + answer, answer instanceof Frame.Ready);
    }
    ReceiverNode.assertGoodSession(node, source, dest);
  }

  @Test
  public void aNewlineInTheDestinationCannotForgeALogLine() throws Exception {
    String forged = dest + "\n2026-01-01 INFO forged line\r";
    String line = refused(forged, "", "", "no valid session ticket").get(0);
    assertFalse("no line break in " + line, line.contains("\n") || line.contains("\r"));
    assertTrue(line, line.contains("\\u000a2026-01-01 INFO forged line\\u000d"));
  }

  @Test
  public void aMegabyteDestinationIsNotLogged() throws Exception {
    String huge = dest + "/" + "x".repeat(1_000_000);
    String line = refused(huge, "", "", "longer than").get(0);
    assertTrue("cut short: " + line.length() + " chars", line.length() < 1_000);
  }

  /** The Hello is refused with {@code why}, in one line that names the peer; nothing is created. */
  private List<String> refused(String root, String options, String ticket, String why) throws Exception {
    int port;
    try (RawSource s = new RawSource(node)) {
      port = s.localPort();
      s.hello(root, options, ticket);
      Frame first = s.read();
      assertTrue("expected an Abort, got " + first, first instanceof Frame.Abort);
      assertAbortMentions((Frame.Abort) first, why);
      s.expectClosed();
    }
    assertFalse("the destination was created", Files.exists(dest, LinkOption.NOFOLLOW_LINKS));
    List<String> lines = linesNaming(":" + port);
    assertEquals("one line for the refusal: " + lines, 1, lines.size());
    assertTrue(lines.get(0), lines.get(0).contains("refused") && lines.get(0).contains("127.0.0.1"));
    // A legitimate session right after still works.
    Files.createDirectories(dest);
    ReceiverNode.assertGoodSession(node, source, dest);
    return lines;
  }

  private List<String> linesNaming(String words) {
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent e : List.copyOf(log.list)) {
      if (e.getFormattedMessage().contains(words)) lines.add(e.getFormattedMessage());
    }
    return lines;
  }
}
