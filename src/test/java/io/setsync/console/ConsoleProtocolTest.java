package io.setsync.console;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

public class ConsoleProtocolTest {

  @Test
  public void anAnswerTravelsLineByLineOnItsStreamsAndEndsWithItsCode() {
    ConsoleProtocol.Answer answer = new ConsoleProtocol.Answer(List.of(
        new ConsoleProtocol.Line(false, "monitor running\nsync users 0"),
        new ConsoleProtocol.Line(true, "error: x")), 1);
    List<String> wire = ConsoleProtocol.encode(answer);
    assertEquals(List.of("1 monitor running", "1 sync users 0", "2 error: x", "= 1"), wire);

    List<ConsoleProtocol.Line> lines = new ArrayList<>();
    int[] code = {-1};
    for (int i = 0; i < wire.size(); i++) {
      assertEquals("only the last line ends it", i == wire.size() - 1, ConsoleProtocol.decode(wire.get(i), lines, code));
    }
    assertEquals(1, code[0]);
    assertEquals(List.of(new ConsoleProtocol.Line(false, "monitor running"), new ConsoleProtocol.Line(false, "sync users 0"),
        new ConsoleProtocol.Line(true, "error: x")), lines);
  }

  @Test
  public void anEmptyLineOfTextSurvives() {
    List<ConsoleProtocol.Line> lines = new ArrayList<>();
    assertFalse(ConsoleProtocol.decode("1", lines, new int[1]));
    assertEquals("", lines.get(0).text());
  }

  @Test(expected = IllegalArgumentException.class)
  public void aLineOfNoKindIsRefused() {
    ConsoleProtocol.decode("caller root", new ArrayList<>(), new int[1]);
  }

  @Test
  public void theSessionLineCarriesOnlyTheUserToActForAndTheOutput() {
    assertEquals(new ConsoleProtocol.Session("alice", true),
        ConsoleProtocol.parseSession(ConsoleProtocol.sessionLine("alice", true)));
    assertEquals(new ConsoleProtocol.Session(null, false),
        ConsoleProtocol.parseSession(ConsoleProtocol.sessionLine(null, false)));
    assertNull(ConsoleProtocol.parseSession(":session root 0 TEXT"));
    assertNull(ConsoleProtocol.parseSession(":session root XML"));
    assertTrue(ConsoleProtocol.sessionLine("  bob ", false).endsWith(" bob TEXT"));
  }
}
