package io.setsync.destination;

import io.setsync.fs.FileEntry;
import io.setsync.transfer.Frame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * A needed file being received into its temp name in the scratch area. It becomes visible only
 * when its batch is committed, so a partial file never shows under the real name.
 */
final class IncomingFile {

  private final int id;
  /** What the source listed for this file: its mode and owner. */
  private final FileEntry source;
  private final long mtimeNanos;
  private final Path path;
  private final String tempName;
  private final FileChannel channel;
  private final CRC32C crc = new CRC32C();
  private long written;

  private IncomingFile(int id, FileEntry source, long mtimeNanos, Path path, String tempName, FileChannel channel) {
    this.id = id;
    this.source = source;
    this.mtimeNanos = mtimeNanos;
    this.path = path;
    this.tempName = tempName;
    this.channel = channel;
  }

  static IncomingFile create(int id, FileEntry source, long mtimeNanos, Path path, String tempName)
      throws IOException {
    FileChannel channel =
        FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return new IncomingFile(id, source, mtimeNanos, path, tempName, channel);
  }

  /**
   * Writes a whole small file into its temp name and checks it, but does not make it durable: the
   * file, still open, for {@link #durable} or {@link #closeFlushed}; null (and no temp) on a
   * checksum mismatch. Runs on a writer thread.
   */
  static IncomingFile writeWhole(Frame.FileWhole whole, FileEntry source, Path path, String tempName, FileSecurity security)
      throws IOException {
    IncomingFile file = create(whole.id(), source, whole.mtimeNanos(), path, tempName);
    try {
      for (ByteBuffer buffer : whole.bytes().getByteBuffers()) file.write(buffer);
      return file.complete(whole.crc32c(), security) ? file : null;
    } catch (IOException | RuntimeException e) {
      file.discard();
      throw e;
    }
  }

  int id() {
    return id;
  }

  String tempName() {
    return tempName;
  }

  long bytesWritten() {
    return written;
  }

  void write(ByteBuffer bytes) throws IOException {
    crc.update(bytes.duplicate());
    while (bytes.hasRemaining()) written += channel.write(bytes);
  }

  /**
   * Verifies the sender's checksum, gives the temp file its owner and mode ({@code security}) and
   * the source's mtime, and makes it durable. Returns false (and deletes the temp) on a checksum
   * mismatch.
   */
  boolean finish(long expectedCrc, FileSecurity security) throws IOException {
    if (!complete(expectedCrc, security)) return false;
    durable();
    return true;
  }

  /**
   * {@link #finish} without the fsync: the file stays open, for {@link #durable} or, once its file
   * system has been flushed, {@link #closeFlushed}. On a mismatch or a failure it is closed.
   */
  boolean complete(long expectedCrc, FileSecurity security) throws IOException {
    CrashPoint.TEMP_WRITTEN.reach();
    if (crc.getValue() != expectedCrc) {
      discard();
      return false;
    }
    try {
      // Through the open descriptor where possible; an owner change must come before the mode
      // (it clears setuid/setgid).
      int uid = security.uidFor(source);
      int gid = security.gidFor(source);
      if (!OpenFileAttributes.setOwnerModeAndTimes(
          channel, uid, gid, security.modeFor(io.setsync.fs.EntryType.FILE, source.mode()), mtimeNanos)) {
        security.apply(path, io.setsync.fs.EntryType.FILE, source.mode(), uid, gid);
        // Both times at once: given only one, the JDK first stats the file to keep the other.
        Files.getFileAttributeView(path, java.nio.file.attribute.BasicFileAttributeView.class)
            .setTimes(FileTime.from(mtimeNanos, TimeUnit.NANOSECONDS), FileTime.fromMillis(System.currentTimeMillis()), null);
      }
      return true;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** fsyncs and closes a {@link #complete} file. */
  void durable() throws IOException {
    try {
      channel.force(true);
    } finally {
      channel.close();
    }
    CrashPoint.TEMP_SYNCED.reach();
  }

  /** Closes a {@link #complete} file whose file system {@link FileSystemSync} has just flushed. */
  void closeFlushed() throws IOException {
    channel.close();
    CrashPoint.TEMP_SYNCED.reach();
  }

  /** The open channel, to flush its whole file system at once. */
  FileChannel channel() {
    return channel;
  }

  void discard() {
    try {
      channel.close();
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // the next session's orphan sweep removes it
    }
  }
}
