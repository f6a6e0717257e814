package io.setsync.options;

/**
 * The SECURE option's value: the nine permission characters of {@code ls -l}, e.g. {@code
 * rwxr-x---}, or the same as three octal digits ({@code 750}). Only the rwx bits: setuid, setgid
 * and sticky come from KEEPSECURITY.
 */
public final class SecureMode {

  private static final String LETTERS = "rwxrwxrwx";
  private static final String[] WHO = {"owner", "group", "others"};

  private SecureMode() {}

  /** What is wrong with {@code text} (not quoting it), or null when it is a valid mode. */
  public static String problem(String text) {
    if (text.matches("[0-7]{3}")) return null;
    if (text.length() != 9) {
      return "expected nine characters like rwxr-x--- or three octal digits like 750, got "
          + text.length()
          + " characters";
    }
    for (int i = 0; i < 9; i++) {
      char c = text.charAt(i);
      char letter = LETTERS.charAt(i);
      if (c != letter && c != '-') {
        return "character "
            + (i + 1)
            + " ("
            + WHO[i / 3]
            + ") must be '"
            + letter
            + "' or '-', got '"
            + c
            + "'";
      }
    }
    return null;
  }

  /**
   * The permission bits (0 to 0777) of a valid mode.
   *
   * @throws OptionException when {@code text} is not one
   */
  public static int bits(String text) {
    String problem = problem(text);
    if (problem != null) {
      throw new OptionException("bad SECURE mode \"" + text + "\": " + problem);
    }
    if (text.length() == 3) return Integer.parseInt(text, 8);
    int bits = 0;
    for (int i = 0; i < 9; i++) {
      if (text.charAt(i) != '-') bits |= 1 << (8 - i);
    }
    return bits;
  }

  /** The nine-character form of permission bits: 0750 gives {@code rwxr-x---}. */
  public static String symbolic(int bits) {
    StringBuilder out = new StringBuilder(9);
    for (int i = 0; i < 9; i++) {
      out.append((bits & (1 << (8 - i))) != 0 ? LETTERS.charAt(i) : '-');
    }
    return out.toString();
  }

  /** The canonical (nine-character) form of a valid mode; octal input is converted. */
  public static String canonical(String text) {
    return symbolic(bits(text));
  }
}
