package io.setsync.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.setsync.StartupTiming;
import io.setsync.node.SetSyncNode;
import io.setsync.options.OptionException;
import io.setsync.options.OptionRegistry;
import io.setsync.options.SyncOptions;
import io.setsync.schedule.RunLog;
import io.setsync.schedule.SyncRun;
import io.setsync.sync.SyncCounts;
import io.setsync.sync.SyncNotice;
import io.setsync.sync.SyncStatus;
import io.setsync.sync.Trigger;
import io.setsync.transfer.SourceSession;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/**
 * {@code setsync sync SRC DEST [options]}: a one-time synchronization through an embedded node.
 * The sync options come from the {@link OptionRegistry}, so this command line and the command
 * language accept the same set.
 */
public final class SyncCommand {

  private static final OptionRegistry REGISTRY = OptionRegistry.standard();

  private SyncCommand() {}

  public static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine commandLine = new CommandLine(spec());
    ParseResult parsed;
    SyncOptions options;
    Map<String, String> attachedValues = new HashMap<>();
    try {
      parsed = commandLine.parseArgs(detachOptionalValues(args, attachedValues));
      if (parsed.isUsageHelpRequested()) {
        commandLine.usage(out);
        return 0;
      }
      options = options(parsed, attachedValues);
    } catch (CommandLine.ParameterException | OptionException e) {
      err.println("setsync sync: " + e.getMessage());
      err.println("usage: setsync sync SRC DEST [options]   (--help lists them)");
      return SyncStatus.ERRORS.exitCode;
    }
    boolean json = parsed.hasMatchedOption("--json");
    boolean quiet = parsed.hasMatchedOption("--quiet");
    SyncRequestCheck.Checked checked;
    try {
      checked = SyncRequestCheck.check(parsed.matchedPositional(0).getValue(), parsed.matchedPositional(1).getValue());
    } catch (SyncRequestCheck.BadRequest e) {
      err.println("setsync sync: " + e.getMessage());
      return SyncStatus.ERRORS.exitCode;
    }

    ConsoleObserver observer = new ConsoleObserver(err, quiet, !json && !quiet && System.console() != null, options.report());
    long started = System.nanoTime();
    SourceSession.Outcome outcome;
    Trigger.Result trigger = null;
    StartupTiming.mark("arguments");
    try (SetSyncNode node = SetSyncNode.start()) {
      SyncRun.Request request = new SyncRun.Request(checked.source(), node.localDestination(),
          checked.destination().toString(), options, null, null, null, observer);
      SyncRun.Finished finished = node.run(request).toCompletableFuture().get();
      outcome = finished.outcome();
      trigger = finished.trigger();
      StartupTiming.mark("sync");
    } catch (SetSyncNode.StartException e) {
      err.println("setsync sync: " + e.getMessage());
      return SyncStatus.ERRORS.exitCode;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outcome = SourceSession.Outcome.failed("interrupted");
    } catch (ExecutionException e) {
      outcome = SourceSession.Outcome.failed(e.getCause().getMessage());
    }
    StartupTiming.mark("shutdown");
    StartupTiming.print(err);
    observer.endProgress();
    double seconds = (System.nanoTime() - started) / 1e9;
    if (outcome.failure() != null) err.println("setsync sync: " + outcome.failure());
    Duration triggerLimit = Trigger.configuredTimeLimit();
    SyncStatus status = outcome.status();
    if (trigger != null) {
      if (!trigger.succeeded()) status = status.worst(SyncStatus.WARNINGS);
      if (!json) printTrigger(trigger, triggerLimit, quiet, err);
    }
    SourceSession.Outcome shown = new SourceSession.Outcome(outcome.counts(), status, outcome.failure());
    if (json) out.println(json(shown, seconds, observer, options.report(), trigger, triggerLimit));
    else if (!quiet || status != SyncStatus.OK) out.println(summary(shown, seconds, observer, options.report()));
    return status.exitCode;
  }

  /** The trigger's output, line by line, then how it ended: the sync log of a one-time sync. */
  private static void printTrigger(Trigger.Result trigger, Duration limit, boolean quiet, PrintStream err) {
    if (quiet && trigger.succeeded()) return;
    for (String line : trigger.output().split("\n", -1)) {
      if (!line.isEmpty()) err.println("trigger: " + line);
    }
    if (trigger.droppedBytes() > 0) err.println("trigger: (" + trigger.droppedBytes() + " more bytes of output dropped)");
    err.println((trigger.succeeded() ? "" : "warning: ") + trigger.summary(limit));
  }

  private static CommandSpec spec() {
    CommandSpec spec = CommandSpec.create().name("setsync sync").mixinStandardHelpOptions(false);
    spec.usageMessage().description("Synchronize the directory tree SRC to DEST once (AutoSYNC's SYNCHRONIZE).");
    spec.addPositional(PositionalParamSpec.builder().index("0").paramLabel("SRC").type(String.class)
        .required(true).description("source directory (absolute path)").build());
    spec.addPositional(PositionalParamSpec.builder().index("1").paramLabel("DEST").type(String.class)
        .required(true).description("destination directory (absolute path; created if missing)").build());
    for (io.setsync.options.OptionSpec option : REGISTRY.specs()) {
      // picocli formats descriptions with String.format: a '%' of the text must be doubled.
      String description = option.description().replace("%", "%%");
      OptionSpec.Builder b = OptionSpec.builder(option.cliName()).description(description);
      if (option.onByDefault()) {
        b.arity("0").type(boolean.class).description("Turn off " + option.keyword() + " (" + description + ")");
      } else if (option.valueOptional()) {
        // Only the attached form --name=VALUE carries a value, so SRC is never taken for one.
        b.arity("0").type(boolean.class).paramLabel(option.argLabel())
            .description(description + " (value given as " + option.cliName() + "=VALUE)");
      } else if (option.argKind().takesValue()) {
        b.paramLabel(option.argLabel()).arity("1");
        if (option.repeatable()) b.type(List.class).auxiliaryTypes(String.class);
        else b.type(String.class);
      } else {
        b.arity("0").type(boolean.class);
      }
      spec.addOption(b.build());
    }
    spec.addOption(OptionSpec.builder("--json").arity("0").type(boolean.class)
        .description("print the summary as one JSON object on stdout").build());
    spec.addOption(OptionSpec.builder("--quiet").arity("0").type(boolean.class)
        .description("print nothing unless something goes wrong").build());
    spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("show this help").build());
    return spec;
  }

  /**
   * Takes the values of optional-value options out of their attached form: "--openupdate=5m"
   * becomes "--openupdate", with "5m" kept in {@code values}; everything after "--" is left alone.
   */
  static String[] detachOptionalValues(String[] args, Map<String, String> values) {
    String[] out = args.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i].equals("--")) break;
      for (io.setsync.options.OptionSpec option : REGISTRY.specs()) {
        String prefix = option.cliName() + "=";
        if (option.valueOptional() && out[i].startsWith(prefix)) {
          values.put(option.cliName(), out[i].substring(prefix.length()));
          out[i] = option.cliName();
        }
      }
    }
    return out;
  }

  private static SyncOptions options(ParseResult parsed, Map<String, String> attachedValues) {
    SyncOptions.Builder builder = SyncOptions.builder();
    for (io.setsync.options.OptionSpec option : REGISTRY.specs()) {
      OptionSpec matched = parsed.matchedOption(option.cliName());
      if (matched == null) continue;
      if (option.onByDefault()) {
        REGISTRY.applyNo(builder, option); // --no-allhardlinks
      } else if (option.valueOptional()) {
        REGISTRY.apply(builder, option, attachedValues.get(option.cliName()));
      } else if (!option.argKind().takesValue()) {
        REGISTRY.apply(builder, option, null);
      } else if (option.repeatable()) {
        List<String> values = matched.getValue();
        for (String value : values) REGISTRY.apply(builder, option, value);
      } else {
        REGISTRY.apply(builder, option, matched.<String>getValue());
      }
    }
    return builder.build();
  }

  private static String summary(SourceSession.Outcome outcome, double seconds, ConsoleObserver observer, boolean report) {
    SyncCounts c = outcome.counts();
    StringBuilder text = new StringBuilder();
    if (report) {
      for (String line : observer.wouldCopyLines()) text.append("would copy: ").append(line).append('\n');
      for (String path : observer.wouldPurge()) text.append("would purge: ").append(path).append('\n');
    }
    text.append(String.format(
        "%sscanned %d, copied %d (%s), purged %d, skipped %d, kept newer %d, errors %d; %s in %.2f s",
        report ? "report: " : "", c.scanned(), c.copied(), Sizes.human(c.bytes()), c.purged(), c.skipped(),
        c.keptNewer(), c.errors(), outcome.status().label, seconds));
    return text.toString();
  }

  private static String json(SourceSession.Outcome outcome, double seconds, ConsoleObserver observer, boolean report,
      Trigger.Result trigger, Duration triggerLimit) {
    ObjectMapper mapper = new ObjectMapper();
    SyncCounts c = outcome.counts();
    ObjectNode node = mapper.createObjectNode();
    node.put("scanned", c.scanned());
    node.put("copied", c.copied());
    node.put("bytes", c.bytes());
    node.put("purged", c.purged());
    node.put("skipped", c.skipped());
    node.put("keptNewer", c.keptNewer());
    node.put("errors", c.errors());
    node.put("seconds", Math.round(seconds * 1000) / 1000.0);
    node.put("status", outcome.status().label);
    if (report) {
      observer.wouldCopy().forEach(node.putArray("wouldCopy")::add);
      observer.wouldPurge().forEach(node.putArray("wouldPurge")::add);
    }
    if (trigger != null) {
      ObjectNode t = node.putObject("trigger");
      t.put("exitCode", trigger.exitCode());
      t.put("timedOut", trigger.timedOut());
      t.put("output", trigger.output());
      t.put("droppedBytes", trigger.droppedBytes());
      t.put("summary", trigger.summary(triggerLimit));
    }
    return node.toString();
  }

  /** Prints warnings as they come and, on a terminal, a progress line; collects the report lists. */
  private static final class ConsoleObserver implements SourceSession.Observer {
    private final PrintStream err;
    private final boolean quiet;
    private final boolean progress;
    private final boolean report;
    private final List<String> wouldCopy = new java.util.ArrayList<>();
    /** The names with what the receiver said about them, e.g. "b (hard link to a)". */
    private final List<String> wouldCopyLines = new java.util.ArrayList<>();
    private final List<String> wouldPurge = new java.util.ArrayList<>();
    private long lastProgressNanos;
    private boolean progressShown;

    ConsoleObserver(PrintStream err, boolean quiet, boolean progress, boolean report) {
      this.err = err;
      this.quiet = quiet;
      this.progress = progress;
      this.report = report;
    }

    @Override
    public synchronized void notice(SyncNotice notice) {
      switch (notice.kind()) {
        case WOULD_COPY -> {
          wouldCopy.add(notice.path());
          wouldCopyLines.add(notice.path() + (notice.text().isEmpty() ? "" : " (" + notice.text() + ")"));
        }
        case WOULD_PURGE -> wouldPurge.add(notice.path());
        case WARNING -> {
          if (!quiet) RunLog.consoleLine(notice).ifPresent(this::line);
        }
        case ERROR -> RunLog.consoleLine(notice).ifPresent(this::line);
        case PURGED, COPIED -> {
          // the run hands them to TRIGGER
        }
      }
    }

    @Override
    public synchronized void progress(long listed, long filesSent, long bytesSent) {
      if (!progress) return;
      long now = System.nanoTime();
      if (now - lastProgressNanos < 200_000_000L) return;
      lastProgressNanos = now;
      err.print("\r\033[K" + listed + " listed, " + filesSent + " files sent, " + Sizes.human(bytesSent));
      err.flush();
      progressShown = true;
    }

    private void line(String text) {
      if (progressShown) err.print("\r\033[K");
      progressShown = false;
      err.println(text);
    }

    synchronized void endProgress() {
      if (progressShown) err.print("\r\033[K");
      progressShown = false;
      err.flush();
    }

    synchronized List<String> wouldCopy() {
      return List.copyOf(wouldCopy);
    }

    synchronized List<String> wouldCopyLines() {
      return List.copyOf(wouldCopyLines);
    }

    synchronized List<String> wouldPurge() {
      return List.copyOf(wouldPurge);
    }
  }
}
