package io.setsync.console;

/** A peer's text made fit for one log line: control characters escaped, at most 200 characters. */
final class LogText {

  static final int MAX = 200;

  private LogText() {}

  static String clean(String text) {
    if (text == null) return "";
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() < MAX; i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) out.append(String.format("\\u%04x", (int) c));
      else out.append(c);
    }
    return out.length() >= MAX && text.length() > MAX ? out + "..." : out.toString();
  }
}
