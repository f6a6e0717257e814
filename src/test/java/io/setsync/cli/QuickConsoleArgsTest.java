package io.setsync.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.Test;

public class QuickConsoleArgsTest {

  private static final Properties NONE = new Properties();

  @Test
  public void aOneShotLocalCommandIsReadWithItsOptions() {
    QuickConsoleArgs q = QuickConsoleArgs.parse(new String[] {"--json", "--user", "bob", "STATUS", "AUTOSYNC"},
        Map.of("SETSYNC_HOME", "/h"), NONE);
    assertEquals(new QuickConsoleArgs(true, "bob", Path.of("/h/console.sock"), List.of("STATUS", "AUTOSYNC")), q);
  }

  @Test
  public void wordsAfterTheFirstAreTheCommandEvenWhenTheyLookLikeOptions() {
    QuickConsoleArgs q = QuickConsoleArgs.parse(new String[] {"--socket", "/s", "HELP", "--node"}, Map.of(), NONE);
    assertEquals(List.of("HELP", "--node"), q.words());
    assertEquals(Path.of("/s"), q.socket());
  }

  @Test
  public void theRemoteConsoleThePromptHelpAndUnknownOptionsGoToTheFullParser() {
    assertNull(QuickConsoleArgs.parse(new String[] {"--node", "h:1", "ENV"}, Map.of(), NONE));
    assertNull(QuickConsoleArgs.parse(new String[] {"--json"}, Map.of(), NONE));
    assertNull(QuickConsoleArgs.parse(new String[] {"--help"}, Map.of(), NONE));
    assertNull(QuickConsoleArgs.parse(new String[] {"--usr", "x", "ENV"}, Map.of(), NONE));
    assertNull(QuickConsoleArgs.parse(new String[] {"--user"}, Map.of(), NONE));
  }

  @Test
  public void theSocketIsFoundAsReferenceConfFindsIt() {
    Properties props = new Properties();
    props.setProperty("user.home", "/home/u");
    assertEquals(Path.of("/home/u/.setsync/console.sock"), QuickConsoleArgs.defaultSocket(Map.of(), props));
    assertEquals(Path.of("/h/console.sock"), QuickConsoleArgs.defaultSocket(Map.of("SETSYNC_HOME", "/h"), props));
    assertEquals(Path.of("/run/s.sock"),
        QuickConsoleArgs.defaultSocket(Map.of("SETSYNC_HOME", "/h", "SETSYNC_CONSOLE_SOCKET", "/run/s.sock"), props));
    props.setProperty("setsync.console.socket", "/p.sock");
    assertEquals(Path.of("/p.sock"), QuickConsoleArgs.defaultSocket(Map.of("SETSYNC_CONSOLE_SOCKET", "/run/s.sock"), props));
  }
}
