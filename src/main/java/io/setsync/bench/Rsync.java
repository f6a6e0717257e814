package io.setsync.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An rsync daemon on loopback, serving one writable module, and the rsync client pushing to it:
 * rsync then goes through TCP like setsync does, with its delta algorithm on. For the wan
 * scenarios the daemon runs in the destination's network namespace and the client in the
 * source's, across the shaped link ({@link #startAcross}).
 */
final class Rsync implements AutoCloseable {

  static final String MODULE = "bench";
  private static final Pattern SENT = Pattern.compile("Total bytes sent: ([0-9,]+)");
  private static final Pattern RECEIVED = Pattern.compile("Total bytes received: ([0-9,]+)");

  private final Process daemon;
  private final String address;
  private final int port;
  /** What the client command is prefixed with: nothing, or ip netns exec NS. */
  private final List<String> clientPrefix;

  /** What one client run reports. */
  record Result(long bytesSent, long bytesReceived) {}

  private Rsync(Process daemon, String address, int port, List<String> clientPrefix) {
    this.daemon = daemon;
    this.address = address;
    this.port = port;
    this.clientPrefix = clientPrefix;
    // Should the bench be stopped (SIGTERM, Ctrl-C), the daemon goes with it.
    Runtime.getRuntime().addShutdownHook(new Thread(daemon::destroyForcibly, "stop-rsync-daemon"));
  }

  /** Starts a daemon on 127.0.0.1 whose module is {@code moduleDir}, as the current user. */
  static Rsync start(Path work, Path moduleDir) throws IOException, InterruptedException {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    Rsync rsync = new Rsync(daemon(work, moduleDir, List.of(), "127.0.0.1", port), "127.0.0.1", port, List.of());
    rsync.awaitListening();
    return rsync;
  }

  /**
   * Starts a daemon in network namespace {@code daemonNamespace} on {@code address:port}, whose
   * module is {@code moduleDir}; its clients run in {@code clientNamespace}. Ready once its log
   * says it listens (this namespace cannot connect to it).
   */
  static Rsync startAcross(Path work, Path moduleDir, String daemonNamespace, String address, int port, String clientNamespace)
      throws IOException, InterruptedException {
    Files.createDirectories(work);
    Rsync rsync = new Rsync(daemon(work, moduleDir, List.of("ip", "netns", "exec", daemonNamespace), address, port), address, port,
        List.of("ip", "netns", "exec", clientNamespace));
    rsync.awaitLog(work.resolve("rsyncd.log"));
    return rsync;
  }

  private static Process daemon(Path work, Path moduleDir, List<String> prefix, String address, int port) throws IOException {
    Object uid = Files.getAttribute(moduleDir, "unix:uid");
    Object gid = Files.getAttribute(moduleDir, "unix:gid");
    Path conf = work.resolve("rsyncd.conf");
    Files.writeString(conf, String.join("\n",
        "use chroot = no",
        "munge symlinks = no",
        "pid file = " + work.resolve("rsyncd.pid"),
        "[" + MODULE + "]",
        "path = " + moduleDir,
        "read only = no",
        "uid = " + uid,
        "gid = " + gid,
        ""));
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of("rsync", "--daemon", "--no-detach", "--address=" + address,
        "--port=" + port, "--config=" + conf, "--log-file=" + work.resolve("rsyncd.log")));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(work.resolve("rsyncd.out").toFile())
        .start();
  }

  /** The daemon's process (its connections are its forked children). */
  long pid() {
    return daemon.pid();
  }

  private void awaitLog(Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!daemon.isAlive()) throw new IOException("the rsync daemon exited with " + daemon.exitValue());
      if (Files.exists(log) && Files.readString(log).contains("listening on port " + port)) return;
      Thread.sleep(50); // between polls
    }
    throw new IOException("the rsync daemon did not say it listens on port " + port + " within 10 s");
  }

  private void awaitListening() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!daemon.isAlive()) throw new IOException("the rsync daemon exited with " + daemon.exitValue());
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(address, port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IOException("the rsync daemon did not listen on port " + port + " within 10 s");
  }

  /** {@code rsync -a --stats SOURCE/ rsync://ADDRESS:PORT/bench/TARGET/}. */
  Result push(Path source, String target) throws IOException, InterruptedException {
    return push(source, target, pid -> {});
  }

  /** {@link #push(Path, String)}, telling {@code started} the client's process id once it runs. */
  Result push(Path source, String target, java.util.function.LongConsumer started) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(clientPrefix);
    command.addAll(List.of("rsync", "-a", "--stats"));
    command.add(Files.isDirectory(source) ? source + "/" : source.toString());
    command.add("rsync://" + address + ":" + port + "/" + MODULE + "/" + target + (Files.isDirectory(source) ? "/" : ""));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    started.accept(p.pid());
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) throw new IOException("rsync failed (" + p.exitValue() + "): " + out);
    return new Result(number(SENT, out), number(RECEIVED, out));
  }

  private static long number(Pattern pattern, String out) {
    Matcher m = pattern.matcher(out);
    return m.find() ? Long.parseLong(m.group(1).replace(",", "")) : -1;
  }

  @Override
  public void close() throws InterruptedException {
    daemon.destroy();
    if (!daemon.waitFor(5, TimeUnit.SECONDS)) daemon.destroyForcibly().waitFor();
  }
}
