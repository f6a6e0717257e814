package io.setsync.console;

import io.setsync.log.LogRecord;
import io.setsync.monitor.Result;
import io.setsync.monitor.UserConfig;
import io.setsync.schedule.FileSetConfig;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/** The monitor's answers as the console prints them (the JSON form is {@link ResultJson}). */
public final class ResultText {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

  private ResultText() {}

  /** The answer as the console prints it. */
  public static String of(Result result) {
    if (result instanceof Result.Done r) return text(r);
    if (result instanceof Result.FileSetAdded r) return text(r);
    if (result instanceof Result.Users r) return text(r);
    if (result instanceof Result.Batches r) return text(r);
    if (result instanceof Result.FileSets r) return text(r);
    if (result instanceof Result.Status r) return text(r);
    if (result instanceof Result.Log r) return text(r);
    if (result instanceof Result.Synchronized r) return text(r);
    if (result instanceof Result.Env r) return text(r);
    if (result instanceof Result.Administrators r) return text(r);
    if (result instanceof Result.RefusedSources r) return text(r);
    throw new IllegalArgumentException("no text for " + result.getClass().getSimpleName());
  }

  private static String text(Result.Done r) {
    return r.code() == 2 ? "error: " + r.message() : r.message();
  }

  private static String text(Result.FileSetAdded r) {
    return r.message();
  }

  private static String text(Result.Users r) {
    if (r.users().isEmpty()) return "no sync users";
    StringBuilder out = new StringBuilder(
        String.format("%-20s %-16s %-10s %s%n", "SYNCUSER", "ACCOUNT", "STATE", "ROOTS"));
    for (UserConfig u : r.users()) {
      out.append(String.format("%-20s %-16s %-10s %s%n", u.name(), u.account(), u.suspended() ? "suspended" : "active",
          u.roots().isEmpty() ? "(any)" : String.join(" ", u.roots())));
    }
    return out.toString().stripTrailing();
  }

  private static String text(Result.Batches r) {
    if (r.batches().isEmpty()) return "no batch ids";
    StringBuilder out = new StringBuilder(String.format("%-20s %-10s %s%n", "BATCHID", "STATE", "FILESETS"));
    for (Result.BatchView b : r.batches()) {
      out.append(String.format("%-20s %-10s %s%n", b.id(), b.suspended() ? "suspended" : "active", b.fileSetIds()));
    }
    return out.toString().stripTrailing();
  }

  private static String text(Result.FileSets r) {
    if (r.fileSets().isEmpty()) return "no file sets";
    StringBuilder out = new StringBuilder();
    for (Result.FileSetView f : r.fileSets()) {
      FileSetConfig c = f.config();
      out.append("SYNCFILESET ").append(f.id()).append(": ").append(c.routeText()).append('\n');
      out.append("  user ").append(c.user()).append(", state ").append(f.state());
      if (f.nextRunMillis() != null) out.append(", next run ").append(time(f.nextRunMillis()));
      out.append('\n');
      if (f.overdue() != null) out.append("  ").append(f.overdue()).append('\n');
      String options = c.optionText();
      if (!options.isEmpty()) out.append("  options ").append(options).append('\n');
      if (f.last() != null) {
        out.append("  last sync ").append(time(f.last().endedMillis())).append(": ")
            .append(f.last().summary()).append('\n');
      } else {
        out.append("  last sync: never\n");
      }
    }
    return out.toString().stripTrailing();
  }

  private static String text(Result.Status r) {
    return status(r);
  }

  private static String text(Result.Log r) {
    if (r.records().isEmpty()) return "no log records for SYNCFILESET " + r.fileSetId();
    StringBuilder out = new StringBuilder();
    for (LogRecord record : r.records()) out.append(record.format(ZoneId.systemDefault())).append('\n');
    return out.toString().stripTrailing();
  }

  private static String text(Result.Synchronized r) {
    String summary = "SYNCHRONIZE " + r.source() + " TO " + r.destination() + ": " + r.result().summary();
    return r.warnings().isEmpty() ? summary : String.join("\n", r.warnings()) + "\n" + summary;
  }

  private static String text(Result.Administrators r) {
    StringBuilder out = new StringBuilder("authorizer: " + r.authorizer() + "\n");
    out.append(r.accounts().isEmpty() ? "no administrators" : "administrators: " + String.join(", ", r.accounts()));
    return out.toString();
  }

  private static String text(Result.RefusedSources r) {
    if (r.refused().isEmpty()) return "no destination refuses a source";
    StringBuilder out = new StringBuilder(String.format("%-24s %s%n", "DESTINATION", "REFUSES SYNCS FROM"));
    for (Result.RefusedSource x : r.refused()) {
      out.append(String.format("%-24s %s%n", x.destination(), x.source()));
    }
    return out.toString().stripTrailing();
  }

  private static String text(Result.Env r) {
    StringBuilder out = new StringBuilder();
    r.values().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> out.append(String.format("%-16s %s%n", e.getKey(), e.getValue())));
    return out.toString().stripTrailing();
  }

  static String time(long millis) {
    return TIME.format(Instant.ofEpochMilli(millis));
  }

  private static String status(Result.Status s) {
    StringBuilder out = new StringBuilder();
    Result.MonitorView m = s.monitor();
    switch (s.object()) {
      case AUTOSYNC -> {
        out.append("monitor ").append(m.running() ? "running" : "stopped").append(" on ").append(m.node())
            .append('\n');
        out.append("sync users ").append(m.users()).append(", file sets ").append(m.fileSets())
            .append(" (").append(m.activeFileSets()).append(" active), schedulers ").append(m.schedulers())
            .append(" (").append(m.waitingSchedulers()).append(" waiting), syncs running ")
            .append(m.runningSyncs()).append('\n');
        if (s.detail()) appendSchedulers(out, s.schedulers());
      }
      case BATCHID -> appendSchedulers(out, s.schedulers());
      case SYNC -> {
        boolean any = false;
        for (Result.FileSetView f : s.fileSets()) {
          if (f.running() == null) continue;
          any = true;
          Result.Progress p = f.running();
          out.append(String.format("SYNCFILESET %d running since %s: %d listed, %d files, %d bytes sent%n",
              f.id(), time(p.startedMillis()), p.entries(), p.files(), p.bytes()));
        }
        for (Result.OneTimeView r : s.oneTimeRuns()) {
          any = true;
          Result.Progress p = r.progress();
          out.append(String.format("SYNCHRONIZE %s TO %s (user %s) running since %s: %d listed, %d files, %d bytes sent%n",
              r.source(), r.destination(), r.user(), time(p.startedMillis()), p.entries(), p.files(), p.bytes()));
        }
        if (!any) out.append("no syncs running\n");
      }
      case SYNCFILESET -> {
        if (s.fileSets().isEmpty()) out.append("no file sets\n");
        out.append(String.format("%-6s %-28s %-20s %s%n", "ID", "STATE", "NEXT RUN", "LAST RESULT"));
        for (Result.FileSetView f : s.fileSets()) {
          String last = f.last() == null ? "never"
              : time(f.last().endedMillis()) + " " + (s.detail() ? f.last().summary()
                  : "code " + f.last().code() + ", " + f.last().copiedWord() + " " + f.last().counts().copied());
          out.append(String.format("%-6d %-28s %-20s %s%n", f.id(), f.state(),
              f.nextRunMillis() == null ? "-" : time(f.nextRunMillis()), last));
          if (f.overdue() != null) out.append("       ").append(f.overdue()).append('\n');
          if (s.detail()) {
            FileSetConfig c = f.config();
            out.append("       ").append(c.routeText())
                .append(c.optionText().isEmpty() ? "" : ", " + c.optionText()).append('\n');
          }
        }
      }
    }
    return out.toString().stripTrailing();
  }

  private static void appendSchedulers(StringBuilder out, List<Result.SchedulerView> schedulers) {
    if (schedulers.isEmpty()) {
      out.append("no schedulers\n");
      return;
    }
    out.append(String.format("%-32s %-34s %s%n", "SCHEDULER", "STATE", "FILESETS"));
    for (Result.SchedulerView v : schedulers) {
      out.append(String.format("%-32s %-34s %s%n", v.key().label(), v.state(), v.fileSetIds()));
    }
  }
}
