package io.setsync.it;

import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** Describes a tree by everything a sync must reproduce: type, content, mode, mtime, link target. */
final class Trees {

  private Trees() {}

  /** One line per name below root (not root itself, not .setsync/ at the root). */
  static Map<String, String> describe(Path root) throws IOException {
    Map<String, String> names = new TreeMap<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        if (dir.equals(root)) return FileVisitResult.CONTINUE;
        if (root.relativize(dir).toString().equals(".setsync")) return FileVisitResult.SKIP_SUBTREE;
        names.put(root.relativize(dir).toString(), "dir " + mode(dir) + " " + micros(attrs.lastModifiedTime()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        String rel = root.relativize(file).toString();
        if (attrs.isSymbolicLink()) {
          names.put(rel, "link -> " + Files.readSymbolicLink(file) + " " + micros(attrs.lastModifiedTime()));
        } else {
          names.put(rel, "file " + mode(file) + " " + micros(attrs.lastModifiedTime()) + " " + attrs.size() + " " + sha256(file));
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return names;
  }


  /** Waits, at most 2 minutes, until {@code dst} is a copy of {@code src} (a scheduled sync's signal). */
  static void awaitSameTree(Path src, Path dst) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
    AssertionError last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (java.nio.file.Files.isDirectory(dst)) {
          assertSameTree(src, dst);
          return;
        }
      } catch (AssertionError e) {
        last = e;
      }
      Thread.sleep(250); // between polls
    }
    if (last != null) throw last;
    throw new AssertionError(dst + " was never created");
  }
  static void assertSameTree(Path expected, Path actual) throws IOException {
    assertEquals(String.join("\n", lines(describe(expected))), String.join("\n", lines(describe(actual))));
  }

  private static Iterable<String> lines(Map<String, String> names) {
    return names.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())::iterator;
  }

  static String mode(Path path) throws IOException {
    return Integer.toOctalString((Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777);
  }

  static long micros(FileTime time) {
    return time.to(TimeUnit.MICROSECONDS);
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
      return HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Deterministic pseudo-random content of a given size. */
  static void writeRandom(Path file, long size, long seed) throws IOException {
    java.util.Random random = new java.util.Random(seed);
    byte[] block = new byte[1 << 20];
    try (var out = Files.newOutputStream(file)) {
      for (long left = size; left > 0; left -= block.length) {
        random.nextBytes(block);
        out.write(block, 0, (int) Math.min(block.length, left));
      }
    }
  }

  static void setTime(Path path, long epochSeconds) throws IOException {
    Files.getFileAttributeView(path, java.nio.file.attribute.BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setTimes(FileTime.from(epochSeconds, TimeUnit.SECONDS), null, null);
  }

  static boolean scratchIsEmpty(Path destination) throws IOException {
    Path scratch = destination.resolve(".setsync");
    if (!Files.exists(scratch)) return true;
    try (var children = Files.list(scratch)) {
      return children.findAny().isEmpty();
    }
  }
}
