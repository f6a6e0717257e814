package io.setsync.bench;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A tree's regular files, counted and summed: after each timed sync of the wan and scale-1m
 * scenarios the destination's totals must be the source's, or the run fails (a fast sync that
 * copied less is no result).
 */
record TreeTotals(long files, long bytes) {

  static TreeTotals of(Path root) throws IOException {
    long[] totals = new long[2];
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
        if (attributes.isRegularFile()) {
          totals[0]++;
          totals[1] += attributes.size();
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return new TreeTotals(totals[0], totals[1]);
  }

  /** Fails unless {@code copy}'s totals are {@code source}'s; {@code what} names the run. */
  static void requireSame(Path source, Path copy, String what) throws IOException {
    TreeTotals expected = of(source);
    TreeTotals actual = of(copy);
    if (!expected.equals(actual)) {
      throw new IllegalStateException(what + ": the destination " + copy + " has " + actual.files() + " files, "
          + actual.bytes() + " bytes; the source " + source + " has " + expected.files() + " files, " + expected.bytes() + " bytes");
    }
  }
}
