package io.setsync.destination;


import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import akka.util.ByteString;
import io.setsync.fs.EntryType;
import io.setsync.fs.FileEntry;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import io.setsync.transfer.Frame;
import io.setsync.transfer.FrameCodec;

/**
 * A hand-driven source for receiver tests: a plain blocking socket speaking the wire format
 * directly (4-byte big-endian length, then the {@link FrameCodec} bytes), so a test can send
 * whatever a broken or hostile source would.
 */
final class RawSource implements AutoCloseable {

  static final long MTIME = 1_600_000_000_123_456_000L;

  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;
  /** Where {@link #hello} gets its tickets; null: it sends none. */
  private final io.setsync.node.SetSyncNode node;

  /** A source that asks {@code node}'s endpoint for a ticket before each Hello, as a legitimate one does. */
  RawSource(io.setsync.node.SetSyncNode node) throws IOException {
    this(node.endpoint(), node);
  }

  /** A source without tickets: every Hello it sends carries none. */
  RawSource(InetSocketAddress endpoint) throws IOException {
    this(endpoint, null);
  }

  private RawSource(InetSocketAddress endpoint, io.setsync.node.SetSyncNode node) throws IOException {
    this(plainSocket(endpoint), node);
  }

  /**
   * A source over a connection already made ({@code socket}: a TLS one, for instance), asking
   * {@code node} for its tickets.
   */
  RawSource(Socket socket, io.setsync.node.SetSyncNode node) throws IOException {
    this.node = node;
    this.socket = socket;
    socket.setSoTimeout(10_000);
    socket.setTcpNoDelay(true);
    in = new DataInputStream(socket.getInputStream());
    out = new DataOutputStream(socket.getOutputStream());
  }

  private static Socket plainSocket(InetSocketAddress endpoint) throws IOException {
    Socket socket = new Socket();
    socket.connect(endpoint, 10_000);
    return socket;
  }

  /** This end's port: what the node's log lines name as the peer's. */
  int localPort() {
    return socket.getLocalPort();
  }

  // ---- sending

  void send(Frame frame) throws IOException {
    sendPayload(FrameCodec.encode(frame).toArray());
  }

  /** A length prefix and the given payload, whatever it is. */
  void sendPayload(byte[] payload) throws IOException {
    out.writeInt(payload.length);
    out.write(payload);
    out.flush();
  }

  /** Bytes exactly as given: no length prefix added. */
  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** A Hello with a fresh ticket for exactly this root and these options (none without a node). */
  void hello(String destinationRoot, String options) throws IOException {
    hello(destinationRoot, options, node == null ? "" : ticket(destinationRoot, options));
  }

  void hello(String destinationRoot, String options, String ticket) throws IOException {
    send(new Frame.Hello(Frame.PROTOCOL_VERSION, destinationRoot, options, "attack-test", ticket));
  }

  /** A ticket from the node's endpoint, as a source on the node gets one. */
  String ticket(String destinationRoot, String options) throws IOException {
    try {
      return ReceiverNode.ticket(node, destinationRoot, options);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("no ticket: " + e, e);
    }
  }

  /** Hello, then the Ready that must answer it and the content lane's offer that follows it. */
  String open(String destinationRoot, String options) throws IOException {
    hello(destinationRoot, options);
    Frame answer = read();
    if (!(answer instanceof Frame.Ready ready)) {
      throw new AssertionError("expected Ready after Hello, got " + answer);
    }
    Frame offer = read();
    if (!(offer instanceof Frame.LaneOffer lane)) {
      throw new AssertionError("expected LaneOffer after Ready, got " + offer);
    }
    laneOffer = lane;
    return ready.sessionId();
  }

  private Frame.LaneOffer laneOffer;

  /** The content lane the receiver offered in {@link #open}. */
  Frame.LaneOffer laneOffer() {
    return laneOffer;
  }

  void entries(FileEntry... entries) throws IOException {
    send(new Frame.Entries(List.of(entries)));
  }

  /** Sends a whole file as the answer to one need, with the right checksum. */
  void sendFile(int id, String content) throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    send(new Frame.FileBegin(id, bytes.length, MTIME));
    send(new Frame.FileData(ByteString.fromArray(bytes)));
    send(new Frame.FileEnd(id, crc32c(bytes)));
  }

  // ---- receiving

  /** The next frame, or null at the end of the stream; keep-alives (length zero) are skipped. */
  Frame read() throws IOException {
    int length;
    try {
      do {
        length = in.readInt();
      } while (length == 0);
    } catch (EOFException end) {
      return null;
    }
    assertTrue("frame length " + length, length > 0 && length <= FrameCodec.MAX_FRAME_BYTES);
    byte[] payload = new byte[length];
    in.readFully(payload);
    return FrameCodec.decode(ByteString.fromArray(payload));
  }

  /** Reads frames until one of the given type arrives; fails on end of stream or an Abort. */
  <F extends Frame> F readUntil(Class<F> type, List<Frame> seen) throws IOException {
    while (true) {
      Frame f = read();
      if (f == null) throw new AssertionError("connection closed while waiting for " + type.getSimpleName() + "; saw " + seen);
      seen.add(f);
      if (type.isInstance(f)) return type.cast(f);
      if (f instanceof Frame.Abort a && type != Frame.Abort.class) {
        throw new AssertionError("aborted while waiting for " + type.getSimpleName() + ": " + a.reason());
      }
    }
  }

  /** Reads until the Abort, skipping Needs and Notices, and returns it. */
  Frame.Abort expectAbort() throws IOException {
    List<Frame> seen = new ArrayList<>();
    while (true) {
      Frame f = read();
      if (f == null) throw new AssertionError("connection closed without an Abort; saw " + seen);
      if (f instanceof Frame.Abort a) return a;
      if (f instanceof Frame.Done || f instanceof Frame.Ready) {
        throw new AssertionError("expected an Abort, got " + f + " after " + seen);
      }
      seen.add(f);
    }
  }

  /** Needs until NeedsEnd, as the list of needs. */
  List<Frame.Need> readNeeds(List<Frame> seen) throws IOException {
    List<Frame.Need> needs = new ArrayList<>();
    while (true) {
      Frame f = read();
      if (f == null) throw new AssertionError("connection closed before NeedsEnd; saw " + seen);
      seen.add(f);
      if (f instanceof Frame.Needs n) needs.addAll(n.needs());
      else if (f == Frame.NeedsEnd.INSTANCE) return needs;
      else if (f instanceof Frame.Abort a) throw new AssertionError("aborted: " + a.reason());
    }
  }

  /**
   * The receiver must close the connection: only keep-alives (frames of length zero, sent while it
   * waits for the source's close) and then the end of stream (or a reset) may follow.
   */
  void expectClosed() throws IOException {
    long deadline = System.nanoTime() + 15_000_000_000L;
    try {
      while (System.nanoTime() < deadline) {
        int b = in.read();
        if (b < 0) return;
        if (b != 0) fail("unexpected byte after the last frame: " + b);
      }
    } catch (SocketTimeoutException stillOpen) {
      fail("the receiver did not close the connection within " + socket.getSoTimeout() + " ms");
    } catch (IOException reset) {
      return; // closed the hard way: acceptable
    }
    fail("the receiver did not close the connection");
  }

  /** Reads whatever comes until the connection closes (end of stream or reset); returns it. */
  List<Frame> drainUntilClosed() throws IOException {
    List<Frame> seen = new ArrayList<>();
    try {
      for (Frame f = read(); f != null; f = read()) seen.add(f);
    } catch (SocketTimeoutException stillOpen) {
      throw new AssertionError("the receiver did not close the connection; saw " + seen);
    } catch (IOException reset) {
      // closed the hard way: acceptable
    }
    return seen;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** Drops the connection the hard way (a reset), as a killed source would. */
  void abortive() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  // ---- helpers

  static FileEntry file(String path, long size) {
    return new FileEntry(path, EntryType.FILE, size, MTIME, 0644, null, null);
  }

  static FileEntry dir(String path) {
    return new FileEntry(path, EntryType.DIRECTORY, 0, MTIME, 0755, null, null);
  }

  static long crc32c(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return crc.getValue();
  }

  static void assertAbortMentions(Frame.Abort abort, String... words) {
    assertNotNull(abort);
    for (String w : words) {
      assertTrue("abort reason \"" + abort.reason() + "\" should mention \"" + w + "\"", abort.reason().contains(w));
    }
  }

  static void assertNoMoreNeeds(List<Frame.Need> needs, int expected) {
    assertEquals("needs " + needs, expected, needs.size());
  }
}
