package io.setsync.schedule;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import io.setsync.log.LogRecord;
import io.setsync.log.Severity;
import io.setsync.log.SyncLog;
import io.setsync.node.SetSyncNode;
import io.setsync.options.SyncOptions;
import io.setsync.transfer.SourceSession;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** One run against a real node's endpoint: its log records, its TRIGGER, its session's options. */
public class SyncRunTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private SetSyncNode node;
  private Path src;
  private Path dst;
  private final List<Process> holders = new ArrayList<>();

  @Before
  public void startNode() throws Exception {
    node = SetSyncNode.start(ConfigFactory.parseMap(Map.of("setsync.home", tmp.newFolder("home").toString()))
        .withFallback(ConfigFactory.load()));
    src = tmp.newFolder("src").toPath();
    dst = tmp.getRoot().toPath().resolve("dst");
  }

  @After
  public void stop() throws Exception {
    for (Process p : holders) {
      p.destroyForcibly();
      p.waitFor();
    }
    if (node != null) node.close();
  }

  private SyncRun.Finished run(SyncOptions options, Duration interval, ActorRef<SyncLog.Command> log)
      throws Exception {
    SyncRun.Request request = new SyncRun.Request(src, node.localDestination(), dst.toString(), options, interval,
        7L, log, null);
    return node.run(request).toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private TestProbe<SyncLog.Command> logProbe() {
    return TestProbe.create(node.system());
  }

  /** Every record the run sent, up to and including "sync ended". */
  private static List<LogRecord> records(TestProbe<SyncLog.Command> log) {
    List<LogRecord> records = new ArrayList<>();
    while (records.isEmpty() || !records.get(records.size() - 1).text().startsWith("sync ended")) {
      records.addAll(((SyncLog.Append) log.receiveMessage(Duration.ofSeconds(10))).records());
    }
    return records;
  }

  /** A shell holding {@code file} open for writing without writing to it. */
  private void holdOpenForWriting(Path file) throws Exception {
    Process p = new ProcessBuilder("/bin/sh", "-c", "exec 3>>'" + file + "'; echo ready; exec sleep 600")
        .redirectErrorStream(true).start();
    holders.add(p);
    String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
    assertEquals("ready", line);
  }

  @Test
  public void aBareOpenUpdateWaitsForTheFileSetsIntervalNotFiveMinutes() throws Exception {
    Path log = src.resolve("app.log");
    Files.writeString(log, "written a minute ago\n");
    holdOpenForWriting(log);
    Files.setLastModifiedTime(log, FileTime.from(Instant.now().minusSeconds(60)));
    SyncOptions openUpdate = SyncOptions.builder().openUpdate(true, null).build();

    SyncRun.Finished finished = run(openUpdate, Duration.ofSeconds(10), null);

    assertEquals(finished.warnings().toString(), 1, finished.result().counts().copied());
    assertEquals("quiet for 60 s, longer than the INTERVAL of 10 s", "written a minute ago\n",
        Files.readString(dst.resolve("app.log")));
  }

  @Test
  public void aRunLogsItsStartItsWarningsAndItsEnd() throws Exception {
    Files.writeString(src.resolve("busy.log"), "busy\n");
    Files.writeString(src.resolve("quiet.txt"), "quiet\n");
    holdOpenForWriting(src.resolve("busy.log"));
    TestProbe<SyncLog.Command> log = logProbe();

    SyncRun.Finished finished = run(SyncOptions.DEFAULTS, Duration.ofMinutes(5), log.getRef());

    assertEquals(1, finished.result().code());
    assertEquals(1, finished.warnings().size());
    assertTrue(finished.warnings().get(0), finished.warnings().get(0).startsWith("warning: busy.log: not copied: open for writing"));
    List<LogRecord> records = records(log);
    assertEquals("sync started: " + src + " TO " + dst, records.get(0).text());
    assertTrue(records.toString(), records.stream().anyMatch(
        r -> r.severity() == Severity.WARNING && r.text().startsWith("busy.log: not copied: open for writing")));
    assertTrue(records.stream().allMatch(r -> Long.valueOf(7).equals(r.fileSetId())));
    assertTrue(records.get(records.size() - 1).text(), records.get(records.size() - 1).text().contains("code 1"));
  }

  @Test
  public void aTriggerRunsAfterAChangeAndItsOutputIsLogged() throws Exception {
    Files.writeString(src.resolve("a.txt"), "a");
    TestProbe<SyncLog.Command> log = logProbe();
    SyncOptions trigger = SyncOptions.builder().trigger("echo copied $1; cat \"$SETSYNC_COPIED_LIST\"").build();

    SyncRun.Finished finished = run(trigger, Duration.ofMinutes(5), log.getRef());

    assertEquals(0, finished.result().code());
    assertEquals("copied 1\na.txt\n", finished.trigger().output());
    List<String> texts = records(log).stream().map(LogRecord::text).toList();
    assertTrue(texts.toString(), texts.containsAll(List.of("copied 1", "a.txt", "trigger exit 0")));

    SyncRun.Finished unchanged = run(trigger, Duration.ofMinutes(5), null);
    assertNull("nothing changed: no trigger", unchanged.trigger());
  }

  @Test
  public void aFailingTriggerMakesTheRunAWarning() throws Exception {
    Files.writeString(src.resolve("a.txt"), "a");
    SyncRun.Finished finished = run(SyncOptions.builder().trigger("exit 3").build(), null, null);
    assertEquals(1, finished.result().code());
    assertEquals(0, finished.outcome().status().exitCode);
    assertFalse(finished.trigger().succeeded());
  }

  /**
   * A Stop (SUSPEND, ALTER, a node stopping) ends the transfer at a file boundary: the files that
   * reached the destination are the ones the result counts, no more arrive afterwards, and the
   * receiver ends with the session (its root free, its scratch area empty).
   */
  @Test
  public void aStoppedRunEndsAtAFileBoundaryAndCountsWhatReachedTheDestination() throws Exception {
    byte[] mib = new byte[1 << 20];
    for (int i = 0; i < 10; i++) Files.write(src.resolve(String.format("f%02d", i)), mib);
    SyncOptions throttled = SyncOptions.builder().maxRateMb(1).build();
    java.util.concurrent.CompletableFuture<Long> firstSent = new java.util.concurrent.CompletableFuture<>();
    SourceSession.Observer sent = new SourceSession.Observer() {
      @Override
      public void notice(io.setsync.sync.SyncNotice notice) {}

      @Override
      public void progress(long entriesListed, long filesSent, long bytesSent) {
        if (filesSent > 0) firstSent.complete(filesSent);
      }
    };
    SyncRun.Request request = new SyncRun.Request(src, node.localDestination(), dst.toString(), throttled, null,
        7L, null, sent);
    TestProbe<SyncRun.Finished> probe = TestProbe.create(node.system());
    ActorRef<SyncRun.Command> run = node.system().systemActorOf(
        SyncRun.create(request, SyncRun.Settings.from(node.system().settings().config().getConfig("setsync")),
            probe.getRef()), "stopped-run", akka.actor.typed.Props.empty());
    firstSent.get(30, TimeUnit.SECONDS);
    run.tell(new SyncRun.Stop("the file set was suspended"));
    SyncRun.Finished finished = probe.receiveMessage(Duration.ofSeconds(30));

    awaitSessionsOver();
    long arrived = dataFiles().size();
    assertTrue("stopped before the end: " + arrived + " files arrived", arrived < 10);
    assertTrue("the file sent before the stop arrived", arrived >= 1);
    assertEquals(finished.result().toString(), arrived, finished.result().counts().copied());
    assertEquals(1, finished.result().code());
    assertTrue(finished.result().failure(), finished.result().failure().startsWith("stopped at a file boundary"));
    assertEquals("nothing left in the scratch area", List.of(), scratch());
  }


  /**
   * IPHOST from a node without TLS: nothing is sent (not even a connection is opened to the
   * address), and the result says what to turn on.
   */
  @Test
  public void anIpHostRunWithoutTlsFailsBeforeConnecting() throws Exception {
    Files.writeString(src.resolve("a.txt"), "alpha");
    SyncRun.Request request = new SyncRun.Request(src, FileSetScheduler.Destination.ipHost("127.0.0.1:9"),
        dst.toString(), SyncOptions.DEFAULTS, null, 7L, null, null);
    TestProbe<SyncRun.Finished> probe = TestProbe.create(node.system());
    node.system().systemActorOf(
        SyncRun.create(request, SyncRun.Settings.from(node.system().settings().config().getConfig("setsync")),
            probe.getRef()), "iphost-run", akka.actor.typed.Props.empty());
    SyncRun.Finished finished = probe.receiveMessage(Duration.ofSeconds(30));
    assertEquals(2, finished.result().code());
    assertEquals("IPHOST 127.0.0.1:9 needs TLS on this node (conf/cluster-tls.conf): a node outside the cluster is"
        + " reached only with certificates at both ends", finished.result().failure());
    assertTrue(!Files.exists(dst));
  }

  /**
   * A run that dies mid-transfer (a crash, its node's actors stopping) takes its session down, and
   * the session's end reaches the receiver at once: the destination root is free again long before
   * any idle timeout, and the scratch area is empty.
   */
  @Test
  public void theReceiverEndsPromptlyWhenTheSourceSessionDies() throws Exception {
    byte[] mib = new byte[1 << 20];
    for (int i = 0; i < 10; i++) Files.write(src.resolve(String.format("f%02d", i)), mib);
    java.util.concurrent.CompletableFuture<Long> firstSent = new java.util.concurrent.CompletableFuture<>();
    SourceSession.Observer sent = new SourceSession.Observer() {
      @Override
      public void notice(io.setsync.sync.SyncNotice notice) {}

      @Override
      public void progress(long entriesListed, long filesSent, long bytesSent) {
        if (filesSent > 0) firstSent.complete(filesSent);
      }
    };
    SyncRun.Request request = new SyncRun.Request(src, node.localDestination(), dst.toString(),
        SyncOptions.builder().maxRateMb(1).build(), null, 7L, null, sent);
    TestProbe<SyncRun.Finished> probe = TestProbe.create(node.system());
    ActorRef<SyncRun.Command> run = node.system().systemActorOf(
        SyncRun.create(request, SyncRun.Settings.from(node.system().settings().config().getConfig("setsync")),
            probe.getRef()), "killed-run", akka.actor.typed.Props.empty());
    firstSent.get(30, TimeUnit.SECONDS);
    akka.actor.typed.javadsl.Adapter.toClassic(run).tell(akka.actor.Kill.getInstance(), akka.actor.ActorRef.noSender());
    probe.expectTerminated(run, Duration.ofSeconds(10));

    awaitSessionsOver();
    assertEquals("nothing left in the scratch area", List.of(), scratch());
    awaitNoSocketsTo(node.localDestination().port());
  }

  private List<String> dataFiles() throws Exception {
    if (!Files.isDirectory(dst)) return List.of();
    try (java.util.stream.Stream<Path> files = Files.list(dst)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> !n.equals(".setsync")).sorted().toList();
    }
  }

  private List<String> scratch() throws Exception {
    try (java.util.stream.Stream<Path> files = Files.list(dst.resolve(".setsync"))) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }


  /**
   * A sync that fails (here: the source cannot be listed) closes its session's connection at both
   * ends: after many such runs no socket to the endpoint is left open (CLOSE-WAIT or otherwise)
   * and the process holds no more descriptors than before.
   */
  @Test
  public void failedRunsLeaveNoSocketOpen() throws Exception {
    Path missing = src.resolve("no-such-dir");
    int port = node.localDestination().port();
    SyncRun.Request request = new SyncRun.Request(missing, node.localDestination(), dst.toString(),
        SyncOptions.DEFAULTS, null, 7L, null, null);
    node.run(request).toCompletableFuture().get(60, TimeUnit.SECONDS); // warms up pools and threads
    awaitNoSocketsTo(port);
    long fdsBefore = openDescriptors();
    for (int i = 0; i < 20; i++) {
      SyncRun.Finished failed = node.run(request).toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertEquals(2, failed.result().code());
    }
    awaitNoSocketsTo(port);
    long fdsAfter = openDescriptors();
    assertTrue("descriptors before " + fdsBefore + ", after 20 failed runs " + fdsAfter, fdsAfter <= fdsBefore + 3);
  }

  private static long openDescriptors() throws Exception {
    try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  /** Sockets of this machine to or from {@code port}, other than the listening one and those in TIME_WAIT. */
  private static List<String> socketsTo(int port) throws Exception {
    List<String> open = new ArrayList<>();
    for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      if (!Files.exists(Path.of(table))) continue;
      List<String> lines = Files.readAllLines(Path.of(table));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        int local = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
        int remote = Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16);
        String state = f[3];
        if ((local == port || remote == port) && !state.equals("0A") && !state.equals("06")) open.add(line.trim());
      }
    }
    return open;
  }

  /** Polls (every 100 ms, at most 30 s) until no socket to {@code port} is open. */
  private static void awaitNoSocketsTo(int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    List<String> open = socketsTo(port);
    while (!open.isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(open.size() + " sockets to the endpoint (port " + Integer.toHexString(port).toUpperCase() + ") still open:\n" + String.join("\n", open));
      }
      Thread.sleep(100);
      open = socketsTo(port);
    }
  }

  /** Waits (at most 20 s) until no session holds the destination root. */
  private void awaitSessionsOver() throws Exception {
    Path root = dst.toRealPath();
    akka.actor.typed.receptionist.ServiceKey<io.setsync.destination.DestinationEndpoint.Command> key =
        io.setsync.monitor.Monitor.endpointKey(node.name());
    akka.actor.typed.receptionist.Receptionist.Listing listing = akka.actor.typed.javadsl.AskPattern
        .<akka.actor.typed.receptionist.Receptionist.Command, akka.actor.typed.receptionist.Receptionist.Listing>ask(
            node.system().receptionist(), r -> akka.actor.typed.receptionist.Receptionist.find(key, r),
            Duration.ofSeconds(20), node.system().scheduler())
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
    akka.actor.typed.javadsl.AskPattern.<io.setsync.destination.DestinationEndpoint.Command, Path>ask(
            listing.getServiceInstances(key).iterator().next(),
            r -> new io.setsync.destination.DestinationEndpoint.WhenSessionsOver(root, r),
            Duration.ofSeconds(20), node.system().scheduler())
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
