package io.setsync.transfer;

/**
 * Text a peer chose, made fit for one log line: control characters (a newline would start a forged
 * line) and other invisible ones are escaped, and what is longer than {@link #MAX_CHARS} is cut,
 * saying how much was cut, so a megabyte of destination name costs a line, not a megabyte.
 */
public final class PeerText {

  /** Most characters of peer text in one log line. */
  public static final int MAX_CHARS = 200;

  private PeerText() {}

  /** {@code text} escaped and truncated; "null" for null. */
  public static String of(Object text) {
    if (text == null) return "null";
    String s = text.toString();
    int shown = Math.min(s.length(), MAX_CHARS);
    StringBuilder out = new StringBuilder(shown + 24);
    for (int i = 0; i < shown; i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        out.append("\\\\");
      } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029'
          || Character.getType(c) == Character.FORMAT) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (s.length() > shown) out.append("...(").append(s.length() - shown).append(" more chars)");
    return out.toString();
  }
}
