package io.setsync.monitor;

import io.setsync.command.Caller;
import io.setsync.command.HelpText;
import io.setsync.command.Setting;
import io.setsync.command.Statement.StatusObject;
import io.setsync.command.Statement;
import io.setsync.command.SyncPaths;
import io.setsync.fs.FsIdentity;
import io.setsync.fs.Ownership;
import io.setsync.fs.SyncAccount;
import io.setsync.log.LogRecord;
import io.setsync.options.OptionException;
import io.setsync.options.OptionRegistry;
import io.setsync.options.SyncOptions;
import io.setsync.schedule.FileSetConfig;
import io.setsync.schedule.SchedulerKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The monitor's rules for each command, apart from the actor: given the state and a command, what
 * to persist, what to log and what to answer. Refusals (unknown ids, limits, confinement) are
 * answered with a clear error and change nothing.
 */
final class MonitorCommands {

  enum Kind {
    REPLY,
    PERSIST,
    READ_LOG,
    SYNCHRONIZE
  }

  /**
   * What the monitor does about one command.
   *
   * @param otherLogs records for the logs of other users than {@code logUser} (DISABLE AUTOSYNC
   *     FROM tells every user whose file sets it stops)
   * @param nodeLog a line for the node's log once the events are persisted, or null
   */
  record Decision(
      Kind kind, Result result, List<Monitor.Event> events, String logUser, List<LogRecord> logRecords,
      long fileSetId, int logLast, OneTime oneTime, Map<String, List<LogRecord>> otherLogs, String nodeLog) {

    Decision(Kind kind, Result result, List<Monitor.Event> events, String logUser, List<LogRecord> logRecords,
        long fileSetId, int logLast, OneTime oneTime) {
      this(kind, result, events, logUser, logRecords, fileSetId, logLast, oneTime, Map.of(), null);
    }

    static Decision reply(Result result) {
      return new Decision(Kind.REPLY, result, List.of(), null, List.of(), 0, 0, null);
    }

    static Decision persist(Result result, String logUser, LogRecord log, Monitor.Event... events) {
      return new Decision(Kind.PERSIST, result, List.of(events), logUser, log == null ? List.of() : List.of(log),
          0, 0, null);
    }

    Decision withNodeLog(String line) {
      return new Decision(kind, result, events, logUser, logRecords, fileSetId, logLast, oneTime, otherLogs, line);
    }

    Decision withOtherLogs(Map<String, List<LogRecord>> logs) {
      return new Decision(kind, result, events, logUser, logRecords, fileSetId, logLast, oneTime, Map.copyOf(logs),
          nodeLog);
    }
  }

  /**
   * SYNCHRONIZE's request: an absolute source directory to a destination root on a node (null: this
   * one), run as sync user {@code user} (null: as the node itself, for an administrator who named none).
   */
  record OneTime(String source, String destinationNode, String destination, SyncOptions options, String user) {}

  /** What only the running monitor knows: scheduler states, running syncs, planned runs. */
  /** @param overdue the overdue file sets and why ({@link Overdue}) */
  record LiveView(
      String localNode, Map<SchedulerKey, String> schedulerStates, Map<Long, Result.Progress> running,
      Map<Long, Long> nextRuns, List<Result.OneTimeView> oneTimeRuns, Map<Long, String> overdue) {
    LiveView(String localNode, Map<SchedulerKey, String> schedulerStates, Map<Long, Result.Progress> running,
        Map<Long, Long> nextRuns, List<Result.OneTimeView> oneTimeRuns) {
      this(localNode, schedulerStates, running, nextRuns, oneTimeRuns, Map.of());
    }

    LiveView(String localNode, Map<SchedulerKey, String> schedulerStates, Map<Long, Result.Progress> running,
        Map<Long, Long> nextRuns) {
      this(localNode, schedulerStates, running, nextRuns, List.of());
    }
  }

  private final Monitor.Settings settings;
  private final Roles roles;

  MonitorCommands(Monitor.Settings settings) {
    this.settings = settings;
    this.roles = new Roles(settings.authorizer(), settings.node());
  }

  Roles roles() {
    return roles;
  }

  /** {@link #decide(MonitorState, Statement, Caller, String, Function)} from the node's own process. */
  Decision decide(MonitorState state, Statement command, String defaultUser, Function<MonitorState, LiveView> view) {
    return decide(state, command, settings.node(), defaultUser, view);
  }

  /**
   * Decides what {@code command} does.
   *
   * @param caller who sent it, as the node knows it: what it may do follows from this alone
   * @param defaultUser the sync user to act for where the command names none (the console's
   *     {@code --user}); it only chooses among the users {@code caller} may act for
   * @throws IllegalArgumentException when the command is refused; the message says why ({@link
   *     Roles.Refused} when the caller lacks the right)
   */
  Decision decide(
      MonitorState state, Statement command, Caller caller, String defaultUser, Function<MonitorState, LiveView> view) {
    // The node's own process names the user it acts for; anyone else is named as the kernel knows them.
    String who = caller.equals(settings.node()) ? defaultUser : caller.toString();
    if (command instanceof Statement.AddUser c) {
      roles.requireAdministrator(state, caller, "ADD SYNCUSER");
      return addUser(state, c, who);
    }
    if (command instanceof Statement.AlterUser c) {
      roles.requireAdministrator(state, caller, "ALTER SYNCUSER");
      return saveUser(state, user(state, c.name()).alter(c.settings()), "ALTER", who);
    }
    if (command instanceof Statement.SuspendUser c) {
      roles.requireAdministrator(state, caller, "SUSPEND SYNCUSER");
      return saveUser(state, withSuspend(user(state, c.name()), true), "SUSPEND", who);
    }
    if (command instanceof Statement.ActivateUser c) {
      roles.requireAdministrator(state, caller, "ACTIVATE SYNCUSER");
      return saveUser(state, withSuspend(user(state, c.name()), false), "ACTIVATE", who);
    }
    if (command instanceof Statement.DeleteUser c) {
      roles.requireAdministrator(state, caller, "DELETE SYNCUSER");
      return deleteUser(state, c, who);
    }
    if (command instanceof Statement.InfoUser c) {
      if (c.name() == null) {
        return Decision.reply(new Result.Users(state.users.values().stream()
            .filter(u -> roles.mayActFor(state, caller, u.name())).toList()));
      }
      UserConfig u = user(state, c.name());
      if (!roles.mayActFor(state, caller, u.name())) {
        throw new Roles.Refused(caller + " may not see SYNCUSER " + u.name());
      }
      return Decision.reply(new Result.Users(List.of(u)));
    }
    if (command instanceof Statement.AddFileSet c) return addFileSet(state, c, caller, defaultUser, who);
    if (command instanceof Statement.AlterFileSet c) {
      FileSetConfig before = ownFileSet(state, caller, c.id());
      FileSetConfig after = before.alter(c.settings());
      roles.requireActFor(state, caller, after.user(), "USER " + after.user() + " of SYNCFILESET " + c.id());
      roles.requireOptionsAllowed(state, caller, after.sync(), "SYNCFILESET " + c.id());
      return saveFileSet(state, c.id(), after, "ALTER", who);
    }
    if (command instanceof Statement.SuspendFileSet c) {
      return saveFileSet(state, c.id(), suspended(ownFileSet(state, caller, c.id()), true), "SUSPEND", who);
    }
    if (command instanceof Statement.ActivateFileSet c) {
      return saveFileSet(state, c.id(), suspended(ownFileSet(state, caller, c.id()), false), "ACTIVATE", who);
    }
    if (command instanceof Statement.DeleteFileSet c) {
      FileSetConfig f = ownFileSet(state, caller, c.id());
      return Decision.persist(Result.Done.ok("SYNCFILESET " + c.id() + " deleted"), f.user(),
          MonitorLog.config(c.id(), "DELETE SYNCFILESET " + c.id() + MonitorLog.by(who)),
          new Monitor.FileSetDeleted(c.id()));
    }
    if (command instanceof Statement.InfoFileSet c) return infoFileSet(state, c, caller, view.apply(state));
    if (command instanceof Statement.AddAdministrator c) {
      roles.requireAuthorizer(state, caller, "ADD ADMINISTRATOR");
      if (state.administrators.contains(c.account())) {
        throw new IllegalArgumentException("ADMINISTRATOR " + c.account() + " already exists");
      }
      return Decision.persist(Result.Done.ok("ADMINISTRATOR " + c.account() + " added"), null, null,
          new Monitor.AdministratorAdded(c.account()))
          .withNodeLog("ADD ADMINISTRATOR " + c.account() + MonitorLog.by(who));
    }
    if (command instanceof Statement.DeleteAdministrator c) {
      roles.requireAuthorizer(state, caller, "DELETE ADMINISTRATOR");
      if (!state.administrators.contains(c.account())) {
        throw new IllegalArgumentException("unknown ADMINISTRATOR " + c.account());
      }
      return Decision.persist(Result.Done.ok("ADMINISTRATOR " + c.account() + " deleted"), null, null,
          new Monitor.AdministratorDeleted(c.account()))
          .withNodeLog("DELETE ADMINISTRATOR " + c.account() + MonitorLog.by(who));
    }
    if (command instanceof Statement.InfoAdministrator c) {
      roles.requireAdministrator(state, caller, "INFO ADMINISTRATOR");
      if (c.account() != null && !state.administrators.contains(c.account())) {
        throw new IllegalArgumentException("unknown ADMINISTRATOR " + c.account());
      }
      return Decision.reply(new Result.Administrators(roles.authorizerText(),
          c.account() == null ? List.copyOf(state.administrators) : List.of(c.account())));
    }
    if (command instanceof Statement.DisableAutosyncFrom c) {
      roles.requireAdministrator(state, caller, "DISABLE AUTOSYNC FROM");
      return autosyncFrom(state, c.source(), c.destination(), true, who);
    }
    if (command instanceof Statement.ClearAutosyncFrom c) {
      roles.requireAdministrator(state, caller, "CLEAR AUTOSYNC FROM");
      return autosyncFrom(state, c.source(), c.destination(), false, who);
    }
    if (command instanceof Statement.InfoAutosyncFrom c) {
      roles.requireAdministrator(state, caller, "INFO AUTOSYNC FROM");
      List<Result.RefusedSource> refused = new ArrayList<>();
      state.refusedSources.forEach((destination, sources) -> sources.forEach(source -> {
        if ((c.source() == null || c.source().equals(source))
            && (c.destination() == null || c.destination().equals(destination))) {
          refused.add(new Result.RefusedSource(source, destination));
        }
      }));
      return Decision.reply(new Result.RefusedSources(refused));
    }
    if (command instanceof Statement.AddBatch c) {
      roles.requireAdministrator(state, caller, "ADD BATCHID");
      if (state.batches.containsKey(c.id())) throw new IllegalArgumentException("BATCHID " + c.id() + " already exists");
      BatchConfig b = BatchConfig.create(c);
      return Decision.persist(Result.Done.ok("BATCHID " + b.id() + " added"), null, null, new Monitor.BatchSaved(b));
    }
    // A batch spans users: suspending or changing it changes other users' schedules.
    if (command instanceof Statement.AlterBatch c) {
      roles.requireAdministrator(state, caller, "ALTER BATCHID");
      return saveBatch(batch(state, c.id()).alter(c.settings()), "altered");
    }
    if (command instanceof Statement.SuspendBatch c) {
      roles.requireAdministrator(state, caller, "SUSPEND BATCHID");
      return saveBatch(batchSuspended(batch(state, c.id()), true), "suspended");
    }
    if (command instanceof Statement.ActivateBatch c) {
      roles.requireAdministrator(state, caller, "ACTIVATE BATCHID");
      return saveBatch(batchSuspended(batch(state, c.id()), false), "activated");
    }
    if (command instanceof Statement.DeleteBatch c) {
      roles.requireAdministrator(state, caller, "DELETE BATCHID");
      batch(state, c.id());
      List<Long> users = state.fileSetsOfBatch(c.id());
      if (!users.isEmpty()) {
        throw new IllegalArgumentException("BATCHID " + c.id() + " is still used by SYNCFILESET " + ids(users)
            + "; alter or delete them first");
      }
      return Decision.persist(Result.Done.ok("BATCHID " + c.id() + " deleted"), null, null, new Monitor.BatchDeleted(c.id()));
    }
    if (command instanceof Statement.InfoBatch c) {
      List<Result.BatchView> views = new ArrayList<>();
      for (BatchConfig b : c.id() == null ? state.batches.values() : List.of(batch(state, c.id()))) {
        views.add(new Result.BatchView(b.id(), b.suspended(), state.fileSetsOfBatch(b.id()).stream()
            .filter(id -> roles.mayUse(state, caller, state.fileSets.get(id))).toList()));
      }
      return Decision.reply(new Result.Batches(views));
    }
    if (command instanceof Statement.Status c) return Decision.reply(status(state, c, caller, view.apply(state)));
    if (command instanceof Statement.StartMonitor) {
      roles.requireAdministrator(state, caller, "START MONITOR");
      if (!state.stopped) return Decision.reply(Result.Done.ok("the monitor is already running"));
      return Decision.persist(Result.Done.ok("monitor started"), null, null, new Monitor.RunStateChanged(false));
    }
    if (command instanceof Statement.StopMonitor) {
      roles.requireAdministrator(state, caller, "STOP MONITOR");
      if (state.stopped) return Decision.reply(Result.Done.ok("the monitor is already stopped"));
      return Decision.persist(Result.Done.ok("monitor stopped: running syncs finish, no new ones start"), null, null,
          new Monitor.RunStateChanged(true));
    }
    if (command instanceof Statement.Help c) {
      return Decision.reply(help(c.topic()));
    }
    if (command instanceof Statement.Env) {
      return Decision.reply(new Result.Env(Map.of(
          "node", settings.localNode(),
          "user", String.valueOf(defaultUser),
          "caller", caller.toString(),
          "role", roles.of(state, caller).name().toLowerCase(java.util.Locale.ROOT),
          "monitor", state.stopped ? "stopped" : "running",
          "max-schedulers", String.valueOf(settings.maxSchedulers()),
          "max-file-sets", String.valueOf(settings.maxFileSetsPerUser()))));
    }
    if (command instanceof Statement.Synchronize c) {
      requireApart(settings.localNode(), c.source(),
          c.destinationNode() == null ? settings.localNode() : c.destinationNode(), c.destination());
      SyncOptions options = syncOptions(c.settings());
      String acting = roles.actingUser(state, caller, defaultUser);
      UserConfig user = acting == null ? null : state.users.get(acting);
      if (user != null) {
        confine(user, c.source(), true);
        confine(user, c.destination(), isHere(c.destinationNode()));
      }
      roles.requireOptionsAllowed(state, caller, options, "SYNCHRONIZE");
      if (acting != null) {
        String problem = roles.nodeCannotRunAs(state, acting);
        if (problem != null) throw new Roles.Refused(problem);
      }
      String destinationNode = c.destinationNode() == null ? settings.localNode() : c.destinationNode();
      if (state.refuses(destinationNode, settings.localNode())) {
        throw new Roles.Refused("SYNCHRONIZE " + c.source() + " TO " + destinationNode + ":" + c.destination()
            + " refused: " + destinationNode + " disabled AUTOSYNC FROM " + settings.localNode());
      }
      requireAccounts(options, true, isHere(c.destinationNode()));
      if (user != null) requireRootWriterForOwners(options, user.syncAccount(), isHere(c.destinationNode()));
      OneTime request = new OneTime(c.source(), c.destinationNode(), c.destination(), options, acting);
      return new Decision(Kind.SYNCHRONIZE, null, List.of(), null, List.of(), 0, 0, request);
    }
    if (command instanceof Statement.OpenPage) {
      throw new IllegalArgumentException("OPEN PAGE is answered on the node's own machine: run scripts/setsync console"
          + " \"OPEN PAGE\" there");
    }
    if (command instanceof Statement.Nothing || command instanceof Statement.Exit) {
      return Decision.reply(Result.Done.ok(""));
    }
    throw new IllegalArgumentException(command.getClass().getSimpleName() + " is not a monitor command");
  }

  // --- users ---

  private Decision addUser(MonitorState state, Statement.AddUser c, String who) {
    if (state.users.containsKey(c.name())) throw new IllegalArgumentException("SYNCUSER " + c.name() + " already exists");
    UserConfig u = UserConfig.create(c);
    String options = u.optionText();
    return Decision.persist(Result.Done.ok("SYNCUSER " + u.name() + " added"), u.name(),
        MonitorLog.config(null, "ADD SYNCUSER " + u.name() + MonitorLog.by(who)
            + (options.isEmpty() ? "" : ": " + options)), new Monitor.UserSaved(u));
  }

  private Decision saveUser(MonitorState state, UserConfig u, String verb, String who) {
    List<Long> outside = new ArrayList<>();
    // Only ALTER changes the roots; SUSPEND and ACTIVATE must work whatever changed on disk.
    for (Long id : verb.equals("ALTER") ? state.fileSetsOfUser(u.name()) : List.<Long>of()) {
      FileSetConfig f = state.fileSets.get(id);
      if (rootsProblem(u, f.source(), true) != null
          || rootsProblem(u, f.destination(), isHere(f.destinationNode())) != null) {
        outside.add(id);
      }
    }
    if (!outside.isEmpty()) {
      throw new IllegalArgumentException("SYNCFILESET " + ids(outside) + " of " + u.name()
          + " would fall outside its roots; alter or delete them first");
    }
    UserConfig before = state.users.get(u.name());
    String text = verb + " SYNCUSER " + u.name() + MonitorLog.by(who);
    if (verb.equals("ALTER")) text += ": " + MonitorLog.changes(before.optionText(), u.optionText());
    return Decision.persist(Result.Done.ok("SYNCUSER " + u.name() + " " + past(verb)), u.name(),
        MonitorLog.config(null, text), new Monitor.UserSaved(u));
  }

  private Decision deleteUser(MonitorState state, Statement.DeleteUser c, String who) {
    user(state, c.name());
    List<Long> owned = state.fileSetsOfUser(c.name());
    if (!owned.isEmpty()) {
      throw new IllegalArgumentException("SYNCUSER " + c.name() + " still has SYNCFILESET " + ids(owned)
          + "; delete them first");
    }
    return Decision.persist(Result.Done.ok("SYNCUSER " + c.name() + " deleted"), c.name(),
        MonitorLog.config(null, "DELETE SYNCUSER " + c.name() + MonitorLog.by(who)), new Monitor.UserDeleted(c.name()));
  }

  // --- file sets ---

  private Decision addFileSet(MonitorState state, Statement.AddFileSet c, Caller caller, String defaultUser, String who) {
    boolean namesUser = c.settings().stream().anyMatch(s -> s.keyword().equals(io.setsync.command.CommandOptions.USER));
    // USER names the owner outright; without it the file set is the caller's own sync user's.
    FileSetConfig f = FileSetConfig.create(namesUser ? defaultUser : roles.actingUser(state, caller, defaultUser), c);
    if (state.users.containsKey(f.user())) {
      roles.requireActFor(state, caller, f.user(), "USER " + f.user());
    } else if (!roles.isAdministrator(state, caller)) {
      throw new Roles.Refused("unknown SYNCUSER " + f.user() + "; only an administrator may add it");
    }
    roles.requireOptionsAllowed(state, caller, f.sync(), "the file set");
    return addFileSet(state, f, who);
  }

  private Decision addFileSet(MonitorState state, FileSetConfig f, String who) {
    check(state, f, true, true);
    if (state.fileSetsOfUser(f.user()).size() >= settings.maxFileSetsPerUser()) {
      throw new IllegalArgumentException("SYNCUSER " + f.user() + " already has " + settings.maxFileSetsPerUser()
          + " file sets, the most allowed");
    }
    long id = state.nextFileSetId;
    return Decision.persist(new Result.FileSetAdded(id, "SYNCFILESET " + id + " added"), f.user(),
        MonitorLog.config(id, "ADD SYNCFILESET " + id + MonitorLog.by(who) + ": " + describe(f)),
        new Monitor.FileSetSaved(id, f));
  }

  private Decision saveFileSet(MonitorState state, long id, FileSetConfig f, String verb, String who) {
    FileSetConfig before = state.fileSets.get(id);
    // SUSPEND and ACTIVATE must work whatever changed on disk; ALTER's new configuration is judged whole.
    check(state, f, !before.user().equals(f.user()), verb.equals("ALTER"));
    String text = verb + " SYNCFILESET " + id + MonitorLog.by(who);
    if (verb.equals("ALTER")) text += ": " + MonitorLog.changes(before.optionText(), f.optionText());
    return Decision.persist(Result.Done.ok("SYNCFILESET " + id + " " + past(verb)), f.user(),
        MonitorLog.config(id, text), new Monitor.FileSetSaved(id, f));
  }

  /**
   * Refuses a file set whose user or batch is unknown, whose paths nest or leave its user's roots,
   * or that needs one scheduler too many. {@code onDisk}: also judge it where its paths really lead
   * and by the accounts its options name (ADD and ALTER).
   */
  private void check(MonitorState state, FileSetConfig f, boolean newOwner, boolean onDisk) {
    UserConfig user = state.users.get(f.user());
    if (user == null) {
      throw new IllegalArgumentException("unknown SYNCUSER " + f.user() + "; ADD SYNCUSER " + f.user() + " first");
    }
    if (!f.batchId().isEmpty() && !state.batches.containsKey(f.batchId())) {
      throw new IllegalArgumentException("unknown BATCHID " + f.batchId() + "; ADD BATCHID " + f.batchId() + " first");
    }
    if (onDisk) {
      String sourceNode = f.sourceNodeOr(settings.localNode());
      String destinationNode = f.destinationNodeOr(settings.localNode());
      requireApart(sourceNode, f.source(), destinationNode, f.destination());
      confine(user, f.source(), isHere(sourceNode));
      confine(user, f.destination(), isHere(destinationNode));
      requireAccounts(f.sync(), isHere(sourceNode), isHere(destinationNode));
      requireRootWriterForOwners(f.sync(), user.syncAccount(), isHere(destinationNode));
      String problem = roles.nodeCannotRunAs(state, f.user());
      if (problem != null) throw new Roles.Refused(problem);
    } else {
      for (String path : List.of(f.source(), f.destination())) {
        if (!user.allows(path)) {
          throw new IllegalArgumentException(path + " is outside the roots of SYNCUSER " + f.user() + " "
              + user.roots());
        }
      }
    }
    SchedulerKey key = MonitorState.keyOf(f, settings.localNode());
    if (state.isActive(f) && !state.wantedSchedulers(settings.localNode()).containsKey(key)
        && state.wantedSchedulers(settings.localNode()).size() >= settings.maxSchedulers()) {
      throw new IllegalArgumentException("this file set would need scheduler " + key.label() + ", but "
          + settings.maxSchedulers() + " schedulers are the most allowed (setsync.monitor.max-schedulers)");
    }
  }

  private Decision infoFileSet(MonitorState state, Statement.InfoFileSet c, Caller caller, LiveView live) {
    if (c.logLast() != null) {
      if (c.id() == null) throw new IllegalArgumentException("LOG needs a SYNCFILESET id");
      FileSetConfig f = ownFileSet(state, caller, c.id());
      return new Decision(Kind.READ_LOG, null, List.of(), f.user(), List.of(), c.id(), c.logLast(), null);
    }
    List<Result.FileSetView> views = new ArrayList<>();
    if (c.id() == null) {
      state.fileSets.forEach((id, f) -> {
        if (roles.mayUse(state, caller, f)) views.add(view(state, id, live));
      });
    } else {
      ownFileSet(state, caller, c.id());
      views.add(view(state, c.id(), live));
    }
    return Decision.reply(new Result.FileSets(views));
  }

  // --- status ---

  /**
   * Refuses {@code /} as a source or destination, and a source and destination on one node of
   * which one lies inside the other, as written or, when that node is this one, where symbolic
   * links lead. On different nodes the same path names different trees; another node's links are
   * judged there, at each access, by the sync's confinement.
   */
  private void requireApart(String sourceNode, String source, String destinationNode, String destination) {
    Path s = Path.of(source);
    Path d = Path.of(destination);
    boolean sameNode = sourceNode.equals(destinationNode);
    refuse(sameNode ? SyncPaths.nestingProblem(s, d) : SyncPaths.rootProblem(s, d), "");
    if (!sameNode || !isHere(sourceNode)) return;
    Path realSource = SyncPaths.real(s);
    Path realDestination = SyncPaths.real(d);
    if (!realSource.equals(s) || !realDestination.equals(d)) {
      String how = " (" + source + " to " + destination + " once symbolic links are followed)";
      refuse(SyncPaths.nestingProblem(realSource, realDestination), how);
    }
  }

  private static void refuse(java.util.Optional<String> problem, String suffix) {
    problem.ifPresent(p -> {
      throw new IllegalArgumentException(p + suffix);
    });
  }

  /** Whether a node names the monitor's (null: a SYNCHRONIZE's bare destination, on its source node, this one). */
  private boolean isHere(String node) {
    return node == null || node.equals(settings.localNode());
  }

  /** Refuses a path outside {@code user}'s roots, as written or, on this node, where it really leads. */
  private static void confine(UserConfig user, String path, boolean here) {
    String problem = rootsProblem(user, path, here);
    if (problem != null) throw new IllegalArgumentException(problem);
  }

  /**
   * What takes {@code path} outside {@code user}'s roots, or null. On this node a path must also
   * stay inside a root's real path once every symbolic link along it is followed: a link inside a
   * root that points elsewhere would otherwise let the sync read or write outside it.
   */
  private static String rootsProblem(UserConfig user, String path, boolean here) {
    if (!user.allows(path)) return path + " is outside the roots of SYNCUSER " + user.name() + " " + user.roots();
    if (!here || user.roots().isEmpty()) return null;
    Path real = SyncPaths.real(Path.of(path));
    for (String root : user.roots()) {
      if (real.startsWith(SyncPaths.real(Path.of(root)))) return null;
    }
    return path + " leads to " + real + ", outside the roots of SYNCUSER " + user.name() + " " + user.roots();
  }

  /**
   * Refuses accounts that the machine resolving them does not know: FROMOWNER is resolved at the
   * source, OWNER and OWNERGROUP at the destination; each is checked when that machine is this one.
   */
  private static void requireAccounts(SyncOptions o, boolean sourceHere, boolean destinationHere) {
    if (sourceHere) account("FROMOWNER", o.fromOwner(), Ownership::user);
    if (!destinationHere) return;
    account("OWNER", o.owner(), Ownership::user);
    account("OWNERGROUP", o.ownerGroup(), Ownership::group);
  }

  /**
   * OWNER and OWNERGROUP give files away, which only a sync that writes as root can do (the
   * destination refuses them otherwise): refused when the file set is set up rather than at each
   * sync, where the destination is this node. An account this node cannot act for is the
   * scheduler's refusal to make, not this one.
   */
  private static void requireRootWriterForOwners(SyncOptions o, SyncAccount writer, boolean destinationHere) {
    if (!destinationHere || (o.owner() == null && o.ownerGroup() == null)) return;
    FsIdentity identity;
    try {
      identity = writer.identity();
    } catch (java.io.IOException cannotActForIt) {
      return;
    }
    if (!identity.isRoot()) {
      String which = o.owner() != null ? "OWNER " + o.owner() : "OWNERGROUP " + o.ownerGroup();
      throw new IllegalArgumentException(which + " needs a sync that writes as root, and this one writes as account "
          + writer.account() + " (its SYNCUSER's ACCOUNT)");
    }
  }

  private static void account(String option, String name, Function<String, ?> lookup) {
    if (name == null) return;
    try {
      lookup.apply(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + " " + name + ": " + e.getMessage());
    }
  }

  private Result status(MonitorState state, Statement.Status c, Caller caller, LiveView live) {
    // A user sees only the syncs of the sync users they may act for; an administrator sees all.
    java.util.function.Predicate<String> visible = user -> roles.mayActFor(state, caller, user);
    List<Result.SchedulerView> schedulerViews = new ArrayList<>();
    live.schedulerStates().forEach((key, s) -> {
      if (visible.test(key.user())
          && (c.object() != StatusObject.BATCHID || c.id() == null || key.batchId().equals(c.id()))) {
        List<Long> ids = new ArrayList<>();
        state.fileSets.forEach((id, f) -> {
          if (state.isActive(f) && MonitorState.keyOf(f, live.localNode()).equals(key)) ids.add(id);
        });
        schedulerViews.add(new Result.SchedulerView(key, s, ids));
      }
    });
    if (c.object() == StatusObject.BATCHID && c.id() != null && !c.id().isEmpty()) batch(state, c.id());
    List<Result.FileSetView> fileSetViews = new ArrayList<>();
    if (c.object() == StatusObject.SYNCFILESET && c.id() != null) {
      long id = parseId(c.id());
      ownFileSet(state, caller, id);
      fileSetViews.add(view(state, id, live));
    } else if (c.object() == StatusObject.SYNC && c.id() != null) {
      user(state, c.id());
      if (!visible.test(c.id())) throw new Roles.Refused(caller + " may not see the syncs of SYNCUSER " + c.id());
      state.fileSetsOfUser(c.id()).forEach(id -> fileSetViews.add(view(state, id, live)));
    } else {
      state.fileSets.forEach((id, f) -> {
        if (visible.test(f.user())) fileSetViews.add(view(state, id, live));
      });
    }
    // Overdue ones first: what an operator must look at.
    fileSetViews.sort(java.util.Comparator.comparing((Result.FileSetView v) -> v.overdue() == null));
    // A SYNCHRONIZE run as the node itself (no sync user) is an administrator's.
    java.util.function.Predicate<Result.OneTimeView> visibleRun = r -> r.user() == null
        ? roles.isAdministrator(state, caller) : visible.test(r.user());
    List<Result.OneTimeView> oneTime = live.oneTimeRuns().stream()
        .filter(visibleRun)
        .filter(r -> c.object() != StatusObject.SYNC || c.id() == null || c.id().equals(r.user())).toList();
    Result.MonitorView monitor;
    if (roles.isAdministrator(state, caller)) {
      int waiting = (int) live.schedulerStates().values().stream().filter(s -> s.startsWith("waiting")).count();
      monitor = new Result.MonitorView(live.localNode(), !state.stopped, state.users.size(),
          state.fileSets.size(), (int) state.activeCount(), live.schedulerStates().size(), waiting,
          live.running().size() + live.oneTimeRuns().size());
    } else { // counts of the caller's own, so that they tell nothing of other users
      List<FileSetConfig> own = state.fileSets.values().stream().filter(f -> visible.test(f.user())).toList();
      int waiting = (int) live.schedulerStates().entrySet().stream()
          .filter(e -> visible.test(e.getKey().user()) && e.getValue().startsWith("waiting")).count();
      long running = state.fileSets.entrySet().stream()
          .filter(e -> visible.test(e.getValue().user()) && live.running().containsKey(e.getKey())).count();
      monitor = new Result.MonitorView(live.localNode(), !state.stopped, roles.ownUsers(state, caller).size(),
          own.size(), (int) own.stream().filter(state::isActive).count(),
          (int) live.schedulerStates().keySet().stream().filter(k -> visible.test(k.user())).count(), waiting,
          (int) running + oneTime.size());
    }
    return new Result.Status(c.object(), c.detail(), monitor, schedulerViews, fileSetViews, oneTime);
  }

  private Result.FileSetView view(MonitorState state, long id, LiveView live) {
    FileSetConfig f = state.fileSets.get(id);
    Result.Progress progress = live.running().get(id);
    String s;
    String inactive = state.inactiveReason(f);
    if (inactive == null) inactive = state.refusalOf(f, live.localNode());
    if (inactive == null) inactive = roles.nodeCannotRunAs(state, f.user());
    if (progress != null) s = "running";
    else if (inactive != null) s = inactive;
    else if (state.stopped) s = "monitor stopped";
    else s = fileSetState(live.schedulerStates().getOrDefault(MonitorState.keyOf(f, live.localNode()), "starting"));
    // A retired scheduler's last plan stays in the live view: only a file set that will run shows one.
    boolean willRun = progress == null && inactive == null && !state.stopped;
    return new Result.FileSetView(id, f, s, willRun ? live.nextRuns().get(id) : null,
        state.lastResults.get(id), progress, live.overdue().get(id));
  }

  /**
   * An active file set's state, from its scheduler's, when no sync of its own runs: a scheduler
   * that is idle, or running another of its file sets, has it scheduled.
   */
  private static String fileSetState(String schedulerState) {
    return schedulerState.equals("idle") || schedulerState.equals("running") ? "scheduled" : schedulerState;
  }

  // --- helpers ---

  private static UserConfig user(MonitorState state, String name) {
    UserConfig u = state.users.get(name);
    if (u == null) throw new IllegalArgumentException("unknown SYNCUSER " + name);
    return u;
  }

  private static FileSetConfig fileSet(MonitorState state, long id) {
    FileSetConfig f = state.fileSets.get(id);
    if (f == null) throw new IllegalArgumentException("unknown SYNCFILESET " + id);
    return f;
  }

  /** The file set {@code id}, when {@code caller} may see and change it. */
  private FileSetConfig ownFileSet(MonitorState state, Caller caller, long id) {
    FileSetConfig f = fileSet(state, id);
    roles.requireActFor(state, caller, f.user(), "SYNCFILESET " + id);
    return f;
  }

  /**
   * DISABLE ({@code refuse}) or CLEAR AUTOSYNC FROM: persisted, and told to the node's log and to
   * every user whose file sets from here to that destination it stops or lets run again.
   */
  private Decision autosyncFrom(MonitorState state, String source, String destinationNode, boolean refuse, String who) {
    String destination = destinationNode == null ? settings.localNode() : destinationNode;
    String verb = refuse ? "DISABLE" : "CLEAR";
    String command = verb + " AUTOSYNC FROM " + source + " TO " + destination;
    if (state.refuses(destination, source) == refuse) {
      return Decision.reply(Result.Done.ok(destination + (refuse ? " already refuses" : " does not refuse")
          + " syncs from " + source));
    }
    Map<String, List<LogRecord>> logs = new java.util.TreeMap<>();
    List<Long> affected = new ArrayList<>();
    state.fileSets.forEach((id, f) -> {
      if (f.sourceNodeOr(settings.localNode()).equals(source)
          && f.destinationNodeOr(settings.localNode()).equals(destination)) {
        affected.add(id);
        logs.computeIfAbsent(f.user(), u -> new ArrayList<>()).add(MonitorLog.config(id, "SYNCFILESET " + id + ": "
            + (refuse ? destination + " refuses syncs from " + source : "syncs from " + source + " to "
            + destination + " accepted again") + " (" + command + MonitorLog.by(who) + ")"));
      }
    });
    Monitor.Event event = refuse
        ? new Monitor.AutosyncFromDisabled(source, destination) : new Monitor.AutosyncFromCleared(source, destination);
    String message = refuse ? destination + " refuses syncs from " + source : destination + " accepts syncs from "
        + source + " again";
    return Decision.persist(Result.Done.ok(message), null, null, event)
        .withOtherLogs(logs)
        .withNodeLog(command + MonitorLog.by(who) + (affected.isEmpty() ? "" : "; SYNCFILESET " + ids(affected)
            + (refuse ? " stop" : " may run again")));
  }

  private static BatchConfig batch(MonitorState state, String id) {
    BatchConfig b = state.batches.get(id);
    if (b == null) throw new IllegalArgumentException("unknown BATCHID " + id);
    return b;
  }

  private static long parseId(String id) {
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("SYNCFILESET id must be a number, got \"" + id + "\"");
    }
  }

  static FileSetConfig suspended(FileSetConfig f, boolean suspend) {
    return f.alter(List.of(new Setting("SUSPEND", null, !suspend)));
  }

  private static UserConfig withSuspend(UserConfig u, boolean suspend) {
    return u.alter(List.of(new Setting("SUSPEND", null, !suspend)));
  }

  private static BatchConfig batchSuspended(BatchConfig b, boolean suspend) {
    return b.alter(List.of(new Setting("SUSPEND", null, !suspend)));
  }

  private static Decision saveBatch(BatchConfig b, String what) {
    return Decision.persist(Result.Done.ok("BATCHID " + b.id() + " " + what), null, null, new Monitor.BatchSaved(b));
  }

  private static String describe(FileSetConfig f) {
    String options = f.optionText();
    return f.source() + " TO " + (f.destinationNode() == null ? "" : f.destinationNode() + ":") + f.destination()
        + (options.isEmpty() ? "" : ", " + options);
  }

  private static String past(String verb) {
    return switch (verb) {
      case "ALTER" -> "altered";
      case "SUSPEND" -> "suspended";
      case "ACTIVATE" -> "activated";
      default -> verb.toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String ids(List<Long> ids) {
    return ids.stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("");
  }

  /** The sync options named by settings, validated by the option registry. */
  static SyncOptions syncOptions(List<Setting> settings) {
    SyncOptions.Builder b = SyncOptions.builder();
    for (Setting s : settings) {
      try {
        if (s.negated()) {
          OptionRegistry registry = OptionRegistry.standard();
          registry.applyNo(b, registry.find(s.keyword()).orElseThrow(
              () -> new OptionException("unknown option \"" + s.keyword() + "\"")));
        } else {
          OptionRegistry.standard().apply(b, s.keyword(), s.value());
        }
      } catch (OptionException e) {
        throw new IllegalArgumentException(e.getMessage());
      }
    }
    return b.build();
  }

  /** HELP's answer: an unknown topic is an error (completion code 2), with the text that says so. */
  static Result.Done help(String topic) {
    String text = HelpText.forTopic(topic);
    return HelpText.knows(topic) ? Result.Done.ok(text) : Result.Done.error(text.strip());
  }
}
