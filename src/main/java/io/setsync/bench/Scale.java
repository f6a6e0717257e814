package io.setsync.bench;

/**
 * The sizes of the benchmark's data sets. The full run uses the sizes the performance issue
 * names; the quick run divides them by about ten so that it fits in a CI job.
 */
record Scale(
    String name,
    int smallFiles,
    int smallDirectories,
    long bigBytes,
    int manyFiles,
    int manyDirectories,
    int diskFiles,
    int scaleFiles,
    int warmUpRounds,
    int rounds) {

  static Scale full() {
    return new Scale("full", 10_000, 1_000, 1L << 30, 100_000, 1_000, 2_000, 1_000_000, 3, 5);
  }

  static Scale quick() {
    return new Scale("quick", 1_000, 100, 100L << 20, 10_000, 100, 500, 100_000, 2, 3);
  }

  /** The small files are 1 to 64 KiB; the many-files set 0 to 2 KiB, to keep it cheap to build. */
  static final int SMALL_MIN = 1024;

  static final int SMALL_MAX = 64 * 1024;
  static final int MANY_MAX = 2048;

  /** scale-1m's tree has this many files per directory (its files are the many-files set's: 0 to 2 KiB). */
  static final int SCALE_FILES_PER_DIRECTORY = 1_000;

  /** big-delta rewrites this many bytes in the middle of the big file. */
  static final int DELTA_BYTES = 1 << 20;
}
