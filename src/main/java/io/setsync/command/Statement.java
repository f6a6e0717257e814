package io.setsync.command;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.setsync.CborSerializable;
import io.setsync.command.Setting;
import java.util.List;

/**
 * One statement of the command language (a console line, a {@code SYNCHRONIZE}), as {@link
 * CommandParser} reads it. Named apart from the actors' {@code Command} protocols; every statement
 * is serializable, so the console can send it to the Monitor on another node.
 *
 * <p>Paths are absolute and normalized (no repeated or trailing '/'); a null destination node
 * means this node. Options are validated {@link Setting}s in the order written.
 *
 * <p>{@link Nothing} (a blank or comment line), {@link Exit}, {@link SetParameter} and {@link
 * Reset} never leave the console.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Statement.Synchronize.class, name = "Synchronize"),
  @JsonSubTypes.Type(value = Statement.AddUser.class, name = "AddUser"),
  @JsonSubTypes.Type(value = Statement.AlterUser.class, name = "AlterUser"),
  @JsonSubTypes.Type(value = Statement.DeleteUser.class, name = "DeleteUser"),
  @JsonSubTypes.Type(value = Statement.InfoUser.class, name = "InfoUser"),
  @JsonSubTypes.Type(value = Statement.SuspendUser.class, name = "SuspendUser"),
  @JsonSubTypes.Type(value = Statement.ActivateUser.class, name = "ActivateUser"),
  @JsonSubTypes.Type(value = Statement.AddFileSet.class, name = "AddFileSet"),
  @JsonSubTypes.Type(value = Statement.AlterFileSet.class, name = "AlterFileSet"),
  @JsonSubTypes.Type(value = Statement.DeleteFileSet.class, name = "DeleteFileSet"),
  @JsonSubTypes.Type(value = Statement.InfoFileSet.class, name = "InfoFileSet"),
  @JsonSubTypes.Type(value = Statement.SuspendFileSet.class, name = "SuspendFileSet"),
  @JsonSubTypes.Type(value = Statement.ActivateFileSet.class, name = "ActivateFileSet"),
  @JsonSubTypes.Type(value = Statement.AddBatch.class, name = "AddBatch"),
  @JsonSubTypes.Type(value = Statement.AlterBatch.class, name = "AlterBatch"),
  @JsonSubTypes.Type(value = Statement.DeleteBatch.class, name = "DeleteBatch"),
  @JsonSubTypes.Type(value = Statement.InfoBatch.class, name = "InfoBatch"),
  @JsonSubTypes.Type(value = Statement.SuspendBatch.class, name = "SuspendBatch"),
  @JsonSubTypes.Type(value = Statement.ActivateBatch.class, name = "ActivateBatch"),
  @JsonSubTypes.Type(value = Statement.AddAdministrator.class, name = "AddAdministrator"),
  @JsonSubTypes.Type(value = Statement.DeleteAdministrator.class, name = "DeleteAdministrator"),
  @JsonSubTypes.Type(value = Statement.InfoAdministrator.class, name = "InfoAdministrator"),
  @JsonSubTypes.Type(value = Statement.DisableAutosyncFrom.class, name = "DisableAutosyncFrom"),
  @JsonSubTypes.Type(value = Statement.ClearAutosyncFrom.class, name = "ClearAutosyncFrom"),
  @JsonSubTypes.Type(value = Statement.InfoAutosyncFrom.class, name = "InfoAutosyncFrom"),
  @JsonSubTypes.Type(value = Statement.Status.class, name = "Status"),
  @JsonSubTypes.Type(value = Statement.StartMonitor.class, name = "StartMonitor"),
  @JsonSubTypes.Type(value = Statement.StopMonitor.class, name = "StopMonitor"),
  @JsonSubTypes.Type(value = Statement.Env.class, name = "Env"),
  @JsonSubTypes.Type(value = Statement.Help.class, name = "Help"),
  @JsonSubTypes.Type(value = Statement.SetParameter.class, name = "SetParameter"),
  @JsonSubTypes.Type(value = Statement.Reset.class, name = "Reset"),
  @JsonSubTypes.Type(value = Statement.Exit.class, name = "Exit"),
  @JsonSubTypes.Type(value = Statement.Nothing.class, name = "Nothing")
})
public sealed interface Statement extends CborSerializable {

  // ---- one-time synchronization ----

  /** {@code SYNCHRONIZE /src TO [node:]/dest [, option ...]}: sync once, as the caller. */
  record Synchronize(
      String source, String destinationNode, String destination, List<Setting> settings)
      implements Statement {
    public Synchronize {
      settings = List.copyOf(settings);
    }
  }

  // ---- sync users ----

  /** {@code ADD SYNCUSER name [, ROOT /path ...] [, SUSPEND]}. */
  record AddUser(String name, List<Setting> settings) implements Statement {
    public AddUser {
      settings = List.copyOf(settings);
    }
  }

  /** {@code ALTER SYNCUSER name, option ...}; may hold removals ({@code NO ROOT}). */
  record AlterUser(String name, List<Setting> settings) implements Statement {
    public AlterUser {
      settings = List.copyOf(settings);
    }
  }

  /** {@code DELETE SYNCUSER name}. */
  record DeleteUser(String name) implements Statement {
    @JsonCreator
    public DeleteUser {}
  }

  /** {@code INFO SYNCUSER [name]}; a null name means every user. */
  record InfoUser(String name) implements Statement {
    @JsonCreator
    public InfoUser {}
  }

  /** {@code SUSPEND SYNCUSER name}. */
  record SuspendUser(String name) implements Statement {
    @JsonCreator
    public SuspendUser {}
  }

  /** {@code ACTIVATE SYNCUSER name}. */
  record ActivateUser(String name) implements Statement {
    @JsonCreator
    public ActivateUser {}
  }

  // ---- file sets ----

  /** {@code ADD SYNCFILESET [node:]/src TO [node:]/dest [, option ...]}; the Monitor assigns the id. */
  record AddFileSet(
      String sourceNode, String source, String destinationNode, String destination, List<Setting> settings)
      implements Statement {
    @com.fasterxml.jackson.annotation.JsonCreator
    public AddFileSet {
      settings = List.copyOf(settings);
    }

    /** With a bare source: the node the console is connected to. */
    public AddFileSet(String source, String destinationNode, String destination, List<Setting> settings) {
      this(null, source, destinationNode, destination, settings);
    }
  }

  /** {@code ALTER SYNCFILESET id, option ...}; may hold removals ({@code NO PURGE}). */
  record AlterFileSet(long id, List<Setting> settings) implements Statement {
    public AlterFileSet {
      settings = List.copyOf(settings);
    }
  }

  /** {@code DELETE SYNCFILESET id}. */
  record DeleteFileSet(long id) implements Statement {
    @JsonCreator
    public DeleteFileSet {}
  }

  /**
   * {@code INFO SYNCFILESET [id] [, LOG [LAST n]]}.
   *
   * @param id null for every file set
   * @param logLast how many log records to show: null without a LOG clause, 20 for LOG alone
   */
  record InfoFileSet(Long id, Integer logLast) implements Statement {}

  /** {@code SUSPEND SYNCFILESET id}. */
  record SuspendFileSet(long id) implements Statement {
    @JsonCreator
    public SuspendFileSet {}
  }

  /** {@code ACTIVATE SYNCFILESET id}. */
  record ActivateFileSet(long id) implements Statement {
    @JsonCreator
    public ActivateFileSet {}
  }

  // ---- batch ids ----

  /** {@code ADD BATCHID id [, SUSPEND]}. */
  record AddBatch(String id, List<Setting> settings) implements Statement {
    public AddBatch {
      settings = List.copyOf(settings);
    }
  }

  /** {@code ALTER BATCHID id, SUSPEND | NO SUSPEND}. */
  record AlterBatch(String id, List<Setting> settings) implements Statement {
    public AlterBatch {
      settings = List.copyOf(settings);
    }
  }

  /** {@code DELETE BATCHID id}. */
  record DeleteBatch(String id) implements Statement {
    @JsonCreator
    public DeleteBatch {}
  }

  /** {@code INFO BATCHID [id]}; a null id means every batch. */
  record InfoBatch(String id) implements Statement {
    @JsonCreator
    public InfoBatch {}
  }

  /** {@code SUSPEND BATCHID id}. */
  record SuspendBatch(String id) implements Statement {
    @JsonCreator
    public SuspendBatch {}
  }

  /** {@code ACTIVATE BATCHID id}. */
  record ActivateBatch(String id) implements Statement {
    @JsonCreator
    public ActivateBatch {}
  }

  // ---- administrators (granted by the authorizer) ----

  /** {@code ADD ADMINISTRATOR account}: the OS account may change users (authorizer only). */
  record AddAdministrator(String account) implements Statement {
    @JsonCreator
    public AddAdministrator {}
  }

  /** {@code DELETE ADMINISTRATOR account} (authorizer only). */
  record DeleteAdministrator(String account) implements Statement {
    @JsonCreator
    public DeleteAdministrator {}
  }

  /** {@code INFO ADMINISTRATOR [account]}; a null account means every administrator. */
  record InfoAdministrator(String account) implements Statement {
    @JsonCreator
    public InfoAdministrator {}
  }

  // ---- source nodes a destination refuses ----

  /**
   * {@code DISABLE AUTOSYNC FROM node [TO node]}: the destination node (null: the monitor's node)
   * refuses syncs from the source node.
   */
  record DisableAutosyncFrom(String source, String destination) implements Statement {}

  /** {@code CLEAR AUTOSYNC FROM node [TO node]}: accept that source's syncs again. */
  record ClearAutosyncFrom(String source, String destination) implements Statement {}

  /**
   * {@code INFO AUTOSYNC FROM [node] [TO node]}: which sources are refused; null source: every
   * one, null destination: every destination.
   */
  record InfoAutosyncFrom(String source, String destination) implements Statement {}

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
  record Status(StatusObject object, String id, boolean detail) implements Statement {}

  /** {@code START MONITOR}. */
  enum StartMonitor implements Statement {
    INSTANCE
  }

  /** {@code STOP MONITOR}: running syncs finish, none start. */
  enum StopMonitor implements Statement {
    INSTANCE
  }

  /**
   * {@code OPEN PAGE}: the address of this node's status page with a short-lived, single-use login
   * for the console's caller. Answered by the console's node itself: the page is that node's.
   */
  enum OpenPage implements Statement {
    INSTANCE
  }

  /** {@code ENV}: show the console's environment (node, cluster, user). */
  enum Env implements Statement {
    INSTANCE
  }

  /** {@code HELP [topic]}; a null topic means the list of commands. */
  record Help(String topic) implements Statement {
    @JsonCreator
    public Help {}
  }

  /** The console session's parameters, which ENV shows, SET changes and RESET restores. */
  enum Parameter {
    /** The sync user for commands that name none (starts as the console's {@code --user}). */
    USER,
    /** How results are printed: TEXT or JSON (starts as the console's {@code --json}). */
    OUTPUT
  }

  /** {@code SET USER name} or {@code SET OUTPUT TEXT|JSON}: change a session parameter. Console-local. */
  record SetParameter(Parameter parameter, String value) implements Statement {}

  /** {@code RESET}: every session parameter back to what the console started with. Console-local. */
  enum Reset implements Statement {
    INSTANCE
  }

  /** {@code EXIT} or {@code QUIT}: leave the console. Console-local. */
  enum Exit implements Statement {
    INSTANCE
  }

  /** A blank line or a comment ({@code --} or {@code #} first): nothing to do. Console-local. */
  enum Nothing implements Statement {
    INSTANCE
  }
}
