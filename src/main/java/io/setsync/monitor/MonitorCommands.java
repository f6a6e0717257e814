package io.setsync.monitor;

import io.setsync.command.HelpText;
import io.setsync.command.Setting;
import io.setsync.command.Statement.StatusObject;
import io.setsync.command.Statement;
import io.setsync.command.SyncPaths;
import io.setsync.fs.Ownership;
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

  /** What the monitor does about one command. */
  record Decision(
      Kind kind, Result result, List<Monitor.Event> events, String logUser, List<LogRecord> logRecords,
      long fileSetId, int logLast, OneTime oneTime) {

    static Decision reply(Result result) {
      return new Decision(Kind.REPLY, result, List.of(), null, List.of(), 0, 0, null);
    }

    static Decision persist(Result result, String logUser, LogRecord log, Monitor.Event... events) {
      return new Decision(Kind.PERSIST, result, List.of(events), logUser, log == null ? List.of() : List.of(log),
          0, 0, null);
    }
  }

  /** SYNCHRONIZE's request: an absolute source directory to a destination root on a node (null: this one). */
  record OneTime(String source, String destinationNode, String destination, SyncOptions options) {}

  /** What only the running monitor knows: scheduler states, running syncs, planned runs. */
  record LiveView(
      String localNode, Map<SchedulerKey, String> schedulerStates, Map<Long, Result.Progress> running,
      Map<Long, Long> nextRuns, List<Result.OneTimeView> oneTimeRuns) {
    LiveView(String localNode, Map<SchedulerKey, String> schedulerStates, Map<Long, Result.Progress> running,
        Map<Long, Long> nextRuns) {
      this(localNode, schedulerStates, running, nextRuns, List.of());
    }
  }

  private final Monitor.Settings settings;

  MonitorCommands(Monitor.Settings settings) {
    this.settings = settings;
  }

  /**
   * Decides what {@code command} does.
   *
   * @throws IllegalArgumentException when the command is refused; the message says why
   */
  Decision decide(MonitorState state, Statement command, String defaultUser, Function<MonitorState, LiveView> view) {
    if (command instanceof Statement.AddUser c) return addUser(state, c, defaultUser);
    if (command instanceof Statement.AlterUser c) {
      return saveUser(state, user(state, c.name()).alter(c.settings()), "ALTER", defaultUser);
    }
    if (command instanceof Statement.SuspendUser c) {
      return saveUser(state, withSuspend(user(state, c.name()), true), "SUSPEND", defaultUser);
    }
    if (command instanceof Statement.ActivateUser c) {
      return saveUser(state, withSuspend(user(state, c.name()), false), "ACTIVATE", defaultUser);
    }
    if (command instanceof Statement.DeleteUser c) return deleteUser(state, c, defaultUser);
    if (command instanceof Statement.InfoUser c) {
      return Decision.reply(new Result.Users(c.name() == null
          ? List.copyOf(state.users.values()) : List.of(user(state, c.name()))));
    }
    if (command instanceof Statement.AddFileSet c) {
      return addFileSet(state, FileSetConfig.create(defaultUser, c), defaultUser);
    }
    if (command instanceof Statement.AlterFileSet c) {
      return saveFileSet(state, c.id(), fileSet(state, c.id()).alter(c.settings()), "ALTER", defaultUser);
    }
    if (command instanceof Statement.SuspendFileSet c) {
      return saveFileSet(state, c.id(), suspended(fileSet(state, c.id()), true), "SUSPEND", defaultUser);
    }
    if (command instanceof Statement.ActivateFileSet c) {
      return saveFileSet(state, c.id(), suspended(fileSet(state, c.id()), false), "ACTIVATE", defaultUser);
    }
    if (command instanceof Statement.DeleteFileSet c) {
      FileSetConfig f = fileSet(state, c.id());
      return Decision.persist(Result.Done.ok("SYNCFILESET " + c.id() + " deleted"), f.user(),
          MonitorLog.config(c.id(), "DELETE SYNCFILESET " + c.id() + MonitorLog.by(defaultUser)),
          new Monitor.FileSetDeleted(c.id()));
    }
    if (command instanceof Statement.InfoFileSet c) return infoFileSet(state, c, view.apply(state));
    if (command instanceof Statement.AddBatch c) {
      if (state.batches.containsKey(c.id())) throw new IllegalArgumentException("BATCHID " + c.id() + " already exists");
      BatchConfig b = BatchConfig.create(c);
      return Decision.persist(Result.Done.ok("BATCHID " + b.id() + " added"), null, null, new Monitor.BatchSaved(b));
    }
    if (command instanceof Statement.AlterBatch c) return saveBatch(batch(state, c.id()).alter(c.settings()), "altered");
    if (command instanceof Statement.SuspendBatch c) return saveBatch(batchSuspended(batch(state, c.id()), true), "suspended");
    if (command instanceof Statement.ActivateBatch c) return saveBatch(batchSuspended(batch(state, c.id()), false), "activated");
    if (command instanceof Statement.DeleteBatch c) {
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
        views.add(new Result.BatchView(b.id(), b.suspended(), state.fileSetsOfBatch(b.id())));
      }
      return Decision.reply(new Result.Batches(views));
    }
    if (command instanceof Statement.Status c) return Decision.reply(status(state, c, view.apply(state)));
    if (command instanceof Statement.StartMonitor) {
      if (!state.stopped) return Decision.reply(Result.Done.ok("the monitor is already running"));
      return Decision.persist(Result.Done.ok("monitor started"), null, null, new Monitor.RunStateChanged(false));
    }
    if (command instanceof Statement.StopMonitor) {
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
          "monitor", state.stopped ? "stopped" : "running",
          "max-schedulers", String.valueOf(settings.maxSchedulers()),
          "max-file-sets", String.valueOf(settings.maxFileSetsPerUser()))));
    }
    if (command instanceof Statement.Synchronize c) {
      requireApart(c.source(), c.destinationNode(), c.destination());
      SyncOptions options = syncOptions(c.settings());
      UserConfig caller = defaultUser == null ? null : state.users.get(defaultUser);
      if (caller != null) {
        confine(caller, c.source(), true);
        confine(caller, c.destination(), isHere(c.destinationNode()));
      }
      requireAccounts(options, isHere(c.destinationNode()));
      OneTime request = new OneTime(c.source(), c.destinationNode(), c.destination(), options);
      return new Decision(Kind.SYNCHRONIZE, null, List.of(), null, List.of(), 0, 0, request);
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
      requireApart(f.source(), f.destinationNode(), f.destination());
      confine(user, f.source(), true);
      confine(user, f.destination(), isHere(f.destinationNode()));
      requireAccounts(f.sync(), isHere(f.destinationNode()));
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

  private Decision infoFileSet(MonitorState state, Statement.InfoFileSet c, LiveView live) {
    if (c.logLast() != null) {
      if (c.id() == null) throw new IllegalArgumentException("LOG needs a SYNCFILESET id");
      FileSetConfig f = fileSet(state, c.id());
      return new Decision(Kind.READ_LOG, null, List.of(), f.user(), List.of(), c.id(), c.logLast(), null);
    }
    List<Result.FileSetView> views = new ArrayList<>();
    if (c.id() == null) state.fileSets.keySet().forEach(id -> views.add(view(state, id, live)));
    else {
      fileSet(state, c.id());
      views.add(view(state, c.id(), live));
    }
    return Decision.reply(new Result.FileSets(views));
  }

  // --- status ---

  /**
   * Refuses {@code /} as a source or destination, and a source and destination on this node of
   * which one lies inside the other, as written or where symbolic links lead (the source is always
   * this node's: the monitor's node reads it). On different nodes the same path names different
   * trees.
   */
  private void requireApart(String source, String destinationNode, String destination) {
    Path s = Path.of(source);
    Path d = Path.of(destination);
    boolean here = isHere(destinationNode);
    refuse(here ? SyncPaths.nestingProblem(s, d) : SyncPaths.rootProblem(s, d), "");
    Path realSource = SyncPaths.real(s);
    Path realDestination = here ? SyncPaths.real(d) : d;
    if (!realSource.equals(s) || !realDestination.equals(d)) {
      String how = " (" + source + " to " + destination + " once symbolic links are followed)";
      refuse(here ? SyncPaths.nestingProblem(realSource, realDestination)
          : SyncPaths.rootProblem(realSource, realDestination), how);
    }
  }

  private static void refuse(java.util.Optional<String> problem, String suffix) {
    problem.ifPresent(p -> {
      throw new IllegalArgumentException(p + suffix);
    });
  }

  /** Whether a destination node names this node (null: the source's node, which is this one). */
  private boolean isHere(String destinationNode) {
    return destinationNode == null || destinationNode.equals(settings.localNode());
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
   * source (here), OWNER and OWNERGROUP at the destination (checked when that is here too).
   */
  private static void requireAccounts(SyncOptions o, boolean destinationHere) {
    account("FROMOWNER", o.fromOwner(), Ownership::user);
    if (!destinationHere) return;
    account("OWNER", o.owner(), Ownership::user);
    account("OWNERGROUP", o.ownerGroup(), Ownership::group);
  }

  private static void account(String option, String name, Function<String, ?> lookup) {
    if (name == null) return;
    try {
      lookup.apply(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + " " + name + ": " + e.getMessage());
    }
  }

  private Result status(MonitorState state, Statement.Status c, LiveView live) {
    List<Result.SchedulerView> schedulerViews = new ArrayList<>();
    live.schedulerStates().forEach((key, s) -> {
      if (c.object() != StatusObject.BATCHID || c.id() == null || key.batchId().equals(c.id())) {
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
      fileSet(state, id);
      fileSetViews.add(view(state, id, live));
    } else if (c.object() == StatusObject.SYNC && c.id() != null) {
      user(state, c.id());
      state.fileSetsOfUser(c.id()).forEach(id -> fileSetViews.add(view(state, id, live)));
    } else {
      state.fileSets.keySet().forEach(id -> fileSetViews.add(view(state, id, live)));
    }
    List<Result.OneTimeView> oneTime = live.oneTimeRuns().stream()
        .filter(r -> c.object() != StatusObject.SYNC || c.id() == null || c.id().equals(r.user())).toList();
    int waiting = (int) live.schedulerStates().values().stream().filter(s -> s.startsWith("waiting")).count();
    Result.MonitorView monitor = new Result.MonitorView(live.localNode(), !state.stopped, state.users.size(),
        state.fileSets.size(), (int) state.activeCount(), live.schedulerStates().size(), waiting,
        live.running().size() + live.oneTimeRuns().size());
    return new Result.Status(c.object(), c.detail(), monitor, schedulerViews, fileSetViews, oneTime);
  }

  private Result.FileSetView view(MonitorState state, long id, LiveView live) {
    FileSetConfig f = state.fileSets.get(id);
    Result.Progress progress = live.running().get(id);
    String s;
    String inactive = state.inactiveReason(f);
    if (progress != null) s = "running";
    else if (inactive != null) s = inactive;
    else if (state.stopped) s = "monitor stopped";
    else s = fileSetState(live.schedulerStates().getOrDefault(MonitorState.keyOf(f, live.localNode()), "starting"));
    // A retired scheduler's last plan stays in the live view: only a file set that will run shows one.
    boolean willRun = progress == null && inactive == null && !state.stopped;
    return new Result.FileSetView(id, f, s, willRun ? live.nextRuns().get(id) : null,
        state.lastResults.get(id), progress);
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
