package io.setsync.sync;

import io.setsync.fs.Confinement;
import io.setsync.fs.FsIdentity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs a TRIGGER command after a synchronization that copied or purged something, the way
 * AutoSYNC's TRIGGER did: through {@code /bin/sh -c}, with what the sync did available to it, its
 * output captured for the sync log, and a time limit.
 *
 * <p>What the command gets:
 *
 * <ul>
 *   <li>arguments {@code $1} copied count, {@code $2} purged count, {@code $3} source, {@code $4}
 *       destination ({@code $0} is "setsync-trigger");
 *   <li>environment SETSYNC_SOURCE, SETSYNC_DESTINATION, SETSYNC_STATUS (ok, warnings, errors),
 *       SETSYNC_COPIED, SETSYNC_PURGED, SETSYNC_SKIPPED, SETSYNC_ERRORS, SETSYNC_BYTES,
 *       SETSYNC_SCANNED (counts), and SETSYNC_COPIED_LIST / SETSYNC_PURGED_LIST: files with the
 *       relative paths copied / purged, one per line (a path holding a line break is written with
 *       it as {@code \n}, a backslash as {@code \\}), deleted when the command ends.
 * </ul>
 *
 * <p>The working directory is the source directory when it exists. Standard input is empty;
 * standard output and error are captured together, up to a bound; the rest is counted and
 * dropped. When the time limit passes, the command and every process it started are killed.
 */
public final class Trigger {

  /** Output kept for the log; a trigger that prints more is cut. */
  public static final int DEFAULT_OUTPUT_LIMIT = 64 * 1024;

  /** How long a trigger may run. */
  public static final Duration DEFAULT_TIME_LIMIT = Duration.ofMinutes(10);

  /** How long to wait for output after the command ended (a background child may hold it). */
  private static final long OUTPUT_GRACE_MILLIS = 2000;

  /**
   * What the sync did, for the command.
   *
   * @param source the source directory
   * @param destination the destination as the user gave it ([node:]path)
   * @param status the sync's completion
   * @param counts its counts
   * @param copied relative paths copied (may be fewer than counts.copied() if not collected)
   * @param purged relative paths purged
   */
  public record Facts(
      String source,
      String destination,
      SyncStatus status,
      SyncCounts counts,
      List<String> copied,
      List<String> purged) {
    public Facts {
      copied = List.copyOf(copied);
      purged = List.copyOf(purged);
    }

    /** AutoSYNC runs the trigger only when something was replaced or purged. */
    public boolean changedSomething() {
      return counts.copied() > 0 || counts.purged() > 0;
    }
  }

  /**
   * How the command ended.
   *
   * @param exitCode its exit status; -1 when it was killed at the time limit or could not start
   * @param timedOut whether the time limit killed it
   * @param output standard output and error, decoded as UTF-8, at most the output limit
   * @param droppedBytes output beyond the limit, not kept
   * @param failure why it could not be started, or null
   */
  public record Result(
      int exitCode, boolean timedOut, String output, long droppedBytes, String failure) {
    public boolean succeeded() {
      return failure == null && !timedOut && exitCode == 0;
    }

    /** One line for the log: "trigger exit 0", "trigger killed after 5s", ... */
    public String summary(Duration limit) {
      if (failure != null) return "trigger could not start: " + failure;
      if (timedOut) return "trigger killed after the time limit of " + limit.toSeconds() + " s";
      return "trigger exit " + exitCode;
    }
  }

  private final String command;
  private final Duration timeLimit;
  private final int outputLimit;
  /** Whom the command runs as; null: the node's own account. */
  private final FsIdentity runAs;

  /**
   * @param command the shell command line
   * @param timeLimit how long it may run before it and its children are killed
   * @param outputLimit how many bytes of output to keep
   */
  public Trigger(String command, Duration timeLimit, int outputLimit) {
    this(command, timeLimit, outputLimit, null);
  }

  private Trigger(String command, Duration timeLimit, int outputLimit, FsIdentity runAs) {
    if (command == null || command.isBlank()) throw new IllegalArgumentException("empty trigger command");
    if (timeLimit.isNegative() || timeLimit.isZero()) throw new IllegalArgumentException("time limit must be positive");
    this.command = command;
    this.timeLimit = timeLimit;
    this.outputLimit = outputLimit;
    this.runAs = runAs;
  }

  /**
   * This trigger run as {@code who}: the command through {@code setpriv} with the account's uid, gid
   * and groups (root's capabilities go with the uid), its environment the trigger's own plus the
   * account's name, and its path lists written as the account so that it can read them.
   */
  public Trigger runningAs(FsIdentity who) {
    return new Trigger(command, timeLimit, outputLimit, who.sameCredentials(FsIdentity.process()) ? null : who);
  }

  /** The command line to start: the shell, behind setpriv when it runs as another account. */
  List<String> commandLine(Facts facts) {
    List<String> line = new ArrayList<>();
    if (runAs != null) {
      line.add("setpriv");
      line.add("--reuid=" + runAs.uid());
      line.add("--regid=" + runAs.gid());
      int[] groups = runAs.groups();
      line.add(groups.length == 0 ? "--clear-groups"
          : "--groups=" + java.util.Arrays.stream(groups).mapToObj(Integer::toString).collect(Collectors.joining(",")));
      line.add("--");
    }
    line.addAll(List.of("/bin/sh", "-c", command, "setsync-trigger", Long.toString(facts.counts().copied()),
        Long.toString(facts.counts().purged()), facts.source(), facts.destination()));
    return line;
  }

  /** The time limit: system property setsync.trigger-time-limit (e.g. 30s), else 10 minutes. */
  public static Duration configuredTimeLimit() {
    String text = System.getProperty("setsync.trigger-time-limit");
    return text == null ? DEFAULT_TIME_LIMIT : io.setsync.options.Durations.parse(text);
  }

  public Duration timeLimit() {
    return timeLimit;
  }

  /** Runs the command for {@code facts} and waits for it (at most the time limit plus a grace). */
  public Result run(Facts facts) throws InterruptedException {
    Path copiedList = null;
    Path purgedList = null;
    try {
      Path temp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
      if (runAs != null) temp = Confinement.confine(temp, runAs, List.of());
      copiedList = pathList(temp, "setsync-copied-", facts.copied());
      purgedList = pathList(temp, "setsync-purged-", facts.purged());
      ProcessBuilder pb = new ProcessBuilder(commandLine(facts));
      Map<String, String> env = pb.environment();
      if (runAs != null) {
        // The node's home and secrets in its environment are not the account's to see.
        env.remove("HOME");
        env.put("USER", runAs.account());
        env.put("LOGNAME", runAs.account());
      }
      SyncCounts c = facts.counts();
      env.put("SETSYNC_SOURCE", facts.source());
      env.put("SETSYNC_DESTINATION", facts.destination());
      env.put("SETSYNC_STATUS", facts.status().label);
      env.put("SETSYNC_COPIED", Long.toString(c.copied()));
      env.put("SETSYNC_PURGED", Long.toString(c.purged()));
      env.put("SETSYNC_SKIPPED", Long.toString(c.skipped()));
      env.put("SETSYNC_ERRORS", Long.toString(c.errors()));
      env.put("SETSYNC_BYTES", Long.toString(c.bytes()));
      env.put("SETSYNC_SCANNED", Long.toString(c.scanned()));
      env.put("SETSYNC_COPIED_LIST", copiedList.toString());
      env.put("SETSYNC_PURGED_LIST", purgedList.toString());
      Path dir = Path.of(facts.source());
      if (Files.isDirectory(dir)) pb.directory(dir.toFile());
      pb.redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      Process process;
      try {
        process = pb.start();
      } catch (IOException e) {
        return new Result(-1, false, "", 0, e.getMessage());
      }
      return await(process);
    } catch (IOException e) {
      return new Result(-1, false, "", 0, "cannot write the path lists: " + e.getMessage());
    } finally {
      deleteQuietly(copiedList);
      deleteQuietly(purgedList);
    }
  }

  private Result await(Process process) throws InterruptedException {
    BoundedSink sink = new BoundedSink(outputLimit);
    Thread reader = new Thread(() -> sink.drain(process.getInputStream()), "trigger-output");
    reader.setDaemon(true);
    reader.start();
    boolean finished;
    try {
      finished = process.waitFor(timeLimit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      killTree(process);
      throw e;
    }
    if (!finished) killTree(process);
    reader.join(OUTPUT_GRACE_MILLIS);
    int exit = finished ? process.exitValue() : -1;
    return new Result(exit, !finished, sink.text(), sink.dropped(), null);
  }

  /** Kills the command and all its descendants (gathered first: a killed parent orphans them). */
  private static void killTree(Process process) throws InterruptedException {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    process.destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
    process.waitFor(5, TimeUnit.SECONDS);
  }

  private static Path pathList(Path dir, String prefix, List<String> paths) throws IOException {
    Path file = Files.createTempFile(dir, prefix, ".txt");
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (String p : paths) {
        w.write(p.replace("\\", "\\\\").replace("\n", "\\n"));
        w.write('\n');
      }
    } catch (IOException | UncheckedIOException e) {
      deleteQuietly(file);
      throw e;
    }
    return file;
  }

  private static void deleteQuietly(Path file) {
    if (file == null) return;
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a temp file left behind is harmless
    }
  }

  /** Keeps the first {@code limit} bytes of a stream and counts the rest. */
  private static final class BoundedSink {
    private final int limit;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long dropped;

    BoundedSink(int limit) {
      this.limit = limit;
    }

    void drain(InputStream in) {
      byte[] buf = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(buf)) > 0) {
          synchronized (this) {
            int keep = Math.max(0, Math.min(n, limit - kept.size()));
            kept.write(buf, 0, keep);
            dropped += n - keep;
          }
        }
      } catch (IOException e) {
        // the process went away; what was read is kept
      }
    }

    synchronized String text() {
      return kept.toString(StandardCharsets.UTF_8);
    }

    synchronized long dropped() {
      return dropped;
    }
  }
}
