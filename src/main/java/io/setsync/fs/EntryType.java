package io.setsync.fs;

/** What a name in a file set is. Anything else (FIFO, socket, device) is {@link #OTHER} and never copied. */
public enum EntryType {
  FILE,
  DIRECTORY,
  SYMLINK,
  OTHER,
  /**
   * A name the source has but its options leave out (FROMOWNER): the destination keeps whatever it
   * has under that name, and never purges it for being absent from the source.
   */
  LEFT_OUT,
  /**
   * A later name of a multiply-linked source file (ALLHARDLINKS): its link target is the first
   * name of that file in the listing, an earlier {@link #FILE}, and the destination makes this name
   * a hard link to the same file instead of a copy of its own.
   */
  HARDLINK
}
