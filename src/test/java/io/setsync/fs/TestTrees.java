package io.setsync.fs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Helpers shared by the file system tests. */
final class TestTrees {

  private TestTrees() {}

  /** Every entry under root, failing the test on any warning. */
  static List<FileEntry> listAll(Path root, ExcludeFilter excluded) throws IOException {
    List<FileEntry> out = new ArrayList<>();
    try (TreeScanner scanner =
        TreeScanner.open(
            root,
            excluded,
            w -> {
              throw new AssertionError("unexpected warning: " + w);
            })) {
      scanner.forEachRemaining(out::add);
    }
    return out;
  }

  static List<String> paths(List<FileEntry> entries) {
    return entries.stream().map(FileEntry::path).toList();
  }
}
