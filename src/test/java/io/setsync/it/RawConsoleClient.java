package io.setsync.it;

import java.io.ByteArrayOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A hand-written console client, as an attacker would write one: it sends its arguments as lines
 * on the node's console socket (after the socket's path), then EXIT, and prints whatever comes
 * back until the node closes. Run under another account with {@code runuser}.
 */
public final class RawConsoleClient {

  public static void main(String[] args) throws Exception {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(args[0]));
      StringBuilder lines = new StringBuilder();
      for (int i = 1; i < args.length; i++) lines.append(args[i]).append('\n');
      lines.append("EXIT\n");
      ByteBuffer out = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
      while (out.hasRemaining()) channel.write(out);
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      ByteBuffer in = ByteBuffer.allocate(8192);
      while (channel.read(in) >= 0) {
        answer.write(in.array(), 0, in.position());
        in.clear();
      }
      System.out.print(answer.toString(StandardCharsets.UTF_8));
    }
  }
}
