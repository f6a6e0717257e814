package io.setsync.console;

import io.setsync.command.Statement;
import io.setsync.monitor.Result;
import java.util.HashMap;
import java.util.Map;

/**
 * A console session's parameters (AutoSYNC's session parameters): the sync user for commands that
 * name none, and the output form. They start from the console's {@code --user} and {@code --json};
 * {@code SET} changes one, {@code RESET} restores both, {@code ENV} shows them. Single-threaded.
 */
public final class ConsoleParameters {

  private final String startUser;
  private final boolean startJson;
  private String user;
  private boolean json;

  public ConsoleParameters(String user, boolean json) {
    this.startUser = user;
    this.startJson = json;
    this.user = user;
    this.json = json;
  }

  public String user() {
    return user;
  }

  public boolean json() {
    return json;
  }

  /** Applies {@code SET ...} or {@code RESET}, answering what the parameters are now. */
  public Result.Done apply(Statement command) {
    if (command instanceof Statement.Reset) {
      user = startUser;
      json = startJson;
      return Result.Done.ok("session parameters reset: " + describe());
    }
    if (command instanceof Statement.SetParameter s) {
      switch (s.parameter()) {
        case USER -> user = s.value();
        case OUTPUT -> json = s.value().equals("JSON");
      }
      return Result.Done.ok("session parameters: " + describe());
    }
    throw new IllegalArgumentException(command + " is not a session command");
  }

  /**
   * ENV's answer: the monitor's values and this session's (its user and output, the cluster
   * address the console joined, its own address); any other answer (an error) as it is.
   */
  public Result env(Result fromMonitor, String cluster, String console) {
    if (!(fromMonitor instanceof Result.Env e)) return fromMonitor;
    Map<String, String> values = new HashMap<>(e.values());
    values.put("user", user);
    values.put("output", json ? "JSON" : "TEXT");
    values.put("cluster", cluster);
    values.put("console", console);
    return new Result.Env(values);
  }

  private String describe() {
    return "USER " + user + ", OUTPUT " + (json ? "JSON" : "TEXT");
  }
}
