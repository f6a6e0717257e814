package io.setsync.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.setsync.command.CommandException;
import io.setsync.command.CommandParser;
import io.setsync.command.HelpText;
import io.setsync.command.Statement;
import io.setsync.console.ConsoleClient;
import io.setsync.console.Answers;
import io.setsync.console.ConsoleParameters;
import io.setsync.console.ConsoleProtocol;
import io.setsync.console.SocketConsole;
import io.setsync.node.SetSyncNode;
import io.setsync.console.ResultJson;
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
      description = "A remote node's cluster address: the remote console, which joins the cluster and which"
          + " the node refuses unless setsync.console.remote is on. Without it: this machine's node, through"
          + " its console socket.")
  String node;

  @Option(names = "--tls-dir", paramLabel = "DIR",
      description = "With --node, to a cluster with TLS on: the administrator's certificate directory (tls.key,"
          + " tls.crt, ca.crt), made by `scripts/certs DIR --admin NAME` (default: $SETSYNC_TLS_DIR if set).")
  Path tlsDir;

  @Option(names = "--socket", paramLabel = "PATH",
      description = "The local node's console socket (default: setsync.console.socket, $SETSYNC_HOME/console.sock).")
  Path socket;

  @Option(names = "--json", description = "Print each result as one line of JSON.")
  boolean json;

  @Option(names = "--user", paramLabel = "NAME",
      description = "The sync user to act for where a command names none (default: your own account);"
          + " the node decides what you may do as it, knowing who you are from the kernel.")
  String user;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
  boolean help;

  @Parameters(paramLabel = "COMMAND", arity = "0..*",
      description = "A command, e.g. \"STATUS SYNCFILESET\"; quote it as one word to keep its own quotes.")
  List<String> words = List.of();

  private final PrintStream out;
  private final PrintStream err;

  private ConsoleCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    QuickConsoleArgs quick = QuickConsoleArgs.parse(args, System.getenv(), System.getProperties());
    // A config file named with -Dconfig.* could move the socket: then the full path reads it.
    // (Looking for an application.conf on the class path would open every jar: as long as the JVM's start.)
    if (quick != null && System.getProperty("config.file") == null && System.getProperty("config.resource") == null
        && System.getProperty("config.url") == null) {
      ConsoleCommand command = new ConsoleCommand(out, err);
      command.json = quick.json();
      command.user = quick.user();
      command.socket = quick.socket();
      command.words = quick.words();
      return command.call();
    }
    CommandLine cl = new CommandLine(new ConsoleCommand(out, err));
    cl.setOut(new java.io.PrintWriter(out, true));
    cl.setErr(new java.io.PrintWriter(err, true));
    cl.setParameterExceptionHandler((e, a) -> {
      err.println("setsync console: " + e.getMessage());
      err.println("usage: setsync console [--node HOST:PORT [--tls-dir DIR]] [--json] [COMMAND]");
      return 2;
    });
    return cl.execute(args);
  }

  @Override
  public Integer call() {
    // Loaded only when needed: reading every library's reference.conf costs more than the JVM's start.
    java.util.function.Supplier<Config> config = ConfigFactory::load;
    Connection connection;
    if (!words.isEmpty()) {
      String line = String.join(" ", words);
      Statement command;
      try {
        command = CommandParser.parse(line);
      } catch (CommandException e) {
        return print(Answers.syntaxError(line, e, json));
      }
      if (command instanceof Statement.Nothing || command instanceof Statement.Exit) return 0;
      if (command instanceof Statement.Help h) {
        // needs no node
        String text = HelpText.forTopic(h.topic());
        return print(Answers.of(HelpText.knows(h.topic()) ? Result.Done.ok(text) : Result.Done.error(text.strip()), json));
      }
      try {
        connection = connect(config);
      } catch (ConsoleClient.ConnectException e) {
        return fail(e.getMessage());
      } catch (IllegalArgumentException e) {
        return fail(e.getMessage());
      }
      try (Connection c = connection) {
        return print(runInterruptibly(c, line, command instanceof Statement.Synchronize));
      }
    }
    try {
      connection = connect(config);
    } catch (ConsoleClient.ConnectException | IllegalArgumentException e) {
      return fail(e.getMessage());
    }
    try (Connection c = connection) {
      return interactive(c, config.get());
    }
  }

  /** This machine's node through its socket, or with --node the remote console. */
  private Connection connect(java.util.function.Supplier<Config> config) throws ConsoleClient.ConnectException {
    if (node == null) {
      Path path = socket != null ? socket
          : SetSyncNode.consoleSocket(config.get(), Path.of(config.get().getString("setsync.home")));
      SocketConsole console = SocketConsole.connect(path.toAbsolutePath(), user, json);
      return new Connection() {
        @Override public ConsoleProtocol.Answer run(String line) {
          return console.run(line);
        }

        @Override public void cancel() {
          console.cancel();
        }

        @Override public String where() {
          return path.toString();
        }

        @Override public void close() {
          console.close();
        }
      };
    }
    int colon = node.lastIndexOf(':');
    int port;
    try {
      port = Integer.parseInt(node.substring(colon + 1));
      if (colon <= 0 || port <= 0 || port > 65535) throw new NumberFormatException();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--node must be HOST:PORT, got \"" + node + "\"");
    }
    // Logging before the actor system logs from several threads at once (Main leaves it to us).
    org.slf4j.LoggerFactory.getILoggerFactory();
    Path tls = tlsDir != null ? tlsDir
        : System.getenv("SETSYNC_TLS_DIR") == null || System.getenv("SETSYNC_TLS_DIR").isEmpty() ? null
        : Path.of(System.getenv("SETSYNC_TLS_DIR"));
    return new RemoteConnection(ConsoleClient.connect(node.substring(0, colon), port, config.get(), tls), node,
        new ConsoleParameters(user != null ? user : System.getProperty("user.name"), json));
  }

  /** The prompt: one connection for the session; the worst completion code is the exit code. */
  private int interactive(Connection connection, Config config) {
    try (Terminal terminal = TerminalBuilder.builder().system(true)
            // commands piped in: read them plainly, without JLine's warning about a missing terminal
            .dumb(System.console() == null).build()) {
      LineReader reader = lineReader(terminal)
          .variable(LineReader.HISTORY_FILE, Path.of(config.getString("setsync.home"), "console_history"))
          .build();
      int worst = 0;
      if (!json) {
        out.println("setsync console on " + connection.where() + (user != null ? " as " + user : "")
            + "; HELP lists the commands, EXIT ends");
      }
      while (true) {
        String line;
        try {
          line = reader.readLine("setsync> ");
        } catch (UserInterruptException e) {
          continue;
        } catch (EndOfFileException e) {
          break;
        }
        if (line.isBlank()) continue;
        Statement command = null;
        try {
          command = CommandParser.parse(line);
        } catch (CommandException e) {
          // the node answers with the caret
        }
        if (command instanceof Statement.Exit) break;
        worst = Math.max(worst, print(runInterruptibly(connection, line, command instanceof Statement.Synchronize)));
      }
      return worst;
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

  /**
   * While a SYNCHRONIZE runs, the first Ctrl-C asks the node to stop waiting for it, which stops
   * the run at the next file boundary. A second Ctrl-C leaves at once; the node then sees the
   * connection close and stops the run all the same.
   */
  private ConsoleProtocol.Answer runInterruptibly(Connection connection, String line, boolean synchronize) {
    if (!synchronize) return connection.run(line);
    java.util.concurrent.atomic.AtomicInteger interrupts = new java.util.concurrent.atomic.AtomicInteger();
    sun.misc.Signal intSignal = new sun.misc.Signal("INT");
    sun.misc.SignalHandler previous = null;
    try {
      previous = sun.misc.Signal.handle(intSignal, signal -> {
        if (interrupts.incrementAndGet() == 1) {
          err.println("Ctrl-C: asking the node to stop the synchronization at the next file boundary"
              + " (Ctrl-C again leaves at once)");
          err.flush();
          connection.cancel();
        } else {
          System.exit(130);
        }
      });
    } catch (IllegalArgumentException e) {
      // SIGINT is ignored (a background job) or not ours to take: nothing to interrupt with.
    }
    try {
      return connection.run(line);
    } finally {
      if (previous != null) sun.misc.Signal.handle(intSignal, previous);
    }
  }

  private int print(ConsoleProtocol.Answer answer) {
    for (ConsoleProtocol.Line line : answer.lines()) (line.error() ? err : out).println(line.text());
    out.flush();
    err.flush();
    return answer.code();
  }

  private int fail(String message) {
    if (json) out.println(ResultJson.error(message));
    else err.println("setsync console: " + message);
    return 2;
  }

  /** A console's way to its node: the local socket or the remote console. */
  private interface Connection extends AutoCloseable {
    ConsoleProtocol.Answer run(String line);

    void cancel();

    String where();

    @Override
    void close();
  }

  /**
   * The remote console: statements parsed and session parameters kept here, each statement sent
   * through the cluster to the node's gate, which refuses it unless the node allows remote consoles.
   */
  private static final class RemoteConnection implements Connection {
    private final ConsoleClient client;
    private final String cluster;
    private final ConsoleParameters parameters;

    RemoteConnection(ConsoleClient client, String cluster, ConsoleParameters parameters) {
      this.client = client;
      this.cluster = cluster;
      this.parameters = parameters;
    }

    @Override
    public ConsoleProtocol.Answer run(String line) {
      Statement command;
      try {
        command = CommandParser.parse(line);
      } catch (CommandException e) {
        return Answers.syntaxError(line, e, parameters.json());
      }
      if (command instanceof Statement.Nothing || command instanceof Statement.Exit) {
        return new ConsoleProtocol.Answer(List.of(), 0);
      }
      if (command instanceof Statement.Help h) {
        String text = HelpText.forTopic(h.topic());
        return Answers.of(HelpText.knows(h.topic()) ? Result.Done.ok(text) : Result.Done.error(text.strip()),
            parameters.json());
      }
      if (command instanceof Statement.SetParameter || command instanceof Statement.Reset) {
        return Answers.of(parameters.apply(command), parameters.json());
      }
      Result result = client.run(command, parameters.user());
      if (command instanceof Statement.Env) result = parameters.env(result, cluster, client.selfAddress());
      return Answers.of(result, parameters.json());
    }

    @Override
    public void cancel() {
      client.cancelSynchronize();
    }

    @Override
    public String where() {
      return cluster;
    }

    @Override
    public void close() {
      client.close();
    }
  }
}
