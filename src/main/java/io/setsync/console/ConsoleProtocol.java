package io.setsync.console;

import java.util.ArrayList;
import java.util.List;

/**
 * The line protocol of the node's console socket (UTF-8, one line per message, "\n" ends a line).
 *
 * <p>Client to node:
 * <pre>
 *   :session USER TEXT|JSON   optional, first: the session's starting parameters (RESET returns to
 *                             them); USER "-" keeps the default, the caller's own account
 *   :cancel                   stop waiting for the SYNCHRONIZE under way (Ctrl-C)
 *   anything else             one statement of the command language
 * </pre>
 * Node to client, for each statement in order:
 * <pre>
 *   1 TEXT                    a line for standard output
 *   2 TEXT                    a line for standard error
 *   = CODE                    the end of the answer and its completion code (0, 1, 2)
 * </pre>
 * Nothing the client sends says who it is: the node takes the caller from the kernel. A line
 * longer than the node's limit ends the connection with an error answer.
 */
public final class ConsoleProtocol {

  public static final String SESSION = ":session";
  public static final String CANCEL = ":cancel";

  private ConsoleProtocol() {}

  /** One line of an answer, and which stream it belongs on. */
  public record Line(boolean error, String text) {}

  /** A whole answer: its lines and completion code. */
  public record Answer(List<Line> lines, int code) {
    public Answer {
      lines = List.copyOf(lines);
    }
  }

  /** The session's starting parameters, as the client sent them; user null: the caller's account. */
  public record Session(String user, boolean json) {}

  /** {@code :session} line for {@code user} (null: the default) and the output form. */
  public static String sessionLine(String user, boolean json) {
    return SESSION + " " + (user == null || user.isBlank() ? "-" : user.strip()) + " " + (json ? "JSON" : "TEXT");
  }

  /** Reads a {@code :session} line; null when the line is not one or is malformed. */
  public static Session parseSession(String line) {
    String[] words = line.strip().split("\\s+");
    if (words.length != 3 || !words[0].equals(SESSION)) return null;
    if (!words[2].equals("JSON") && !words[2].equals("TEXT")) return null;
    return new Session(words[1].equals("-") ? null : words[1], words[2].equals("JSON"));
  }

  /** The wire lines of an answer: each text line on its stream, then the code. */
  public static List<String> encode(Answer answer) {
    List<String> out = new ArrayList<>();
    for (Line line : answer.lines()) {
      for (String part : line.text().split("\r?\n", -1)) out.add((line.error() ? "2 " : "1 ") + part);
    }
    out.add("= " + answer.code());
    return out;
  }

  /**
   * Adds one wire line to an answer being read: true when it was the last ({@code = CODE}).
   *
   * @throws IllegalArgumentException for a line that is not of the protocol
   */
  public static boolean decode(String wire, List<Line> lines, int[] code) {
    if (wire.startsWith("= ")) {
      code[0] = Integer.parseInt(wire.substring(2).strip());
      return true;
    }
    if (wire.startsWith("1 ") || wire.equals("1")) lines.add(new Line(false, wire.length() > 2 ? wire.substring(2) : ""));
    else if (wire.startsWith("2 ") || wire.equals("2")) lines.add(new Line(true, wire.length() > 2 ? wire.substring(2) : ""));
    else throw new IllegalArgumentException("not a console answer line: " + wire);
    return false;
  }
}
