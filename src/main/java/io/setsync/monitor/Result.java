package io.setsync.monitor;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.setsync.CborSerializable;
import io.setsync.command.Statement.StatusObject;
import io.setsync.log.LogRecord;
import io.setsync.schedule.FileSetConfig;
import io.setsync.schedule.SchedulerKey;
import io.setsync.schedule.SyncResult;
import java.util.List;
import java.util.Map;

/**
 * What the monitor answers to a command: typed data for the Java API and the console, which
 * renders it (as text, or as JSON for {@code --json}).
 */
public sealed interface Result extends CborSerializable {

  /** The completion code: 0 normal, 1 warnings, 2 errors; answers that only report are normal. */
  default int code() {
    return 0;
  }

  /** A command that needs no more than a sentence back, or was refused. */
  record Done(int code, String message) implements Result {
    public static Done ok(String message) {
      return new Done(0, message);
    }

    public static Done error(String message) {
      return new Done(2, message);
    }
  }

  /** ADD SYNCFILESET: the new file set's id. */
  record FileSetAdded(long id, String message) implements Result {
  }

  record Users(List<UserConfig> users) implements Result {
    @JsonCreator
    public Users {
      users = List.copyOf(users);
    }
  }

  record Batches(List<BatchView> batches) implements Result {
    @JsonCreator
    public Batches {
      batches = List.copyOf(batches);
    }
  }

  /** INFO SYNCFILESET: definitions, schedule state and last result. */
  record FileSets(List<FileSetView> fileSets) implements Result {
    @JsonCreator
    public FileSets {
      fileSets = List.copyOf(fileSets);
    }
  }

  /** STATUS: the monitor, its schedulers, the file sets and the running SYNCHRONIZEs, as the object asked for. */
  record Status(
      StatusObject object, boolean detail, MonitorView monitor, List<SchedulerView> schedulers,
      List<FileSetView> fileSets, List<OneTimeView> oneTimeRuns) implements Result {
    public Status {
      schedulers = List.copyOf(schedulers);
      fileSets = List.copyOf(fileSets);
      oneTimeRuns = oneTimeRuns == null ? List.of() : List.copyOf(oneTimeRuns);
    }
  }

  /** A SYNCHRONIZE under way: who asked, what it syncs, how far it got. */
  record OneTimeView(String user, String source, String destination, Progress progress) implements CborSerializable {}

  /** INFO SYNCFILESET id, LOG: the last records of the file set's log. */
  record Log(long fileSetId, List<LogRecord> records) implements Result {
    public Log {
      records = List.copyOf(records);
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
  }

  /** INFO ADMINISTRATOR: who the authorizer is, and the administrators it named. */
  record Administrators(String authorizer, List<String> accounts) implements Result {
    @JsonCreator
    public Administrators {
      accounts = List.copyOf(accounts);
    }
  }

  /** A destination node that refuses syncs from a source node. */
  record RefusedSource(String source, String destination) implements CborSerializable {}

  /** INFO AUTOSYNC FROM: the source nodes destinations refuse. */
  record RefusedSources(List<RefusedSource> refused) implements Result {
    @JsonCreator
    public RefusedSources {
      refused = List.copyOf(refused);
    }
  }

  /** ENV: the session's and the node's parameters. */
  record Env(Map<String, String> values) implements Result {
    @JsonCreator
    public Env {
      values = Map.copyOf(values);
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
   * @param overdue why it is overdue ({@link Overdue}), null if it is not
   */
  record FileSetView(
      long id, FileSetConfig config, String state, Long nextRunMillis, SyncResult last, Progress running,
      String overdue) implements CborSerializable {

    /** The one Jackson builds from (the record has two constructors now). */
    @com.fasterxml.jackson.annotation.JsonCreator
    public FileSetView {}

    public FileSetView(long id, FileSetConfig config, String state, Long nextRunMillis, SyncResult last,
        Progress running) {
      this(id, config, state, nextRunMillis, last, running, null);
    }
  }

  /** One scheduler (user × destination × batch). */
  record SchedulerView(SchedulerKey key, String state, List<Long> fileSetIds) implements CborSerializable {}

  /** The monitor as a whole. */
  record MonitorView(
      String node, boolean running, int users, int fileSets, int activeFileSets, int schedulers,
      int waitingSchedulers, int runningSyncs) implements CborSerializable {}
}
