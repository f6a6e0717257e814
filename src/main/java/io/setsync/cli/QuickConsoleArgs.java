package io.setsync.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The common one-shot console command line ({@code [--json] [--user NAME] [--socket PATH]
 * COMMAND...}, local node) read without picocli or the configuration library, which cost more
 * than the JVM's own start; the socket is found as reference.conf would find it. Anything else
 * (--node, --help, the prompt, an unknown option) is left to the full parser: {@link #parse}
 * answers null.
 */
record QuickConsoleArgs(boolean json, String user, Path socket, List<String> words) {

  static QuickConsoleArgs parse(String[] args, Map<String, String> env, Properties system) {
    boolean json = false;
    String user = null;
    Path socket = null;
    List<String> words = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!words.isEmpty() || !a.startsWith("-")) {
        words.add(a);
      } else if (a.equals("--json")) {
        json = true;
      } else if (a.equals("--user") && i + 1 < args.length && !args[i + 1].startsWith("-")) {
        user = args[++i];
      } else if (a.startsWith("--user=") && a.length() > 7) {
        user = a.substring(7);
      } else if (a.equals("--socket") && i + 1 < args.length && !args[i + 1].startsWith("-")) {
        socket = Path.of(args[++i]);
      } else {
        return null;
      }
    }
    if (words.isEmpty()) return null;
    return new QuickConsoleArgs(json, user, socket != null ? socket : defaultSocket(env, system), List.copyOf(words));
  }

  /** setsync.console.socket as reference.conf sets it: property, environment, under the home. */
  static Path defaultSocket(Map<String, String> env, Properties system) {
    String set = system.getProperty("setsync.console.socket", env.get("SETSYNC_CONSOLE_SOCKET"));
    if (set != null && !set.isEmpty()) return Path.of(set);
    String home = system.getProperty("setsync.home", env.get("SETSYNC_HOME"));
    if (home == null || home.isEmpty()) home = system.getProperty("user.home") + "/.setsync";
    return Path.of(home, "console.sock");
  }
}
