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
 * rsync then goes through TCP like setsync does, with its delta algorithm on.
 */
final class Rsync implements AutoCloseable {

  static final String MODULE = "bench";
  private static final Pattern SENT = Pattern.compile("Total bytes sent: ([0-9,]+)");
  private static final Pattern RECEIVED = Pattern.compile("Total bytes received: ([0-9,]+)");

  private final Process daemon;
  private final int port;

  /** What one client run reports. */
  record Result(long bytesSent, long bytesReceived) {}

  private Rsync(Process daemon, int port) {
    this.daemon = daemon;
    this.port = port;
  }

  /** Starts a daemon whose module is {@code moduleDir}, as the current user. */
  static Rsync start(Path work, Path moduleDir) throws IOException, InterruptedException {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
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
    Process daemon = new ProcessBuilder("rsync", "--daemon", "--no-detach", "--address=127.0.0.1",
        "--port=" + port, "--config=" + conf, "--log-file=" + work.resolve("rsyncd.log"))
        .redirectErrorStream(true)
        .redirectOutput(work.resolve("rsyncd.out").toFile())
        .start();
    Rsync rsync = new Rsync(daemon, port);
    rsync.awaitListening();
    return rsync;
  }

  private void awaitListening() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!daemon.isAlive()) throw new IOException("the rsync daemon exited with " + daemon.exitValue());
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IOException("the rsync daemon did not listen on port " + port + " within 10 s");
  }

  /** {@code rsync -a --stats SOURCE/ rsync://127.0.0.1:PORT/bench/TARGET/}. */
  Result push(Path source, String target) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("rsync", "-a", "--stats"));
    command.add(Files.isDirectory(source) ? source + "/" : source.toString());
    command.add("rsync://127.0.0.1:" + port + "/" + MODULE + "/" + target + (Files.isDirectory(source) ? "/" : ""));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
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
