package io.setsync.fs;

/**
 * One name of a file set as the source lists it and the receiver compares it.
 *
 * @param path relative path, components separated by '/', never empty, never absolute
 * @param type what the name is
 * @param size bytes of a regular file, 0 otherwise
 * @param mtimeNanos modification time, nanoseconds since the epoch
 * @param mode POSIX permission bits (07777 mask; the scanner reads the rwx bits, 0777)
 * @param linkTarget the target of a symbolic link, exactly as stored; for a {@link
 *     EntryType#HARDLINK}, the relative path of the earlier name it links to; null for other types
 * @param contentHash hex content hash when the CHECKSUM option asks for one; null otherwise
 * @param linkCount for a {@link EntryType#FILE} or {@link EntryType#SYMLINK}, how many names it has ({@code st_nlink});
 *     only above 1 may later names follow in the listing as {@link EntryType#HARDLINK}s to it, and
 *     the receiver remembers such a file until that many names were listed. 1 for other types.
 * @param owner the name's owner and group as the side that listed it sees them; null when not read
 */
public record FileEntry(
    String path,
    EntryType type,
    long size,
    long mtimeNanos,
    int mode,
    String linkTarget,
    String contentHash,
    int linkCount,
    Owner owner) {

  /** An entry whose owner was not read. */
  public FileEntry(
      String path,
      EntryType type,
      long size,
      long mtimeNanos,
      int mode,
      String linkTarget,
      String contentHash,
      int linkCount) {
    this(path, type, size, mtimeNanos, mode, linkTarget, contentHash, linkCount, null);
  }

  /** An entry that no hard link refers to (link count 1). */
  public FileEntry(
      String path,
      EntryType type,
      long size,
      long mtimeNanos,
      int mode,
      String linkTarget,
      String contentHash) {
    this(path, type, size, mtimeNanos, mode, linkTarget, contentHash, 1, null);
  }

  public String name() {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? path : path.substring(slash + 1);
  }

  /** The parent's relative path, or "" for a name directly under the root. */
  public String parent() {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  public FileEntry withContentHash(String hash) {
    return new FileEntry(path, type, size, mtimeNanos, mode, linkTarget, hash, linkCount, owner);
  }

  /** This file, announced as the first of {@code count} names of one file. */
  public FileEntry withLinkCount(int count) {
    return new FileEntry(path, type, size, mtimeNanos, mode, linkTarget, contentHash, count, owner);
  }

  /** This name, listed as a hard link to the earlier name {@code firstName}. */
  public FileEntry asHardLinkTo(String firstName) {
    return new FileEntry(path, EntryType.HARDLINK, size, mtimeNanos, mode, firstName, null, 1, owner);
  }

  /** This entry with another owner. */
  public FileEntry withOwner(Owner newOwner) {
    return new FileEntry(path, type, size, mtimeNanos, mode, linkTarget, contentHash, linkCount, newOwner);
  }

  /** This entry under another path (the root's entry is listed as ""). */
  public FileEntry withPath(String newPath) {
    return new FileEntry(newPath, type, size, mtimeNanos, mode, linkTarget, contentHash, linkCount, owner);
  }
}
