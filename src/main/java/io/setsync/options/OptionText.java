package io.setsync.options;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The command-language form of an option list, as typed at the console after the object of a
 * command and as sent to the receiver on the wire:
 *
 * <pre>PURGE, EXCLUDE "*.tmp", exclude '*.bak', MAXPURGE 10%, TIMEEXACT</pre>
 *
 * <p>Grammar: {@code text := [clause {"," clause}]}, {@code clause := KEYWORD {word}}. Keywords
 * are bare words, matched ignoring ASCII case. A value is one or more words up to the next comma
 * (several only for kinds that take them, e.g. {@code INTERVAL 2 SECONDS}; they are joined by one
 * space). A word is either
 *
 * <ul>
 *   <li>a bare word: a run of characters other than white space, commas and quote marks
 *       ({@code 10%}, {@code *.tmp}); or
 *   <li>a quoted string in double quotes {@code "..."} or single quotes {@code '...'}. Inside, the
 *       enclosing quote mark is written doubled ({@code "say ""hi"""} is {@code say "hi"}, {@code
 *       'it''s'} is {@code it's}); every other character, including the other quote mark, commas,
 *       white space, line breaks and backslashes, stands for itself. (Backslash is not an escape
 *       because globs use it as their own escape character.)
 * </ul>
 *
 * <p>A glob with a comma, space or quote mark (e.g. {@code *.{c,h}}) must therefore be quoted.
 * White space between words is any Unicode white space. Empty or blank text means no options.
 *
 * <p>Errors throw {@link OptionException} whose message names the offending word and ends with its
 * 1-based column, counted in Unicode code points: {@code unknown option "PURG" at column 1}.
 */
public final class OptionText {
  private OptionText() {}

  /**
   * One clause as written.
   *
   * @param keyword the keyword as typed (not yet looked up or upper-cased)
   * @param value the value with quotes removed, its words joined by one space; null when none was
   *     given
   * @param column 1-based column of the keyword
   * @param valueColumn 1-based column of the value's first word (of its opening quote when
   *     quoted); 0 when none
   * @param words the words of the value as written, each with its column; empty when none
   */
  public record Clause(String keyword, String value, int column, int valueColumn, List<Word> words) {

    /** One word of a value: its text (quotes removed) and 1-based column (of its opening quote). */
    public record Word(String text, int column) {}

    public Clause {
      words = List.copyOf(words);
      if ((value == null) != words.isEmpty()) {
        throw new IllegalArgumentException("a clause has a value exactly when it has words");
      }
    }

    /** A clause whose value, if any, is one word at {@code valueColumn}. */
    public Clause(String keyword, String value, int column, int valueColumn) {
      this(
          keyword,
          value,
          column,
          valueColumn,
          value == null ? List.of() : List.of(new Word(value, valueColumn)));
    }

    /** A clause whose value, if any, is taken to be at the keyword's column. */
    public Clause(String keyword, String value, int column) {
      this(keyword, value, column, value == null ? 0 : column);
    }

    /**
     * Refuses a second word in the value of an option of {@code kind} unless that kind takes
     * several ({@link ArgKind#multiWord()}); flags are left to report their value as a whole.
     *
     * @throws OptionException {@code unexpected word "x" at column N}
     */
    public void checkWordCount(ArgKind kind) {
      if (kind.takesValue() && !kind.multiWord() && words.size() > 1) {
        Word extra = words.get(1);
        throw error("unexpected word", extra.text(), extra.column());
      }
    }
  }

  private enum Kind {
    WORD,
    QUOTED,
    COMMA
  }

  /** A token: its text (value with quotes removed) and 1-based column. */
  private record Token(Kind kind, String text, int column) {}

  /** Parses an option list (standard registry); blank text gives {@link SyncOptions#DEFAULTS}. */
  public static SyncOptions parse(String text) {
    return options(clauses(text, 1), OptionRegistry.standard());
  }

  /**
   * Parses an option list that starts at column {@code firstColumn} of a longer line, so that error
   * columns refer to the whole line.
   */
  public static SyncOptions parse(String text, int firstColumn) {
    return options(clauses(text, firstColumn), OptionRegistry.standard());
  }

  /** Splits an option list into clauses without looking the keywords up. */
  public static List<Clause> clauses(String text) {
    return clauses(text, 1);
  }

  /**
   * Splits an option list into clauses without looking the keywords up, numbering columns from
   * {@code firstColumn} (the column at which {@code text} starts in the line it was cut from).
   *
   * <p>Every word after a keyword up to the next comma belongs to its value ({@code INTERVAL 2
   * SECONDS}); whether an option accepts several words is checked once it is known ({@link
   * Clause#checkWordCount}).
   *
   * @throws OptionException on an unterminated quote, a quoted keyword or a missing keyword
   *     (leading, doubled or trailing comma)
   */
  public static List<Clause> clauses(String text, int firstColumn) {
    List<Token> tokens = tokenize(text, firstColumn);
    List<Clause> clauses = new ArrayList<>();
    int i = 0;
    while (i < tokens.size()) {
      Token keyword = tokens.get(i++);
      if (keyword.kind == Kind.COMMA) {
        throw error("missing option before", ",", keyword.column);
      }
      if (keyword.kind == Kind.QUOTED) {
        throw error("expected an option name, got quoted", keyword.text, keyword.column);
      }
      List<Clause.Word> words = new ArrayList<>();
      while (i < tokens.size() && tokens.get(i).kind != Kind.COMMA) {
        Token word = tokens.get(i++);
        words.add(new Clause.Word(word.text, word.column));
      }
      clauses.add(
          words.isEmpty()
              ? new Clause(keyword.text, null, keyword.column, 0, words)
              : new Clause(
                  keyword.text,
                  String.join(" ", words.stream().map(Clause.Word::text).toList()),
                  keyword.column,
                  words.get(0).column(),
                  words));
      if (i < tokens.size()) {
        Token comma = tokens.get(i++);
        if (i == tokens.size()) {
          throw error("missing option after", ",", comma.column);
        }
      }
    }
    return clauses;
  }

  /**
   * Builds options from clauses: looks each keyword up in {@code registry}, refuses a second
   * occurrence of a non-repeatable option and a second word where the option takes one, and applies each value with {@link
   * OptionRegistry#apply}; the registry's refusals gain the column of the offending word.
   */
  public static SyncOptions options(List<Clause> clauses, OptionRegistry registry) {
    SyncOptions.Builder b = SyncOptions.builder();
    Set<String> seen = new HashSet<>();
    for (Clause clause : clauses) {
      if (isNo(clause.keyword())) {
        turnOff(b, clause, registry, seen);
        continue;
      }
      OptionSpec spec =
          registry
              .find(clause.keyword())
              .orElseThrow(() -> error("unknown option", clause.keyword(), clause.column()));
      if (!seen.add(spec.keyword()) && !spec.repeatable()) {
        throw error("option given twice:", clause.keyword(), clause.column());
      }
      clause.checkWordCount(spec.argKind());
      try {
        registry.apply(b, spec, clause.value());
      } catch (OptionException e) {
        int column = clause.value() == null ? clause.column() : clause.valueColumn();
        throw new OptionException(e.getMessage() + " at column " + column, column);
      }
    }
    return b.build();
  }

  /** Whether a clause's keyword is NO (ASCII case ignored). */
  private static boolean isNo(String keyword) {
    return keyword.equalsIgnoreCase("NO") && keyword.chars().allMatch(c -> c < 128);
  }

  /** {@code NO keyword}: turns off a flag that is on by default (ALLHARDLINKS). */
  private static void turnOff(SyncOptions.Builder b, Clause clause, OptionRegistry registry, Set<String> seen) {
    if (clause.words().isEmpty()) {
      throw error("expected an option name after", clause.keyword(), clause.column());
    }
    Clause.Word target = clause.words().get(0);
    OptionSpec spec =
        registry.find(target.text()).orElseThrow(() -> error("unknown option", target.text(), target.column()));
    if (!spec.onByDefault()) {
      throw error("NO turns off only an option that is on by default, got", target.text(), target.column());
    }
    if (clause.words().size() > 1) {
      Clause.Word extra = clause.words().get(1);
      throw error("NO " + spec.keyword() + " takes no value, got", extra.text(), extra.column());
    }
    if (!seen.add(spec.keyword())) {
      throw error("option given twice:", target.text(), target.column());
    }
    registry.applyNo(b, spec);
  }

  /** Canonical text with the standard registry; see {@link #render(SyncOptions, OptionRegistry)}. */
  public static String render(SyncOptions options) {
    return render(options, OptionRegistry.standard());
  }

  /**
   * Canonical text: options in registry order joined by ", ", TEXT values always double-quoted,
   * other values bare when they can be (several bare words for multi-word kinds), e.g. {@code
   * PURGE, EXCLUDE "*.tmp", MAXPURGE 10%, OPENUPDATE 5 MINUTES, NO ALLHARDLINKS} (a flag that is
   * on by default is written only when off, as {@code NO keyword}); empty
   * for {@link SyncOptions#DEFAULTS}. {@code parse(render(o))} equals {@code o} for every {@code o}
   * the registry can build (i.e. whose globs compile).
   */
  public static String render(SyncOptions options, OptionRegistry registry) {
    StringBuilder out = new StringBuilder();
    for (OptionSpec spec : registry.specs()) {
      for (String value : spec.values().apply(options)) {
        if (out.length() > 0) {
          out.append(", ");
        }
        if (spec.onByDefault()) {
          out.append("NO ").append(spec.keyword());
          continue;
        }
        out.append(spec.keyword());
        if (spec.valueOptional() && value.isEmpty()) {
          continue; // given without its value
        }
        if (spec.argKind() == ArgKind.TEXT) {
          out.append(' ').append(quote(value));
        } else if (spec.argKind().takesValue()) {
          boolean bare = spec.argKind().multiWord() ? isBareWords(value) : isBareWord(value);
          out.append(' ').append(bare ? value : quote(value));
        }
      }
    }
    return out.toString();
  }

  /** {@code value} in double quotes, inner double quotes doubled: {@code a"b} gives {@code "a""b"}. */
  public static String quote(String value) {
    return '"' + value.replace("\"", "\"\"") + '"';
  }

  /** Whether {@code value} can be written without quotes as one word. */
  public static boolean isBareWord(String value) {
    return !value.isEmpty() && value.codePoints().allMatch(OptionText::isWordChar);
  }

  /** Whether {@code value} is bare words separated by single spaces, so it parses back as is. */
  public static boolean isBareWords(String value) {
    for (String word : value.split(" ", -1)) {
      if (!isBareWord(word)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isWordChar(int cp) {
    return !Character.isWhitespace(cp) && cp != ',' && cp != '"' && cp != '\'';
  }

  private static List<Token> tokenize(String text, int firstColumn) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    int column = firstColumn;
    int n = text.length();
    while (i < n) {
      int cp = text.codePointAt(i);
      if (Character.isWhitespace(cp)) {
        i += Character.charCount(cp);
        column++;
      } else if (cp == ',') {
        tokens.add(new Token(Kind.COMMA, ",", column));
        i++;
        column++;
      } else if (cp == '"' || cp == '\'') {
        int start = i;
        int startColumn = column;
        StringBuilder value = new StringBuilder();
        i++;
        column++;
        while (true) {
          if (i >= n) {
            throw error("unterminated quoted value", text.substring(start), startColumn, "");
          }
          int c = text.codePointAt(i);
          i += Character.charCount(c);
          column++;
          if (c == cp) {
            if (i < n && text.charAt(i) == cp) {
              value.append((char) cp);
              i++;
              column++;
            } else {
              break;
            }
          } else {
            value.appendCodePoint(c);
          }
        }
        tokens.add(new Token(Kind.QUOTED, value.toString(), startColumn));
      } else {
        int start = i;
        int startColumn = column;
        while (i < n && isWordChar(text.codePointAt(i))) {
          i += Character.charCount(text.codePointAt(i));
          column++;
        }
        tokens.add(new Token(Kind.WORD, text.substring(start, i), startColumn));
      }
    }
    return tokens;
  }

  static OptionException error(String what, String word, int column) {
    return error(what, word, column, "\"");
  }

  private static OptionException error(String what, String word, int column, String quote) {
    return new OptionException(
        what + " " + quote + word + quote + " at column " + column, column);
  }
}
