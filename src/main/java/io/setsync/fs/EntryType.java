package io.setsync.fs;

/** What a name in a file set is. Anything else (FIFO, socket, device) is {@link #OTHER} and never copied. */
public enum EntryType {
  FILE,
  DIRECTORY,
  SYMLINK,
  OTHER
}
