package io.setsync.destination;

import io.setsync.fs.EntryType;
import io.setsync.fs.FileEntry;
import io.setsync.options.MaxPurge;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The names the options would purge, spooled to a scratch file while the listing is merged so
 * that memory stays flat, and deleted only once the whole listing is known: MAXPURGE and the
 * empty-source guard need the final count before anything goes.
 */
final class PurgeList {

  enum Outcome { PURGED, KEPT, FAILED }

  interface Listener {
    void on(String path, boolean directory, Outcome outcome);
  }

  private final Path spool;
  private DataOutputStream out;
  private long size;

  private PurgeList(Path spool, DataOutputStream out) {
    this.spool = spool;
    this.out = out;
  }

  static PurgeList create(Path spool) throws IOException {
    return new PurgeList(
        spool, new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(spool), 1 << 16)));
  }

  void add(FileEntry extra) {
    try {
      out.writeBoolean(extra.type() == EntryType.DIRECTORY);
      out.writeUTF(extra.path());
      size++;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long size() {
    return size;
  }

  /**
   * Why these purges must not happen, or null. An empty source purges nothing unless MAXPURGE is
   * explicitly 100%: an unmounted source looks exactly like an empty one.
   */
  String refusal(MaxPurge limit, long sourceNames, long destinationNames) {
    if (size == 0) return null;
    if (sourceNames == 0 && !MaxPurge.ALL.equals(limit)) {
      return "the source is empty: refusing to purge " + size + " name(s) without MAXPURGE 100%";
    }
    if (limit != null && !limit.allows(size, destinationNames)) {
      return "purging " + size + " of " + destinationNames + " destination name(s) exceeds MAXPURGE "
          + limit + "; nothing purged";
    }
    return null;
  }

  /** Deletes (or, for REPORT, only announces) every spooled name; directories after their contents. */
  void forEach(boolean reportOnly, Listener listener, DestinationRoot root) throws IOException {
    out.close();
    List<String> directories = new ArrayList<>();
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(spool), 1 << 16))) {
      for (long i = 0; i < size; i++) {
        boolean directory = in.readBoolean();
        String path = in.readUTF();
        if (reportOnly) {
          listener.on(path, directory, Outcome.PURGED);
        } else if (directory) {
          directories.add(path);
        } else {
          listener.on(path, false, delete(root.resolve(path)));
        }
      }
    } catch (EOFException e) {
      throw new IOException("purge list " + spool + " is truncated", e);
    }
    for (int i = directories.size() - 1; i >= 0; i--) {
      listener.on(directories.get(i), true, delete(root.resolve(directories.get(i))));
    }
  }

  private static Outcome delete(Path path) {
    try {
      Files.deleteIfExists(path);
      return Outcome.PURGED;
    } catch (DirectoryNotEmptyException protectedInside) {
      return Outcome.KEPT; // something EXCLUDEPURGE protects is still in it
    } catch (IOException e) {
      return Outcome.FAILED;
    }
  }

  void delete() {
    try {
      out.close();
      Files.deleteIfExists(spool);
    } catch (IOException ignored) {
      // an orphan the next session removes
    }
  }
}
