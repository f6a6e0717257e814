package io.setsync.command;

import io.setsync.options.ArgKind;
import io.setsync.options.Durations;
import io.setsync.options.OptionRegistry;
import io.setsync.options.OptionSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Which options each console command accepts, and the checks on names and paths the command
 * language shares. The synchronization options come from {@link OptionRegistry#standard()}, so an
 * option added there is accepted by SYNCHRONIZE and the file-set commands without change here; the
 * schedule options (INTERVAL, START, ...) and the user and batch options are listed here.
 */
public final class CommandOptions {
  private CommandOptions() {}

  public static final String INTERVAL = "INTERVAL";
  public static final String START = "START";
  public static final String STOP = "STOP";
  public static final String BATCHID = "BATCHID";
  public static final String SUSPEND = "SUSPEND";
  public static final String AUTOSUSPEND = "AUTOSUSPEND";
  public static final String USER = "USER";
  public static final String ROOT = "ROOT";
  public static final String ACCOUNT = "ACCOUNT";
  public static final String IPHOST = "IPHOST";

  /** INTERVAL when none is given. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);
  /** The shortest INTERVAL. (AutoSYNC's was one minute; tests and demos want less.) */
  public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
  /** The longest INTERVAL, as in AutoSYNC. */
  public static final Duration MAX_INTERVAL = Duration.ofDays(366);
  /** How many log records {@code INFO SYNCFILESET id, LOG} shows without LAST. */
  public static final int DEFAULT_LOG_LAST = 20;
  /** The most log records one INFO may ask for. */
  public static final int MAX_LOG_LAST = 1_000_000;

  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,63}");
  private static final Pattern NODE =
      Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,252}(:[0-9]{1,5})?");
  private static final int MAX_PATH_CHARS = 4096;

  /**
   * One option a command accepts.
   *
   * @param keyword canonical upper-case keyword
   * @param kind what follows the keyword
   * @param repeatable whether it may be given more than once (values accumulate)
   * @param valueOptional whether the value may be left out
   * @param negatable whether ALTER accepts {@code NO keyword} to remove it or turn it off
   * @param argLabel label of the value for help; null for flags
   * @param description one line for HELP
   * @param sync the registry entry for a synchronization option; null for the others
   * @param valueCheck validation beyond the kind's, returning what is wrong or null; may be null
   */
  public record Spec(
      String keyword,
      ArgKind kind,
      boolean repeatable,
      boolean valueOptional,
      boolean negatable,
      String argLabel,
      String description,
      OptionSpec sync,
      UnaryOperator<String> valueCheck) {

    /** The synopsis for help, e.g. "INTERVAL N UNIT" or "OPENUPDATE [N UNIT]". */
    public String synopsis() {
      if (sync != null) {
        return sync.synopsis();
      }
      if (argLabel == null) {
        return keyword;
      }
      return valueOptional ? keyword + " [" + argLabel + "]" : keyword + " " + argLabel;
    }

    /** What is wrong with {@code value} for this option, without quoting it; null when fine. */
    public String problem(String value) {
      if (sync != null) {
        return sync.problem(value);
      }
      String problem = kind.problem(value);
      return problem == null && valueCheck != null ? valueCheck.apply(value) : problem;
    }

    /** Whether this is a synchronization option of the registry. */
    public boolean isSync() {
      return sync != null;
    }
  }

  private static Spec flag(String keyword, String description) {
    return new Spec(keyword, ArgKind.NONE, false, false, true, null, description, null, null);
  }

  private static Spec valued(
      String keyword,
      ArgKind kind,
      boolean repeatable,
      boolean negatable,
      String argLabel,
      String description,
      UnaryOperator<String> check) {
    return new Spec(keyword, kind, repeatable, false, negatable, argLabel, description, null, check);
  }

  private static final List<Spec> SCHEDULE =
      List.of(
          valued(
              INTERVAL,
              ArgKind.DURATION,
              false,
              true,
              "N SECONDS|MINUTES|HOURS|DAYS",
              "Time from the end of one sync to the start of the next (1 second to 366 days;"
                  + " default 5 MINUTES)",
              CommandOptions::intervalProblem),
          valued(
              START,
              ArgKind.TIME_OF_DAY,
              false,
              true,
              "hh:mm[:ss]",
              "Alone: sync once a day at this time; with STOP: start of a daily window",
              null),
          valued(
              STOP,
              ArgKind.TIME_OF_DAY,
              false,
              true,
              "hh:mm[:ss]",
              "End of the daily window that begins at START (may cross midnight; needs START)",
              null),
          valued(
              BATCHID,
              ArgKind.TEXT,
              false,
              true,
              "id",
              "File sets of one user, destination and batch run one after another",
              CommandOptions::nameProblem),
          flag(SUSPEND, "Keep the file set inactive until ACTIVATE"),
          flag(AUTOSUSPEND, "Suspend the file set after each sync (run once per ACTIVATE)"),
          valued(
              USER,
              ArgKind.TEXT,
              false,
              false,
              "name",
              "Sync user who owns the file set (default: the console's user)",
              CommandOptions::nameProblem));

  /**
   * AutoSYNC's TCP/IP variant: the destination is the endpoint of a setsync node outside this
   * cluster. Given with ADD SYNCFILESET or SYNCHRONIZE, it takes the place of the destination's
   * node; a file set keeps it for life (a new address is a new file set).
   */
  private static final Spec IP_HOST =
      valued(
          IPHOST,
          ArgKind.TEXT,
          false,
          false,
          "host:port",
          "The destination is the data endpoint at host:port of a setsync node outside this cluster,"
              + " reached with TLS and certificates at both ends (instead of a destination node)",
          CommandOptions::ipHostProblem);

  private static final List<Spec> USER_OPTIONS =
      List.of(
          valued(
              ROOT,
              ArgKind.TEXT,
              true,
              true,
              "/path",
              "The user's file sets must lie under one of these directories (repeatable;"
                  + " none: anywhere)",
              CommandOptions::pathProblem),
          valued(
              ACCOUNT,
              ArgKind.TEXT,
              false,
              true,
              "name",
              "The OS account whose rights the user's syncs have, and who may act for the user"
                  + " (default: the user's name)",
              CommandOptions::nameProblem),
          flag(SUSPEND, "Keep the user's file sets inactive until ACTIVATE"));

  private static final List<Spec> BATCH_OPTIONS =
      List.of(flag(SUSPEND, "Keep the batch's file sets inactive until ACTIVATE"));

  /** The synchronization options of the registry (SYNCHRONIZE), in registry order. */
  public static List<Spec> sync() {
    List<Spec> specs = new ArrayList<>();
    for (OptionSpec o : OptionRegistry.standard().specs()) {
      specs.add(
          new Spec(
              o.keyword(),
              o.argKind(),
              o.repeatable(),
              o.valueOptional(),
              true,
              o.argLabel(),
              o.description(),
              o,
              null));
    }
    return specs;
  }

  /** The options of SYNCHRONIZE: IPHOST, then the synchronization options. */
  public static List<Spec> synchronize() {
    List<Spec> specs = new ArrayList<>(List.of(IP_HOST));
    specs.addAll(sync());
    return specs;
  }

  /** The schedule and ownership options of a file set: INTERVAL, START, STOP, BATCHID, ... */
  public static List<Spec> schedule() {
    return SCHEDULE;
  }

  /** Every option of ADD and ALTER SYNCFILESET: the schedule ones, then the sync ones. */
  public static List<Spec> fileSet() {
    List<Spec> specs = new ArrayList<>(SCHEDULE);
    specs.add(IP_HOST);
    for (Spec s : sync()) {
      if (find(SCHEDULE, s.keyword()).isPresent()) {
        throw new IllegalStateException(
            "sync option " + s.keyword() + " has the name of a file-set schedule option");
      }
      specs.add(s);
    }
    return specs;
  }

  /** The options of ADD and ALTER SYNCUSER. */
  public static List<Spec> user() {
    return USER_OPTIONS;
  }

  /** The options of ADD and ALTER BATCHID. */
  public static List<Spec> batch() {
    return BATCH_OPTIONS;
  }

  /** The option of {@code table} with this keyword, ignoring ASCII case. */
  public static Optional<Spec> find(List<Spec> table, String keyword) {
    String upper = upperAscii(keyword);
    return table.stream().filter(s -> s.keyword().equals(upper)).findFirst();
  }

  /** {@code word} upper-cased when it is ASCII; null otherwise (no Unicode case folding). */
  static String upperAscii(String word) {
    if (word == null || !word.chars().allMatch(c -> c < 128)) {
      return null;
    }
    return word.toUpperCase(Locale.ROOT);
  }

  /**
   * What is wrong with a user name or batch id, or null: a letter, then up to 63 letters, digits,
   * '_', '.' or '-'.
   */
  public static String nameProblem(String name) {
    return NAME.matcher(name).matches()
        ? null
        : "a name is a letter followed by up to 63 letters, digits, '_', '.' or '-'";
  }

  /** What is wrong with a node name ({@code backup} or {@code host:port}), or null. */
  public static String nodeProblem(String node) {
    if (!NODE.matcher(node).matches()) {
      return "a node is a host name, optionally with :port";
    }
    int colon = node.indexOf(':');
    if (colon >= 0) {
      int port = Integer.parseInt(node.substring(colon + 1));
      if (port < 1 || port > 65535) {
        return "a port must be from 1 to 65535";
      }
    }
    return null;
  }

  /**
   * Whether {@code path} lies under one of {@code roots} (normalized absolute paths), comparing
   * whole components: with the root /data, /data and /data/x are under it but /data2 is not. A path
   * that is not absolute or has "." or ".." components is under none.
   */
  public static boolean isUnder(String path, List<String> roots) {
    if (pathProblem(path) != null) return false;
    String p = normalizePath(path);
    for (String root : roots) {
      if (root.equals("/") || p.equals(root) || p.startsWith(root + "/")) return true;
    }
    return false;
  }

  /**
   * What is wrong with an IPHOST address, or null: a host name or IPv4 address and the port its
   * endpoint listens on (setsync.endpoint.port there), which has no default.
   */
  public static String ipHostProblem(String address) {
    if (!NODE.matcher(address).matches()) return "IPHOST is host:port, a host name or IPv4 address and a port";
    if (address.indexOf(':') < 0) return "IPHOST needs the port of the destination's data endpoint: host:port";
    return nodeProblem(address);
  }

  /**
   * Whether a destination "node" is an IPHOST address ({@code host:port}) rather than the name of a
   * node of this cluster: node names never contain ':' (a node refuses such a name at start).
   */
  public static boolean isIpHost(String node) {
    return node != null && node.indexOf(':') >= 0;
  }

  /** What is wrong with a node's own name (setsync.node.name), or null: a node name has no port. */
  public static String nodeNameProblem(String name) {
    if (!NODE.matcher(name).matches() || name.indexOf(':') >= 0) {
      return "a node name is letters, digits, '_', '.' and '-' (at most 253), starting with a letter, digit or '_'";
    }
    return null;
  }

  /**
   * What is wrong with an absolute path, or null: it must start with '/', have no "." or ".."
   * component and no control character, and be at most 4096 characters long. Repeated and
   * trailing slashes are fine ({@link #normalizePath} drops them).
   */
  public static String pathProblem(String path) {
    if (!path.startsWith("/")) {
      return "must be an absolute path, starting with '/'";
    }
    if (path.length() > MAX_PATH_CHARS) {
      return "longer than " + MAX_PATH_CHARS + " characters";
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        return String.format("control character \\u%04x", (int) c);
      }
    }
    for (String component : path.split("/")) {
      if (component.equals(".") || component.equals("..")) {
        return "\"" + component + "\" components are not allowed";
      }
    }
    return null;
  }

  /**
   * The path without repeated or trailing slashes ("/" stays "/").
   *
   * @throws IllegalArgumentException when {@link #pathProblem} finds something wrong
   */
  public static String normalizePath(String path) {
    String problem = pathProblem(path);
    if (problem != null) {
      throw new IllegalArgumentException("bad path \"" + path + "\": " + problem);
    }
    String collapsed = path.replaceAll("/{2,}", "/");
    return collapsed.length() > 1 && collapsed.endsWith("/")
        ? collapsed.substring(0, collapsed.length() - 1)
        : collapsed;
  }

  /** What is wrong with an INTERVAL value (already a valid duration), or null. */
  static String intervalProblem(String value) {
    Duration d = Durations.parse(value);
    if (d.compareTo(MIN_INTERVAL) < 0 || d.compareTo(MAX_INTERVAL) > 0) {
      return "must be from 1 second to 366 days";
    }
    return null;
  }
}
