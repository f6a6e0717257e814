package io.setsync.fs;

import java.io.Closeable;
import java.util.Iterator;

/** A sorted walk of a tree ({@link PathOrder}), as the merge-join consumes it. */
public interface Walk extends Iterator<FileEntry>, Closeable {

  /** Do not yield the children of the directory most recently returned by {@link #next}. */
  void skipChildren();

  /**
   * The identity (device, inode) of the regular file most recently returned by {@link #next}, for
   * telling hard links apart; null for other types or when unknown.
   */
  Object fileKey();

  /** Drops the rest of the walk; never fails. */
  @Override
  void close();
}
