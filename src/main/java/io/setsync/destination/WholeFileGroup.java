package io.setsync.destination;

import io.setsync.transfer.Frame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small whole files for one writer task: fewer thread hand-overs than one task per file. */
record WholeFileGroup(List<Write> writes, FileSecurity security) {

  /** One small file: where it goes, and the source's entry for its mode and owner. */
  record Write(Frame.FileWhole whole, io.setsync.fs.FileEntry source, Path path, String temp) {}

  /**
   * Runs on a writer thread: each file's bytes, or -1 on a checksum mismatch. All are written
   * first and then made durable together, with one flush of their file system where it can be
   * had: one journal commit for the group instead of one per file.
   */
  long[] write() {
    long[] bytes = new long[writes.size()];
    List<IncomingFile> open = new ArrayList<>(writes.size());
    try {
      for (int i = 0; i < bytes.length; i++) {
        Write w = writes.get(i);
        IncomingFile file = IncomingFile.writeWhole(w.whole(), w.source(), w.path(), w.temp(), security);
        bytes[i] = file == null ? -1 : file.bytesWritten();
        if (file != null) open.add(file);
      }
      if (open.size() > 1 && FileSystemSync.of(open.get(0).channel())) {
        for (IncomingFile file : open) file.closeFlushed();
      } else {
        for (IncomingFile file : open) file.durable();
      }
      open.clear();
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      // Only after a failure: the caller drops the whole group's temps.
      for (IncomingFile file : open) file.discard();
    }
  }

  void discard() {
    for (Write w : writes) {
      try {
        Files.deleteIfExists(w.path());
      } catch (IOException ignored) {
        // the next session's orphan sweep removes it
      }
    }
  }
}
