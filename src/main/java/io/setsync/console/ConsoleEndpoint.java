package io.setsync.console;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import com.typesafe.config.Config;
import io.setsync.command.Caller;
import io.setsync.monitor.Monitor;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's console socket: a Unix-domain socket (setsync.console.socket) that every local account
 * may connect to. For each connection it asks the kernel who the peer is ({@code SO_PEERCRED}) and
 * starts a {@link ConsoleSession} that acts as that caller, whatever the peer writes.
 *
 * <p>Accepting, reading and writing block, so they run on this endpoint's own executor, bounded by
 * the connections it allows at once (one reader each, their writes, and the accepting thread);
 * connections beyond the limit get one error answer and are closed.
 */
public final class ConsoleEndpoint extends AbstractBehavior<ConsoleEndpoint.Command> {

  public interface Command extends io.setsync.LocalMessage {}

  /** Replies with the socket's path once it listens, or the reason it does not. */
  public record WhenBound(ActorRef<Bound> replyTo) implements Command {}

  public record Bound(Path socket, String failure) {}

  private record Accepted(SocketChannel channel) implements Command {}

  private record AcceptFailed(String why) implements Command {}

  public record Settings(Path socket, int maxConnections, ConsoleSession.Settings session) {
    public static Settings from(Config setsync, String cluster) {
      Config c = setsync.getConfig("console");
      String set = c.getString("socket").trim();
      Path socket = (set.isEmpty() ? Path.of(setsync.getString("home"), "console.sock") : Path.of(set)).toAbsolutePath();
      return new Settings(socket, c.getInt("max-connections"),
          new ConsoleSession.Settings(c.getDuration("command-timeout"), c.getInt("max-line-bytes"),
              c.getInt("statements-per-second"), c.getInt("max-queued-statements"), cluster, socket.toString(),
              c.getDuration("unavailable-journal-timeout")));
    }
  }

  public static Behavior<Command> create(Settings settings, ActorRef<Monitor.Command> monitor) {
    return Behaviors.setup(ctx -> new ConsoleEndpoint(ctx, settings, monitor));
  }

  private final Settings settings;
  private final ActorRef<Monitor.Command> monitor;
  private final ExecutorService blocking;
  private final ServerSocketChannel server;
  private final String failure;
  private long connections;

  private ConsoleEndpoint(ActorContext<Command> ctx, Settings settings, ActorRef<Monitor.Command> monitor) {
    super(ctx);
    this.settings = settings;
    this.monitor = monitor;
    this.blocking = executor(2 * settings.maxConnections() + 2);
    ServerSocketChannel bound = null;
    String why = null;
    try {
      bound = bind(settings.socket());
      ctx.getLog().info("console socket {} listening", settings.socket());
    } catch (IOException e) {
      why = "cannot listen on the console socket " + settings.socket() + " (setsync.console.socket): " + e.getMessage();
      ctx.getLog().error(why);
    }
    this.server = bound;
    this.failure = why;
    if (server != null) {
      ActorRef<Command> self = ctx.getSelf();
      blocking.execute(() -> acceptAll(server, self));
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(WhenBound.class, w -> {
          w.replyTo().tell(new Bound(settings.socket(), failure));
          return this;
        })
        .onMessage(Accepted.class, this::onAccepted)
        .onMessage(AcceptFailed.class, f -> {
          getContext().getLog().error("console socket {}: {}", settings.socket(), f.why());
          return this;
        })
        .onSignal(PostStop.class, s -> stop())
        .build();
  }

  private Behavior<Command> onAccepted(Accepted accepted) {
    SocketChannel channel = accepted.channel();
    Caller caller;
    try {
      caller = PeerCredentials.of(channel);
    } catch (IOException | RuntimeException e) {
      getContext().getLog().warn("console connection refused: the kernel did not name its peer ({})", e.getMessage());
      refuse(channel, "the node cannot tell who you are");
      return this;
    }
    if (getContext().getChildren().size() >= settings.maxConnections()) {
      getContext().getLog().warn("console connection from {} refused: {} consoles are connected (setsync.console.max-connections)",
          caller, settings.maxConnections());
      refuse(channel, "the node has " + settings.maxConnections() + " consoles connected already; try again later");
      return this;
    }
    getContext().spawn(ConsoleSession.create(channel, caller, monitor, blocking, settings.session()),
        "console-" + (++connections));
    return this;
  }

  /** One error answer, written and closed off the actor's thread. */
  private void refuse(SocketChannel channel, String why) {
    blocking.execute(() -> {
      try (channel) {
        new ChannelLines(channel, 1).writeLines(ConsoleProtocol.encode(new ConsoleProtocol.Answer(
            java.util.List.of(new ConsoleProtocol.Line(true, "error: " + why)), 2)));
      } catch (IOException ignored) {
        // the peer left already
      }
    });
  }

  private Behavior<Command> stop() {
    try {
      if (server != null) server.close();
      Files.deleteIfExists(settings.socket());
    } catch (IOException ignored) {
      // the next node replaces a socket file left behind
    }
    blocking.shutdownNow();
    return this;
  }

  /**
   * Listens on {@code socket}, replacing the file a killed node left (the node holds its home's
   * lock, so a socket file there is nobody's); the file is opened to every account, which the
   * kernel then names to the node.
   */
  static ServerSocketChannel bind(Path socket) throws IOException {
    Files.createDirectories(socket.getParent());
    if (Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      if (!isSocket(socket)) {
        throw new IOException(socket + " exists and is not a socket");
      }
      if (answers(socket)) throw new IOException("another node listens there");
      Files.delete(socket);
    }
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      server.bind(UnixDomainSocketAddress.of(socket));
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
    } catch (IOException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private static boolean isSocket(Path p) throws IOException {
    Object mode = Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
    return ((Integer) mode & 0170000) == 0140000;
  }

  private static boolean answers(Path socket) {
    try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void acceptAll(ServerSocketChannel server, ActorRef<Command> self) {
    while (server.isOpen()) {
      try {
        self.tell(new Accepted(server.accept()));
      } catch (java.nio.channels.ClosedChannelException e) {
        return; // the endpoint stopped
      } catch (IOException e) {
        self.tell(new AcceptFailed(e.getMessage()));
        try {
          Thread.sleep(Duration.ofMillis(200).toMillis()); // out of descriptors: do not spin
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  private static ExecutorService executor(int threads) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "setsync-console-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
