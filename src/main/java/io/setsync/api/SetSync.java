package io.setsync.api;

import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.AskPattern;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.setsync.command.Caller;
import io.setsync.command.CommandException;
import io.setsync.command.CommandParser;
import io.setsync.command.Statement;
import io.setsync.console.ResultText;
import io.setsync.monitor.Monitor;
import io.setsync.monitor.Result;
import io.setsync.node.SetSyncNode;
import io.setsync.options.OptionText;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * setsync embedded in a host application: a clustered node (monitor, schedulers, data endpoint)
 * whose methods mirror the console's commands. Every method answers with a {@link
 * CompletionStage}; a refused command completes exceptionally with {@link SetSyncException}, whose
 * message is the console's error text.
 *
 * <p>Every command runs as the OS account of the process that embeds this node ({@link
 * Caller#thisProcess()}): the node trusts its own process, so the application may do whatever
 * that account may do in setsync (as root: everything), and it cannot act as another caller. A
 * command's sync user (the {@code user} of the methods) only chooses whom the command is for, as
 * the console's {@code --user} does.
 *
 * <pre>{@code
 * try (SetSync setsync = SetSync.start(ConfigFactory.load())) {
 *   setsync.addUser("alice", "").toCompletableFuture().join();
 *   long id = setsync.addFileSet("alice", "/srv/app", "/backup/app", "PURGE, INTERVAL 10 MINUTES")
 *       .toCompletableFuture().join();
 *   Result.Status status = setsync.status().toCompletableFuture().join();
 * }
 * }</pre>
 */
public final class SetSync implements AutoCloseable {

  /** A command the monitor refused or could not run; {@link #code()} is its completion code. */
  public static final class SetSyncException extends RuntimeException {
    private final int code;

    public SetSyncException(int code, String message) {
      super(message);
      this.code = code;
    }

    public int code() {
      return code;
    }
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Duration SYNC_TIMEOUT = Duration.ofDays(30);

  private final SetSyncNode node;
  private final ActorRef<Monitor.Command> monitor;
  private final String user;

  private SetSync(SetSyncNode node, String user) {
    this.node = node;
    this.monitor = node.monitor().orElseThrow();
    this.user = user;
  }

  /** Starts a clustered node from {@code config} (its {@code setsync} section over the defaults). */
  public static SetSync start(Config config) throws SetSyncNode.StartException {
    Config clustered = ConfigFactory.parseMap(Map.of("setsync.node.cluster", true)).withFallback(config);
    return new SetSync(SetSyncNode.start(clustered), Caller.thisProcess().account());
  }

  /** This node's name: the destination node of file sets that name none. */
  public String nodeName() {
    return node.name();
  }

  // --- sync users ---

  public CompletionStage<Result.Done> addUser(String name, String options) {
    return done("ADD SYNCUSER " + name + withOptions(options));
  }

  public CompletionStage<Result.Done> alterUser(String name, String options) {
    return done("ALTER SYNCUSER " + name + withOptions(options));
  }

  public CompletionStage<Result.Done> suspendUser(String name) {
    return done("SUSPEND SYNCUSER " + name);
  }

  public CompletionStage<Result.Done> activateUser(String name) {
    return done("ACTIVATE SYNCUSER " + name);
  }

  public CompletionStage<Result.Done> deleteUser(String name) {
    return done("DELETE SYNCUSER " + name);
  }

  public CompletionStage<Result.Users> users() {
    return typed("INFO SYNCUSER", Result.Users.class);
  }

  // --- file sets ---

  /**
   * Adds a file set owned by {@code user}, replicated from {@code source} to {@code destination}
   * ({@code /path} on this node or {@code node:/path}); completes with its id.
   */
  public CompletionStage<Long> addFileSet(String user, String source, String destination, String options) {
    String line = "ADD SYNCFILESET " + OptionText.quote(source) + " TO " + destination(destination)
        + ", USER " + user + withOptions(options);
    return typed(line, Result.FileSetAdded.class).thenApply(Result.FileSetAdded::id);
  }

  public CompletionStage<Result.Done> alterFileSet(long id, String options) {
    return done("ALTER SYNCFILESET " + id + withOptions(options));
  }

  public CompletionStage<Result.Done> suspendFileSet(long id) {
    return done("SUSPEND SYNCFILESET " + id);
  }

  public CompletionStage<Result.Done> activateFileSet(long id) {
    return done("ACTIVATE SYNCFILESET " + id);
  }

  public CompletionStage<Result.Done> deleteFileSet(long id) {
    return done("DELETE SYNCFILESET " + id);
  }

  public CompletionStage<Result.FileSets> fileSets() {
    return typed("INFO SYNCFILESET", Result.FileSets.class);
  }

  /** The last {@code last} records of a file set's log. */
  public CompletionStage<Result.Log> log(long id, int last) {
    return typed("INFO SYNCFILESET " + id + ", LOG LAST " + last, Result.Log.class);
  }

  // --- batches ---

  public CompletionStage<Result.Done> addBatch(String id) {
    return done("ADD BATCHID " + id);
  }

  public CompletionStage<Result.Done> suspendBatch(String id) {
    return done("SUSPEND BATCHID " + id);
  }

  public CompletionStage<Result.Done> activateBatch(String id) {
    return done("ACTIVATE BATCHID " + id);
  }

  public CompletionStage<Result.Done> deleteBatch(String id) {
    return done("DELETE BATCHID " + id);
  }

  // --- status, monitor, one-time sync ---

  /** STATUS SYNCFILESET, DETAIL: every file set with its state, next run and last result. */
  public CompletionStage<Result.Status> status() {
    return typed("STATUS SYNCFILESET, DETAIL", Result.Status.class);
  }

  public CompletionStage<Result.Done> startMonitor() {
    return done("START MONITOR");
  }

  public CompletionStage<Result.Done> stopMonitor() {
    return done("STOP MONITOR");
  }

  /** A one-time synchronization run by this node; completes when it has ended. */
  public CompletionStage<Result.Synchronized> synchronize(String source, String destination, String options) {
    return typed("SYNCHRONIZE " + OptionText.quote(source) + " TO " + destination(destination) + withOptions(options),
        Result.Synchronized.class);
  }

  /** Any command of the command language, answered as the console would be. */
  public CompletionStage<Result> execute(String commandLine) {
    Statement command;
    try {
      command = CommandParser.parse(commandLine);
    } catch (CommandException e) {
      return CompletableFuture.failedFuture(new SetSyncException(2, e.getMessage()));
    }
    Duration timeout = command instanceof Statement.Synchronize ? SYNC_TIMEOUT : TIMEOUT;
    return AskPattern.ask(monitor, reply -> new Monitor.Execute(command, Caller.thisProcess(), user, node.name(), reply), timeout,
        node.system().scheduler());
  }

  /** Stops the node: running syncs end at a file boundary, then the node leaves its cluster. */
  @Override
  public void close() {
    node.close();
  }

  private CompletionStage<Result.Done> done(String line) {
    return typed(line, Result.Done.class);
  }

  private <R extends Result> CompletionStage<R> typed(String line, Class<R> type) {
    return execute(line).thenApply(result -> {
      if (!type.isInstance(result) || (result instanceof Result.Done && result.code() == 2)) {
        throw new SetSyncException(result.code(), ResultText.of(result));
      }
      return type.cast(result);
    });
  }

  private static String withOptions(String options) {
    return options == null || options.isBlank() ? "" : ", " + options;
  }

  /** "node:/path" stays as it is; a bare path is quoted so spaces and commas survive. */
  private static String destination(String destination) {
    return destination.startsWith("/") ? OptionText.quote(destination) : destination;
  }
}
