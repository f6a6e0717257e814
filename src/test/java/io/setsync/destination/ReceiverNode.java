package io.setsync.destination;


import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.setsync.node.SetSyncNode;
import io.setsync.options.SyncOptions;
import io.setsync.sync.SyncStatus;
import io.setsync.transfer.SourceSession;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Helpers for tests that run a real node and talk to its endpoint. */
public final class ReceiverNode {

  private ReceiverNode() {}

  static SetSyncNode start(Path home) throws SetSyncNode.StartException {
    Config config =
        ConfigFactory.parseMap(Map.of("setsync.home", home.toString())).withFallback(ConfigFactory.load());
    return SetSyncNode.start(config);
  }

  /**
   * Waits (at most 20 s) until every session that claimed {@code root} has ended and cleaned up:
   * before a test looks at the destination after an attack, or starts the next session there.
   */
  static void awaitSessionsOver(SetSyncNode node, Path root) throws Exception {
    Path real = root.toRealPath();
    ReceiverNode.<Path>askEndpoint(node, replyTo -> new DestinationEndpoint.WhenSessionsOver(real, replyTo));
  }

  /** Waits (at most 20 s) until the node's endpoint holds no data connection open. */
  static void awaitNoConnections(SetSyncNode node) throws Exception {
    ReceiverNode.<Integer>askEndpoint(node, replyTo -> new DestinationEndpoint.WhenConnectionsAtMost(0, replyTo));
  }

  /** Waits (at most 20 s) until a sweep of open areas that began after this call has swept {@code root}. */
  static void awaitSweep(SetSyncNode node, Path root) throws Exception {
    Path real = root.toRealPath();
    ReceiverNode.<Path>askEndpoint(node, replyTo -> new DestinationEndpoint.WhenSwept(real, replyTo));
  }

  private static <T> void askEndpoint(
      SetSyncNode node,
      akka.japi.function.Function<akka.actor.typed.ActorRef<T>, DestinationEndpoint.Command> question)
      throws Exception {
    akka.actor.typed.ActorSystem<?> system = node.system();
    java.time.Duration deadline = java.time.Duration.ofSeconds(20);
    akka.actor.typed.receptionist.ServiceKey<DestinationEndpoint.Command> key =
        io.setsync.monitor.Monitor.endpointKey(node.name());
    akka.actor.typed.receptionist.Receptionist.Listing listing = akka.actor.typed.javadsl.AskPattern
        .<akka.actor.typed.receptionist.Receptionist.Command, akka.actor.typed.receptionist.Receptionist.Listing>ask(
            system.receptionist(), replyTo -> akka.actor.typed.receptionist.Receptionist.find(key, replyTo),
            deadline, system.scheduler())
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
    akka.actor.typed.ActorRef<DestinationEndpoint.Command> endpoint =
        listing.getServiceInstances(key).iterator().next();
    akka.actor.typed.javadsl.AskPattern.<DestinationEndpoint.Command, T>ask(
            endpoint, question, deadline, system.scheduler())
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /**
   * A ticket from {@code node}'s endpoint for one session to {@code root} with {@code options},
   * asked for as a source on the node asks (every endpoint the receptionist lists; the one at the
   * node's data address answers).
   */
  static String ticket(SetSyncNode node, String root, String options) throws Exception {
    akka.actor.typed.ActorSystem<?> system = node.system();
    java.time.Duration deadline = java.time.Duration.ofSeconds(20);
    akka.actor.typed.receptionist.Receptionist.Listing listing = akka.actor.typed.javadsl.AskPattern
        .<akka.actor.typed.receptionist.Receptionist.Command, akka.actor.typed.receptionist.Receptionist.Listing>ask(
            system.receptionist(),
            replyTo -> akka.actor.typed.receptionist.Receptionist.find(DestinationEndpoint.TICKETS, replyTo),
            deadline, system.scheduler())
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
    InetSocketAddress at = node.endpoint();
    List<String> refusals = new ArrayList<>();
    for (akka.actor.typed.ActorRef<DestinationEndpoint.Command> endpoint
        : listing.getServiceInstances(DestinationEndpoint.TICKETS)) {
      DestinationEndpoint.Ticket ticket = akka.actor.typed.javadsl.AskPattern
          .<DestinationEndpoint.Command, DestinationEndpoint.Ticket>ask(endpoint,
              replyTo -> new DestinationEndpoint.IssueTicket(root, "tester", io.setsync.fs.SyncAccount.process(), options, at.getHostString(), at.getPort(),
                  replyTo),
              deadline, system.scheduler())
          .toCompletableFuture().get(20, TimeUnit.SECONDS);
      if (ticket.token() != null) return ticket.token();
      refusals.add(ticket.refusal());
    }
    throw new AssertionError("no ticket for " + root + ": " + refusals);
  }

  /** Waits (at most 20 s) until {@code dir} holds a file whose name starts with {@code prefix}. */
  static void awaitFileNamed(Path dir, String prefix) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    java.nio.file.WatchService watch = dir.getFileSystem().newWatchService();
    try (watch) {
      dir.register(watch, java.nio.file.StandardWatchEventKinds.ENTRY_CREATE);
      while (!holdsFileNamed(dir, prefix)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new AssertionError("no file " + prefix + "* appeared in " + dir + " within 20 s");
        java.nio.file.WatchKey key = watch.poll(left, TimeUnit.NANOSECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
      }
    }
  }

  private static boolean holdsFileNamed(Path dir, String prefix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.anyMatch(p -> p.getFileName().toString().startsWith(prefix));
    }
  }

  /** A small real source tree. */
  public static Path sourceTree(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("hello.txt"), "hello from the source\n");
    Files.writeString(dir.resolve("sub/inner.txt"), "inner\n");
    return dir;
  }

  /** Notices a session saw, for failure messages. */
  public static final class Recorder implements SourceSession.Observer {
    public final List<io.setsync.sync.SyncNotice> notices = new ArrayList<>();

    @Override
    public synchronized void notice(io.setsync.sync.SyncNotice notice) {
      notices.add(notice);
    }

    @Override
    public void progress(long entriesListed, long filesSent, long bytesSent) {}
  }

  static SourceSession.Outcome synchronize(SetSyncNode node, Path source, Path dest) throws Exception {
    InetSocketAddress at = node.endpoint();
    Recorder recorder = new Recorder();
    return node.synchronize(
            new SourceSession.Request(source, at.getHostString(), at.getPort(), dest.toString(), SyncOptions.DEFAULTS),
            recorder)
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }

  /**
   * Once every earlier session to {@code dest} is over, a normal session from {@code source} to
   * it succeeds with status OK, leaves the source files in place and an empty scratch area.
   */
  static void assertGoodSession(SetSyncNode node, Path source, Path dest) throws Exception {
    awaitSessionsOver(node, dest);
    SourceSession.Outcome outcome = synchronize(node, source, dest);
    assertNull("good session after the attack failed: " + outcome.failure(), outcome.failure());
    assertEquals("status of the good session: " + outcome, SyncStatus.OK, outcome.status());
    assertEquals("hello from the source\n", Files.readString(dest.resolve("hello.txt")));
    assertEquals("inner\n", Files.readString(dest.resolve("sub/inner.txt")));
    try (Stream<Path> scratch = Files.list(dest.resolve(".setsync"))) {
      assertEquals("scratch area after a good session", List.of(), scratch.map(Path::toString).toList());
    }
  }

  /**
   * Everything under {@code base} except {@code excluded} subtrees: type, size, content digest,
   * link target and (for files) mtime. Directory mtimes are left out: creating the scratch area
   * touches the root's.
   */
  static Map<String, String> snapshot(Path base, Path... excluded) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(base)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        boolean skip = false;
        for (Path ex : excluded) skip |= p.startsWith(ex);
        if (skip) continue;
        out.put(base.relativize(p).toString(), describe(p));
      }
    }
    return out;
  }

  static String describe(Path p) throws IOException {
    if (Files.isSymbolicLink(p)) return "link -> " + Files.readSymbolicLink(p);
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) return "dir";
    if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      return "file " + Files.size(p) + " " + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS)
          + " " + digest(Files.readAllBytes(p));
    }
    return "other";
  }

  static String digest(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static void assertSameTree(String what, Map<String, String> before, Map<String, String> after) {
    assertSameTree(what, before, after, Set.of());
  }

  /**
   * Compares two snapshots and names the differences; {@code allowedNew} are paths (relative to
   * the snapshot base) that may have appeared, as directories.
   */
  static void assertSameTree(
      String what, Map<String, String> before, Map<String, String> after, Set<String> allowedNew) {
    List<String> diff = new ArrayList<>();
    for (Map.Entry<String, String> e : before.entrySet()) {
      String now = after.get(e.getKey());
      if (now == null) diff.add("removed " + e.getKey());
      else if (!now.equals(e.getValue())) diff.add("changed " + e.getKey() + ": " + e.getValue() + " -> " + now);
    }
    for (Map.Entry<String, String> e : after.entrySet()) {
      if (!before.containsKey(e.getKey())
          && !(allowedNew.contains(e.getKey()) && e.getValue().equals("dir"))) {
        diff.add("new " + e.getKey() + " (" + e.getValue() + ")");
      }
    }
    assertEquals(what, List.of(), diff);
  }
}
