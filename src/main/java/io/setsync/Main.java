package io.setsync;

import io.setsync.cli.ConsoleCommand;
import io.setsync.cli.NodeCommand;
import io.setsync.cli.SyncCommand;
import java.util.Arrays;

/** The {@code setsync} command: {@code sync}, {@code node} and {@code console}. */
public final class Main {

  private static final String USAGE = String.join("\n",
      "usage: setsync sync SRC DEST [options]                    one-time synchronization",
      "       setsync node [--config FILE]                       run a node in the foreground",
      "       setsync console [--json] [--user NAME] [COMMAND]   command this machine's node",
      "       setsync console --node HOST:PORT ...               the remote console (if the node allows it)",
      "Each command takes --help.");

  private Main() {}

  public static void main(String[] args) {
    StartupTiming.mark("launcher-and-jvm");
    // Initialize logging before the actor system logs from several threads at once; the local
    // console starts no actor system and logs nothing, and is faster for not loading logback.
    if (args.length == 0 || !args[0].equals("console")) org.slf4j.LoggerFactory.getILoggerFactory();
    StartupTiming.mark("logging");
    int code = run(args);
    System.out.flush();
    System.exit(code);
  }

  static int run(String[] args) {
    if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
      System.out.println(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    return switch (args[0]) {
      case "sync" -> SyncCommand.run(rest, System.out, System.err);
      case "node" -> NodeCommand.run(rest, System.out, System.err);
      case "console" -> ConsoleCommand.run(rest, System.out, System.err);
      default -> {
        System.err.println("setsync: unknown command \"" + args[0] + "\"");
        System.err.println(USAGE);
        yield 2;
      }
    };
  }
}
