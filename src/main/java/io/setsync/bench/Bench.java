package io.setsync.bench;

import static io.setsync.bench.Shell.exec;
import static io.setsync.bench.Shell.say;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import io.setsync.node.SetSyncNode;
import io.setsync.options.SyncOptions;
import io.setsync.schedule.SyncRun;
import io.setsync.transfer.SourceSession;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code scripts/bench [--quick] [--scale] [--dir DIR] [--disk-dir DIR] [--json FILE] [--only SCENARIO,...]}:
 * times setsync against rsync (and the tar-pipe and cp floors) on the same data in the same run,
 * several rounds, alternating which tool goes first, and reports medians. small-initial and
 * big-initial also time a TLS variant (SCENARIO-tls): the same sync through a second node with TLS
 * on. The wan scenarios ({@link WanSmall}) run across a shaped link between two network namespaces,
 * with node processes of their own; scale-1m ({@link ScaleMillion}, with --scale only) in a node
 * process of its own, so that its peak RSS is its own.
 *
 * <p>This JVM is the setsync node: it is started once, and only {@code synchronize} is timed, as
 * a scheduled sync in a running node would be. Source and destination sides both live in it (a
 * sync to its own endpoint over loopback TCP), so the heap figure covers both. rsync runs as a
 * client pushing to an rsync daemon on loopback, so both tools go through TCP.
 */
public final class Bench {

  private static final String SETSYNC = "setsync";
  private static final String RSYNC = "rsync";
  /** setsync through a second node with TLS on (mutual authentication on the session and the lane). */
  private static final String SETSYNC_TLS = "setsync-tls";
  /** The scenarios that have a TLS variant, named SCENARIO-tls; it is timed in the same rounds. */
  private static final List<String> WITH_TLS = List.of("small-initial", "big-initial");
  private static final String TLS_SUFFIX = "-tls";

  /** Scenario name → target ratio, in report order. */
  private static final Map<String, Double> TARGETS = new LinkedHashMap<>();

  static {
    TARGETS.put("small-initial", 0.8);
    TARGETS.put("big-initial", 0.6);
    TARGETS.put("noop-10k", 1.0);
    TARGETS.put("noop-100k", 0.7);
    TARGETS.put("small-1pct", 1.0);
    TARGETS.put("big-delta", 1.0);
    TARGETS.put(DiskSmall.NAME, DiskSmall.TARGET);
    for (String wan : WanSmall.NAMES) TARGETS.put(wan, WanSmall.TARGET);
  }

  /** The scenarios of the main rounds (each round runs them all, in one node in this JVM). */
  private static final List<String> MAIN = List.of("small-initial", "big-initial", "noop-10k", "noop-100k", "small-1pct", "big-delta");

  private final Scale scale;
  private final Path base;
  /** Where disk-small puts its data: a real disk, not tmpfs. */
  private final Path diskDir;
  private final Path src;
  private final Path dst;
  private final DataSets data = new DataSets();
  private final Map<String, Map<String, Samples>> times = new LinkedHashMap<>();
  private final Samples tarPipe = new Samples();
  private final Samples cp = new Samples();
  private final Map<String, List<Long>> bigDeltaBytes = new LinkedHashMap<>();
  private final List<Long> heapPeaks = new ArrayList<>();
  private long smallBytes;
  private long manyBytes;
  private SetSyncNode node;
  /** The TLS variants' node; null when none of them is selected. */
  private SetSyncNode tlsNode;
  private boolean warmUp;
  private Rsync rsync;
  private CliStart.Result cliNoop;
  /** The file-system type disk-small ran on; null when it did not run. */
  private String diskStore;
  /** The wan link as measured; null when the wan scenarios did not run. */
  private WanLink.Measured wanLink;
  /** Why the wan scenarios were skipped; null when they ran or were not selected. */
  private String wanSkipped;
  /** scale-1m's figures; null when it did not run (it runs with --scale only). */
  private ScaleMillion.Result scaleMillion;

  private Bench(Scale scale, Path base, Path diskDir) {
    this.scale = scale;
    this.base = base;
    this.diskDir = diskDir;
    this.src = base.resolve("src");
    this.dst = base.resolve("dst");
    for (String scenario : TARGETS.keySet()) {
      Map<String, Samples> perTool = new LinkedHashMap<>();
      perTool.put(SETSYNC, new Samples());
      perTool.put(RSYNC, new Samples());
      if (WITH_TLS.contains(scenario)) perTool.put(SETSYNC_TLS, new Samples());
      times.put(scenario, perTool);
    }
    bigDeltaBytes.put(SETSYNC, new ArrayList<>());
    bigDeltaBytes.put(RSYNC, new ArrayList<>());
  }

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    Path dir = null;
    Path json = null;
    Path diskDir = DiskSmall.defaultDir();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--dir" -> dir = Paths.get(value(args, ++i, "--dir"));
        case "--json" -> json = Paths.get(value(args, ++i, "--json"));
        case "--disk-dir" -> diskDir = Paths.get(value(args, ++i, "--disk-dir"));
        case "--only" -> System.setProperty("bench.only", value(args, ++i, "--only"));
        case "--scale" -> System.setProperty("bench.scale", "true");
        default -> usage("unknown argument " + args[i]);
      }
    }
    String only = System.getProperty("bench.only");
    if (only != null) {
      for (String name : only.split(",")) {
        if (!scenarioNames().contains(name)) usage("--only: no scenario " + name + " (there are " + String.join(", ", scenarioNames()) + ")");
      }
      if (List.of(only.split(",")).contains(ScaleMillion.NAME) && !Boolean.getBoolean("bench.scale")) {
        usage("--only " + ScaleMillion.NAME + " runs with --scale only (it builds " + Scale.full().scaleFiles() + " files, "
            + Scale.quick().scaleFiles() + " with --quick)");
      }
    }
    if (dir == null) {
      Path shm = Paths.get("/dev/shm");
      dir = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Paths.get(System.getProperty("java.io.tmpdir"));
    }
    if (!Files.isDirectory(dir)) usage("--dir " + dir + " is not a directory");
    if (!Files.isDirectory(diskDir)) usage("--disk-dir " + diskDir + " is not a directory");
    Path base = Files.createTempDirectory(dir.toAbsolutePath(), "setsync-bench-");
    Bench bench = new Bench(quick ? Scale.quick() : Scale.full(), base, diskDir.toAbsolutePath());
    // Stopped (SIGTERM, Ctrl-C), the bench leaves no data sets behind in memory (tmpfs).
    Thread removeData = new Thread(() -> {
      try {
        exec("rm", "-rf", base.toString());
      } catch (IOException | InterruptedException e) {
        System.err.println("bench: cannot remove " + base + ": " + e);
      }
    }, "remove-data");
    Runtime.getRuntime().addShutdownHook(removeData);
    try {
      bench.run();
      bench.print();
      if (json != null) bench.writeJson(json.toAbsolutePath());
    } finally {
      bench.close();
      exec("rm", "-rf", base.toString());
    }
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) usage(option + " needs a value");
    return args[i];
  }

  private static void usage(String problem) {
    System.err.println("bench: " + problem);
    System.err.println("usage: scripts/bench [--quick] [--scale] [--dir DIR] [--disk-dir DIR] [--json FILE] [--only SCENARIO,...]");
    System.exit(2);
  }

  private void run() throws Exception {
    String store = Files.getFileStore(base).type();
    say("data under %s (%s%s)", base, store, "tmpfs".equals(store) ? ": memory, so the software is measured, not a disk" : ": NOT tmpfs, a disk is measured too");
    say("scale %s: small %d files in %d dirs, big %d MiB, many %d files, %d rounds, %d cores",
        scale.name(), scale.smallFiles(), scale.smallDirectories(), scale.bigBytes() >> 20, scale.manyFiles(),
        scale.rounds(), Runtime.getRuntime().availableProcessors());
    long t0 = System.nanoTime();
    smallBytes = data.createSmall(src.resolve("small"), scale.smallFiles(), scale.smallDirectories());
    // Only the main rounds use the big file: a selection without them skips it.
    boolean main = MAIN.stream().anyMatch(Bench::selected);
    if (main) data.createBig(src.resolve("big").resolve("big.bin"), scale.bigBytes());
    Files.createDirectories(dst);
    // Only noop-100k uses the large tree, the slowest to build: a selection without it skips it.
    if (selected("noop-100k")) {
      manyBytes = data.createMany(src.resolve("many"), scale.manyFiles(), scale.manyDirectories());
      // The no-op scan of the large tree starts from identical copies (cp -a keeps mtimes and modes).
      exec("cp", "-a", src.resolve("many").toString(), dst.resolve("setsync-many").toString());
      exec("cp", "-a", src.resolve("many").toString(), dst.resolve("rsync-many").toString());
    }
    say("data sets built in %.1f s (small %d MiB, many %d MiB)", (System.nanoTime() - t0) / 1e9,
        smallBytes >> 20, manyBytes >> 20);

    Path launcher = Paths.get(System.getProperty("setsync.launcher", "scripts/setsync")).toAbsolutePath();
    if (selected("cli-noop")) {
      say("cli-noop: %s sync as a whole process, no-op on %d files, against a java hello-world and rsync -a",
          launcher, CliStart.FILES);
      // A data set of its own: the shared one's list of small files feeds small-1pct.
      cliNoop = CliStart.measure(Files.createDirectories(base.resolve("cli")), launcher, new DataSets(), scale.rounds());
    }

    rsync = Rsync.start(base, dst);
    node = SetSyncNode.start(ConfigFactory.parseMap(Map.of(
            "setsync.home", base.resolve("home").toString(),
            "akka.loglevel", "WARNING"))
        .withFallback(ConfigFactory.load()));
    if (WITH_TLS.stream().anyMatch(Bench::tlsSelected)) {
      tlsNode = TlsNode.start(launcher.getParent().getParent(), Files.createDirectories(base.resolve("tls")));
      say("the TLS variants (%s) sync through a second node in this JVM with conf/cluster-tls.conf (TLS 1.2,"
          + " mutual authentication, session and content lane) and a certificate from scripts/certs",
          String.join(", ", WITH_TLS.stream().filter(Bench::tlsSelected).map(s -> s + TLS_SUFFIX).toList()));
    }
    if (main) mainRounds();
    if (selected(DiskSmall.NAME)) diskSmall();
    if (WanSmall.NAMES.stream().anyMatch(Bench::selected)) wanSmall(launcher);
    if (selected(ScaleMillion.NAME)) {
      scaleMillion = ScaleMillion.measure(launcher, Files.createDirectories(base.resolve("scale")), src.resolve("scale"), dst, rsync,
          new DataSets(), scale.scaleFiles(), scale.warmUpRounds(), scale.rounds(), SETSYNC, RSYNC);
    }
  }

  private void mainRounds() throws Exception {
    say("setsync is timed inside this running node (JVM start-up excluded; -Xmx %d MiB; %d untimed warm-up rounds first); rsync pushes to an rsync daemon on 127.0.0.1",
        Runtime.getRuntime().maxMemory() >> 20, scale.warmUpRounds());
    // The first rounds warm up and are not counted: a scheduled sync runs in a node that has been
    // up for a while, whose JIT has compiled the data path (it takes a few syncs of each kind).
    for (int round = 1 - scale.warmUpRounds(); round <= scale.rounds(); round++) {
      warmUp = round <= 0;
      long roundStart = System.nanoTime();
      List<String> order = round % 2 == 1 ? List.of(SETSYNC, RSYNC) : List.of(RSYNC, SETSYNC);
      List<String> initialOrder = withTls(round);
      for (String tool : initialOrder) {
        wipe(tool + "-small");
        time("small-initial", tool, "small", tool + "-small");
        if (selected("noop-10k") || selected("small-1pct")) seed("small-initial", tool, "small", tool + "-small");
      }
      // Its copy is not used again; tmpfs is memory.
      wipe(SETSYNC_TLS + "-small");
      wipe("tar-small");
      Files.createDirectories(dst.resolve("tar-small"));
      double tar = timed(() -> exec("bash", "-c", "tar -C '" + src.resolve("small") + "' -cf - . | tar -C '"
          + dst.resolve("tar-small") + "' -xf -"));
      if (!warmUp) tarPipe.add(tar);
      for (String tool : order) time("noop-10k", tool, "small", tool + "-small");
      data.changeSmall(1.0, System.currentTimeMillis());
      for (String tool : order) time("small-1pct", tool, "small", tool + "-small");

      for (String tool : initialOrder) {
        wipe(tool + "-big");
        time("big-initial", tool, "big", tool + "-big");
        if (selected("big-delta")) seed("big-initial", tool, "big", tool + "-big");
      }
      wipe(SETSYNC_TLS + "-big");
      wipe("cp-big");
      Files.createDirectories(dst.resolve("cp-big"));
      double copy = timed(() -> exec("cp", src.resolve("big").resolve("big.bin").toString(), dst.resolve("cp-big").toString()));
      if (!warmUp) cp.add(copy);
      data.changeMiddle(src.resolve("big").resolve("big.bin"), Scale.DELTA_BYTES, System.currentTimeMillis());
      for (String tool : order) time("big-delta", tool, "big", tool + "-big");

      for (String tool : order) time("noop-100k", tool, "many", tool + "-many");
      say(warmUp ? "warm-up round done in %3$.1f s (not counted)" : "round %d/%d done in %.1f s", round, scale.rounds(), (System.nanoTime() - roundStart) / 1e9);
    }
  }

  /**
   * The wan scenarios, after the others: across a shaped link between two network namespaces,
   * which needs root; where it cannot be made, one line says why and they are reported as skipped.
   */
  private void wanSmall(Path launcher) throws Exception {
    Path project = launcher.getParent().getParent();
    wanSkipped = WanLink.unavailable(project);
    if (wanSkipped != null) {
      say("%s skipped: %s", String.join(", ", WanSmall.NAMES), wanSkipped);
      return;
    }
    say("wan: the small data set (%d files) across a link of %d ms RTT and %d Mbit/s between two network namespaces",
        scale.smallFiles(), WanLink.RTT_MILLIS, WanLink.RATE_MBIT);
    wanLink = WanSmall.measure(project, launcher, Files.createDirectories(base.resolve("wan")), src.resolve("small"), dst, data,
        scale.warmUpRounds(), scale.rounds(), times, SETSYNC, RSYNC);
  }

  /** Its own rounds, after the others: its data and its rsync daemon are on the disk. */
  private void diskSmall() throws Exception {
    Path dir = Files.createTempDirectory(diskDir, "setsync-bench-disk-");
    try {
      String store = Files.getFileStore(dir).type();
      say("disk-small: %d files of 1-64 KiB under %s (%s%s), each tool's time including a final sync", scale.diskFiles(),
          dir, store, "tmpfs".equals(store) ? ": tmpfs, NOT a disk; give --disk-dir" : "");
      DiskSmall.measure(dir, scale.diskFiles(), (source, target) -> setsync(source, target), scale.warmUpRounds(),
          scale.rounds(), times.get(DiskSmall.NAME).get(SETSYNC), times.get(DiskSmall.NAME).get(RSYNC));
      diskStore = store;
    } finally {
      exec("rm", "-rf", dir.toString());
    }
  }

  /**
   * -Dbench.only=a,b (or --only a,b) runs only those scenarios, to profile or compare some. A TLS
   * variant (SCENARIO-tls) brings its plaintext scenario along: its figure is a ratio to it. Either
   * wan scenario brings the other (wan-small-1pct syncs the copy wan-small-initial makes).
   */
  private static boolean selected(String scenario) {
    String only = System.getProperty("bench.only");
    if (only == null) return !scenario.equals(ScaleMillion.NAME) || Boolean.getBoolean("bench.scale");
    List<String> names = List.of(only.split(","));
    if (WanSmall.NAMES.contains(scenario)) return WanSmall.NAMES.stream().anyMatch(names::contains);
    return names.contains(scenario) || names.contains(scenario + TLS_SUFFIX);
  }

  /** Every name --only takes. */
  private static List<String> scenarioNames() {
    List<String> names = new ArrayList<>(TARGETS.keySet());
    WITH_TLS.forEach(s -> names.add(s + TLS_SUFFIX));
    names.add("cli-noop");
    names.add(ScaleMillion.NAME);
    return names;
  }

  /** Whether the TLS variant of {@code scenario} runs. */
  private static boolean tlsSelected(String scenario) {
    String only = System.getProperty("bench.only");
    return WITH_TLS.contains(scenario) && (only == null || List.of(only.split(",")).contains(scenario + TLS_SUFFIX));
  }

  /**
   * The tools of the scenarios with a TLS variant, in round {@code round}'s order: each of the three
   * goes first, second and third in turn, so that none always runs on a warmer (or a colder) cache.
   */
  private List<String> withTls(int round) {
    List<String> tools = new ArrayList<>(List.of(SETSYNC, SETSYNC_TLS, RSYNC));
    if (tlsNode == null) tools.remove(SETSYNC_TLS);
    java.util.Collections.rotate(tools, Math.floorMod(round, tools.size()));
    return tools;
  }

  private interface Action {
    void run() throws Exception;
  }

  private static double timed(Action action) throws Exception {
    long start = System.nanoTime();
    action.run();
    return (System.nanoTime() - start) / 1e9;
  }

  private void time(String scenario, String tool, String source, String target) throws Exception {
    if (!selected(scenario)) return;
    if (tool.equals(SETSYNC_TLS) && !tlsSelected(scenario)) return;
    boolean heap = scenario.equals("noop-100k") && tool.equals(SETSYNC);
    if (heap) resetHeapPeaks();
    long[] sent = new long[1];
    long cpu0 = processCpuNanos();
    double seconds = timed(() -> sent[0] = tool.equals(RSYNC)
        ? rsync.push(src.resolve(source), target).bytesSent()
        : setsync(tool.equals(SETSYNC_TLS) ? tlsNode : node, src.resolve(source), dst.resolve(target)));
    if (System.getProperty("bench.cpu") != null && !tool.equals(RSYNC)) {
      say("  %s %s wall=%.3fs cpu=%.3fs", scenario, tool, seconds, (processCpuNanos() - cpu0) / 1e9);
    }
    if (warmUp) return;
    if (heap) heapPeaks.add(heapPeak());
    times.get(scenario).get(tool).add(seconds);
    if (scenario.equals("big-delta")) bigDeltaBytes.get(tool).add(sent[0]);
  }

  /**
   * With --only, an initial scenario left out still makes its untimed copy: without it the
   * scenarios after it (noop-10k, small-1pct, big-delta) would each be an initial copy too.
   */
  private void seed(String initial, String tool, String source, String target) throws Exception {
    if (selected(initial) || tool.equals(SETSYNC_TLS)) return;
    if (tool.equals(RSYNC)) {
      rsync.push(src.resolve(source), target);
    } else {
      setsync(node, src.resolve(source), dst.resolve(target));
    }
  }

  private long setsync(Path source, Path target) throws Exception {
    return setsync(node, source, target);
  }

  /** One synchronization through a running node (a SyncRun, as every sync) to its own endpoint; returns the bytes the source side sent. */
  private static long setsync(SetSyncNode node, Path source, Path target) throws Exception {
    SyncRun.Request request = new SyncRun.Request(source, node.localDestination(), target.toString(),
        SyncOptions.DEFAULTS, null, null, null, null);
    SyncRun.Finished finished = node.run(request).toCompletableFuture().get();
    finished.warnings().forEach(line -> System.err.println("setsync " + line));
    SourceSession.Outcome outcome = finished.outcome();
    if (outcome.failure() != null || outcome.counts().errors() > 0) {
      throw new IllegalStateException("setsync " + source + " -> " + target + " failed: " + outcome);
    }
    return outcome.wireBytesSent();
  }

  /** CPU time of this JVM (both ends of a setsync run), for -Dbench.cpu. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static void resetHeapPeaks() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) pool.resetPeakUsage();
    }
  }

  /** The sum of the heap pools' peak use since the reset: an upper bound of the heap in use. */
  private static long heapPeak() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) sum += pool.getPeakUsage().getUsed();
    }
    return sum;
  }

  private void wipe(String target) throws Exception {
    exec("rm", "-rf", dst.resolve(target).toString());
  }

  private double ratio(String scenario) {
    return times.get(scenario).get(SETSYNC).median() / times.get(scenario).get(RSYNC).median();
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
  }

  private void print() {
    say("");
    say("medians of %d rounds (%s scale):", scale.rounds(), scale.name());
    for (String scenario : TARGETS.keySet()) {
      if (!selected(scenario)) continue; // --only: no line of NaNs for what did not run
      if (WanSmall.NAMES.contains(scenario) && wanSkipped != null) {
        say("%s skipped: %s", scenario, wanSkipped);
        continue;
      }
      double ratio = ratio(scenario);
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s setsync=%.3fs rsync=%.3fs ratio=%.2f",
          scenario, times.get(scenario).get(SETSYNC).median(), times.get(scenario).get(RSYNC).median(), ratio));
      if (scenario.equals("big-delta")) {
        line.append(String.format(Locale.ROOT, " bytes setsync=%d rsync=%d bytes-ratio=%.2f",
            median(bigDeltaBytes.get(SETSYNC)), median(bigDeltaBytes.get(RSYNC)),
            (double) median(bigDeltaBytes.get(SETSYNC)) / median(bigDeltaBytes.get(RSYNC))));
      }
      if (scenario.equals("noop-100k")) {
        line.append(String.format(Locale.ROOT, " heap-peak=%dMiB", median(heapPeaks) >> 20));
      }
      if (WanSmall.NAMES.contains(scenario)) {
        line.append(String.format(Locale.ROOT, " link rtt=%.1fms rate=%.0fMbit/s (%s)", wanLink.rttMillis(), wanLink.rateMbit(),
            wanLink.how().startsWith("netem") ? "netem" : "delay-line"));
        if (scenario.equals(WanSmall.INITIAL)) {
          line.append(String.format(Locale.ROOT, " wire-floor=%.3fs", wireSeconds()));
        }
      }
      line.append(String.format(Locale.ROOT, " (target <= %.1f: %s)", TARGETS.get(scenario),
          ratio <= TARGETS.get(scenario) ? "met" : "MISSED"));
      say("%s", line);
      if (tlsSelected(scenario)) say("%s", tlsLine(scenario));
    }
    double small = times.get("small-initial").get(SETSYNC).median();
    if (selected("small-initial")) say("floor tar-pipe small-initial=%.3fs setsync/tar=%.2f (target <= 1.5: %s)", tarPipe.median(),
        small / tarPipe.median(), small / tarPipe.median() <= 1.5 ? "met" : "MISSED");
    if (selected("big-initial")) say("floor cp big-initial=%.3fs setsync/cp=%.2f", cp.median(), times.get("big-initial").get(SETSYNC).median() / cp.median());
    if (scaleMillion != null) {
      for (String phase : List.of(ScaleMillion.INITIAL, ScaleMillion.NOOP)) say("%s", scaleLine(phase));
    }
    if (cliNoop == null) return;
    say("cli-noop setsync=%.3fs java-hello=%.3fs rsync=%.3fs times-hello=%.1f times-rsync=%.1f (target <= %.0fx hello: %s)",
        cliNoop.setsync().median(), cliNoop.hello().median(), cliNoop.rsync().median(), cliNoop.timesHello(),
        cliNoop.timesRsync(), CliStart.TARGET_TIMES_HELLO, cliNoop.met() ? "met" : "MISSED");
  }

  /** The small data set's bytes at the wan link's measured rate: no initial copy across it is faster. */
  private double wireSeconds() {
    return smallBytes * 8 / (wanLink.rateMbit() * 1e6);
  }

  /** One scale-1m phase: times, their ratio, and both tools' peak RSS. */
  private String scaleLine(String phase) {
    ScaleMillion.Result r = scaleMillion;
    double ratio = r.ratio(phase, SETSYNC, RSYNC);
    long setsyncRss = r.rssMedian(phase, SETSYNC);
    long rsyncRss = r.rssMedian(phase, RSYNC);
    return String.format(Locale.ROOT, "%s-%s files=%d setsync=%.3fs rsync=%.3fs ratio=%.2f rss-peak setsync=%dMiB rsync=%dMiB"
            + " (%d processes) rss-ratio=%.2f (target time <= %.1f: %s; rss <= rsync's: %s)", ScaleMillion.NAME, phase, r.files(),
        r.seconds().get(phase).get(SETSYNC).median(), r.seconds().get(phase).get(RSYNC).median(), ratio, setsyncRss >> 20,
        rsyncRss >> 20, r.rsyncProcesses(), (double) setsyncRss / rsyncRss, ScaleMillion.TARGET, ratio <= ScaleMillion.TARGET ? "met" : "MISSED",
        setsyncRss <= rsyncRss ? "met" : "MISSED");
  }

  private void writeScaleMillion(ObjectNode root, List<RatioChart.Bar> bars) {
    ScaleMillion.Result r = scaleMillion;
    ObjectNode scaleNode = root.putObject("scale1m");
    scaleNode.put("files", r.files());
    scaleNode.put("bytes", r.bytes());
    scaleNode.put("timing", "setsync: SYNCHRONIZE on the console socket of a node process of its own on loopback (" + r.nodeJava()
        + "); rsync: client to the loopback daemon");
    scaleNode.put("rssMeasure", "setsync: the node JVM's VmHWM from /proc/PID/status, reset by clear_refs before each run;"
        + " rsync: the sum of the VmHWM of the client and the daemon's forked children, sampled every 50 ms");
    scaleNode.put("rsyncProcesses", r.rsyncProcesses());
    for (String phase : List.of(ScaleMillion.INITIAL, ScaleMillion.NOOP)) {
      ObjectNode s = scaleNode.putObject(phase);
      for (String tool : List.of(SETSYNC, RSYNC)) {
        ObjectNode t = s.putObject(tool);
        Samples samples = r.seconds().get(phase).get(tool);
        t.put("medianSeconds", samples.median());
        samples.values().forEach(t.putArray("seconds")::add);
        t.put("rssPeakBytes", r.rssMedian(phase, tool));
        r.rss().get(phase).get(tool).forEach(t.putArray("rssPeaks")::add);
      }
      s.put("ratio", r.ratio(phase, SETSYNC, RSYNC));
      s.put("target", ScaleMillion.TARGET);
      s.put("met", r.ratio(phase, SETSYNC, RSYNC) <= ScaleMillion.TARGET);
      s.put("rssRatio", (double) r.rssMedian(phase, SETSYNC) / r.rssMedian(phase, RSYNC));
      s.put("rssMet", r.rssMedian(phase, SETSYNC) <= r.rssMedian(phase, RSYNC));
      bars.add(new RatioChart.Bar(ScaleMillion.NAME + "-" + phase, r.ratio(phase, SETSYNC, RSYNC), ScaleMillion.TARGET));
    }
  }

  /** The TLS variant's median, and its ratios to the plaintext setsync run and to rsync. */
  private String tlsLine(String scenario) {
    Map<String, Samples> perTool = times.get(scenario);
    return String.format(Locale.ROOT, "%s%s setsync-tls=%.3fs setsync=%.3fs rsync=%.3fs tls/plain=%.2f ratio=%.2f",
        scenario, TLS_SUFFIX, perTool.get(SETSYNC_TLS).median(), perTool.get(SETSYNC).median(),
        perTool.get(RSYNC).median(), tlsOverPlain(scenario), tlsRatio(scenario));
  }

  private double tlsOverPlain(String scenario) {
    return times.get(scenario).get(SETSYNC_TLS).median() / times.get(scenario).get(SETSYNC).median();
  }

  private double tlsRatio(String scenario) {
    return times.get(scenario).get(SETSYNC_TLS).median() / times.get(scenario).get(RSYNC).median();
  }

  private void writeJson(Path json) throws IOException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("date", Instant.now().toString());
    root.put("scale", scale.name());
    root.put("rounds", scale.rounds());
    root.put("warmUpRounds", scale.warmUpRounds());
    root.put("cores", Runtime.getRuntime().availableProcessors());
    root.put("java", System.getProperty("java.version"));
    root.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    root.put("dataStore", Files.getFileStore(base).type());
    root.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
    root.put("timing", "setsync inside one running node (JVM start excluded); rsync client to a loopback rsync daemon");
    ObjectNode sizes = root.putObject("dataSets");
    sizes.put("smallFiles", scale.smallFiles());
    sizes.put("smallDirectories", scale.smallDirectories());
    sizes.put("smallBytes", smallBytes);
    sizes.put("bigBytes", scale.bigBytes());
    sizes.put("manyFiles", scale.manyFiles());
    sizes.put("manyBytes", manyBytes);
    sizes.put("diskSmallFiles", scale.diskFiles());
    ArrayNode scenarios = root.putArray("scenarios");
    List<RatioChart.Bar> bars = new ArrayList<>();
    for (String scenario : TARGETS.keySet()) {
      if (!selected(scenario)) continue;
      ObjectNode s = scenarios.addObject();
      s.put("name", scenario);
      if (WanSmall.NAMES.contains(scenario) && wanSkipped != null) {
        s.put("skipped", wanSkipped);
        s.put("target", TARGETS.get(scenario));
        continue;
      }
      for (String tool : List.of(SETSYNC, RSYNC)) {
        ObjectNode t = s.putObject(tool);
        Samples samples = times.get(scenario).get(tool);
        t.put("medianSeconds", samples.median());
        samples.values().forEach(t.putArray("seconds")::add);
      }
      s.put("ratio", ratio(scenario));
      s.put("target", TARGETS.get(scenario));
      s.put("met", ratio(scenario) <= TARGETS.get(scenario));
      if (scenario.equals("big-delta")) {
        ObjectNode b = s.putObject("bytesSent");
        b.put(SETSYNC, median(bigDeltaBytes.get(SETSYNC)));
        b.put(RSYNC, median(bigDeltaBytes.get(RSYNC)));
        b.put("ratio", (double) median(bigDeltaBytes.get(SETSYNC)) / median(bigDeltaBytes.get(RSYNC)));
        b.put("target", 1.5);
      }
      if (scenario.equals("noop-100k")) {
        s.put("heapPeakBytes", median(heapPeaks));
        heapPeaks.forEach(s.putArray("heapPeaks")::add);
        s.put("heapMeasure", "sum of the heap memory pools' peak use, reset after a GC before the run");
      }
      if (WanSmall.NAMES.contains(scenario)) {
        ObjectNode link = s.putObject("link");
        link.put("how", wanLink.how());
        link.put("rttMillis", wanLink.rttMillis());
        link.put("rateMbit", wanLink.rateMbit());
        link.put("wantedRttMillis", WanLink.RTT_MILLIS);
        link.put("wantedRateMbit", WanLink.RATE_MBIT);
        link.put("measured", "over TCP from the source namespace: median of 20 one-byte round trips; 64 MiB after 4 MiB");
        if (scenario.equals(WanSmall.INITIAL)) s.put("wireFloorSeconds", wireSeconds());
        s.put("timing", "setsync: SYNCHRONIZE on the source node's console socket, statement to answer (node processes"
            + " in the two namespaces, one cluster); rsync: client in the source namespace to its daemon in the destination's");
      }
      bars.add(new RatioChart.Bar(scenario, ratio(scenario), TARGETS.get(scenario)));
      if (tlsSelected(scenario)) {
        writeTls(scenarios.addObject(), scenario);
        bars.add(new RatioChart.Bar(scenario + TLS_SUFFIX, tlsRatio(scenario), Double.NaN));
      }
    }
    ObjectNode floors = root.putObject("floors");
    if (selected("small-initial")) {
      ObjectNode tar = floors.putObject("tarPipeSmallInitial");
      tar.put("medianSeconds", tarPipe.median());
      tarPipe.values().forEach(tar.putArray("seconds")::add);
      tar.put("setsyncRatio", times.get("small-initial").get(SETSYNC).median() / tarPipe.median());
    }
    if (selected("big-initial")) {
      ObjectNode copy = floors.putObject("cpBigInitial");
      copy.put("medianSeconds", cp.median());
      cp.values().forEach(copy.putArray("seconds")::add);
      copy.put("setsyncRatio", times.get("big-initial").get(SETSYNC).median() / cp.median());
    }
    if (diskStore != null) {
      root.put("diskSmallStore", diskStore);
      root.put("diskSmallTiming", "each tool's time includes a final sync(1); data under " + diskDir);
    }
    if (cliNoop != null) writeCliNoop(root);
    if (scaleMillion != null) writeScaleMillion(root, bars);
    if (selected("small-initial")) {
      bars.add(new RatioChart.Bar("small/tar", times.get("small-initial").get(SETSYNC).median() / tarPipe.median(), 1.5));
    }

    Files.createDirectories(json.getParent());
    mapper.writeValue(json.toFile(), root);
    String name = json.getFileName().toString();
    Path png = json.resolveSibling((name.endsWith(".json") ? name.substring(0, name.length() - 5) : name) + ".png");
    RatioChart.draw(bars, "setsync vs rsync, " + scale.name() + " run, " + Runtime.getRuntime().availableProcessors()
        + " cores, " + Instant.now().toString().substring(0, 10), png);
    say("figures written to %s, chart to %s", json, png);
  }

  /** A scenario of its own, SCENARIO-tls, right after its plaintext one; it has no target. */
  private void writeTls(ObjectNode s, String scenario) {
    s.put("name", scenario + TLS_SUFFIX);
    s.put("tls", "a second node with conf/cluster-tls.conf: TLS 1.2, mutual authentication, session and content lane");
    for (String tool : List.of(SETSYNC_TLS, SETSYNC, RSYNC)) {
      ObjectNode t = s.putObject(tool);
      Samples samples = times.get(scenario).get(tool);
      t.put("medianSeconds", samples.median());
      samples.values().forEach(t.putArray("seconds")::add);
    }
    s.put("ratio", tlsRatio(scenario));
    s.put("tlsOverPlain", tlsOverPlain(scenario));
  }

  private void writeCliNoop(ObjectNode root) {
    ObjectNode cli = root.putObject("cliNoop");
    for (var tool : List.of(java.util.Map.entry(SETSYNC, cliNoop.setsync()), java.util.Map.entry("javaHello", cliNoop.hello()),
        java.util.Map.entry(RSYNC, cliNoop.rsync()))) {
      ObjectNode t = cli.putObject(tool.getKey());
      t.put("medianSeconds", tool.getValue().median());
      tool.getValue().values().forEach(t.putArray("seconds")::add);
    }
    cli.put("timesHello", cliNoop.timesHello());
    cli.put("timesRsync", cliNoop.timesRsync());
    cli.put("target", CliStart.TARGET_TIMES_HELLO);
    cli.put("met", cliNoop.met());
  }

  private void close() throws InterruptedException {
    if (node != null) node.close();
    if (tlsNode != null) tlsNode.close();
    if (rsync != null) rsync.close();
  }
}
