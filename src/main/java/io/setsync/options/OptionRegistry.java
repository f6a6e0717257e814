package io.setsync.options;

import io.setsync.fs.Ownership;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The one table of synchronization options, shared by the command line, the console command
 * language and the wire. Immutable and thread-safe.
 */
public final class OptionRegistry {

  private static final OptionRegistry STANDARD =
      of(
          List.of(
              OptionSpec.flag(
                  "PURGE",
                  "Purge destination files that no longer exist in the source",
                  b -> b.purge(true),
                  SyncOptions::purge),
              OptionSpec.flag(
                  "SUBVOLPURGE",
                  "Also purge destination directories no longer in the source (implies PURGE)",
                  b -> b.subvolPurge(true),
                  SyncOptions::subvolPurge),
              OptionSpec.text(
                  "EXCLUDE",
                  "GLOB",
                  true,
                  "Do not replicate source files matching GLOB (repeatable)",
                  Globs::problem,
                  SyncOptions.Builder::addExclude,
                  SyncOptions::excludes),
              OptionSpec.text(
                  "EXCLUDEPURGE",
                  "GLOB",
                  true,
                  "Never purge destination files matching GLOB (repeatable)",
                  Globs::problem,
                  SyncOptions.Builder::addExcludePurge,
                  SyncOptions::excludePurges),
              OptionSpec.flag(
                  "TIMEEXACT",
                  "Treat a file as changed whenever its modification time differs at all",
                  b -> b.timeExact(true),
                  SyncOptions::timeExact),
              OptionSpec.flag(
                  "CHECKSUM",
                  "Compare file contents by checksum, not only by size and time",
                  b -> b.checksum(true),
                  SyncOptions::checksum),
              OptionSpec.flag(
                  "REPORT",
                  "Report every file replicated or purged",
                  b -> b.report(true),
                  SyncOptions::report),
              OptionSpec.of(
                  "MAXPURGE",
                  ArgKind.PURGE_LIMIT,
                  false,
                  "N|N%",
                  "Refuse to purge more than N files, or more than N% of the destination's files",
                  null,
                  (b, v) -> b.maxPurge(MaxPurge.parse(v)),
                  o -> o.maxPurge() == null ? List.of() : List.of(o.maxPurge().toString())),
              OptionSpec.optionalValue(
                  "OPENUPDATE",
                  ArgKind.DURATION,
                  false,
                  "N UNIT",
                  "Copy source files open for writing once unchanged for N UNIT (default: the interval)",
                  null,
                  (b, v) -> b.openUpdate(true, v == null ? null : Durations.parse(v)),
                  o -> !o.openUpdate()
                      ? List.of()
                      : List.of(o.openUpdateQuiet() == null ? "" : Durations.render(o.openUpdateQuiet()))),
              OptionSpec.flag(
                  "UNPROTECTED",
                  "Copy source files even while they are being written (a copy may be torn)",
                  b -> b.unprotected(true),
                  SyncOptions::unprotected),
              OptionSpec.flag(
                  "RENAMEOPEN",
                  "Replace destination files open for reading or execution; the open one is kept aside until closed",
                  b -> b.renameOpen(true),
                  SyncOptions::renameOpen),
              OptionSpec.text(
                  "SECURE",
                  "MODE",
                  false,
                  "Give written files this mode, like rwxr-x--- or 750 (directories keep the source's)",
                  SecureMode::problem,
                  (b, v) -> b.secure(SecureMode.canonical(v)),
                  o -> o.secure() == null ? List.of() : List.of(o.secure())),
              OptionSpec.flag(
                  "KEEPSECURITY",
                  "Keep the source's setuid, setgid and sticky bits (dropped by default)",
                  b -> b.keepSecurity(true),
                  SyncOptions::keepSecurity),
              OptionSpec.text(
                  "OWNER",
                  "USER",
                  false,
                  "Make USER the owner of written files (the destination must run as root)",
                  Ownership::nameProblem,
                  SyncOptions.Builder::owner,
                  o -> o.owner() == null ? List.of() : List.of(o.owner())),
              OptionSpec.text(
                  "OWNERGROUP",
                  "GROUP",
                  false,
                  "Make GROUP the group of written files (the destination must run as root)",
                  Ownership::nameProblem,
                  SyncOptions.Builder::ownerGroup,
                  o -> o.ownerGroup() == null ? List.of() : List.of(o.ownerGroup())),
              OptionSpec.flag(
                  "NUMERICIDS",
                  "Keep the source's owner and group numbers rather than mapping them by name (as root)",
                  b -> b.numericIds(true),
                  SyncOptions::numericIds),
              OptionSpec.text(
                  "FROMOWNER",
                  "USER",
                  false,
                  "Only synchronize source files and links owned by USER",
                  Ownership::nameProblem,
                  SyncOptions.Builder::fromOwner,
                  o -> o.fromOwner() == null ? List.of() : List.of(o.fromOwner())),
              OptionSpec.text(
                  "TRIGGER",
                  "COMMAND",
                  false,
                  "Run COMMAND with /bin/sh after a sync that copied or purged something",
                  v -> v.isBlank() ? "empty command" : null,
                  SyncOptions.Builder::trigger,
                  o -> o.trigger() == null ? List.of() : List.of(o.trigger())),
              OptionSpec.flag(
                  "COMPRESS",
                  "Compress file content on the wire (zstd)",
                  b -> b.compress(true),
                  SyncOptions::compress),
              OptionSpec.of(
                  "MAXRATE",
                  ArgKind.RATE,
                  false,
                  "N MB",
                  "Send at most N megabytes (2^20 bytes) per second (a bare N is in MB too)",
                  null,
                  (b, v) -> b.maxRateMb(MaxRate.parseMb(v)),
                  o -> o.maxRateMb() == 0 ? List.of() : List.of(MaxRate.render(o.maxRateMb()))),
              OptionSpec.of(
                  "RATE",
                  ArgKind.PERCENT,
                  false,
                  "N%",
                  "Send at most N% of the link (the sending node's setsync.transfer.link-rate)",
                  null,
                  (b, v) -> b.ratePercent(MaxRate.parsePercent(v)),
                  o -> o.ratePercent() == 0 ? List.of() : List.of(o.ratePercent() + "%")),
              OptionSpec.defaultOnFlag(
                  "ALLHARDLINKS",
                  "Names of one source file stay hard links of one file at the destination (on by default)",
                  SyncOptions.Builder::allHardLinks,
                  SyncOptions::allHardLinks)));

  private final List<OptionSpec> specs;
  private final Map<String, OptionSpec> byKeyword;

  private OptionRegistry(List<OptionSpec> specs) {
    this.specs = List.copyOf(specs);
    Map<String, OptionSpec> map = new LinkedHashMap<>();
    for (OptionSpec spec : this.specs) {
      if (map.putIfAbsent(spec.keyword(), spec) != null) {
        throw new IllegalArgumentException("duplicate option keyword " + spec.keyword());
      }
    }
    this.byKeyword = Map.copyOf(map);
  }

  /** The options setsync knows: PURGE, SUBVOLPURGE, EXCLUDE, EXCLUDEPURGE, TIMEEXACT, ... */
  public static OptionRegistry standard() {
    return STANDARD;
  }

  /** A registry of the given options (keywords must be distinct); mainly for tests. */
  public static OptionRegistry of(List<OptionSpec> specs) {
    return new OptionRegistry(specs);
  }

  /** All options, in canonical (rendering and help) order. */
  public List<OptionSpec> specs() {
    return specs;
  }

  /** The option with this keyword, ignoring ASCII case ("exclude", "Exclude", "EXCLUDE"). */
  public Optional<OptionSpec> find(String keyword) {
    if (keyword == null || !keyword.chars().allMatch(c -> c < 128)) {
      return Optional.empty(); // no Unicode case folding: "ſ" or "ı" must not match
    }
    return Optional.ofNullable(byKeyword.get(keyword.toUpperCase(Locale.ROOT)));
  }

  /**
   * Validates one occurrence of {@code spec} and applies it to {@code b}.
   *
   * @param valueOrNull the value; null when none was given (allowed for flags and for options
   *     whose value is optional)
   * @return {@code b}
   * @throws OptionException naming the option and the value: a flag given a value, a valued option
   *     given none, or a value that does not parse (a bad MAXPURGE limit, a glob that does not
   *     compile); {@code b} is then unchanged
   */
  public SyncOptions.Builder apply(SyncOptions.Builder b, OptionSpec spec, String valueOrNull) {
    String keyword = spec.keyword();
    if (!spec.argKind().takesValue()) {
      if (valueOrNull != null) {
        throw new OptionException(
            "option " + keyword + " takes no value, got \"" + valueOrNull + "\"");
      }
    } else {
      if (valueOrNull == null) {
        if (!spec.valueOptional()) {
          throw new OptionException("option " + keyword + " needs a value " + spec.argLabel());
        }
      } else {
        String problem = spec.problem(valueOrNull);
        if (problem != null) {
          throw new OptionException(
              "option " + keyword + " got bad value \"" + valueOrNull + "\" (" + problem + ")");
        }
      }
    }
    spec.applier().accept(b, valueOrNull);
    return b;
  }

  /**
   * Applies {@code NO keyword} to {@code b}: turns off a flag that is on by default.
   *
   * @return {@code b}
   * @throws OptionException for any other option, which NO can only remove in ALTER commands
   */
  public SyncOptions.Builder applyNo(SyncOptions.Builder b, OptionSpec spec) {
    if (!spec.onByDefault()) {
      throw new OptionException(
          "NO " + spec.keyword() + ": only an option that is on by default can be turned off here");
    }
    spec.turnOff().accept(b);
    return b;
  }

  /** As {@link #apply(SyncOptions.Builder, OptionSpec, String)}, looking the keyword up first. */
  public SyncOptions.Builder apply(SyncOptions.Builder b, String keyword, String valueOrNull) {
    OptionSpec spec =
        find(keyword).orElseThrow(() -> new OptionException("unknown option \"" + keyword + "\""));
    return apply(b, spec, valueOrNull);
  }
}
