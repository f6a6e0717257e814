package io.setsync.fs;

import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The plain file system seen through a {@link Confinement}: the same paths, every access to them
 * made by {@link ConfinedProvider} as the confinement's identity and inside its roots. One per
 * sync; it holds nothing open, so there is nothing to close.
 */
final class ConfinedFileSystem extends FileSystem {

  private final FileSystem plain = FileSystems.getDefault();
  private final Confinement confinement;
  private final ConfinedProvider provider;

  ConfinedFileSystem(Confinement confinement) {
    this.confinement = confinement;
    this.provider = new ConfinedProvider(this, plain.provider());
  }

  Confinement confinement() {
    return confinement;
  }

  Path wrap(Path p) {
    return p instanceof ConfinedPath ? p : new ConfinedPath(this, p);
  }

  @Override
  public FileSystemProvider provider() {
    return provider;
  }

  @Override
  public void close() {
    // nothing of its own is open; the plain file system must stay open
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public boolean isReadOnly() {
    return false;
  }

  @Override
  public String getSeparator() {
    return plain.getSeparator();
  }

  @Override
  public Iterable<Path> getRootDirectories() {
    List<Path> roots = new ArrayList<>();
    for (Path root : plain.getRootDirectories()) roots.add(wrap(root));
    return roots;
  }

  @Override
  public Iterable<FileStore> getFileStores() {
    return plain.getFileStores();
  }

  @Override
  public Set<String> supportedFileAttributeViews() {
    return plain.supportedFileAttributeViews();
  }

  @Override
  public Path getPath(String first, String... more) {
    return wrap(plain.getPath(first, more));
  }

  @Override
  public PathMatcher getPathMatcher(String syntaxAndPattern) {
    PathMatcher matcher = plain.getPathMatcher(syntaxAndPattern);
    return p -> matcher.matches(ConfinedPath.unwrap(p));
  }

  @Override
  public UserPrincipalLookupService getUserPrincipalLookupService() {
    return plain.getUserPrincipalLookupService();
  }

  @Override
  public WatchService newWatchService() {
    throw new UnsupportedOperationException("a confined file system cannot be watched");
  }
}
