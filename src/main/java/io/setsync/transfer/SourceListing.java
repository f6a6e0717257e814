package io.setsync.transfer;

import io.setsync.fs.RawNames;
import io.setsync.fs.EntryType;
import io.setsync.fs.ExcludeFilter;
import io.setsync.fs.FileEntry;
import io.setsync.fs.HardLinks;
import io.setsync.fs.Ownership;
import io.setsync.fs.PrefetchingWalk;
import io.setsync.fs.RawNames;
import io.setsync.fs.TreeScanner;
import io.setsync.fs.Walk;
import io.setsync.options.SyncOptions;
import io.setsync.sync.ContentHash;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The source's listing as it goes on the wire, with the source's policies applied: FROMOWNER
 * leaves other users' names out, ALLHARDLINKS turns later names of a file into links to its first
 * name, CHECKSUM adds each file's content hash.
 */
final class SourceListing implements AutoCloseable {

  private final Path root;
  private final Walk walk;
  /** FROMOWNER's user; null: every name. */
  private final UserPrincipal fromOwner;
  /** ALLHARDLINKS: finds the later names of multiply-linked files; null when it is off. */
  private final HardLinks hardLinks;
  private final boolean checksum;
  /** The root itself, listed first as the entry "" so that it gets the source root's mode and time; null once sent. */
  private FileEntry rootEntry;
  private boolean ended;

  SourceListing(Path root, FileEntry rootEntry, Walk walk, UserPrincipal fromOwner, boolean allHardLinks,
      boolean checksum) {
    this.root = root;
    this.rootEntry = rootEntry;
    this.walk = walk;
    this.fromOwner = fromOwner;
    this.hardLinks = allHardLinks ? new HardLinks() : null;
    this.checksum = checksum;
  }

  /**
   * FROMOWNER's user, or null for every name.
   *
   * @throws IllegalArgumentException it names no user
   */
  static UserPrincipal fromOwner(SyncOptions options) {
    return options.fromOwner() == null ? null : Ownership.user(options.fromOwner());
  }

  /**
   * Starts walking {@code root} (the root itself is read at once); {@code warnings} hears about
   * names that cannot be listed.
   *
   * @throws IOException the root cannot be read
   */
  static SourceListing open(Path root, SyncOptions options, UserPrincipal fromOwner, Consumer<String> warnings,
      Executor walkers) throws IOException {
    try {
      FileEntry rootEntry = TreeScanner.describeRoot(root);
      Walk walk = PrefetchingWalk.open(root, ExcludeFilter.of(options.excludes()), warnings, walkers);
      return new SourceListing(root, rootEntry, walk, fromOwner, options.allHardLinks(), options.checksum());
    } catch (RuntimeException e) {
      throw new IOException("cannot list " + RawNames.display(root) + ": " + e, e);
    }
  }

  /** The next run of at most {@code max} entries; empty once the whole tree was listed (then closed). */
  List<FileEntry> next(int max) {
    List<FileEntry> batch = new ArrayList<>(max);
    if (rootEntry != null) {
      batch.add(rootEntry);
      rootEntry = null;
    }
    while (batch.size() < max && walk.hasNext()) {
      FileEntry entry = walk.next();
      if (fromOwner != null && entry.type() != EntryType.DIRECTORY && !ownedByFromOwner(entry)) {
        entry = new FileEntry(entry.path(), EntryType.LEFT_OUT, 0, entry.mtimeNanos(), 0, null, null);
      }
      entry = withHardLinks(entry);
      if (checksum && entry.type() == EntryType.FILE) entry = withHash(entry);
      batch.add(entry);
    }
    if (batch.isEmpty()) {
      ended = true;
      walk.close();
    }
    return batch;
  }

  boolean ended() {
    return ended;
  }

  /**
   * ALLHARDLINKS: a later name of a multiply-linked file becomes a hard link to its first name
   * (which keeps its link count, so the receiver remembers it); without it every name is an
   * independent file. Only names that made it into the listing count (EXCLUDE, FROMOWNER).
   */
  private FileEntry withHardLinks(FileEntry entry) {
    if ((entry.type() != EntryType.FILE && entry.type() != EntryType.SYMLINK) || entry.linkCount() == 1) return entry;
    Object key = walk.fileKey();
    if (hardLinks == null || key == null) return entry.withLinkCount(1); // off, or no identity to group by
    String first = hardLinks.earlierName(key, entry.linkCount(), entry.path());
    return first == null ? entry : entry.asHardLinkTo(first);
  }

  /** FROMOWNER: whether the source name belongs to that user (an unreadable owner does not). */
  private boolean ownedByFromOwner(FileEntry entry) {
    try {
      return Ownership.ownedBy(RawNames.resolve(root, entry.path()), fromOwner);
    } catch (IOException e) {
      return false;
    }
  }

  private FileEntry withHash(FileEntry entry) {
    try {
      return entry.withContentHash(ContentHash.of(RawNames.resolve(root, entry.path())));
    } catch (IOException e) {
      return entry; // no hash: the receiver sees a difference and asks for the file
    }
  }

  @Override
  public void close() {
    walk.close();
  }
}
