package io.setsync.schedule;

import io.setsync.CborSerializable;
import io.setsync.command.CommandOptions;
import io.setsync.command.Setting;
import io.setsync.command.Statement;
import io.setsync.options.Durations;
import io.setsync.options.OptionException;
import io.setsync.options.OptionRegistry;
import io.setsync.options.OptionSpec;
import io.setsync.options.OptionText;
import io.setsync.options.SyncOptions;
import io.setsync.options.TimesOfDay;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The configuration of one file set, as ADD SYNCFILESET creates it and ALTER SYNCFILESET changes
 * it. Immutable; the constructor enforces every rule, so a FileSetConfig is always valid.
 *
 * @param user the sync user who owns the file set
 * @param sourceNode the node whose files are copied, where the file set's scheduler runs; null in
 *     a file set recorded before nodes were named: the monitor's node
 * @param source absolute, normalized source directory on the source node
 * @param destinationNode the destination node's name; or {@code host:port}, IPHOST's address of a
 *     node outside the cluster; null for the source node itself
 * @param destination absolute, normalized destination directory
 * @param sync the synchronization options
 * @param interval from the end of one sync to the start of the next, whole seconds, 1 second to
 *     366 days
 * @param start null, or alone: once a day at this time; with {@code stop}: start of a daily window
 * @param stop null, or end of the daily window (needs {@code start}, differs from it; the window
 *     crosses midnight when {@code stop} is before {@code start})
 * @param batchId the batch, "" for the default one
 * @param suspended whether the file set is inactive
 * @param autoSuspend whether it suspends itself after each sync
 */
public record FileSetConfig(
    String user,
    String sourceNode,
    String source,
    String destinationNode,
    String destination,
    SyncOptions sync,
    Duration interval,
    LocalTime start,
    LocalTime stop,
    String batchId,
    boolean suspended,
    boolean autoSuspend)
    implements CborSerializable {

  @com.fasterxml.jackson.annotation.JsonCreator
  public FileSetConfig {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(sync, "sync");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(batchId, "batchId");
    require(CommandOptions.nameProblem(user), "user name", user);
    source = CommandOptions.normalizePath(Objects.requireNonNull(source, "source"));
    destination = CommandOptions.normalizePath(Objects.requireNonNull(destination, "destination"));
    if (sourceNode != null) {
      require(CommandOptions.nodeProblem(sourceNode), "source node", sourceNode);
    }
    if (destinationNode != null) {
      require(CommandOptions.nodeProblem(destinationNode), "destination node", destinationNode);
    }
    if (!batchId.isEmpty()) {
      require(CommandOptions.nameProblem(batchId), "batch id", batchId);
    }
    if (interval.getNano() != 0
        || interval.compareTo(CommandOptions.MIN_INTERVAL) < 0
        || interval.compareTo(CommandOptions.MAX_INTERVAL) > 0) {
      throw new IllegalArgumentException(
          "INTERVAL must be whole seconds from 1 second to 366 days, got " + interval);
    }
    if ((start != null && start.getNano() != 0) || (stop != null && stop.getNano() != 0)) {
      throw new IllegalArgumentException("START and STOP must be whole seconds");
    }
    if (stop != null && start == null) {
      throw new IllegalArgumentException(
          "STOP needs START (START alone syncs once a day): give START, or remove STOP with NO"
              + " STOP");
    }
    if (stop != null && stop.equals(start)) {
      throw new IllegalArgumentException("STOP must differ from START");
    }
  }

  /** A file set whose source is the node that runs the monitor (tests, and configs from before node names). */
  public FileSetConfig(
      String user, String source, String destinationNode, String destination, SyncOptions sync, Duration interval,
      LocalTime start, LocalTime stop, String batchId, boolean suspended, boolean autoSuspend) {
    this(user, null, source, destinationNode, destination, sync, interval, start, stop, batchId, suspended,
        autoSuspend);
  }

  /** The source node, {@code monitorNode} for a file set recorded without one. */
  public String sourceNodeOr(String monitorNode) {
    return sourceNode == null ? monitorNode : sourceNode;
  }

  /** The destination node: a bare destination is on the source node. */
  public String destinationNodeOr(String monitorNode) {
    return destinationNode == null ? sourceNodeOr(monitorNode) : destinationNode;
  }

  /** This file set read from {@code node}: what a bare source means when the file set is added there. */
  public FileSetConfig withSourceNode(String node) {
    return new FileSetConfig(user, node, source, destinationNode, destination, sync, interval, start, stop, batchId,
        suspended, autoSuspend);
  }

  private static void require(String problem, String what, String value) {
    if (problem != null) {
      throw new IllegalArgumentException("bad " + what + " \"" + value + "\": " + problem);
    }
  }

  /**
   * The configuration ADD SYNCFILESET describes: its settings applied over the defaults (no
   * options, INTERVAL 5 MINUTES, no window, default batch, active).
   *
   * @param defaultUser the owner unless a USER option names another
   * @throws IllegalArgumentException naming the problem, e.g. for a {@code NO} setting or a STOP
   *     without START
   */
  public static FileSetConfig create(String defaultUser, Statement.AddFileSet add) {
    for (Setting s : add.settings()) {
      boolean turnsOff = OptionRegistry.standard().find(s.keyword()).map(OptionSpec::onByDefault).orElse(false);
      if (s.negated() && !turnsOff) {
        throw new IllegalArgumentException("NO " + s.keyword() + " is only allowed in ALTER");
      }
    }
    return apply(
        add.sourceNode(),
        new Fields(
            defaultUser,
            SyncOptions.DEFAULTS,
            CommandOptions.DEFAULT_INTERVAL,
            null,
            null,
            "",
            false,
            false),
        add.source(),
        add.destinationNode(),
        add.destination(),
        add.settings());
  }

  /**
   * This configuration changed by ALTER SYNCFILESET's settings: an option given replaces its old
   * value (all the values of a repeatable option, so {@code EXCLUDE "*.o"} leaves only that
   * EXCLUDE); {@code NO x} removes an option, turns a flag off, or restores the default (INTERVAL,
   * BATCHID); options not mentioned stay as they were.
   *
   * @throws IllegalArgumentException naming the problem, e.g. removing START while STOP stays, or
   *     {@code NO USER}
   */
  public FileSetConfig alter(List<Setting> settings) {
    return apply(
        sourceNode,
        new Fields(user, sync, interval, start, stop, batchId, suspended, autoSuspend),
        source,
        destinationNode,
        destination,
        settings);
  }

  /** The mutable fields that settings change. */
  private record Fields(
      String user,
      SyncOptions sync,
      Duration interval,
      LocalTime start,
      LocalTime stop,
      String batchId,
      boolean suspended,
      boolean autoSuspend) {}

  private static FileSetConfig apply(
      String sourceNode, Fields f, String source, String destinationNode, String destination, List<Setting> settings) {
    String user = f.user;
    Duration interval = f.interval;
    LocalTime start = f.start;
    LocalTime stop = f.stop;
    String batchId = f.batchId;
    boolean suspended = f.suspended;
    boolean autoSuspend = f.autoSuspend;
    List<Setting> syncSettings = new ArrayList<>();
    try {
      for (Setting s : settings) {
        boolean on = !s.negated();
        switch (s.keyword()) {
          case CommandOptions.USER -> {
            if (!on) {
              throw new IllegalArgumentException("USER cannot be removed, only changed");
            }
            user = valueOf(s);
          }
          case CommandOptions.INTERVAL ->
              interval = on ? Durations.parse(valueOf(s)) : CommandOptions.DEFAULT_INTERVAL;
          case CommandOptions.START -> start = on ? TimesOfDay.parse(valueOf(s)) : null;
          case CommandOptions.STOP -> stop = on ? TimesOfDay.parse(valueOf(s)) : null;
          case CommandOptions.BATCHID -> batchId = on ? valueOf(s) : "";
          case CommandOptions.SUSPEND -> suspended = on;
          case CommandOptions.AUTOSUSPEND -> autoSuspend = on;
          case CommandOptions.IPHOST -> throw new IllegalArgumentException(
              "IPHOST cannot be changed by ALTER: DELETE the file set and ADD it again with the new IPHOST");
          default -> syncSettings.add(s);
        }
      }
      SyncOptions sync = alterSync(f.sync, syncSettings);
      return new FileSetConfig(
          user,
          sourceNode,
          source,
          destinationNode,
          destination,
          sync,
          interval,
          start,
          stop,
          batchId,
          suspended,
          autoSuspend);
    } catch (OptionException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static String valueOf(Setting s) {
    if (s.value() == null) {
      throw new IllegalArgumentException("option " + s.keyword() + " needs a value");
    }
    return s.value();
  }

  /**
   * Rebuilds the sync options through the registry: options named in {@code settings} take the
   * values given there (none for a NO), the others keep their old values. Going through the
   * registry's own readers and appliers keeps this working for options added to the registry later.
   */
  private static SyncOptions alterSync(SyncOptions old, List<Setting> settings) {
    if (settings.isEmpty()) {
      return old;
    }
    OptionRegistry registry = OptionRegistry.standard();
    Set<String> touched = new HashSet<>();
    for (Setting s : settings) {
      OptionSpec spec =
          registry
              .find(s.keyword())
              .orElseThrow(
                  () -> new IllegalArgumentException("unknown option \"" + s.keyword() + "\""));
      touched.add(spec.keyword());
    }
    SyncOptions.Builder b = SyncOptions.builder();
    for (OptionSpec spec : registry.specs()) {
      if (touched.contains(spec.keyword())) {
        for (Setting s : settings) {
          if (!spec.keyword().equals(registry.find(s.keyword()).get().keyword())) continue;
          if (!s.negated()) registry.apply(b, spec, s.value());
          else if (spec.onByDefault()) registry.applyNo(b, spec); // NO turns it off, not to its default
        }
      } else {
        for (String value : spec.values().apply(old)) {
          boolean bare = !spec.argKind().takesValue() || (spec.valueOptional() && value.isEmpty());
          if (spec.onByDefault()) registry.applyNo(b, spec);
          else registry.apply(b, spec, bare ? null : value);
        }
      }
    }
    return b.build();
  }

  /**
   * The canonical command-language text of this configuration's options: USER always, then each
   * schedule option that differs from its default, then the sync options ({@link
   * OptionText#render}), e.g. {@code USER alice, INTERVAL 2 HOURS, START 06:00, PURGE}. Parsing
   * {@code ADD SYNCFILESET src TO dest, <this>} and {@link #create} give back an equal config.
   */
  public String optionText() {
    List<String> parts = new ArrayList<>();
    parts.add(CommandOptions.USER + " " + user);
    if (!interval.equals(CommandOptions.DEFAULT_INTERVAL)) {
      parts.add(CommandOptions.INTERVAL + " " + Durations.render(interval));
    }
    if (start != null) {
      parts.add(CommandOptions.START + " " + TimesOfDay.render(start));
    }
    if (stop != null) {
      parts.add(CommandOptions.STOP + " " + TimesOfDay.render(stop));
    }
    if (!batchId.isEmpty()) {
      parts.add(CommandOptions.BATCHID + " " + batchId);
    }
    if (suspended) {
      parts.add(CommandOptions.SUSPEND);
    }
    if (autoSuspend) {
      parts.add(CommandOptions.AUTOSUSPEND);
    }
    String syncText = OptionText.render(sync);
    if (!syncText.isEmpty()) {
      parts.add(syncText);
    }
    return String.join(", ", parts);
  }

  /**
   * The whole ADD SYNCFILESET command that creates this configuration, as INFO shows it; a
   * destination outside the cluster is written with IPHOST, as it was given.
   */
  public String commandText() {
    boolean ipHost = CommandOptions.isIpHost(destinationNode);
    return "ADD SYNCFILESET "
        + word(sourceNode == null ? source : sourceNode + ":" + source)
        + " TO "
        + word(destinationNode == null || ipHost ? destination : destinationNode + ":" + destination)
        + ", "
        + (ipHost ? CommandOptions.IPHOST + " " + destinationNode + ", " : "")
        + optionText();
  }

  /** Whether the destination is a node outside the cluster, reached at an IPHOST address. */
  public boolean outsideCluster() {
    return CommandOptions.isIpHost(destinationNode);
  }

  /**
   * Where it copies from and to, each with its node when known: {@code a:/src TO b:/dest}; a bare
   * destination is on the source's node.
   */
  public String routeText() {
    String toNode = destinationNode != null ? destinationNode : sourceNode;
    return (sourceNode == null ? "" : sourceNode + ":") + source + " TO " + (toNode == null ? "" : toNode + ":")
        + destination;
  }

  /** A path or destination as one word of the command language: bare when it can be. */
  public static String word(String text) {
    return OptionText.isBareWord(text) ? text : OptionText.quote(text);
  }
}
