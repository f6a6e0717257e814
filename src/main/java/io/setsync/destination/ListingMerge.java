package io.setsync.destination;

import io.setsync.fs.EntryType;
import io.setsync.fs.FileEntry;
import io.setsync.fs.PathGuard;
import io.setsync.fs.PathOrder;
import io.setsync.fs.RawNames;
import io.setsync.fs.Walk;
import io.setsync.options.SyncOptions;
import io.setsync.sync.Comparison;
import io.setsync.sync.Comparison.Verdict;
import io.setsync.fs.ExcludeFilter;
import io.setsync.transfer.ProtocolException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * Merge-joins the source listing, arriving in {@link PathOrder}, with a walk of the destination
 * in the same order, so that memory depends on tree depth and not on the number of files. It
 * checks that the source keeps its promises (safe names, strictly increasing, every parent listed
 * as a directory) and tells {@link Actions} what each name needs; it changes nothing itself.
 */
public final class ListingMerge {

  /** What the receiver does with each verdict. */
  public interface Actions {
    /** A file or link to create, or to put in place of {@code existing} (null, file or symlink). */
    void copy(FileEntry source, FileEntry existing);

    /**
     * A hard link to create in place of {@code existing} (null, file or symlink): the name must
     * become the file that {@code target}'s name holds at the end of this sync.
     */
    void link(FileEntry source, FileEntry existing, LinkTargets.Target target);

    /** A directory to create, in place of {@code existing} (null or a symlink). */
    void makeDirectory(FileEntry source, FileEntry existing);

    /** Nothing to transfer; metadata (mode) may still differ. */
    void same(FileEntry source, FileEntry existing);

    void keptNewer(FileEntry source, FileEntry existing);

    /** Objects of different kinds: a warning, nothing replaced. */
    void conflict(FileEntry source, FileEntry existing);

    void unsupported(FileEntry source);

    /** A source name beneath a directory that could not be created (conflict). */
    void skippedBeneathConflict(FileEntry source);

    /** A destination name the source does not have, and whether the options purge it. */
    void extra(FileEntry existing, boolean purge);

    /**
     * The source directory's subtree is complete; {@code changedInside} tells whether anything
     * was created, replaced or purged directly in it (its mtime must then be set again).
     */
    void leaveDirectory(FileEntry source, FileEntry existing, boolean changedInside);

    /** The source root itself (the listing's first entry, named ""): its mode, time and owner. */
    default void root(FileEntry source) {}
  }

  private record OpenDirectory(FileEntry source, FileEntry existing, boolean[] changed) {}

  private final Walk destination;
  private final SyncOptions options;
  private final ExcludeFilter protectedFromPurge;
  private final Function<FileEntry, String> destinationHash;
  private final BiPredicate<String, String> sameFile;
  private final Actions actions;
  private final LinkTargets linkTargets = new LinkTargets();
  /** The file the hard link being judged names. */
  private LinkTargets.Target currentTarget;
  private final Deque<OpenDirectory> open = new ArrayDeque<>();
  /** The destination's next unjudged name; fetched lazily so skipChildren acts on the right one. */
  private FileEntry nextExisting;
  private boolean existingConsumed = true;
  private String previous;
  private String blockedPrefix;
  private boolean rootChanged;
  private boolean rootListed;
  private long destinationNames;

  /**
   * @param destinationHash the content hash of a destination file (CHECKSUM)
   * @param sameFile whether two destination names (relative paths) are one file, i.e. hard links
   *     of each other; asked only for a hard link over a file
   */
  public ListingMerge(
      Walk destination,
      SyncOptions options,
      Function<FileEntry, String> destinationHash,
      BiPredicate<String, String> sameFile,
      Actions actions) {
    this.destination = destination;
    this.options = options;
    this.protectedFromPurge = ExcludeFilter.of(options.excludePurges());
    this.destinationHash = destinationHash;
    this.sameFile = sameFile;
    this.actions = actions;
  }

  /**
   * The multiply-linked files of the listing so far; the receiver records in them what becomes of
   * each (it is told about the file through {@link Actions} right after it is remembered).
   */
  public LinkTargets linkTargets() {
    return linkTargets;
  }

  /**
   * Judges the next source entry: false for the root's own entry, true for a name of the set.
   *
   * @throws ProtocolException if the source broke a promise
   */
  public boolean accept(FileEntry source) {
    if (source.path().isEmpty() && source.type() == EntryType.DIRECTORY && previous == null && !rootListed) {
      rootListed = true;
      actions.root(source);
      return false;
    }
    checkPromises(source);
    drainExtrasBefore(source.path());
    closeDirectoriesNotContaining(source.path());
    if (blockedPrefix != null && source.path().startsWith(blockedPrefix)) {
      actions.skippedBeneathConflict(source);
      return true;
    }
    blockedPrefix = null;
    FileEntry existing = null;
    FileEntry candidate = peekExisting();
    if (candidate != null && candidate.path().equals(source.path())) {
      existing = candidate;
      existingConsumed = true;
    }
    judge(source, existing);
    return true;
  }

  /** The listing is complete: whatever the destination has left is extra. */
  public void finish() {
    drainExtrasBefore(null);
    closeDirectoriesNotContaining(null);
  }

  /** How many names the destination walk has shown (for MAXPURGE percentages). */
  public long destinationNames() {
    return destinationNames;
  }

  /** Whether anything directly under the root was created, replaced or purged. */
  public boolean rootChanged() {
    return rootChanged;
  }

  private void judge(FileEntry source, FileEntry existing) {
    if (source.type() == EntryType.HARDLINK && !currentTarget.usable()) {
      // Linking to a file that is not the source's would change this name's content for another
      // name's verdict: it is judged on its own instead, and carries the file from here on.
      linkTargets.carry(currentTarget, source);
      source = carrierOf(source);
    }
    Verdict verdict = Comparison.judge(source, existing, options, destinationHash, this::alreadyLinked);
    if (verdict == Verdict.SAME && leftAGroup(source, existing)) verdict = Verdict.COPY;
    boolean directory = source.type() == EntryType.DIRECTORY;
    switch (verdict) {
      case COPY -> {
        markParentChanged();
        if (directory) actions.makeDirectory(source, existing);
        else if (source.type() == EntryType.HARDLINK) actions.link(source, existing, currentTarget);
        else actions.copy(source, existing);
      }
      case SAME -> actions.same(source, existing);
      case KEEP_NEWER -> actions.keptNewer(source, existing);
      case CONFLICT -> {
        actions.conflict(source, existing);
        if (existing.type() == EntryType.DIRECTORY) skipExistingSubtree();
        if (directory) blockedPrefix = source.path() + "/";
        return;
      }
      case LEFT_OUT -> {
        if (existing != null && existing.type() == EntryType.DIRECTORY) skipExistingSubtree();
        return;
      }
      case UNSUPPORTED -> {
        actions.unsupported(source);
        if (existing != null && existing.type() == EntryType.DIRECTORY) skipExistingSubtree();
        return;
      }
    }
    if (directory) {
      open.push(new OpenDirectory(source, verdict == Verdict.SAME ? existing : null, new boolean[1]));
    }
  }

  /**
   * A name that is a file (or link) of its own at the source but shares its inode with other
   * names at the destination: unchanged, it would still change with them. It is made again, alone.
   */
  private static boolean leftAGroup(FileEntry source, FileEntry existing) {
    return (source.type() == EntryType.FILE || source.type() == EntryType.SYMLINK) && source.linkCount() == 1
        && existing.linkCount() > 1;
  }

  /** A later name as the file (or link) it is; what the source's file is shows in its size. */
  private FileEntry carrierOf(FileEntry link) {
    FileEntry first = currentTarget.first();
    return new FileEntry(link.path(), first.type(), link.size(), link.mtimeNanos(), link.mode(), first.linkTarget(),
        first.contentHash(), 1, link.owner());
  }

  /**
   * A hard link is already right when its target stays as it is in this sync and the destination
   * name is that very file; a target being replaced gets a new file, so its links are made again.
   */
  private boolean alreadyLinked(FileEntry link) {
    return currentTarget.state() == LinkTargets.State.IN_PLACE
        && sameFile.test(link.path(), currentTarget.path());
  }

  /** The destination walk already returned this directory; its children must not look extra. */
  private void skipExistingSubtree() {
    destination.skipChildren();
  }

  private void drainExtrasBefore(String sourcePath) {
    for (FileEntry extra = peekExisting();
        extra != null && (sourcePath == null || PathOrder.comparePaths(extra.path(), sourcePath) < 0);
        extra = peekExisting()) {
      existingConsumed = true;
      boolean purge = isPurged(extra);
      if (extra.type() == EntryType.DIRECTORY && !purge) {
        // An extra directory that stays is left whole: nothing inside it is judged.
        destination.skipChildren();
      }
      if (purge) markChanged(extra.parent());
      actions.extra(extra, purge);
    }
  }

  private boolean isPurged(FileEntry extra) {
    if (!options.purgesFiles()) return false;
    if (protectedFromPurge.matches(extra.path(), extra.type() == EntryType.DIRECTORY)) return false;
    boolean insideSourceDirectory = extra.parent().isEmpty() || isOpenSourceDirectory(extra.parent());
    if (insideSourceDirectory) {
      return extra.type() != EntryType.DIRECTORY || options.subvolPurge();
    }
    // Only reached inside an extra directory that SUBVOLPURGE is deleting.
    return options.subvolPurge();
  }

  private boolean isOpenSourceDirectory(String path) {
    for (OpenDirectory dir : open) {
      if (dir.source().path().equals(path)) return true;
    }
    return false;
  }

  private void markParentChanged() {
    if (open.isEmpty()) rootChanged = true;
    else open.peek().changed()[0] = true;
  }

  private void markChanged(String directory) {
    if (directory.isEmpty()) {
      rootChanged = true;
      return;
    }
    for (OpenDirectory dir : open) {
      if (dir.source().path().equals(directory)) {
        dir.changed()[0] = true;
        return;
      }
    }
  }

  private void closeDirectoriesNotContaining(String sourcePath) {
    while (!open.isEmpty()
        && (sourcePath == null || !sourcePath.startsWith(open.peek().source().path() + "/"))) {
      OpenDirectory done = open.pop();
      actions.leaveDirectory(done.source(), done.existing(), done.changed()[0]);
    }
  }

  private void checkPromises(FileEntry source) {
    String path = source.path();
    PathGuard.checkRelativePath(path);
    if (PathGuard.isReserved(path)) {
      throw new ProtocolException("refused name \"" + RawNames.display(path) + "\": reserved for setsync's own metadata");
    }
    if (previous != null) {
      int order = PathOrder.comparePaths(previous, path);
      if (order == 0) throw new ProtocolException("refused name \"" + RawNames.display(path) + "\": listed twice");
      if (order > 0) {
        throw new ProtocolException(
            "refused name \"" + RawNames.display(path) + "\": out of order after \"" + RawNames.display(previous) + "\"");
      }
    }
    String parent = source.parent();
    if (!parent.isEmpty() && !parentIsListedDirectory(parent)) {
      throw new ProtocolException(
          "refused name \"" + RawNames.display(path) + "\": its parent was not listed as a directory");
    }
    if (source.type() == EntryType.SYMLINK && source.linkTarget() == null) {
      throw new ProtocolException("refused name \"" + RawNames.display(path) + "\": symbolic link without a target");
    }
    if (source.linkCount() < 1
        || (source.linkCount() > 1 && source.type() != EntryType.FILE && source.type() != EntryType.SYMLINK)) {
      throw new ProtocolException(
          "refused name \"" + RawNames.display(path) + "\": link count " + source.linkCount() + " for a " + source.type());
    }
    currentTarget = source.type() == EntryType.HARDLINK ? linkTargets.claim(source) : null;
    linkTargets.listed(source);
    previous = path;
  }

  private boolean parentIsListedDirectory(String parent) {
    // The parent is either an open directory or beneath a blocked one (both listed earlier).
    if (blockedPrefix != null && (parent + "/").startsWith(blockedPrefix)) return true;
    for (OpenDirectory dir : open) {
      if (dir.source().path().equals(parent)) return true;
    }
    return false;
  }

  private FileEntry peekExisting() {
    if (existingConsumed) {
      nextExisting = destination.hasNext() ? destination.next() : null;
      existingConsumed = false;
      if (nextExisting != null) destinationNames++;
    }
    return nextExisting;
  }
}
