package io.setsync;

import io.setsync.cli.SyncCommand;
import java.util.Arrays;

/** The {@code setsync} command: {@code setsync sync SRC DEST [options]}. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    // Initialize logging before the actor system logs from several threads at once.
    org.slf4j.LoggerFactory.getILoggerFactory();
    System.exit(run(args));
  }

  static int run(String[] args) {
    if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
      System.out.println("usage: setsync sync SRC DEST [options]   (setsync sync --help for the options)");
      return args.length == 0 ? 2 : 0;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    return switch (args[0]) {
      case "sync" -> SyncCommand.run(rest, System.out, System.err);
      default -> {
        System.err.println("setsync: unknown command \"" + args[0] + "\"; try: setsync sync SRC DEST");
        yield 2;
      }
    };
  }
}
