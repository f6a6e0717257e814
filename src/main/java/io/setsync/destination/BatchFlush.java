package io.setsync.destination;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Makes a whole batch's temps durable with one {@code syncfs(2)} on the file system of the
 * scratch area, where they all are, instead of one {@code fsync} per file as each is written: the
 * file system then writes their data and commits its journal once per batch, not once per file.
 * Runs before the batch's journal record, so no name ever shows a file whose data is not durable.
 *
 * <p>The descriptor is the scratch directory's, opened through {@code java.nio} (so as the sync
 * user, where the root is confined) when the session starts, before any temp is written, and held
 * to its end: Linux reports a file system's write-back errors to {@code syncfs} on a descriptor
 * opened before them (since 5.8), so an error in the background write-back of any temp of the
 * session fails the next flush, as it would have failed that temp's own {@code fsync}.
 */
final class BatchFlush implements AutoCloseable {

  interface LibC extends Library {
    int syncfs(int fd) throws LastErrorException;

    int sync_file_range(int fd, long offset, long nbytes, int flags);
  }

  /** Starts the write-back of the range's dirty pages and does not wait for it. */
  private static final int SYNC_FILE_RANGE_WRITE = 2;

  private static final LibC LIBC = load();

  private final Path scratch;
  private final FileChannel directory;
  private final int fd;

  private BatchFlush(Path scratch, FileChannel directory, int fd) {
    this.scratch = scratch;
    this.directory = directory;
    this.fd = fd;
  }

  /**
   * The flush for temps in {@code scratch}, or null when this JVM cannot call {@code syncfs} on
   * it: each temp is then fsync'ed as it is written.
   */
  static BatchFlush open(Path scratch) throws IOException {
    if (LIBC == null) return null;
    FileChannel directory = FileChannel.open(scratch, StandardOpenOption.READ);
    int fd = OpenFileAttributes.descriptor(directory);
    if (fd < 0) {
      directory.close();
      return null;
    }
    return new BatchFlush(scratch, directory, fd);
  }

  /**
   * Starts writing a temp's data out as soon as it is complete, so that the disk works while the
   * rest of the batch comes in and the batch's flush has little left to wait for. Only a hint:
   * what it fails to start the flush writes, and reports.
   */
  static void startWriteBack(FileChannel temp) {
    if (LIBC == null) return;
    int fd = OpenFileAttributes.descriptor(temp);
    if (fd < 0) return;
    try {
      LIBC.sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    } catch (UnsatisfiedLinkError e) {
      // no such call in this C library: the flush writes it all
    }
  }

  /** {@link #flush()} on an io thread. */
  CompletableFuture<Void> flush(Executor io) {
    return CompletableFuture.runAsync(() -> {
      try {
        flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, io);
  }

  /** Writes out every temp written so far (and whatever else the file system holds dirty). */
  void flush() throws IOException {
    try {
      LIBC.syncfs(fd);
    } catch (LastErrorException e) {
      throw new IOException("cannot make the received files durable (syncfs on " + scratch + "): " + e.getMessage());
    }
  }

  @Override
  public void close() {
    try {
      directory.close();
    } catch (IOException ignored) {
      // a read-only directory descriptor: nothing was to be written through it
    }
  }

  private static LibC load() {
    if (!Platform.isLinux()) return null;
    try {
      return Native.load("c", LibC.class);
    } catch (UnsatisfiedLinkError e) {
      return null;
    }
  }
}
