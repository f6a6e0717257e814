package io.setsync.bench;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The wan scenarios' link, made and removed by {@code scripts/wan-link}: network namespaces
 * {@value #SOURCE_NAMESPACE} (address {@value #SOURCE_ADDRESS}) and {@value #DESTINATION_NAMESPACE}
 * ({@value #DESTINATION_ADDRESS}) joined by a link of {@value #RTT_MILLIS} ms round-trip time and
 * {@value #RATE_MBIT} Mbit/s each way: netem where the kernel has it, else the TUN delay line. The
 * link is measured once it is up ({@link #probe}), and the figures go with the results.
 */
final class WanLink implements AutoCloseable {

  static final String NAME = "ssbw";
  static final String SOURCE_NAMESPACE = NAME + "-src";
  static final String DESTINATION_NAMESPACE = NAME + "-dst";
  static final String SOURCE_ADDRESS = "10.227.0.1";
  static final String DESTINATION_ADDRESS = "10.227.0.2";
  static final int RTT_MILLIS = 20;
  static final int RATE_MBIT = 200;

  private static final Pattern PROBE = Pattern.compile("rtt-ms=([0-9.]+) rate-mbit=([0-9.]+)");

  /** What the link is made of and what it measured. */
  record Measured(String how, double rttMillis, double rateMbit) {}

  /** Held while a bench uses the link: two benches (two checkouts) would otherwise tear down each other's. */
  private static final Path LOCK = Path.of("/run/wan-link/" + NAME + ".lock");

  private final Path script;
  private final Measured measured;
  private final FileChannel lockFile;
  private final FileLock lock;
  /** Removes the link should the bench be stopped (SIGTERM, Ctrl-C) before {@link #close}. */
  private final Thread onExit;

  private WanLink(Path script, Measured measured, FileChannel lockFile, FileLock lock) {
    this.script = script;
    this.measured = measured;
    this.lockFile = lockFile;
    this.lock = lock;
    this.onExit = new Thread(() -> {
      try {
        run(script, "down", NAME);
      } catch (IOException | InterruptedException e) {
        System.err.println("bench: scripts/wan-link down " + NAME + " failed: " + e);
      }
    }, "wan-link-down");
    Runtime.getRuntime().addShutdownHook(onExit);
  }

  /** Why this machine cannot make the link (not root, no ip or tc), or null when it can. */
  static String unavailable(Path project) throws IOException, InterruptedException {
    if (!"root".equals(System.getProperty("user.name"))) return "the wan scenarios need root (network namespaces); this is " + System.getProperty("user.name");
    Run check = run(project.resolve("scripts/wan-link"), "check");
    return check.code() == 0 ? null : check.output().strip();
  }

  /**
   * Makes the link (anything left of an earlier run goes first) and measures it. It is removed by
   * {@link #close}, or when this JVM exits before.
   */
  static WanLink up(Path project) throws IOException, InterruptedException {
    Files.createDirectories(LOCK.getParent());
    FileChannel lockFile = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = lockFile.tryLock();
    if (lock == null) {
      System.out.println("wan: another bench holds the link (" + LOCK + "); waiting for it");
      lock = lockFile.lock();
    }
    try {
      return up(project, lockFile, lock);
    } catch (IOException | InterruptedException | RuntimeException e) {
      lock.release();
      lockFile.close();
      throw e;
    }
  }

  private static WanLink up(Path project, FileChannel lockFile, FileLock lock) throws IOException, InterruptedException {
    Path script = project.resolve("scripts/wan-link");
    Run up = run(script, "up", NAME, Integer.toString(RTT_MILLIS), Integer.toString(RATE_MBIT));
    if (up.code() != 0) {
      run(script, "down", NAME);
      throw new IOException("scripts/wan-link up failed: " + up.output().strip());
    }
    String[] lines = up.output().strip().split("\n");
    String how = lines[lines.length - 1].replaceFirst("^wan-link: " + NAME + " is up: ", "");
    Run probe = run(script, "probe", NAME);
    Matcher m = PROBE.matcher(probe.output());
    if (probe.code() != 0 || !m.find()) {
      run(script, "down", NAME);
      throw new IOException("scripts/wan-link probe failed: " + probe.output().strip());
    }
    Measured measured = new Measured(how, Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)));
    // Figures from a link that is not the one asked for would compare nothing.
    if (measured.rttMillis() < RTT_MILLIS * 0.75 || measured.rttMillis() > RTT_MILLIS * 1.5 || measured.rateMbit() < RATE_MBIT * 0.5
        || measured.rateMbit() > RATE_MBIT * 1.1) {
      run(script, "down", NAME);
      throw new IOException(String.format(java.util.Locale.ROOT, "the wan link measured RTT %.1f ms and %.0f Mbit/s, not about %d ms"
          + " and %d Mbit/s (%s)", measured.rttMillis(), measured.rateMbit(), RTT_MILLIS, RATE_MBIT, how));
    }
    return new WanLink(script, measured, lockFile, lock);
  }

  Measured measured() {
    return measured;
  }

  /** Stops what runs in the namespaces, and the delay line, and removes them. */
  @Override
  public void close() throws IOException, InterruptedException {
    try {
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException exiting) {
      // the hook runs already, or has
    }
    Run down = run(script, "down", NAME);
    lock.release();
    lockFile.close();
    if (down.code() != 0) throw new IOException("scripts/wan-link down failed: " + down.output().strip());
  }

  private record Run(int code, String output) {}

  private static Run run(Path script, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(script.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(p.waitFor(), out);
  }
}
