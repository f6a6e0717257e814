package io.setsync.sync;

/**
 * Something one side of a sync says about a name (or about the whole sync, with an empty path):
 * what the log, the console and TRIGGER see. The wire carries the destination's notices as
 * frames; this is what they become at the source, next to the source's own.
 */
public record SyncNotice(Side side, Kind kind, String path, String text) {

  /** Which end of the sync said it. */
  public enum Side { SOURCE, DESTINATION }

  public enum Kind {
    WOULD_COPY,
    WOULD_PURGE,
    PURGED,
    WARNING,
    ERROR,
    /** A name was created or replaced; said only when a TRIGGER wants the list. */
    COPIED
  }

  public SyncNotice {
    if (side == null || kind == null || path == null || text == null) {
      throw new IllegalArgumentException("a notice needs a side, a kind, a path and a text");
    }
  }

  public static SyncNotice sourceWarning(String path, String text) {
    return new SyncNotice(Side.SOURCE, Kind.WARNING, path, text);
  }

  /** The notice as one line of text: where (side and path), then what. */
  public String describe() {
    String where = side == Side.SOURCE ? "source: " : "";
    return path.isEmpty() ? where + text : where + path + ": " + text;
  }
}
