package io.setsync.fs;

/** A relative path received from the other side that must not be used as a file name here. */
public final class UnsafeNameException extends RuntimeException {

  private final String path;

  public UnsafeNameException(String path, String reason) {
    super("unsafe name " + printable(path) + ": " + reason);
    this.path = path;
  }

  /** The refused path, as received. */
  public String path() {
    return path;
  }

  // The refused name may itself contain control characters or be huge; keep log lines readable.
  private static String printable(String path) {
    StringBuilder out = new StringBuilder("\"");
    int limit = Math.min(path.length(), 200);
    for (int i = 0; i < limit; i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (limit < path.length()) {
      out.append("...");
    }
    return out.append('"').toString();
  }
}
