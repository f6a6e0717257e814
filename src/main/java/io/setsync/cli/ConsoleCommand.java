package io.setsync.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.setsync.command.CommandException;
import io.setsync.command.CommandParser;
import io.setsync.command.HelpText;
import io.setsync.command.Statement;
import io.setsync.console.ConsoleClient;
import io.setsync.console.ConsoleParameters;
import io.setsync.console.ResultJson;
import io.setsync.console.ResultText;
import io.setsync.monitor.Result;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code setsync console [--node HOST:PORT] [--json] [COMMAND]}: runs one command of the command
 * language against a node's monitor and exits with its completion code, or, without COMMAND, reads
 * commands at a prompt with history and line editing.
 */
@CommandLine.Command(
    name = "setsync console",
    description = "Command a setsync node's monitor in AutoSYNC's command language (HELP lists the commands).")
public final class ConsoleCommand implements Callable<Integer> {

  @Option(names = "--node", paramLabel = "HOST:PORT",
      description = "The node's cluster address (default: setsync.node.host:port, 127.0.0.1:25520).")
  String node;

  @Option(names = "--json", description = "Print each result as one line of JSON.")
  boolean json;

  @Option(names = "--user", paramLabel = "NAME",
      description = "The sync user for commands that name none (default: your login name).")
  String user = System.getProperty("user.name");

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
  boolean help;

  @Parameters(paramLabel = "COMMAND", arity = "0..*",
      description = "A command, e.g. \"STATUS SYNCFILESET\"; quote it as one word to keep its own quotes.")
  List<String> words = List.of();

  private final PrintStream out;
  private final PrintStream err;
  /** The session's parameters (user, output); made once the command line is read. */
  private ConsoleParameters session;

  private ConsoleCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine cl = new CommandLine(new ConsoleCommand(out, err));
    cl.setOut(new java.io.PrintWriter(out, true));
    cl.setErr(new java.io.PrintWriter(err, true));
    cl.setParameterExceptionHandler((e, a) -> {
      err.println("setsync console: " + e.getMessage());
      err.println("usage: setsync console [--node HOST:PORT] [--json] [COMMAND]");
      return 2;
    });
    return cl.execute(args);
  }

  @Override
  public Integer call() {
    Config config = ConfigFactory.load();
    String target = node != null ? node
        : config.getString("setsync.node.host") + ":" + config.getInt("setsync.node.port");
    int colon = target.lastIndexOf(':');
    int port;
    try {
      port = Integer.parseInt(target.substring(colon + 1));
      if (colon <= 0 || port <= 0 || port > 65535) throw new NumberFormatException();
    } catch (NumberFormatException e) {
      return fail("--node must be HOST:PORT, got \"" + target + "\"");
    }
    String host = target.substring(0, colon);
    if (!words.isEmpty()) {
      String line = String.join(" ", words);
      Statement command;
      try {
        command = CommandParser.parse(line);
      } catch (CommandException e) {
        return syntaxError(line, e);
      }
      if (command instanceof Statement.Nothing) return 0;
      session = new ConsoleParameters(user, json);
      Integer local = runLocally(command);
      if (local != null) return local;
      try (ConsoleClient client = ConsoleClient.connect(host, port, config)) {
        return print(runRemotely(client, command, host + ":" + port));
      } catch (ConsoleClient.ConnectException e) {
        return fail(e.getMessage());
      }
    }
    return interactive(host, port, config);
  }

  /** The prompt: one connection for the session; the worst completion code is the exit code. */
  private int interactive(String host, int port, Config config) {
    session = new ConsoleParameters(user, json);
    try (ConsoleClient client = ConsoleClient.connect(host, port, config);
        Terminal terminal = TerminalBuilder.builder().system(true)
            // commands piped in: read them plainly, without JLine's warning about a missing terminal
            .dumb(System.console() == null).build()) {
      LineReader reader = lineReader(terminal)
          .variable(LineReader.HISTORY_FILE, Path.of(config.getString("setsync.home"), "console_history"))
          .build();
      int worst = 0;
      if (!json) out.println("setsync console on " + host + ":" + port + " as " + user + "; HELP lists the commands, EXIT ends");
      while (true) {
        String line;
        try {
          line = reader.readLine("setsync> ");
        } catch (UserInterruptException e) {
          continue;
        } catch (EndOfFileException e) {
          break;
        }
        Statement command;
        try {
          command = CommandParser.parse(line);
        } catch (CommandException e) {
          worst = Math.max(worst, syntaxError(line, e));
          continue;
        }
        if (command instanceof Statement.Nothing) continue;
        if (command instanceof Statement.Exit) break;
        Integer local = runLocally(command);
        worst = Math.max(worst, local != null ? local : print(runRemotely(client, command, host + ":" + port)));
      }
      return worst;
    } catch (ConsoleClient.ConnectException e) {
      return fail(e.getMessage());
    } catch (IOException e) {
      return fail("cannot open the terminal: " + e.getMessage());
    }
  }

  /**
   * The prompt's line reader: Tab completes the language's keywords whatever case was typed
   * ({@code sync<Tab>} gives {@code SYNCHRONIZE}).
   */
  static LineReaderBuilder lineReader(Terminal terminal) {
    return LineReaderBuilder.builder()
        .terminal(terminal)
        .appName("setsync")
        .completer(new StringsCompleter(completionWords()))
        .option(LineReader.Option.CASE_INSENSITIVE, true);
  }

  /** The words Tab completes: every keyword of the parser and the option tables, and the units. */
  static List<String> completionWords() {
    List<String> words = new java.util.ArrayList<>(CommandParser.keywords());
    words.addAll(List.of("SECONDS", "MINUTES", "HOURS", "DAYS", "MB"));
    return words;
  }

  /** HELP, EXIT, SET and RESET need no node. */
  private Integer runLocally(Statement command) {
    if (command instanceof Statement.Help h) {
      String text = HelpText.forTopic(h.topic());
      return print(HelpText.knows(h.topic()) ? Result.Done.ok(text) : Result.Done.error(text.strip()));
    }
    if (command instanceof Statement.Exit) return 0;
    if (command instanceof Statement.SetParameter || command instanceof Statement.Reset) {
      return print(session.apply(command));
    }
    return null;
  }

  /**
   * Runs a command at the node as the session's user. ENV gains what only the console knows; a
   * SYNCHRONIZE can be interrupted with Ctrl-C, which asks the node to stop it.
   */
  private Result runRemotely(ConsoleClient client, Statement command, String cluster) {
    if (command instanceof Statement.Synchronize) return interruptibly(client, command);
    Result result = client.run(command, session.user());
    return command instanceof Statement.Env ? session.env(result, cluster, client.selfAddress()) : result;
  }

  /**
   * While a SYNCHRONIZE runs, the first Ctrl-C stops waiting for it, which the node watches: it
   * stops the run at the next file boundary. A second Ctrl-C leaves at once; the node then sees
   * the console leave and stops the run all the same.
   */
  private Result interruptibly(ConsoleClient client, Statement command) {
    java.util.concurrent.atomic.AtomicInteger interrupts = new java.util.concurrent.atomic.AtomicInteger();
    sun.misc.Signal intSignal = new sun.misc.Signal("INT");
    sun.misc.SignalHandler previous = null;
    try {
      previous = sun.misc.Signal.handle(intSignal, signal -> {
        if (interrupts.incrementAndGet() == 1) {
          err.println("Ctrl-C: asking the node to stop the synchronization at the next file boundary"
              + " (Ctrl-C again leaves at once)");
          err.flush();
          client.cancelSynchronize();
        } else {
          System.exit(130);
        }
      });
    } catch (IllegalArgumentException e) {
      // SIGINT is ignored (a background job) or not ours to take: nothing to interrupt with.
    }
    try {
      return client.run(command, session.user());
    } finally {
      if (previous != null) sun.misc.Signal.handle(intSignal, previous);
    }
  }

  private int print(Result result) {
    if (session != null ? session.json() : json) out.println(ResultJson.of(result));
    else if (result.code() == 2) err.println(ResultText.of(result));
    else out.println(ResultText.of(result));
    return result.code();
  }

  /** Shows the line with a caret under the offending word. */
  private int syntaxError(String line, CommandException e) {
    if (session != null ? session.json() : json) {
      out.println(ResultJson.error(e.getMessage()));
    } else {
      err.println("error: " + e.getMessage());
      if (e.column() > 0 && e.column() <= line.length() + 1) {
        err.println("  " + line);
        err.println("  " + " ".repeat(e.column() - 1) + "^");
      }
    }
    return 2;
  }

  private int fail(String message) {
    if (json) out.println(ResultJson.error(message));
    else err.println("setsync console: " + message);
    return 2;
  }
}
