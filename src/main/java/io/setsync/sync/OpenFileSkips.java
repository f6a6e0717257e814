package io.setsync.sync;

/**
 * The words of the warning a destination sends for a file the source would not send because a
 * program had it open for writing: the source gives the reason, the destination says it did not
 * copy the file. Kept here, so the metric that counts such files reads what both ends write.
 */
public final class OpenFileSkips {

  private OpenFileSkips() {}

  /** How the source's reason begins (then who holds the file). */
  public static final String REASON = "open for writing by ";

  /** How the destination's warning for a file it did not get begins (then the source's reason). */
  public static final String NOT_COPIED = "not copied: ";

  /** Whether a destination warning is one of these. */
  public static boolean isOne(String warning) {
    return warning.startsWith(NOT_COPIED + REASON);
  }
}
