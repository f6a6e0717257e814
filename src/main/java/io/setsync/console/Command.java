package io.setsync.console;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.setsync.CborSerializable;
import io.setsync.monitor.Setting;
import java.util.List;

/**
 * One console command, as {@link CommandParser} reads it from a line of the command language.
 * Every command is serializable, so the console can send it to the Monitor on another node.
 *
 * <p>Paths are absolute and normalized (no repeated or trailing '/'); a null destination node
 * means this node. Options are validated {@link Setting}s in the order written.
 *
 * <p>{@link Nothing} (a blank or comment line) and {@link Exit} never leave the console.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Command.Synchronize.class, name = "Synchronize"),
  @JsonSubTypes.Type(value = Command.AddUser.class, name = "AddUser"),
  @JsonSubTypes.Type(value = Command.AlterUser.class, name = "AlterUser"),
  @JsonSubTypes.Type(value = Command.DeleteUser.class, name = "DeleteUser"),
  @JsonSubTypes.Type(value = Command.InfoUser.class, name = "InfoUser"),
  @JsonSubTypes.Type(value = Command.SuspendUser.class, name = "SuspendUser"),
  @JsonSubTypes.Type(value = Command.ActivateUser.class, name = "ActivateUser"),
  @JsonSubTypes.Type(value = Command.AddFileSet.class, name = "AddFileSet"),
  @JsonSubTypes.Type(value = Command.AlterFileSet.class, name = "AlterFileSet"),
  @JsonSubTypes.Type(value = Command.DeleteFileSet.class, name = "DeleteFileSet"),
  @JsonSubTypes.Type(value = Command.InfoFileSet.class, name = "InfoFileSet"),
  @JsonSubTypes.Type(value = Command.SuspendFileSet.class, name = "SuspendFileSet"),
  @JsonSubTypes.Type(value = Command.ActivateFileSet.class, name = "ActivateFileSet"),
  @JsonSubTypes.Type(value = Command.AddBatch.class, name = "AddBatch"),
  @JsonSubTypes.Type(value = Command.AlterBatch.class, name = "AlterBatch"),
  @JsonSubTypes.Type(value = Command.DeleteBatch.class, name = "DeleteBatch"),
  @JsonSubTypes.Type(value = Command.InfoBatch.class, name = "InfoBatch"),
  @JsonSubTypes.Type(value = Command.SuspendBatch.class, name = "SuspendBatch"),
  @JsonSubTypes.Type(value = Command.ActivateBatch.class, name = "ActivateBatch"),
  @JsonSubTypes.Type(value = Command.Status.class, name = "Status"),
  @JsonSubTypes.Type(value = Command.StartMonitor.class, name = "StartMonitor"),
  @JsonSubTypes.Type(value = Command.StopMonitor.class, name = "StopMonitor"),
  @JsonSubTypes.Type(value = Command.Env.class, name = "Env"),
  @JsonSubTypes.Type(value = Command.Help.class, name = "Help"),
  @JsonSubTypes.Type(value = Command.Exit.class, name = "Exit"),
  @JsonSubTypes.Type(value = Command.Nothing.class, name = "Nothing")
})
public sealed interface Command extends CborSerializable {

  // ---- one-time synchronization ----

  /** {@code SYNCHRONIZE /src TO [node:]/dest [, option ...]}: sync once, as the caller. */
  record Synchronize(
      String source, String destinationNode, String destination, List<Setting> settings)
      implements Command {
    public Synchronize {
      settings = List.copyOf(settings);
    }
  }

  // ---- sync users ----

  /** {@code ADD SYNCUSER name [, ROOT /path ...] [, SUSPEND]}. */
  record AddUser(String name, List<Setting> settings) implements Command {
    public AddUser {
      settings = List.copyOf(settings);
    }
  }

  /** {@code ALTER SYNCUSER name, option ...}; may hold removals ({@code NO ROOT}). */
  record AlterUser(String name, List<Setting> settings) implements Command {
    public AlterUser {
      settings = List.copyOf(settings);
    }
  }

  /** {@code DELETE SYNCUSER name}. */
  record DeleteUser(String name) implements Command {
    @JsonCreator
    public DeleteUser {}
  }

  /** {@code INFO SYNCUSER [name]}; a null name means every user. */
  record InfoUser(String name) implements Command {
    @JsonCreator
    public InfoUser {}
  }

  /** {@code SUSPEND SYNCUSER name}. */
  record SuspendUser(String name) implements Command {
    @JsonCreator
    public SuspendUser {}
  }

  /** {@code ACTIVATE SYNCUSER name}. */
  record ActivateUser(String name) implements Command {
    @JsonCreator
    public ActivateUser {}
  }

  // ---- file sets ----

  /** {@code ADD SYNCFILESET /src TO [node:]/dest [, option ...]}; the Monitor assigns the id. */
  record AddFileSet(
      String source, String destinationNode, String destination, List<Setting> settings)
      implements Command {
    public AddFileSet {
      settings = List.copyOf(settings);
    }
  }

  /** {@code ALTER SYNCFILESET id, option ...}; may hold removals ({@code NO PURGE}). */
  record AlterFileSet(long id, List<Setting> settings) implements Command {
    public AlterFileSet {
      settings = List.copyOf(settings);
    }
  }

  /** {@code DELETE SYNCFILESET id}. */
  record DeleteFileSet(long id) implements Command {
    @JsonCreator
    public DeleteFileSet {}
  }

  /**
   * {@code INFO SYNCFILESET [id] [, LOG [LAST n]]}.
   *
   * @param id null for every file set
   * @param logLast how many log records to show: null without a LOG clause, 20 for LOG alone
   */
  record InfoFileSet(Long id, Integer logLast) implements Command {}

  /** {@code SUSPEND SYNCFILESET id}. */
  record SuspendFileSet(long id) implements Command {
    @JsonCreator
    public SuspendFileSet {}
  }

  /** {@code ACTIVATE SYNCFILESET id}. */
  record ActivateFileSet(long id) implements Command {
    @JsonCreator
    public ActivateFileSet {}
  }

  // ---- batch ids ----

  /** {@code ADD BATCHID id [, SUSPEND]}. */
  record AddBatch(String id, List<Setting> settings) implements Command {
    public AddBatch {
      settings = List.copyOf(settings);
    }
  }

  /** {@code ALTER BATCHID id, SUSPEND | NO SUSPEND}. */
  record AlterBatch(String id, List<Setting> settings) implements Command {
    public AlterBatch {
      settings = List.copyOf(settings);
    }
  }

  /** {@code DELETE BATCHID id}. */
  record DeleteBatch(String id) implements Command {
    @JsonCreator
    public DeleteBatch {}
  }

  /** {@code INFO BATCHID [id]}; a null id means every batch. */
  record InfoBatch(String id) implements Command {
    @JsonCreator
    public InfoBatch {}
  }

  /** {@code SUSPEND BATCHID id}. */
  record SuspendBatch(String id) implements Command {
    @JsonCreator
    public SuspendBatch {}
  }

  /** {@code ACTIVATE BATCHID id}. */
  record ActivateBatch(String id) implements Command {
    @JsonCreator
    public ActivateBatch {}
  }

  // ---- status and monitor control ----

  /** What STATUS reports on. */
  enum StatusObject {
    /** The monitor and its schedulers. */
    AUTOSYNC,
    /** Running synchronizations (optionally of one user). */
    SYNC,
    /** Batches (optionally one). */
    BATCHID,
    /** File sets (optionally one). */
    SYNCFILESET
  }

  /**
   * {@code STATUS AUTOSYNC|SYNC|BATCHID|SYNCFILESET [id] [, DETAIL]}.
   *
   * @param id null when none was given; a user name for SYNC, a batch id for BATCHID, a file-set
   *     number (as text) for SYNCFILESET; always null for AUTOSYNC
   */
  record Status(StatusObject object, String id, boolean detail) implements Command {}

  /** {@code START MONITOR}. */
  enum StartMonitor implements Command {
    INSTANCE
  }

  /** {@code STOP MONITOR}: running syncs finish, none start. */
  enum StopMonitor implements Command {
    INSTANCE
  }

  /** {@code ENV}: show the console's environment (node, cluster, user). */
  enum Env implements Command {
    INSTANCE
  }

  /** {@code HELP [topic]}; a null topic means the list of commands. */
  record Help(String topic) implements Command {
    @JsonCreator
    public Help {}
  }

  /** {@code EXIT} or {@code QUIT}: leave the console. Console-local. */
  enum Exit implements Command {
    INSTANCE
  }

  /** A blank line or a comment ({@code --} or {@code #} first): nothing to do. Console-local. */
  enum Nothing implements Command {
    INSTANCE
  }
}
