package io.setsync.console;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The local console's connection to its node: the node's Unix-domain socket, no ActorSystem, so
 * a one-shot command costs little more than starting the JVM. The node learns who connects from
 * the kernel; this side only sends statements and prints what comes back ({@link ConsoleProtocol}).
 */
public final class SocketConsole implements AutoCloseable {

  private final SocketChannel channel;
  private final ChannelLines lines;

  private SocketConsole(SocketChannel channel) {
    this.channel = channel;
    this.lines = new ChannelLines(channel, Integer.MAX_VALUE - 8);
  }

  /**
   * Connects to the node's socket and sets the session's starting parameters.
   *
   * @param user the sync user to act for; null: the caller's own account
   */
  public static SocketConsole connect(Path socket, String user, boolean json) throws ConsoleClient.ConnectException {
    SocketChannel channel;
    try {
      channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      channel.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException | RuntimeException e) {
      throw new ConsoleClient.ConnectException("no setsync node answers on " + socket + " (" + e.getMessage()
          + "); is `scripts/setsync node` running with this SETSYNC_HOME, or is setsync.console.socket set?");
    }
    SocketConsole console = new SocketConsole(channel);
    try {
      console.lines.writeLines(List.of(ConsoleProtocol.sessionLine(user, json)));
    } catch (IOException e) {
      console.close();
      throw new ConsoleClient.ConnectException("the node at " + socket + " closed the connection: " + e.getMessage());
    }
    return console;
  }

  /** Sends one statement and waits for its whole answer; a broken connection is an error answer. */
  public ConsoleProtocol.Answer run(String statement) {
    try {
      lines.writeLines(List.of(statement.replace('\n', ' ').replace('\r', ' ')));
      List<ConsoleProtocol.Line> out = new ArrayList<>();
      int[] code = {0};
      while (true) {
        String wire = lines.readLine();
        if (wire == null) {
          out.add(new ConsoleProtocol.Line(true, "error: the node closed the console connection"));
          return new ConsoleProtocol.Answer(out, 2);
        }
        if (ConsoleProtocol.decode(wire, out, code)) return new ConsoleProtocol.Answer(out, code[0]);
      }
    } catch (IOException | IllegalArgumentException e) {
      return new ConsoleProtocol.Answer(
          List.of(new ConsoleProtocol.Line(true, "error: the console connection broke: " + e.getMessage())), 2);
    }
  }

  /**
   * Asks the node to stop waiting for the SYNCHRONIZE under way: it stops the run at the next file
   * boundary and answers {@link #run} with an error saying so. Safe from a signal handler's thread.
   */
  public void cancel() {
    try {
      lines.writeLines(List.of(ConsoleProtocol.CANCEL));
    } catch (IOException e) {
      close(); // the node sees the connection go, which stops the run all the same
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // the node notices the close or the process's end
    }
  }
}
