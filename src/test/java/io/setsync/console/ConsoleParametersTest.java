package io.setsync.console;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import io.setsync.command.CommandParser;
import io.setsync.monitor.Result;
import java.util.Map;
import org.junit.Test;

public class ConsoleParametersTest {

  private final ConsoleParameters session = new ConsoleParameters("alice", false);

  private Result.Done apply(String line) {
    return session.apply(CommandParser.parse(line));
  }

  @Test
  public void setChangesAParameterAndResetRestoresWhatTheConsoleStartedWith() {
    assertEquals("session parameters: USER bob, OUTPUT TEXT", apply("SET USER bob").message());
    apply("set output json");
    assertEquals("bob", session.user());
    assertTrue(session.json());
    assertEquals("session parameters reset: USER alice, OUTPUT TEXT", apply("RESET").message());
    assertEquals("alice", session.user());
    assertFalse(session.json());
    ConsoleParameters started = new ConsoleParameters("carol", true);
    started.apply(CommandParser.parse("SET OUTPUT TEXT"));
    started.apply(CommandParser.parse("RESET"));
    assertTrue("RESET goes back to --json, not to a fixed default", started.json());
  }

  @Test
  public void envShowsTheSessionBesideTheMonitorsValues() {
    apply("SET USER bob");
    Result.Env env = (Result.Env) session.env(
        new Result.Env(Map.of("node", "n1", "user", "alice", "monitor", "running")), "127.0.0.1:25520", "127.0.0.1:40001");
    assertEquals("n1", env.values().get("node"));
    assertEquals("bob", env.values().get("user"));
    assertEquals("TEXT", env.values().get("output"));
    assertEquals("127.0.0.1:25520", env.values().get("cluster"));
    assertEquals("127.0.0.1:40001", env.values().get("console"));
    Result error = Result.Done.error("no monitor");
    assertSame(error, session.env(error, "c", "d"));
  }
}
