package io.setsync.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import org.jline.reader.LineReader;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.Test;

/** Tab at the console's prompt, typed into the very line reader the console uses. */
public class ConsoleCompletionTest {

  /** The line the reader returns after {@code typed} (Tab as \t) and Enter. */
  private static String complete(String typed) throws Exception {
    // A pipe left open, as a keyboard is: at the end of a finished stream JLine gives up the line.
    PipedOutputStream keys = new PipedOutputStream();
    PipedInputStream in = new PipedInputStream(keys, 4096);
    keys.write((typed + "\r").getBytes(StandardCharsets.UTF_8));
    keys.flush();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (keys;
        Terminal terminal = TerminalBuilder.builder().system(false).streams(in, out).type("xterm")
            .encoding(StandardCharsets.UTF_8).build()) {
      LineReader reader = ConsoleCommand.lineReader(terminal).build();
      return reader.readLine("setsync> ");
    }
  }

  @Test
  public void tabCompletesKeywordsWhateverTheCaseTyped() throws Exception {
    assertEquals("SYNCHRONIZE ", complete("SYNCH\t"));
    assertEquals("SYNCHRONIZE ", complete("synch\t"));
    assertEquals("SYNCHRONIZE ", complete("Synch\t"));
    assertEquals("STATUS SYNCFILESET ", complete("stat\tsyncf\t"));
    assertEquals("alter SYNCFILESET 1, MAXRATE ", complete("alter syncf\t1, maxr\t"));
  }

  @Test
  public void everyKeywordOfTheParserCompletes() {
    for (String keyword : io.setsync.command.CommandParser.keywords()) {
      assertTrue(keyword, ConsoleCommand.completionWords().contains(keyword));
    }
  }
}
