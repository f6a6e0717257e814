package io.setsync.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Changes a soak file set's source the way users do: files added, rewritten, removed; directories
 * added and removed; now and then a symbolic link or a file of a megabyte or two. Names are never
 * reused, and a rewritten file's mtime always moves forward, so "newer wins" can never hide a
 * change. The root keeps one file for good (an empty source never purges, by design).
 */
final class SourceChanger {

  /** The file every source keeps: an empty source would make PURGE do nothing, on purpose. */
  static final String KEEP = "keep.txt";

  /** Unique names across every source and thread of one soak run. */
  private static final AtomicLong NAMES = new AtomicLong();

  private final Random random;

  SourceChanger(Random random) {
    this.random = random;
  }

  /** A new source with a few files in a subdirectory. */
  void create(Path source) throws IOException {
    Files.createDirectories(source.resolve("d0"));
    write(source.resolve(KEEP), 100);
    for (int i = 0; i < 3; i++) addFile(source);
  }

  /** One to {@code most} random changes. */
  void change(Path source, int most) throws IOException {
    int n = 1 + random.nextInt(most);
    for (int i = 0; i < n; i++) changeOnce(source);
  }

  private void changeOnce(Path source) throws IOException {
    int pick = random.nextInt(100);
    if (pick < 35) addFile(source);
    else if (pick < 65) rewriteFile(source);
    else if (pick < 85) removeFile(source);
    else if (pick < 92) addDirectory(source);
    else if (pick < 96) removeDirectory(source);
    else addLink(source);
  }

  private void addFile(Path source) throws IOException {
    List<Path> dirs = directories(source);
    Path dir = dirs.get(random.nextInt(dirs.size()));
    write(dir.resolve("f" + NAMES.incrementAndGet() + ".dat"), size());
  }

  private void rewriteFile(Path source) throws IOException {
    List<Path> files = files(source);
    if (files.isEmpty()) {
      addFile(source);
      return;
    }
    Path file = files.get(random.nextInt(files.size()));
    FileTime before = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS);
    write(file, file.getFileName().toString().equals(KEEP) ? 100 + random.nextInt(100) : size());
    long after = Math.max(System.currentTimeMillis(), before.toMillis() + 1000);
    Files.setLastModifiedTime(file, FileTime.fromMillis(after));
  }

  private void removeFile(Path source) throws IOException {
    List<Path> files = files(source);
    files.removeIf(f -> f.equals(source.resolve(KEEP)));
    if (!files.isEmpty()) Files.delete(files.get(random.nextInt(files.size())));
  }

  private void addDirectory(Path source) throws IOException {
    List<Path> dirs = directories(source);
    Path dir = dirs.get(random.nextInt(dirs.size())).resolve("d" + NAMES.incrementAndGet());
    Files.createDirectory(dir);
    write(dir.resolve("f" + NAMES.incrementAndGet() + ".dat"), size());
  }

  private void removeDirectory(Path source) throws IOException {
    List<Path> dirs = directories(source);
    dirs.remove(source);
    if (dirs.isEmpty()) return;
    Path dir = dirs.get(random.nextInt(dirs.size()));
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }

  private void addLink(Path source) throws IOException {
    List<Path> dirs = directories(source);
    Path dir = dirs.get(random.nextInt(dirs.size()));
    Files.createSymbolicLink(dir.resolve("l" + NAMES.incrementAndGet()), Path.of(random.nextBoolean() ? KEEP : "../x"));
  }

  /** Mostly small files; one in twenty is one or two megabytes, which a MAXRATE makes last. */
  private int size() {
    if (random.nextInt(20) == 0) return (1 << 20) + random.nextInt(1 << 20);
    return random.nextInt(32 << 10);
  }

  private void write(Path file, int size) throws IOException {
    byte[] content = new byte[size];
    random.nextBytes(content);
    Files.write(file, content);
  }

  private static List<Path> directories(Path source) throws IOException {
    try (Stream<Path> walk = Files.walk(source)) {
      return new ArrayList<>(walk.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList());
    }
  }

  private static List<Path> files(Path source) throws IOException {
    try (Stream<Path> walk = Files.walk(source)) {
      return new ArrayList<>(walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList());
    }
  }
}
