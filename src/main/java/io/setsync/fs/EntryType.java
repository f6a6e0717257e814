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
  LEFT_OUT
}
