package io.setsync.fs;

/**
 * One name of a file set as the source lists it and the receiver compares it.
 *
 * @param path relative path, components separated by '/', never empty, never absolute
 * @param type what the name is
 * @param size bytes of a regular file, 0 otherwise
 * @param mtimeNanos modification time, nanoseconds since the epoch
 * @param mode POSIX permission bits (07777 mask; the scanner reads the rwx bits, 0777)
 * @param linkTarget the target of a symbolic link, exactly as stored; null for other types
 * @param contentHash hex content hash when the CHECKSUM option asks for one; null otherwise
 */
public record FileEntry(
    String path,
    EntryType type,
    long size,
    long mtimeNanos,
    int mode,
    String linkTarget,
    String contentHash) {

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
    return new FileEntry(path, type, size, mtimeNanos, mode, linkTarget, hash);
  }
}
