package io.setsync.command;

import io.setsync.command.CommandOptions.Spec;
import io.setsync.command.Setting;
import io.setsync.command.Statement.StatusObject;
import io.setsync.options.ArgKind;
import io.setsync.options.OptionException;
import io.setsync.options.OptionText.Clause.Word;
import io.setsync.options.OptionText.Clause;
import io.setsync.options.OptionText;
import io.setsync.options.TimesOfDay;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one line of the console command language (see DESIGN.md, "Command language"):
 *
 * <pre>
 * SYNCHRONIZE /src TO [node:]/dest [, option ...]
 * ADD|ALTER|DELETE|INFO|SUSPEND|ACTIVATE SYNCUSER name [, option ...]   (INFO SYNCUSER [name])
 * ADD SYNCFILESET /src TO [node:]/dest [, option ...]
 * ALTER|DELETE|INFO|SUSPEND|ACTIVATE SYNCFILESET id [, option ...]  (INFO SYNCFILESET [id] [, LOG [LAST n]])
 * ADD|ALTER|DELETE|INFO|SUSPEND|ACTIVATE BATCHID id [, option ...]  (INFO BATCHID [id])
 * ADD|DELETE ADMINISTRATOR account | INFO ADMINISTRATOR [account]
 * DISABLE|CLEAR AUTOSYNC FROM node [TO node] | INFO AUTOSYNC FROM [node] [TO node]
 * STATUS AUTOSYNC | SYNC [user] | BATCHID [id] | SYNCFILESET [id]  [, DETAIL]
 * START MONITOR | STOP MONITOR | ENV | SET USER name | SET OUTPUT TEXT|JSON | RESET
 * HELP [topic] | EXIT | QUIT
 * </pre>
 *
 * <p>Keywords match ignoring ASCII case; user names and batch ids are kept as written. Words are
 * split as in {@link OptionText}: a path with spaces, commas or quote marks is written in quotes
 * ({@code "/data/my files"} or {@code '/data/my files'}, the quote mark doubled inside). Paths must
 * be absolute; they are normalized (repeated and trailing '/' dropped) and may not contain "." or
 * ".." components.
 *
 * <p>A destination is either a path on this node ({@code /backup}) or a node and a path joined by
 * a colon: {@code backup:/data} or {@code 10.0.0.7:2553:/data}, the node being a host name
 * optionally followed by {@code :port}; everything up to the first {@code ":/"} is the node. A
 * quoted destination is read the same way ({@code "backup:/my data"}), and so is a node followed
 * directly by a quoted path ({@code backup:"/my data"}).
 *
 * <p>Options follow the object after commas and are validated here, so a bad option is an error
 * with a column: SYNCHRONIZE takes the synchronization options of the registry; ADD and ALTER
 * SYNCFILESET also the schedule options ({@link CommandOptions#fileSet()}); ALTER commands also
 * take {@code NO keyword}, which removes an option or turns a flag off.
 *
 * <p>A blank line, or one whose first non-blank characters are {@code --} or {@code #}, gives
 * {@link Statement.Nothing#INSTANCE}.
 *
 * <p>Errors throw {@link CommandException} naming the offending word and its 1-based column
 * (counted in Unicode code points); when something is missing the column is the one just after the
 * last word read.
 */
public final class CommandParser {
  private CommandParser() {}

  /** The first words of the commands, as {@link #parse} reads them. */
  public static final List<String> VERBS = List.of(
      "SYNCHRONIZE", "ADD", "ALTER", "DELETE", "INFO", "SUSPEND", "ACTIVATE", "STATUS", "START", "STOP", "ENV",
      "SET", "RESET", "HELP", "EXIT", "QUIT", "DISABLE", "CLEAR");

  /** The other words of the commands' heads and clauses that are not options. */
  public static final List<String> WORDS = List.of(
      "SYNCUSER", "SYNCFILESET", "BATCHID", "AUTOSYNC", "SYNC", "MONITOR", "TO", "DETAIL", "LOG", "LAST", "NO",
      "OUTPUT", "TEXT", "JSON", "ADMINISTRATOR", "FROM");

  /**
   * Every keyword the language has: {@link #VERBS}, {@link #WORDS}, and every option of any
   * command (so the registry's too), each once.
   */
  public static List<String> keywords() {
    java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(VERBS);
    all.addAll(WORDS);
    for (List<CommandOptions.Spec> table
        : List.of(CommandOptions.fileSet(), CommandOptions.user(), CommandOptions.batch())) {
      table.forEach(s -> all.add(s.keyword()));
    }
    all.add(CommandOptions.USER);
    return List.copyOf(all);
  }

  /**
   * Parses one line.
   *
   * @return the command; {@link Statement.Nothing#INSTANCE} for a blank or comment line (also for
   *     null)
   * @throws CommandException when the line is not a valid command
   */
  public static Statement parse(String line) {
    if (line == null) {
      return Statement.Nothing.INSTANCE;
    }
    String stripped = line.strip();
    if (stripped.isEmpty() || stripped.startsWith("--") || stripped.startsWith("#")) {
      return Statement.Nothing.INSTANCE;
    }
    return new LineReader(line).command();
  }

  /** Reads one non-blank line: the head (verb and its words) and the option clauses. */
  private static final class LineReader {
    private final String line;
    private final Clause head;
    private final List<Word> words;
    private final List<Clause> options;
    private int next;
    /** Column just after the last word read: where a missing word is reported. */
    private int end;

    LineReader(String line) {
      this.line = line;
      int first = firstNonBlank(line);
      char c = line.charAt(first);
      int column = line.codePointCount(0, first) + 1;
      if (c == ',') {
        throw new CommandException("expected a command before \",\" at column " + column, column);
      }
      if (c == '"' || c == '\'') {
        throw new CommandException(
            "expected a command, got a quoted word at column " + column, column);
      }
      List<Clause> clauses;
      try {
        clauses = OptionText.clauses(line);
      } catch (OptionException e) {
        throw new CommandException(e.getMessage(), e.column());
      }
      head = clauses.get(0);
      words = head.words();
      options = clauses.subList(1, clauses.size());
      end = endColumn(head.column());
    }

    Statement command() {
      String verb = CommandOptions.upperAscii(head.keyword());
      if (verb == null) {
        verb = "";
      }
      return switch (verb) {
        case "SYNCHRONIZE" -> synchronize();
        case "ADD", "ALTER", "DELETE", "INFO", "SUSPEND", "ACTIVATE" -> objectCommand(verb);
        case "STATUS" -> status();
        case "START", "STOP" -> monitor(verb);
        case "OPEN" -> openPage();
        case "DISABLE", "CLEAR" -> autosyncFrom(verb);
        case "ENV" -> alone(verb, Statement.Env.INSTANCE);
        case "RESET" -> alone(verb, Statement.Reset.INSTANCE);
        case "SET" -> set();
        case "EXIT", "QUIT" -> alone(verb, Statement.Exit.INSTANCE);
        case "HELP" -> help();
        default -> throw error("unknown command", head.keyword(), head.column());
      };
    }

    // ---- commands ----

    private Statement synchronize() {
      String source = path(expect("a source path after SYNCHRONIZE"), "source");
      Destination destination = toDestination();
      endOfHead(true);
      List<Setting> settings = new ArrayList<>(settings(CommandOptions.synchronize(), false));
      String node = destinationNode(destination, settings);
      return new Statement.Synchronize(source, node, destination.path, settings);
    }

    private Statement objectCommand(String verb) {
      Word object = expect("SYNCUSER, SYNCFILESET or BATCHID after " + verb);
      if (verb.equals("INFO") && isKeyword(object, "AUTOSYNC")) {
        return autosyncFrom(verb);
      }
      if ((verb.equals("ADD") || verb.equals("DELETE") || verb.equals("INFO"))
          && isKeyword(object, "ADMINISTRATOR")) {
        return administratorCommand(verb);
      }
      String name = isQuoted(object) ? null : CommandOptions.upperAscii(object.text());
      if (name == null) {
        name = "";
      }
      return switch (name) {
        case "SYNCUSER" -> userCommand(verb);
        case "SYNCFILESET" -> fileSetCommand(verb);
        case "BATCHID" -> batchCommand(verb);
        default -> throw error(
            "expected SYNCUSER, SYNCFILESET or BATCHID after " + verb + ", got",
            object.text(),
            object.column());
      };
    }

    private Statement userCommand(String verb) {
      if (verb.equals("INFO")) {
        Word w = optional();
        String name = w == null ? null : name(w, "user name");
        endOfHead(false);
        noOptions("INFO SYNCUSER");
        return new Statement.InfoUser(name);
      }
      String name = name(expect("a user name after SYNCUSER"), "user name");
      return switch (verb) {
        case "ADD" -> {
          endOfHead(true);
          yield new Statement.AddUser(name, settings(CommandOptions.user(), false));
        }
        case "ALTER" -> {
          endOfHead(true);
          yield new Statement.AlterUser(name, alterSettings("ALTER SYNCUSER", CommandOptions.user()));
        }
        default -> {
          endOfHead(false);
          noOptions(verb + " SYNCUSER");
          yield switch (verb) {
            case "DELETE" -> new Statement.DeleteUser(name);
            case "SUSPEND" -> new Statement.SuspendUser(name);
            default -> new Statement.ActivateUser(name);
          };
        }
      };
    }

    private Statement administratorCommand(String verb) {
      Word w = verb.equals("INFO") ? optional() : expect("an account name after ADMINISTRATOR");
      String account = w == null ? null : name(w, "account name");
      endOfHead(false);
      noOptions(verb + " ADMINISTRATOR");
      return switch (verb) {
        case "ADD" -> new Statement.AddAdministrator(account);
        case "DELETE" -> new Statement.DeleteAdministrator(account);
        default -> new Statement.InfoAdministrator(account);
      };
    }

    /** {@code DISABLE|CLEAR AUTOSYNC FROM node [TO node]}, {@code INFO AUTOSYNC FROM [node] [TO node]}. */
    private Statement autosyncFrom(String verb) {
      if (!verb.equals("INFO")) {
        Word object = expect("AUTOSYNC after " + verb);
        if (!isKeyword(object, "AUTOSYNC")) {
          throw error("expected AUTOSYNC after " + verb + ", got", object.text(), object.column());
        }
      }
      Word from = expect("FROM after AUTOSYNC");
      if (!isKeyword(from, "FROM")) {
        throw error("expected FROM after AUTOSYNC, got", from.text(), from.column());
      }
      Word w = verb.equals("INFO") ? optional() : expect("a source node after FROM");
      String source = null;
      if (w != null && !isKeyword(w, "TO")) {
        source = node(w, "source node");
        w = optional();
      }
      String destination = null;
      if (w != null) {
        if (!isKeyword(w, "TO")) {
          throw error("expected TO after the source node, got", w.text(), w.column());
        }
        destination = node(expect("a destination node after TO"), "destination node");
      }
      endOfHead(false);
      noOptions(verb + " AUTOSYNC FROM");
      return switch (verb) {
        case "DISABLE" -> new Statement.DisableAutosyncFrom(source, destination);
        case "CLEAR" -> new Statement.ClearAutosyncFrom(source, destination);
        default -> new Statement.InfoAutosyncFrom(source, destination);
      };
    }

    private static String node(Word w, String what) {
      String problem = CommandOptions.nodeProblem(w.text());
      if (problem != null) {
        throw error("bad " + what, w.text(), w.column(), problem);
      }
      return w.text();
    }

    private Statement batchCommand(String verb) {
      if (verb.equals("INFO")) {
        Word w = optional();
        String id = w == null ? null : name(w, "batch id");
        endOfHead(false);
        noOptions("INFO BATCHID");
        return new Statement.InfoBatch(id);
      }
      String id = name(expect("a batch id after BATCHID"), "batch id");
      return switch (verb) {
        case "ADD" -> {
          endOfHead(true);
          yield new Statement.AddBatch(id, settings(CommandOptions.batch(), false));
        }
        case "ALTER" -> {
          endOfHead(true);
          yield new Statement.AlterBatch(id, alterSettings("ALTER BATCHID", CommandOptions.batch()));
        }
        default -> {
          endOfHead(false);
          noOptions(verb + " BATCHID");
          yield switch (verb) {
            case "DELETE" -> new Statement.DeleteBatch(id);
            case "SUSPEND" -> new Statement.SuspendBatch(id);
            default -> new Statement.ActivateBatch(id);
          };
        }
      };
    }

    private Statement fileSetCommand(String verb) {
      switch (verb) {
        case "ADD" -> {
          Destination source = nodePath(expect("a source path after SYNCFILESET"), "source");
          Destination destination = toDestination();
          endOfHead(true);
          List<Setting> settings = new ArrayList<>(settings(CommandOptions.fileSet(), false));
          String node = destinationNode(destination, settings);
          return new Statement.AddFileSet(source.node, source.path, node, destination.path, settings);
        }
        case "INFO" -> {
          Word w = optional();
          Long id = w == null ? null : fileSetId(w);
          endOfHead(true);
          return new Statement.InfoFileSet(id, logClause());
        }
        default -> {
          long id = fileSetId(expect("a file-set id after SYNCFILESET"));
          if (verb.equals("ALTER")) {
            endOfHead(true);
            return new Statement.AlterFileSet(
                id, alterSettings("ALTER SYNCFILESET", CommandOptions.fileSet()));
          }
          endOfHead(false);
          noOptions(verb + " SYNCFILESET");
          return switch (verb) {
            case "DELETE" -> new Statement.DeleteFileSet(id);
            case "SUSPEND" -> new Statement.SuspendFileSet(id);
            default -> new Statement.ActivateFileSet(id);
          };
        }
      }
    }

    private Statement status() {
      Word object = expect("AUTOSYNC, SYNC, BATCHID or SYNCFILESET after STATUS");
      StatusObject which = null;
      String upper = isQuoted(object) ? null : CommandOptions.upperAscii(object.text());
      for (StatusObject o : StatusObject.values()) {
        if (o.name().equals(upper)) {
          which = o;
        }
      }
      if (which == null) {
        throw error(
            "expected AUTOSYNC, SYNC, BATCHID or SYNCFILESET after STATUS, got",
            object.text(),
            object.column());
      }
      String id = null;
      if (which != StatusObject.AUTOSYNC) {
        Word w = optional();
        if (w != null) {
          id =
              switch (which) {
                case SYNC -> name(w, "user name");
                case BATCHID -> name(w, "batch id");
                default -> Long.toString(fileSetId(w));
              };
        }
      }
      endOfHead(true);
      boolean detail = false;
      for (Clause clause : options) {
        if (!"DETAIL".equals(CommandOptions.upperAscii(clause.keyword()))) {
          throw error("unknown option", clause.keyword(), clause.column());
        }
        if (detail) {
          throw error("option given twice:", clause.keyword(), clause.column());
        }
        if (!clause.words().isEmpty()) {
          Word w = clause.words().get(0);
          throw error("option DETAIL takes no value, got", clause.value(), w.column());
        }
        detail = true;
      }
      return new Statement.Status(which, id, detail);
    }

    private Statement monitor(String verb) {
      Word object = expect("MONITOR after " + verb);
      if (!isKeyword(object, "MONITOR")) {
        throw error("expected MONITOR after " + verb + ", got", object.text(), object.column());
      }
      endOfHead(false);
      noOptions(verb + " MONITOR");
      return verb.equals("START") ? Statement.StartMonitor.INSTANCE : Statement.StopMonitor.INSTANCE;
    }

    private Statement openPage() {
      Word object = expect("PAGE after OPEN");
      if (!isKeyword(object, "PAGE")) throw error("expected PAGE after OPEN, got", object.text(), object.column());
      endOfHead(false);
      noOptions("OPEN PAGE");
      return Statement.OpenPage.INSTANCE;
    }

    private Statement set() {
      Word which = expect("USER or OUTPUT after SET");
      if (isKeyword(which, "USER")) {
        String name = name(expect("a user name after SET USER"), "user name");
        endOfHead(false);
        noOptions("SET");
        return new Statement.SetParameter(Statement.Parameter.USER, name);
      }
      if (isKeyword(which, "OUTPUT")) {
        Word form = expect("TEXT or JSON after SET OUTPUT");
        if (!isKeyword(form, "TEXT") && !isKeyword(form, "JSON")) {
          throw error("expected TEXT or JSON after SET OUTPUT, got", form.text(), form.column());
        }
        endOfHead(false);
        noOptions("SET");
        return new Statement.SetParameter(Statement.Parameter.OUTPUT, CommandOptions.upperAscii(form.text()));
      }
      throw error("expected USER or OUTPUT after SET, got", which.text(), which.column());
    }

    private Statement alone(String verb, Statement command) {
      endOfHead(false);
      noOptions(verb);
      return command;
    }

    private Statement help() {
      List<String> topic = new ArrayList<>();
      Word w;
      while ((w = optional()) != null) {
        topic.add(w.text());
      }
      noOptions("HELP");
      return new Statement.Help(topic.isEmpty() ? null : String.join(" ", topic));
    }

    // ---- head words ----

    private Word expect(String what) {
      Word w = optional();
      if (w == null) {
        throw new CommandException("expected " + what + " at column " + end, end);
      }
      return w;
    }

    private Word optional() {
      if (next >= words.size()) {
        return null;
      }
      Word w = words.get(next++);
      end = endColumn(w.column());
      return w;
    }

    /** Refuses words left in the head; {@code optionsFollow}: hint that options need a comma. */
    private void endOfHead(boolean optionsFollow) {
      if (next < words.size()) {
        Word extra = words.get(next);
        String hint = optionsFollow ? " (options follow a comma)" : "";
        throw new CommandException(
            "unexpected word \"" + extra.text() + "\"" + hint + " at column " + extra.column(),
            extra.column());
      }
    }

    private void noOptions(String command) {
      if (!options.isEmpty()) {
        Clause first = options.get(0);
        throw error(command + " takes no options, got", first.keyword(), first.column());
      }
    }

    private Destination toDestination() {
      Word to = expect("TO after the source path");
      if (!isKeyword(to, "TO")) {
        throw error("expected TO after the source path, got", to.text(), to.column());
      }
      return nodePath(expect("a destination path after TO"), "destination");
    }

    /** {@code /path} or {@code node:/path} (also {@code node:"/my data"}); {@code what}: "source" or "destination". */
    private Destination nodePath(Word w, String what) {
      String text = w.text();
      if (!isQuoted(w) && text.endsWith(":") && next < words.size()) {
        Word path = words.get(next);
        if (isQuoted(path) && path.column() == end) { // backup:"/my data"
          optional();
          text = text + path.text();
        }
      }
      if (text.startsWith("/")) {
        return new Destination(null, path(text, w.column(), what));
      }
      int split = text.indexOf(":/");
      if (split <= 0 && what.equals("source")) return new Destination(null, path(text, w.column(), what));
      if (split <= 0) {
        throw error("expected an absolute destination path or node:/path after TO, got", text, w.column());
      }
      String node = text.substring(0, split);
      String problem = CommandOptions.nodeProblem(node);
      if (problem != null) {
        throw error("bad " + what + " node", node, w.column(), problem);
      }
      return new Destination(node, path(text.substring(split + 1), w.column(), what));
    }

    private record Destination(String node, String path) {}

    /**
     * The destination's node, or the address IPHOST gives (taken out of {@code settings}): one
     * place says where the destination is, never both.
     */
    private String destinationNode(Destination destination, List<Setting> settings) {
      for (java.util.Iterator<Setting> i = settings.iterator(); i.hasNext(); ) {
        Setting s = i.next();
        if (!s.keyword().equals(CommandOptions.IPHOST)) continue;
        if (destination.node != null) {
          int column = options.stream().filter(c -> CommandOptions.IPHOST.equals(CommandOptions.upperAscii(c.keyword())))
              .findFirst().map(Clause::column).orElse(0);
          throw error("IPHOST names where the destination is, and so does its node; give a bare destination path"
              + " with IPHOST, got the node", destination.node, column);
        }
        i.remove();
        return s.value();
      }
      return destination.node;
    }

    private String path(Word w, String what) {
      return path(w.text(), w.column(), what);
    }

    private static String path(String text, int column, String what) {
      String problem = CommandOptions.pathProblem(text);
      if (problem != null) {
        throw error("bad " + what + " path", text, column, problem);
      }
      return CommandOptions.normalizePath(text);
    }

    private static String name(Word w, String what) {
      String problem = CommandOptions.nameProblem(w.text());
      if (problem != null) {
        throw error("bad " + what, w.text(), w.column(), problem);
      }
      return w.text();
    }

    private static long fileSetId(Word w) {
      String text = w.text();
      if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw error("SYNCFILESET id must be a number, got", text, w.column());
      }
      long id;
      try {
        id = Long.parseLong(text);
      } catch (NumberFormatException e) {
        id = 0;
      }
      if (id < 1) {
        throw error(
            "SYNCFILESET id must be a number from 1 to " + Long.MAX_VALUE + ", got",
            text,
            w.column());
      }
      return id;
    }

    // ---- options ----

    private List<Setting> alterSettings(String command, List<Spec> table) {
      if (options.isEmpty()) {
        throw new CommandException(
            command + " needs at least one option after a comma at column " + end, end);
      }
      return settings(table, true);
    }

    /**
     * Validates the option clauses against {@code table}: known keyword, word count, value present
     * when needed and valid, non-repeatable options once, NO only when {@code alter}; for file
     * sets also that STOP comes with START.
     */
    private List<Setting> settings(List<Spec> table, boolean alter) {
      List<Setting> settings = new ArrayList<>();
      Map<String, Setting> seen = new HashMap<>();
      Map<String, Clause> clauseOf = new HashMap<>();
      for (Clause clause : options) {
        Setting setting = setting(clause, table, alter);
        Setting before = seen.put(setting.keyword(), setting);
        if (before != null) {
          if (before.negated() != setting.negated()) {
            throw error(
                "option " + setting.keyword() + " both given and removed with NO:",
                clause.keyword(),
                clause.column());
          }
          boolean repeatable = find(table, setting.keyword()).repeatable();
          if (!repeatable || setting.negated()) {
            throw error("option given twice:", clause.keyword(), clause.column());
          }
        }
        clauseOf.putIfAbsent(setting.keyword(), clause);
        settings.add(setting);
      }
      if (!alter && table.stream().anyMatch(s -> s.keyword().equals(CommandOptions.STOP))) {
        checkWindow(seen, clauseOf);
      }
      return settings;
    }

    private static void checkWindow(Map<String, Setting> seen, Map<String, Clause> clauseOf) {
      Setting stop = seen.get(CommandOptions.STOP);
      if (stop == null) {
        return;
      }
      Clause at = clauseOf.get(CommandOptions.STOP);
      Setting start = seen.get(CommandOptions.START);
      if (start == null) {
        throw new CommandException(
            "STOP needs START (START alone syncs once a day) at column " + at.column(),
            at.column());
      }
      if (TimesOfDay.parse(start.value()).equals(TimesOfDay.parse(stop.value()))) {
        throw new CommandException(
            "STOP must differ from START at column " + at.valueColumn(), at.valueColumn());
      }
    }

    private static Spec find(List<Spec> table, String keyword) {
      return CommandOptions.find(table, keyword).orElseThrow();
    }

    private Setting setting(Clause clause, List<Spec> table, boolean alter) {
      if ("NO".equals(CommandOptions.upperAscii(clause.keyword()))) {
        if (clause.words().isEmpty()) {
          if (!alter) {
            throw error(
                "NO removes an option in ALTER commands only, got", clause.keyword(), clause.column());
          }
          int column = endColumn(clause.column());
          throw new CommandException("expected an option name after NO at column " + column, column);
        }
        Word target = clause.words().get(0);
        Spec spec = CommandOptions.find(table, target.text()).orElse(null);
        // A flag that is on by default is turned off with NO anywhere (NO ALLHARDLINKS).
        boolean turnsOff = spec != null && spec.isSync() && spec.sync().onByDefault();
        if (!alter && !turnsOff) {
          throw error(
              "NO removes an option in ALTER commands only, got", clause.keyword(), clause.column());
        }
        if (spec == null) throw error("unknown option", target.text(), target.column());
        if (!spec.negatable()) {
          throw error("option cannot be removed with NO:", target.text(), target.column());
        }
        if (clause.words().size() > 1) {
          Word extra = clause.words().get(1);
          throw error("NO " + spec.keyword() + " takes no value, got", extra.text(), extra.column());
        }
        return Setting.no(spec.keyword());
      }
      Spec spec =
          CommandOptions.find(table, clause.keyword())
              .orElseThrow(() -> error("unknown option", clause.keyword(), clause.column()));
      try {
        clause.checkWordCount(spec.kind());
      } catch (OptionException e) {
        throw new CommandException(e.getMessage(), e.column());
      }
      String value = clause.value();
      if (spec.kind() == ArgKind.NONE) {
        if (value != null) {
          throw error(
              "option " + spec.keyword() + " takes no value, got", value, clause.valueColumn());
        }
        return Setting.of(spec.keyword());
      }
      if (value == null) {
        if (spec.valueOptional()) {
          return Setting.of(spec.keyword());
        }
        throw new CommandException(
            "option "
                + spec.keyword()
                + " needs a value "
                + spec.argLabel()
                + " at column "
                + clause.column(),
            clause.column());
      }
      String problem = spec.problem(value);
      if (problem != null) {
        throw error(
            "option " + spec.keyword() + " got bad value", value, clause.valueColumn(), problem);
      }
      return Setting.of(spec.keyword(), value);
    }

    /** The LOG [LAST n] clause of INFO SYNCFILESET: null without one. */
    private Integer logClause() {
      Integer last = null;
      for (Clause clause : options) {
        if (!"LOG".equals(CommandOptions.upperAscii(clause.keyword()))) {
          throw error("unknown option", clause.keyword(), clause.column());
        }
        if (last != null) {
          throw error("option given twice:", clause.keyword(), clause.column());
        }
        List<Word> w = clause.words();
        if (w.isEmpty()) {
          last = CommandOptions.DEFAULT_LOG_LAST;
          continue;
        }
        if (!isKeyword(w.get(0), "LAST")) {
          throw error("expected LAST after LOG, got", w.get(0).text(), w.get(0).column());
        }
        if (w.size() == 1) {
          int column = endColumn(w.get(0).column());
          throw new CommandException(
              "expected a number after LOG LAST at column " + column, column);
        }
        if (w.size() > 2) {
          throw error("unexpected word", w.get(2).text(), w.get(2).column());
        }
        last = logCount(w.get(1));
      }
      return last;
    }

    private static int logCount(Word w) {
      String text = w.text();
      long n = -1;
      if (!text.isEmpty() && text.length() < 10 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
        n = Long.parseLong(text);
      }
      if (n < 1 || n > CommandOptions.MAX_LOG_LAST) {
        throw error(
            "LOG LAST needs a whole number from 1 to " + CommandOptions.MAX_LOG_LAST + ", got",
            text,
            w.column());
      }
      return (int) n;
    }

    // ---- columns and raw text ----

    private static int firstNonBlank(String line) {
      int i = 0;
      while (i < line.length() && Character.isWhitespace(line.codePointAt(i))) {
        i += Character.charCount(line.codePointAt(i));
      }
      return i;
    }

    private int indexOfColumn(int column) {
      return line.offsetByCodePoints(0, column - 1);
    }

    private boolean isQuoted(Word w) {
      char c = line.charAt(indexOfColumn(w.column()));
      return c == '"' || c == '\'';
    }

    private boolean isKeyword(Word w, String keyword) {
      return !isQuoted(w) && keyword.equals(CommandOptions.upperAscii(w.text()));
    }

    /** The column just after the word (bare or quoted) that starts at {@code column}. */
    private int endColumn(int column) {
      int start = indexOfColumn(column);
      int i = start;
      char quote = line.charAt(start);
      if (quote == '"' || quote == '\'') {
        i++;
        while (i < line.length()) {
          if (line.charAt(i) == quote) {
            if (i + 1 < line.length() && line.charAt(i + 1) == quote) {
              i += 2;
              continue;
            }
            i++;
            break;
          }
          i++;
        }
      } else {
        while (i < line.length()) {
          int cp = line.codePointAt(i);
          if (Character.isWhitespace(cp) || cp == ',' || cp == '"' || cp == '\'') {
            break;
          }
          i += Character.charCount(cp);
        }
      }
      return column + line.codePointCount(start, i);
    }

    // ---- errors ----

    private static CommandException error(String what, String word, int column) {
      return new CommandException(what + " \"" + word + "\" at column " + column, column);
    }

    private static CommandException error(String what, String word, int column, String problem) {
      return new CommandException(
          what + " \"" + word + "\" (" + problem + ") at column " + column, column);
    }
  }
}
