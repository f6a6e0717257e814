package io.setsync.fs;

import java.util.HashMap;
import java.util.Map;

/**
 * Finds the names of a file set that are hard links to a file already listed (ALLHARDLINKS).
 *
 * <p>The listing is sorted, so "the first name" of a file is the first in listing order; it is
 * sent as an ordinary file and carries the data. Every later name of the same (device, inode) is
 * listed as a hard link whose link target is that first name's relative path; the
 * receiver makes it a link to the first name once the first name's data is in place.
 *
 * <p>Only files with more than one link are remembered, and each is forgotten as soon as all its
 * links have been seen, so memory follows the number of multiply-linked files whose other names
 * are still ahead (or outside the set), not the size of the set. Feed it only names that pass the
 * filters (EXCLUDE, FROMOWNER): an excluded first name then simply leaves the next one first.
 */
public final class HardLinks {

  private record Pending(String firstPath, int remaining) {}

  private final Map<Object, Pending> pending = new HashMap<>();

  /**
   * The relative path of an earlier name of the same file, or null when {@code path} is its
   * first name in this listing.
   *
   * @param key the file's identity, (device, inode): {@link Walk#fileKey()}, or any value with
   *     equals that tells files apart, such as {@link OpenFiles.FileKey}
   * @param linkCount its {@code st_nlink}; 1 means no other name exists and nothing is remembered
   * @param path its relative path in the listing
   */
  public String earlierName(Object key, int linkCount, String path) {
    if (linkCount <= 1) return null;
    Pending p = pending.get(key);
    if (p == null) {
      pending.put(key, new Pending(path, linkCount - 1));
      return null;
    }
    if (p.remaining() <= 1) pending.remove(key);
    else pending.put(key, new Pending(p.firstPath(), p.remaining() - 1));
    return p.firstPath();
  }

  /** How many files are remembered, waiting for more of their names. */
  public int remembered() {
    return pending.size();
  }
}
