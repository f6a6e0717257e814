package io.setsync.bench;

import java.io.IOException;
import java.util.Locale;

/** What every part of the bench does alike: run a command that must succeed, and print a line. */
final class Shell {

  private Shell() {}

  /** Runs {@code command}; a non-zero exit fails with what it printed. */
  static void exec(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) throw new IOException(String.join(" ", command) + " failed: " + out);
  }

  /** One line of the report on stdout, formatted the same way in every locale. */
  static void say(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
  }
}
