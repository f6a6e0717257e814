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

  // The refused name may itself contain control characters or bytes that are not UTF-8, or be
  // huge; keep log lines readable.
  private static String printable(String path) {
    String shown = RawNames.display(path.length() > 200 ? path.substring(0, 200) : path);
    return "\"" + shown + (path.length() > 200 ? "..." : "") + "\"";
  }
}
