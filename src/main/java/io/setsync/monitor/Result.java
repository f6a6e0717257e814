package io.setsync.monitor;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.setsync.CborSerializable;
import io.setsync.command.Statement.StatusObject;
import io.setsync.log.LogRecord;
import io.setsync.schedule.FileSetConfig;
import io.setsync.schedule.SchedulerKey;
import io.setsync.schedule.SyncResult;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * What the monitor answers to a command: typed for the Java API, rendered as text for the console
 * ({@link #text()}) and as JSON by the console's {@code --json}.
 */
public sealed interface Result extends CborSerializable {

  /** The completion code: 0 normal, 1 warnings, 2 errors; answers that only report are normal. */
  default int code() {
    return 0;
  }

  /** The answer as the console prints it. */
  String text();

  /** A command that needs no more than a sentence back, or was refused. */
  record Done(int code, String message) implements Result {
    public static Done ok(String message) {
      return new Done(0, message);
    }

    public static Done error(String message) {
      return new Done(2, message);
    }

    @Override
    public String text() {
      return code == 2 ? "error: " + message : message;
    }
  }

  /** ADD SYNCFILESET: the new file set's id. */
  record FileSetAdded(long id, String message) implements Result {
    @Override
    public String text() {
      return message;
    }
  }

  record Users(List<UserConfig> users) implements Result {
    @JsonCreator
    public Users {
      users = List.copyOf(users);
    }

    @Override
    public String text() {
      if (users.isEmpty()) return "no sync users";
      StringBuilder out = new StringBuilder(String.format("%-20s %-10s %s%n", "SYNCUSER", "STATE", "ROOTS"));
      for (UserConfig u : users) {
        out.append(String.format("%-20s %-10s %s%n", u.name(), u.suspended() ? "suspended" : "active",
            u.roots().isEmpty() ? "(any)" : String.join(" ", u.roots())));
      }
      return out.toString().stripTrailing();
    }
  }

  record Batches(List<BatchView> batches) implements Result {
    @JsonCreator
    public Batches {
      batches = List.copyOf(batches);
    }

    @Override
    public String text() {
      if (batches.isEmpty()) return "no batch ids";
      StringBuilder out = new StringBuilder(String.format("%-20s %-10s %s%n", "BATCHID", "STATE", "FILESETS"));
      for (BatchView b : batches) {
        out.append(String.format("%-20s %-10s %s%n", b.id(), b.suspended() ? "suspended" : "active", b.fileSetIds()));
      }
      return out.toString().stripTrailing();
    }
  }

  /** INFO SYNCFILESET: definitions, schedule state and last result. */
  record FileSets(List<FileSetView> fileSets) implements Result {
    @JsonCreator
    public FileSets {
      fileSets = List.copyOf(fileSets);
    }

    @Override
    public String text() {
      if (fileSets.isEmpty()) return "no file sets";
      StringBuilder out = new StringBuilder();
      for (FileSetView f : fileSets) {
        FileSetConfig c = f.config();
        out.append("SYNCFILESET ").append(f.id()).append(": ").append(c.source()).append(" TO ")
            .append(c.destinationNode() == null ? "" : c.destinationNode() + ":").append(c.destination())
            .append('\n');
        out.append("  user ").append(c.user()).append(", state ").append(f.state());
        if (f.nextRunMillis() != null) out.append(", next run ").append(Views.time(f.nextRunMillis()));
        out.append('\n');
        String options = c.optionText();
        if (!options.isEmpty()) out.append("  options ").append(options).append('\n');
        if (f.last() != null) {
          out.append("  last sync ").append(Views.time(f.last().endedMillis())).append(": ")
              .append(f.last().summary()).append('\n');
        } else {
          out.append("  last sync: never\n");
        }
      }
      return out.toString().stripTrailing();
    }
  }

  /** STATUS: the monitor, its schedulers and the file sets, as the object asked for. */
  record Status(
      StatusObject object, boolean detail, MonitorView monitor, List<SchedulerView> schedulers,
      List<FileSetView> fileSets) implements Result {
    public Status {
      schedulers = List.copyOf(schedulers);
      fileSets = List.copyOf(fileSets);
    }

    @Override
    public String text() {
      return Views.status(this);
    }
  }

  /** INFO SYNCFILESET id, LOG: the last records of the file set's log. */
  record Log(long fileSetId, List<LogRecord> records) implements Result {
    public Log {
      records = List.copyOf(records);
    }

    @Override
    public String text() {
      if (records.isEmpty()) return "no log records for SYNCFILESET " + fileSetId;
      StringBuilder out = new StringBuilder();
      for (LogRecord r : records) out.append(r.format(ZoneId.systemDefault())).append('\n');
      return out.toString().stripTrailing();
    }
  }

  /** SYNCHRONIZE: the one-time sync's counts. */
  /** SYNCHRONIZE: its result, and its per-file warnings and errors as the console shows them. */
  record Synchronized(String source, String destination, SyncResult result, List<String> warnings) implements Result {
    @JsonCreator
    public Synchronized {
      warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    @Override
    public int code() {
      return result.code();
    }

    @Override
    public String text() {
      String summary = "SYNCHRONIZE " + source + " TO " + destination + ": " + result.summary();
      return warnings.isEmpty() ? summary : String.join("\n", warnings) + "\n" + summary;
    }
  }

  /** ENV: the session's and the node's parameters. */
  record Env(Map<String, String> values) implements Result {
    @JsonCreator
    public Env {
      values = Map.copyOf(values);
    }

    @Override
    public String text() {
      StringBuilder out = new StringBuilder();
      values.entrySet().stream().sorted(Map.Entry.comparingByKey())
          .forEach(e -> out.append(String.format("%-16s %s%n", e.getKey(), e.getValue())));
      return out.toString().stripTrailing();
    }
  }

  /** Shared rendering helpers. */
  final class Views {
    private static final DateTimeFormatter TIME =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private Views() {}

    static String time(long millis) {
      return TIME.format(Instant.ofEpochMilli(millis));
    }

    static String status(Status s) {
      StringBuilder out = new StringBuilder();
      MonitorView m = s.monitor();
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
          for (FileSetView f : s.fileSets()) {
            if (f.running() == null) continue;
            any = true;
            Progress p = f.running();
            out.append(String.format("SYNCFILESET %d running since %s: %d listed, %d files, %d bytes sent%n",
                f.id(), time(p.startedMillis()), p.entries(), p.files(), p.bytes()));
          }
          if (!any) out.append("no syncs running\n");
        }
        case SYNCFILESET -> {
          if (s.fileSets().isEmpty()) out.append("no file sets\n");
          out.append(String.format("%-6s %-28s %-20s %s%n", "ID", "STATE", "NEXT RUN", "LAST RESULT"));
          for (FileSetView f : s.fileSets()) {
            String last = f.last() == null ? "never"
                : time(f.last().endedMillis()) + " " + (s.detail() ? f.last().summary()
                    : "code " + f.last().code() + ", copied " + f.last().counts().copied());
            out.append(String.format("%-6d %-28s %-20s %s%n", f.id(), f.state(),
                f.nextRunMillis() == null ? "-" : time(f.nextRunMillis()), last));
            if (s.detail()) {
              FileSetConfig c = f.config();
              out.append("       ").append(c.source()).append(" TO ")
                  .append(c.destinationNode() == null ? "" : c.destinationNode() + ":").append(c.destination())
                  .append(c.optionText().isEmpty() ? "" : ", " + c.optionText()).append('\n');
            }
          }
        }
      }
      return out.toString().stripTrailing();
    }

    private static void appendSchedulers(StringBuilder out, List<SchedulerView> schedulers) {
      if (schedulers.isEmpty()) {
        out.append("no schedulers\n");
        return;
      }
      out.append(String.format("%-32s %-34s %s%n", "SCHEDULER", "STATE", "FILESETS"));
      for (SchedulerView v : schedulers) {
        out.append(String.format("%-32s %-34s %s%n", v.key().label(), v.state(), v.fileSetIds()));
      }
    }
  }

  /** A batch and the file sets that name it. */
  record BatchView(String id, boolean suspended, List<Long> fileSetIds) implements CborSerializable {}

  /** A running sync's progress. */
  record Progress(long startedMillis, long entries, long files, long bytes) implements CborSerializable {}

  /**
   * One file set as STATUS and INFO show it.
   *
   * @param state e.g. "scheduled", "running", "suspended", "waiting for destination node2"
   * @param last the last completed sync, null if none
   * @param running the sync in progress, null if none
   */
  record FileSetView(
      long id, FileSetConfig config, String state, Long nextRunMillis, SyncResult last, Progress running)
      implements CborSerializable {}

  /** One scheduler (user × destination × batch). */
  record SchedulerView(SchedulerKey key, String state, List<Long> fileSetIds) implements CborSerializable {}

  /** The monitor as a whole. */
  record MonitorView(
      String node, boolean running, int users, int fileSets, int activeFileSets, int schedulers,
      int waitingSchedulers, int runningSyncs) implements CborSerializable {}
}
