package io.setsync.destination;

import io.setsync.transfer.Frame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Small whole files for one writer task: fewer thread hand-overs than one task per file. */
record WholeFileGroup(List<Write> writes, FileSecurity security) {

  /** One small file: where it goes, and the source's entry for its mode and owner. */
  record Write(Frame.FileWhole whole, io.setsync.fs.FileEntry source, Path path, String temp) {}

  /** Runs on a writer thread: each file's bytes, or -1 on a checksum mismatch. */
  long[] write() {
    long[] bytes = new long[writes.size()];
    for (int i = 0; i < bytes.length; i++) {
      Write w = writes.get(i);
      bytes[i] = IncomingFile.writeWhole(w.whole(), w.source(), w.path(), w.temp(), security);
    }
    return bytes;
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
