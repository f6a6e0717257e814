package io.setsync.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.Test;

public class SyncCommandHelpTest {

  @Test
  public void helpPrintsEveryOptionWithoutAFormatWarning() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream stray = new ByteArrayOutputStream();
    PrintStream systemErr = System.err;
    int code;
    // picocli reports a description it cannot format on System.err, not on the given stream.
    System.setErr(new PrintStream(stray, true, StandardCharsets.UTF_8));
    try {
      code = SyncCommand.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8));
    } finally {
      System.setErr(systemErr);
    }
    assertEquals(0, code);
    String help = out.toString(StandardCharsets.UTF_8);
    String warnings = stray.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    assertFalse(warnings, warnings.contains("WARN"));
    assertTrue(help, help.replaceAll("\\s+", " ").contains("or more than N% of the destination's files"));
    assertTrue(help, help.contains("--numericids"));
  }
}
