package io.setsync.transfer;

import io.setsync.fs.RawNames;
import static io.setsync.sync.Failures.describe;

import akka.util.ByteString;
import io.setsync.delta.BlockSignatures;
import io.setsync.delta.DeltaEncoder;
import io.setsync.sync.SyncNotice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * One needed file being read: whole in one frame, or FileBegin (or FileOnLane), its chunks or delta
 * steps, then FileEnd — or FileUnavailable when it changed meanwhile. It only reads and says what
 * it read ({@link Read}, {@link Step}); the session counts and tells. Used by one thread at a time.
 */
final class OutgoingFile implements AutoCloseable {

  /** A small file read at once: its FileWhole (or FileUnavailable), and what to say about it, or null. */
  record Read(Frame frame, SyncNotice notice) {}

  /**
   * The next frame of a file being sent, or null while its lane bytes are still on their way;
   * {@code contentBytes}: file bytes it accounts for; {@code last}: the file is done (closed).
   */
  record Step(Frame frame, long contentBytes, boolean last, SyncNotice notice) {}

  private static final String CHANGED = "changed while being read; it is taken at the next sync";

  private final int id;
  private final Path root;
  private final Path path;
  private final FileChannel channel;
  private final BasicFileAttributes before;
  private final int chunkBytes;
  /** UNPROTECTED: a file that changes while read is sent anyway, with a warning. */
  private final boolean unprotected;
  private final CRC32C crc = new CRC32C();
  private long read;
  /** Set for a file sent as a delta against the receiver's old copy. */
  private DeltaEncoder delta;
  /** Its bytes go on the content lane; {@code laneCrc} is set once they all went. */
  private boolean onLane;
  private Long laneCrc;
  private boolean laneShrank;

  private OutgoingFile(int id, Path root, Path path, FileChannel channel, BasicFileAttributes before, int chunkBytes,
      boolean unprotected) {
    this.id = id;
    this.root = root;
    this.path = path;
    this.channel = channel;
    this.before = before;
    this.chunkBytes = chunkBytes;
    this.unprotected = unprotected;
  }

  /** Opens {@code path} (under {@code root}) without following links; it must be a regular file. */
  static OutgoingFile open(int id, Path root, Path path, int chunkBytes, boolean unprotected) throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    try {
      // The POSIX view: the same lstat, and it shows the identity the open-file check needs.
      BasicFileAttributes before = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!before.isRegularFile()) throw new IOException("no longer a regular file");
      return new OutgoingFile(id, root, path, channel, before, chunkBytes, unprotected);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  int id() {
    return id;
  }

  Path path() {
    return path;
  }

  /** The attributes read when it was opened: what is announced and checked against at the end. */
  BasicFileAttributes attributes() {
    return before;
  }

  long size() {
    return before.size();
  }

  FileChannel channel() {
    return channel;
  }

  boolean fitsOneFrame() {
    return before.size() <= chunkBytes;
  }

  Frame begin() {
    return onLane ? new Frame.FileOnLane(id, before.size(), mtimeNanos()) : new Frame.FileBegin(id, before.size(), mtimeNanos());
  }

  /** Describes this file as runs of the old copy's blocks and new bytes. */
  void asDelta(BlockSignatures signatures) {
    delta = new DeltaEncoder(signatures, channel, chunkBytes, crc);
  }

  /** Its bytes go on the content lane; {@link #laneDone} says when they went. */
  void toLane() {
    onLane = true;
  }

  void laneDone(long crc32c, boolean shrank) {
    laneCrc = crc32c;
    laneShrank = shrank;
  }

  /** The whole (small) file as one frame, read at once. */
  Read whole() {
    try {
      // One byte more than expected, so that a file that grew is noticed without a second read.
      ByteBuffer buffer = ByteBuffer.allocate((int) before.size() + 1);
      while (buffer.hasRemaining() && channel.read(buffer) > 0) {
        // keep reading until full or at the end
      }
      close();
      BasicFileAttributes after = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      SyncNotice notice = null;
      if (buffer.position() != before.size() || changed(after)) {
        if (!unprotected || buffer.position() < before.size()) {
          return new Read(new Frame.FileUnavailable(id, CHANGED), null);
        }
        // UNPROTECTED: the announced bytes go, whatever was written meanwhile.
        buffer.position((int) before.size());
        notice = SyncNotice.sourceWarning("",
            root.relativize(path) + ": changed while being copied; copied anyway (UNPROTECTED)");
      }
      buffer.flip();
      crc.update(buffer.duplicate());
      return new Read(new Frame.FileWhole(id, mtimeNanos(), crc.getValue(),
          ByteString.fromArrayUnsafe(buffer.array(), 0, buffer.remaining())), notice);
    } catch (IOException e) {
      close();
      return new Read(new Frame.FileUnavailable(id, "read failed: " + describe(e)), null);
    }
  }

  /** The next frame after {@link #begin}. */
  Step next() {
    try {
      if (onLane) {
        if (laneCrc == null) return new Step(null, 0, false, null); // still on its way
        read = before.size();
        return end(before.size());
      }
      if (delta != null) return nextDelta();
      // Never more than announced: a file growing meanwhile is caught by end() (or, UNPROTECTED, cut).
      // A fresh buffer per chunk: it travels on as an immutable ByteString.
      long remaining = before.size() - read;
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(chunkBytes, Math.max(0, remaining)));
      int n = remaining <= 0 ? 0 : channel.read(buffer);
      if (n > 0) {
        buffer.flip();
        crc.update(buffer.duplicate());
        read += n;
        return new Step(new Frame.FileData(ByteString.fromArrayUnsafe(buffer.array(), 0, n)), n, false, null);
      }
      return end(0);
    } catch (IOException e) {
      close();
      return new Step(new Frame.FileUnavailable(id, "read failed: " + describe(e)), 0, true, null);
    }
  }

  private Step nextDelta() throws IOException {
    DeltaEncoder.Instruction step = delta.next();
    if (step instanceof DeltaEncoder.Copy copy) return new Step(new Frame.FileCopy(copy.first(), copy.count()), 0, false, null);
    if (step instanceof DeltaEncoder.Literal literal) {
      return new Step(new Frame.FileData(ByteString.fromArrayUnsafe(literal.bytes())), literal.bytes().length, false, null);
    }
    return end(0);
  }

  /** FileEnd, unless the file changed while it was read; {@code contentBytes} as for {@link Step}. */
  private Step end(long contentBytes) throws IOException {
    close();
    BasicFileAttributes after;
    try {
      after = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return new Step(new Frame.FileUnavailable(id, "read failed: " + describe(e)), contentBytes, true, null);
    }
    boolean changed = changed(after) || laneShrank;
    SyncNotice notice = null;
    if (changed && unprotected && read == before.size() && delta == null) {
      notice = SyncNotice.sourceWarning(RawNames.display(root.relativize(path)),
          "changed while being copied; copied anyway (UNPROTECTED)");
    } else if (changed) {
      return new Step(new Frame.FileUnavailable(id, CHANGED), contentBytes, true, null);
    }
    return new Step(new Frame.FileEnd(id, onLane ? laneCrc : crc.getValue()), contentBytes, true, notice);
  }

  private boolean changed(BasicFileAttributes after) {
    return after.size() != before.size() || !after.lastModifiedTime().equals(before.lastModifiedTime());
  }

  private long mtimeNanos() {
    return before.lastModifiedTime().to(TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // read-only: nothing to lose
    }
  }
}
