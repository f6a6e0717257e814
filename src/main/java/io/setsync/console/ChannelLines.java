package io.setsync.console;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Lines over a blocking channel, read and written with the channel's own calls (its streams would
 * serialize a write behind a pending read). A line longer than the limit is an error, not a
 * buffer that grows with what the peer sends.
 */
public final class ChannelLines {

  /** A peer's line exceeded the limit. */
  public static final class TooLong extends IOException {
    TooLong(int limit) {
      super("a line longer than " + limit + " bytes");
    }
  }

  private final ByteChannel channel;
  private final int maxLineBytes;
  private final ByteBuffer in = ByteBuffer.allocate(8192).flip();

  public ChannelLines(ByteChannel channel, int maxLineBytes) {
    this.channel = channel;
    this.maxLineBytes = maxLineBytes;
  }

  /** The next line without its end ("\r" before "\n" dropped too); null at the end of input. */
  public String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      if (!in.hasRemaining()) {
        in.clear();
        int n = channel.read(in);
        in.flip();
        if (n < 0) return line.size() == 0 ? null : text(line);
      }
      while (in.hasRemaining()) {
        byte b = in.get();
        if (b == '\n') return text(line);
        if (line.size() >= maxLineBytes) throw new TooLong(maxLineBytes);
        line.write(b);
      }
    }
  }

  /** Writes each line with its "\n", all of it (blocking). */
  public void writeLines(List<String> lines) throws IOException {
    StringBuilder all = new StringBuilder();
    for (String l : lines) all.append(l).append('\n');
    ByteBuffer out = ByteBuffer.wrap(all.toString().getBytes(StandardCharsets.UTF_8));
    while (out.hasRemaining()) channel.write(out);
  }

  private static String text(ByteArrayOutputStream line) {
    String s = line.toString(StandardCharsets.UTF_8);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }
}
