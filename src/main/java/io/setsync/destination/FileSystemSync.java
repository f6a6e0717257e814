package io.setsync.destination;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;

/**
 * Makes many files (or directories) on one file system durable with one {@code syncfs(2)} instead
 * of one {@code fsync(2)} each. On a journaling file system every fsync waits for a journal commit
 * of its own; a group of small files fsync'ed in line pays that wait per file, syncfs pays it once
 * for the group. Linux only (since 5.8 syncfs also reports write-back errors, which we rely on);
 * elsewhere, when JNA cannot reach it, when it fails, or with {@code -Dsetsync.syncfs=off} (to
 * measure the difference), the callers fsync each one as before, which reports any error itself.
 */
final class FileSystemSync {

  private interface LibC extends Library {
    int syncfs(int fd);
  }

  private static final LibC LIBC = load();

  private FileSystemSync() {}

  private static LibC load() {
    if (!Platform.isLinux() || "off".equals(System.getProperty("setsync.syncfs"))) return null;
    try {
      return Native.load("c", LibC.class);
    } catch (LinkageError e) {
      return null;
    }
  }

  /**
   * Flushes the file system {@code open} is on. False when that could not be done here or failed:
   * then nothing is known to be durable, and the caller must fsync what it needs.
   */
  static boolean of(FileChannel open) {
    if (LIBC == null) return false;
    int fd = OpenFileAttributes.descriptor(open);
    return fd >= 0 && LIBC.syncfs(fd) == 0;
  }

  /**
   * Makes the creations, renames and removals in {@code directories} durable: one syncfs when there
   * are more than two (they are all on {@code anyDirectory}'s file system: renames cannot cross
   * one), else an fsync of each, which flushes nothing else that happens to be dirty.
   */
  static void directories(Path anyDirectory, Collection<Path> directories) throws IOException {
    if (directories.size() > 2 && LIBC != null) {
      try (FileChannel channel = FileChannel.open(anyDirectory, StandardOpenOption.READ)) {
        if (of(channel)) return;
      }
    }
    DestinationRoot.syncDirectories(directories);
  }
}
