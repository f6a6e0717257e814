package io.setsync.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds and changes the benchmark's source trees. Contents are pseudo-random (incompressible,
 * no repeated blocks) from a fixed seed, so every run measures the same work.
 */
final class DataSets {

  private final SplittableRandom random = new SplittableRandom(20261121);
  private final List<Path> smallFiles = new ArrayList<>();

  /** {@code files} files of 1–64 KiB spread over {@code directories} directories; returns bytes. */
  long createSmall(Path root, int files, int directories) throws IOException {
    long total = 0;
    for (int i = 0; i < files; i++) {
      Path dir = root.resolve(String.format("d%04d", i % directories));
      Files.createDirectories(dir);
      Path file = dir.resolve(String.format("f%06d.bin", i));
      int size = Scale.SMALL_MIN + random.nextInt(Scale.SMALL_MAX - Scale.SMALL_MIN + 1);
      write(file, size);
      smallFiles.add(file);
      total += size;
    }
    return total;
  }

  /** Many tiny files, for the no-op scan of a large tree; returns bytes. */
  long createMany(Path root, int files, int directories) throws IOException {
    long total = 0;
    for (int i = 0; i < files; i++) {
      Path dir = root.resolve(String.format("m%04d", i % directories));
      Files.createDirectories(dir);
      int size = random.nextInt(Scale.MANY_MAX + 1);
      write(dir.resolve(String.format("g%07d.dat", i)), size);
      total += size;
    }
    return total;
  }

  void createBig(Path file, long bytes) throws IOException {
    Files.createDirectories(file.getParent());
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
      for (long left = bytes; left > 0; ) {
        fill(chunk, (int) Math.min(chunk.capacity(), left));
        left -= chunk.remaining();
        while (chunk.hasRemaining()) out.write(chunk);
      }
    }
  }

  /** Rewrites {@code percent}% of the small files (new content, same size, a newer mtime). */
  int changeSmall(double percent, long mtimeMillis) throws IOException {
    int count = Math.max(1, (int) Math.round(smallFiles.size() * percent / 100));
    for (int i = 0; i < count; i++) {
      Path file = smallFiles.get(random.nextInt(smallFiles.size()));
      write(file, (int) Files.size(file));
      Files.setLastModifiedTime(file, FileTime.fromMillis(mtimeMillis));
    }
    return count;
  }

  /** Overwrites {@code bytes} bytes in the middle of the file and gives it a newer mtime. */
  void changeMiddle(Path file, int bytes, long mtimeMillis) throws IOException {
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
      long at = out.size() / 2 - bytes / 2;
      ByteBuffer chunk = ByteBuffer.allocate(bytes);
      fill(chunk, bytes);
      while (chunk.hasRemaining()) at += out.write(chunk, at);
    }
    Files.setLastModifiedTime(file, FileTime.fromMillis(mtimeMillis));
  }

  private void write(Path file, int size) throws IOException {
    ByteBuffer content = ByteBuffer.allocate(size);
    fill(content, size);
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      while (content.hasRemaining()) out.write(content);
    }
  }

  private void fill(ByteBuffer buffer, int size) {
    buffer.clear();
    buffer.limit(size);
    while (buffer.remaining() >= 8) buffer.putLong(random.nextLong());
    while (buffer.hasRemaining()) buffer.put((byte) random.nextInt());
    buffer.flip();
  }
}
