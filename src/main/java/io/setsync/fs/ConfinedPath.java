package io.setsync.fs;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Arrays;
import java.util.Iterator;

/**
 * A path of a {@link ConfinedFileSystem}: the plain path it stands for, and the file system that
 * holds every access to it to its {@link Confinement}. Whatever is derived from it (a child, a
 * parent, a listed entry) is confined the same way. It has no {@link File}, whose accesses no
 * provider sees.
 */
final class ConfinedPath implements Path {

  private final ConfinedFileSystem fs;
  private final Path plain;

  ConfinedPath(ConfinedFileSystem fs, Path plain) {
    this.fs = fs;
    this.plain = plain;
  }

  /** The plain path behind {@code p}, or {@code p} when it is plain. */
  static Path unwrap(Path p) {
    return p instanceof ConfinedPath c ? c.plain : p;
  }

  Path plain() {
    return plain;
  }

  private Path wrap(Path p) {
    return p == null ? null : fs.wrap(p);
  }

  @Override
  public ConfinedFileSystem getFileSystem() {
    return fs;
  }

  @Override
  public boolean isAbsolute() {
    return plain.isAbsolute();
  }

  @Override
  public Path getRoot() {
    return wrap(plain.getRoot());
  }

  @Override
  public Path getFileName() {
    return wrap(plain.getFileName());
  }

  @Override
  public Path getParent() {
    return wrap(plain.getParent());
  }

  @Override
  public int getNameCount() {
    return plain.getNameCount();
  }

  @Override
  public Path getName(int index) {
    return wrap(plain.getName(index));
  }

  @Override
  public Path subpath(int beginIndex, int endIndex) {
    return wrap(plain.subpath(beginIndex, endIndex));
  }

  @Override
  public boolean startsWith(Path other) {
    return plain.startsWith(unwrap(other));
  }

  @Override
  public boolean endsWith(Path other) {
    return plain.endsWith(unwrap(other));
  }

  @Override
  public Path normalize() {
    return wrap(plain.normalize());
  }

  @Override
  public Path resolve(Path other) {
    return wrap(plain.resolve(unwrap(other)));
  }

  @Override
  public Path relativize(Path other) {
    return wrap(plain.relativize(unwrap(other)));
  }

  @Override
  public URI toUri() {
    return plain.toUri();
  }

  @Override
  public Path toAbsolutePath() {
    return wrap(plain.toAbsolutePath());
  }

  @Override
  public Path toRealPath(LinkOption... options) throws IOException {
    boolean follow = !Arrays.asList(options).contains(LinkOption.NOFOLLOW_LINKS);
    return wrap(fs.confinement().access(plain, follow, () -> plain.toRealPath(options)));
  }

  @Override
  public File toFile() {
    throw new UnsupportedOperationException("a confined path has no java.io.File: " + plain);
  }

  @Override
  public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
    throw new UnsupportedOperationException("a confined path cannot be watched: " + plain);
  }

  @Override
  public Iterator<Path> iterator() {
    Iterator<Path> names = plain.iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return names.hasNext();
      }

      @Override
      public Path next() {
        return wrap(names.next());
      }
    };
  }

  @Override
  public int compareTo(Path other) {
    return plain.compareTo(unwrap(other));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfinedPath other && other.fs == fs && other.plain.equals(plain);
  }

  @Override
  public int hashCode() {
    return plain.hashCode();
  }

  @Override
  public String toString() {
    return plain.toString();
  }
}
