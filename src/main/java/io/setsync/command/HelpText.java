package io.setsync.command;

import io.setsync.command.CommandOptions.Spec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The console's HELP: the list of commands, and per topic a command's syntax with its options. The
 * option lists come from {@link CommandOptions} (and so from the option registry), so a new option
 * shows up here by itself.
 */
public final class HelpText {
  private HelpText() {}

  private static final String DEST_NOTE =
      "node:/dest names a destination on another node (a host name, or host:port); without it the"
          + " destination is on this node. Paths are absolute; quote a path holding spaces, commas"
          + " or quote marks: '/my files'.";
  private static final String NO_NOTE =
      "NO option removes an option, turns a flag off or restores the default; an option given"
          + " replaces its old value (for a repeatable option, all of its old values). NO"
          + " ALLHARDLINKS, which turns off an option that is on by default, is also allowed in"
          + " SYNCHRONIZE and ADD.";

  private static final String ROLES_NOTE =
      "Roles: the authorizer (root, or the account setsync.security.authorizer names) grants and"
          + " takes the administrator role; administrators add, alter, delete, suspend and"
          + " activate sync users and may act for any of them; every other caller acts only for"
          + " the sync users whose ACCOUNT is theirs, and sees only their file sets.";
  private static final String FROM_NOTE =
      "Without TO the destination is the node the monitor runs on. A refused source's file sets"
          + " to that destination do not run, and SYNCHRONIZE from it is refused.";

  /** One form of a command: verb, object (or null), syntax, meaning, options, notes. */
  private record Form(
      String verb,
      String object,
      String syntax,
      String meaning,
      Supplier<List<Spec>> options,
      List<String> notes) {}

  private static final List<Form> FORMS =
      List.of(
          new Form(
              "SYNCHRONIZE",
              null,
              "SYNCHRONIZE /src TO [node:]/dest [, option ...]",
              "Synchronize a directory of the node this console is connected to once, now, as you",
              CommandOptions::sync,
              List.of(DEST_NOTE)),
          new Form(
              "ADD",
              "SYNCFILESET",
              "ADD SYNCFILESET [node:]/src TO [node:]/dest [, option ...]",
              "Add a file set that is synchronized on a schedule; prints its id",
              CommandOptions::fileSet,
              List.of(
                  DEST_NOTE,
                  "START alone syncs once a day at START; START with STOP syncs every INTERVAL"
                      + " within that daily window, which may cross midnight.")),
          new Form(
              "ALTER",
              "SYNCFILESET",
              "ALTER SYNCFILESET id, option ...",
              "Change a file set's options",
              CommandOptions::fileSet,
              List.of(NO_NOTE)),
          form("DELETE", "SYNCFILESET", "id", "Delete a file set"),
          new Form(
              "INFO",
              "SYNCFILESET",
              "INFO SYNCFILESET [id] [, LOG [LAST n]]",
              "Show file sets (all, or one) with their options and last sync",
              null,
              List.of(
                  "LOG adds the file set's most recent log records: "
                      + CommandOptions.DEFAULT_LOG_LAST
                      + ", or the last n.")),
          form("SUSPEND", "SYNCFILESET", "id", "Stop scheduling a file set"),
          form("ACTIVATE", "SYNCFILESET", "id", "Schedule a suspended file set again"),
          new Form(
              "ADD",
              "SYNCUSER",
              "ADD SYNCUSER name [, option ...]",
              "Add a sync user, the owner of file sets",
              CommandOptions::user,
              List.of(
                  "A name is a letter followed by up to 63 letters, digits, '_', '.' or '-'.")),
          new Form(
              "ALTER",
              "SYNCUSER",
              "ALTER SYNCUSER name, option ...",
              "Change a sync user",
              CommandOptions::user,
              List.of(NO_NOTE)),
          form("DELETE", "SYNCUSER", "name", "Delete a sync user"),
          form("INFO", "SYNCUSER", "[name]", "Show sync users (all, or one)"),
          form("SUSPEND", "SYNCUSER", "name", "Stop scheduling a user's file sets"),
          form("ACTIVATE", "SYNCUSER", "name", "Schedule a suspended user's file sets again"),
          new Form(
              "ADD",
              "ADMINISTRATOR",
              "ADD ADMINISTRATOR account",
              "Let an OS account change sync users and every file set (the authorizer only)",
              null,
              List.of(ROLES_NOTE)),
          form("DELETE", "ADMINISTRATOR", "account", "Take an account's administrator role away (the"
              + " authorizer only)"),
          form("INFO", "ADMINISTRATOR", "[account]", "Show the authorizer and the administrators"),
          new Form(
              "DISABLE",
              "AUTOSYNC",
              "DISABLE AUTOSYNC FROM node [TO node]",
              "Refuse syncs from a source node to a destination node (administrators only)",
              null,
              List.of(FROM_NOTE)),
          new Form(
              "CLEAR",
              "AUTOSYNC",
              "CLEAR AUTOSYNC FROM node [TO node]",
              "Accept a refused source node's syncs again (administrators only)",
              null,
              List.of(FROM_NOTE)),
          form("INFO", "AUTOSYNC", "FROM [node] [TO node]", "Show the source nodes that destinations refuse"
              + " (administrators only)"),
          new Form(
              "ADD",
              "BATCHID",
              "ADD BATCHID id [, option ...]",
              "Add a batch: file sets of one user and destination in a batch run one after another",
              CommandOptions::batch,
              List.of()),
          new Form(
              "ALTER",
              "BATCHID",
              "ALTER BATCHID id, option ...",
              "Change a batch",
              CommandOptions::batch,
              List.of(NO_NOTE)),
          form("DELETE", "BATCHID", "id", "Delete a batch"),
          form("INFO", "BATCHID", "[id]", "Show batches (all, or one)"),
          form("SUSPEND", "BATCHID", "id", "Stop scheduling a batch's file sets"),
          form("ACTIVATE", "BATCHID", "id", "Schedule a suspended batch's file sets again"),
          new Form(
              "STATUS",
              null,
              "STATUS AUTOSYNC | SYNC [user] | BATCHID [id] | SYNCFILESET [id] [, DETAIL]",
              "Show running synchronizations and the result of the last ones",
              null,
              List.of("DETAIL adds the counts of each synchronization.")),
          form("START", "MONITOR", "", "Start scheduling file sets"),
          new Form(
              "STOP",
              "MONITOR",
              "STOP MONITOR",
              "Stop scheduling: running synchronizations finish, no new ones start",
              null,
              List.of()),
          form("OPEN", "PAGE", "", "Print the address of this node's status page with a login for you, valid"
              + " once and for a minute"),
          form("ENV", null, "", "Show the session: the node, its cluster address, this console's address, the"
              + " user, the output form and the monitor's state"),
          new Form(
              "SET",
              "USER",
              "SET USER name",
              "Act as this sync user for the commands that name none (a session parameter)",
              null,
              List.of()),
          new Form(
              "SET",
              "OUTPUT",
              "SET OUTPUT TEXT|JSON",
              "Print results as text or as one line of JSON each (a session parameter)",
              null,
              List.of()),
          new Form(
              "RESET",
              null,
              "RESET",
              "Set every session parameter back to what the console started with (--user, --json)",
              null,
              List.of()),
          form("HELP", null, "[topic]", "Show this list, or help on a command, object or option"),
          new Form("EXIT", null, "EXIT | QUIT", "Leave the console", null, List.of()));

  /**
   * Words that are neither commands nor options, and what HELP says on each: a line, then the
   * commands (verb and object, or verb alone) that use the word.
   */
  private record WordTopic(String text, List<String> commands) {}

  private static final Map<String, WordTopic> WORD_TOPICS = Map.ofEntries(
      Map.entry("TO", new WordTopic("TO separates a source from its destination.", List.of("SYNCHRONIZE", "ADD SYNCFILESET"))),
      Map.entry("DETAIL", new WordTopic("DETAIL adds the counts of each synchronization to STATUS.", List.of("STATUS"))),
      Map.entry("AUTOSYNC", new WordTopic("STATUS AUTOSYNC shows the monitor and its schedulers.", List.of("STATUS"))),
      Map.entry("SYNC", new WordTopic("STATUS SYNC [user] shows the synchronizations (of one user).", List.of("STATUS"))),
      Map.entry("LOG", new WordTopic("LOG [LAST n] adds a file set's log records to INFO.", List.of("INFO SYNCFILESET"))),
      Map.entry("FROM", new WordTopic("FROM names the source node a destination refuses.",
          List.of("DISABLE AUTOSYNC", "CLEAR AUTOSYNC", "INFO AUTOSYNC"))),
      Map.entry("LAST", new WordTopic("LOG LAST n: the last n log records.", List.of("INFO SYNCFILESET"))),
      Map.entry("NO", new WordTopic(NO_NOTE, List.of("ALTER SYNCFILESET", "ALTER SYNCUSER", "ALTER BATCHID"))),
      Map.entry("TEXT", new WordTopic("SET OUTPUT TEXT prints results as text.", List.of("SET OUTPUT"))),
      Map.entry("JSON", new WordTopic("SET OUTPUT JSON prints each result as one line of JSON.", List.of("SET OUTPUT"))),
      Map.entry("SECONDS", new WordTopic("A unit of INTERVAL and OPENUPDATE.", List.of())),
      Map.entry("MINUTES", new WordTopic("A unit of INTERVAL and OPENUPDATE.", List.of())),
      Map.entry("HOURS", new WordTopic("A unit of INTERVAL and OPENUPDATE.", List.of())),
      Map.entry("DAYS", new WordTopic("A unit of INTERVAL and OPENUPDATE.", List.of())),
      Map.entry("MB", new WordTopic("MAXRATE's unit: megabytes (2^20 bytes) per second.", List.of())));

  private static Form form(String verb, String object, String args, String meaning) {
    String syntax = verb + (object == null ? "" : " " + object) + (args.isEmpty() ? "" : " " + args);
    return new Form(verb, object, syntax, meaning, null, List.of());
  }

  /** The list of commands, one line each, and how to get more. */
  public static String general() {
    StringBuilder out = new StringBuilder();
    out.append("Commands (keywords in any case; options follow the object after commas):\n");
    for (Form f : FORMS) {
      row(out, "  ", f.syntax, 44, f.meaning);
    }
    wrap(
        out,
        "",
        "HELP topic shows a command's syntax and options: e.g. HELP ADD SYNCFILESET, HELP"
            + " SYNCUSER, HELP PURGE, HELP OPTIONS.");
    return out.toString();
  }

  /**
   * Help on {@code topic}: a command ({@code ADD SYNCFILESET}, {@code SYNCHRONIZE}), a verb ({@code
   * ADD}), an object ({@code SYNCFILESET}), an option ({@code PURGE}), or {@code OPTIONS} (every
   * option of a file set); case-insensitive. An unknown topic gives a text saying so, starting
   * with "unknown help topic".
   */
  public static String forTopic(String topic) {
    String text = helpOn(topic);
    return text != null ? text : "unknown help topic \""
        + topic.strip()
        + "\"; HELP lists the commands, HELP OPTIONS the options\n";
  }

  /** Whether HELP has something to say on {@code topic} (none: every topic, the general list). */
  public static boolean knows(String topic) {
    return helpOn(topic) != null;
  }

  /** The help on {@code topic}, or null when there is none. */
  private static String helpOn(String topic) {
    if (topic == null || topic.isBlank()) {
      return general();
    }
    String[] words = topic.strip().split("\\s+");
    List<String> upper = new ArrayList<>();
    for (String w : words) {
      String u = CommandOptions.upperAscii(w);
      upper.add(u == null ? "" : u);
    }
    StringBuilder out = new StringBuilder();
    if (upper.size() == 1 && upper.get(0).equals("OPTIONS")) {
      out.append("Options of ADD and ALTER SYNCFILESET (SYNCHRONIZE takes the synchronization"
          + " ones, from PURGE on):\n");
      appendOptions(out, CommandOptions.fileSet());
      return out.toString();
    }
    if (upper.size() == 1 && upper.get(0).equals("QUIT")) {
      upper.set(0, "EXIT");
    }
    for (Form f : FORMS) {
      boolean matches =
          upper.size() == 1
              ? upper.get(0).equals(f.verb) || upper.get(0).equals(f.object)
              : upper.size() == 2 && upper.get(0).equals(f.verb) && upper.get(1).equals(f.object);
      if (matches) {
        appendForm(out, f);
      }
    }
    if (upper.size() == 1) {
      appendOptionTopic(out, upper.get(0));
      appendWordTopic(out, upper.get(0));
    }
    return out.length() == 0 ? null : out.toString();
  }

  private static void appendWordTopic(StringBuilder out, String word) {
    WordTopic topic = WORD_TOPICS.get(word);
    if (topic == null) {
      return;
    }
    if (out.length() > 0) {
      out.append('\n');
    }
    wrap(out, "", topic.text());
    for (String command : topic.commands()) {
      String[] parts = command.split(" ");
      for (Form f : FORMS) {
        if (f.verb.equals(parts[0]) && (parts.length == 1 || parts[1].equals(f.object))) {
          appendForm(out, f);
        }
      }
    }
  }

  private static void appendForm(StringBuilder out, Form f) {
    if (out.length() > 0) {
      out.append('\n');
    }
    out.append(f.syntax).append('\n');
    out.append("  ").append(f.meaning).append(".\n");
    for (String note : f.notes) {
      wrap(out, "  ", note);
    }
    if (f.options != null) {
      out.append("  Options:\n");
      appendOptions(out, f.options.get());
    }
  }

  private static void appendOptions(StringBuilder out, List<Spec> specs) {
    for (Spec s : specs) {
      row(out, "    ", s.synopsis(), 28, s.description());
    }
  }

  /**
   * Help on an option keyword, with the commands that take it; one paragraph per distinct meaning
   * (SUSPEND means one thing for a user, another for a batch); nothing when no command takes it.
   */
  private static void appendOptionTopic(StringBuilder out, String keyword) {
    Map<String, Spec> byMeaning = new LinkedHashMap<>();
    Map<String, Set<String>> commands = new LinkedHashMap<>();
    for (Form f : FORMS) {
      if (f.options == null) {
        continue;
      }
      for (Spec s : f.options.get()) {
        if (s.keyword().equals(keyword)) {
          byMeaning.putIfAbsent(s.description(), s);
          commands
              .computeIfAbsent(s.description(), d -> new LinkedHashSet<>())
              .add(f.verb + (f.object == null ? "" : " " + f.object));
        }
      }
    }
    for (Map.Entry<String, Spec> e : byMeaning.entrySet()) {
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append("option ").append(e.getValue().synopsis()).append('\n');
      out.append("  ").append(e.getKey()).append(".\n");
      out.append("  Accepted by: ")
          .append(String.join(", ", commands.get(e.getKey())))
          .append('\n');
    }
  }

  /** Text lines are kept within this many columns where words allow. */
  private static final int LINE = 100;

  /** Two columns; a left cell wider than {@code width} puts the right one on the next line. */
  private static void row(StringBuilder out, String indent, String left, int width, String right) {
    String pad = " ".repeat(indent.length() + width + 1);
    if (left.length() > width) {
      out.append(indent).append(left).append('\n');
      wrap(out, pad, right);
    } else {
      String first = indent + left + " ".repeat(width - left.length() + 1);
      wrapFrom(out, first, pad, right);
    }
  }

  private static void wrap(StringBuilder out, String indent, String text) {
    wrapFrom(out, indent, indent, text);
  }

  /** {@code text} word-wrapped at {@link #LINE}, the first line after {@code first}. */
  private static void wrapFrom(StringBuilder out, String first, String indent, String text) {
    StringBuilder line = new StringBuilder(first);
    int empty = first.length();
    for (String word : text.split(" ")) {
      if (line.length() > empty && line.length() + 1 + word.length() > LINE) {
        out.append(line).append('\n');
        line = new StringBuilder(indent);
        empty = indent.length();
      }
      if (line.length() > empty) {
        line.append(' ');
      }
      line.append(word);
    }
    out.append(line).append('\n');
  }
}
