package io.setsync.console;

import io.setsync.command.CommandException;
import io.setsync.monitor.Result;
import java.util.ArrayList;
import java.util.List;

/** How the console shows a result: text (errors on standard error) or one line of JSON. */
public final class Answers {

  private Answers() {}

  public static ConsoleProtocol.Answer of(Result result, boolean json) {
    if (json) {
      return new ConsoleProtocol.Answer(List.of(new ConsoleProtocol.Line(false, ResultJson.of(result))), result.code());
    }
    return new ConsoleProtocol.Answer(
        List.of(new ConsoleProtocol.Line(result.code() == 2, ResultText.of(result))), result.code());
  }

  /** A statement that does not parse: the line with a caret under the offending word. */
  public static ConsoleProtocol.Answer syntaxError(String line, CommandException e, boolean json) {
    if (json) {
      return new ConsoleProtocol.Answer(List.of(new ConsoleProtocol.Line(false, ResultJson.error(e.getMessage()))), 2);
    }
    List<ConsoleProtocol.Line> out = new ArrayList<>();
    out.add(new ConsoleProtocol.Line(true, "error: " + e.getMessage()));
    if (e.column() > 0 && e.column() <= line.length() + 1) {
      out.add(new ConsoleProtocol.Line(true, "  " + line));
      out.add(new ConsoleProtocol.Line(true, "  " + " ".repeat(e.column() - 1) + "^"));
    }
    return new ConsoleProtocol.Answer(out, 2);
  }
}
