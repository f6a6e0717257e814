package io.setsync.options;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * One synchronization option, described once for every front end: the command line ({@link
 * #cliName()}), the console command language and the wire ({@link #keyword()}), and help text.
 *
 * <p>Use the factories {@link #flag}, {@link #defaultOnFlag}, {@link #text}, {@link #of} and {@link #optionalValue}; adding an option means adding
 * one such entry to {@link OptionRegistry#standard()} (plus its component in {@link SyncOptions}).
 *
 * @param keyword AutoSYNC name, upper-case ASCII letters, e.g. "EXCLUDE"
 * @param argKind what follows the keyword
 * @param repeatable whether the option may be given more than once (values accumulate)
 * @param argLabel label of the value for help ("GLOB", "N|N%"); null for {@link ArgKind#NONE}
 * @param description one line for --help and HELP
 * @param valueCheck extra validation of a value beyond {@link ArgKind}'s: returns what is wrong
 *     (without quoting the value) or null when fine; may itself be null for no extra check
 * @param applier applies one already-validated occurrence to a builder; the value is null for
 *     {@link ArgKind#NONE}
 * @param values the occurrences of this option in a {@link SyncOptions}, in order, as value text;
 *     empty when the option is absent. For {@link ArgKind#NONE} options: one element (ignored,
 *     by convention the empty string) when the flag is set. For an option with an optional value:
 *     the empty string stands for an occurrence without a value.
 * @param valueOptional whether the option may also be given without its value ({@code OPENUPDATE}
 *     or {@code OPENUPDATE 5 MINUTES}); the applier then receives null
 * @param turnOff for a flag that is on by default ({@link #defaultOnFlag}): what {@code NO keyword}
 *     does, the one way to say anything with it; null for every other option. Its {@code values}
 *     then hold one element when the flag is off, written {@code NO keyword}
 */
public record OptionSpec(
    String keyword,
    ArgKind argKind,
    boolean repeatable,
    String argLabel,
    String description,
    UnaryOperator<String> valueCheck,
    BiConsumer<SyncOptions.Builder, String> applier,
    Function<SyncOptions, List<String>> values,
    boolean valueOptional,
    Consumer<SyncOptions.Builder> turnOff) {

  public OptionSpec {
    Objects.requireNonNull(keyword, "keyword");
    Objects.requireNonNull(argKind, "argKind");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(applier, "applier");
    Objects.requireNonNull(values, "values");
    if (!keyword.matches("[A-Z][A-Z0-9]*")) {
      throw new IllegalArgumentException("keyword must be upper-case ASCII: " + keyword);
    }
    if (argKind.takesValue() == (argLabel == null)) {
      throw new IllegalArgumentException(
          keyword + ": argLabel must be given exactly when the option takes a value");
    }
    if (!argKind.takesValue() && repeatable) {
      throw new IllegalArgumentException(keyword + ": a flag cannot be repeatable");
    }
    if (valueOptional && !argKind.takesValue()) {
      throw new IllegalArgumentException(keyword + ": a flag cannot have an optional value");
    }
    if (description.contains("\n")) {
      throw new IllegalArgumentException(keyword + ": description must be one line");
    }
    if (turnOff != null && argKind.takesValue()) {
      throw new IllegalArgumentException(keyword + ": only a flag can be on by default");
    }
  }

  /** An option that is off (or absent) by default. */
  public OptionSpec(
      String keyword,
      ArgKind argKind,
      boolean repeatable,
      String argLabel,
      String description,
      UnaryOperator<String> valueCheck,
      BiConsumer<SyncOptions.Builder, String> applier,
      Function<SyncOptions, List<String>> values,
      boolean valueOptional) {
    this(keyword, argKind, repeatable, argLabel, description, valueCheck, applier, values, valueOptional, null);
  }

  /** An option whose value is required (or absent, for {@link ArgKind#NONE}). */
  public OptionSpec(
      String keyword,
      ArgKind argKind,
      boolean repeatable,
      String argLabel,
      String description,
      UnaryOperator<String> valueCheck,
      BiConsumer<SyncOptions.Builder, String> applier,
      Function<SyncOptions, List<String>> values) {
    this(keyword, argKind, repeatable, argLabel, description, valueCheck, applier, values, false);
  }

  /** A flag (no value) that {@code set} turns on and {@code isSet} reads back. */
  public static OptionSpec flag(
      String keyword,
      String description,
      Consumer<SyncOptions.Builder> set,
      Predicate<SyncOptions> isSet) {
    return new OptionSpec(
        keyword,
        ArgKind.NONE,
        false,
        null,
        description,
        null,
        (b, v) -> set.accept(b),
        o -> isSet.test(o) ? List.of("") : List.of());
  }

  /**
   * A flag that is on unless {@code NO keyword} turns it off ({@code ALLHARDLINKS}): {@code set}
   * switches it, {@code isOn} reads it back. The keyword alone is accepted and changes nothing.
   */
  public static OptionSpec defaultOnFlag(
      String keyword,
      String description,
      BiConsumer<SyncOptions.Builder, Boolean> set,
      Predicate<SyncOptions> isOn) {
    return new OptionSpec(
        keyword,
        ArgKind.NONE,
        false,
        null,
        description,
        null,
        (b, v) -> set.accept(b, true),
        o -> isOn.test(o) ? List.of() : List.of(""),
        false,
        b -> set.accept(b, false));
  }

  /** Whether this is a flag that is on by default, turned off by {@code NO keyword}. */
  public boolean onByDefault() {
    return turnOff != null;
  }

  /** A free-text option; when repeatable, {@code add} is called once per occurrence. */
  public static OptionSpec text(
      String keyword,
      String argLabel,
      boolean repeatable,
      String description,
      UnaryOperator<String> valueCheck,
      BiConsumer<SyncOptions.Builder, String> add,
      Function<SyncOptions, List<String>> values) {
    return new OptionSpec(
        keyword, ArgKind.TEXT, repeatable, argLabel, description, valueCheck, add, values);
  }

  /** Any option, spelled out in full. */
  public static OptionSpec of(
      String keyword,
      ArgKind argKind,
      boolean repeatable,
      String argLabel,
      String description,
      UnaryOperator<String> valueCheck,
      BiConsumer<SyncOptions.Builder, String> applier,
      Function<SyncOptions, List<String>> values) {
    return new OptionSpec(
        keyword, argKind, repeatable, argLabel, description, valueCheck, applier, values);
  }

  /**
   * An option that may be given with or without its value, e.g. {@code OPENUPDATE [N UNIT]}: the
   * applier receives null for a bare occurrence, and {@code values} reports such an occurrence as
   * the empty string.
   */
  public static OptionSpec optionalValue(
      String keyword,
      ArgKind argKind,
      boolean repeatable,
      String argLabel,
      String description,
      UnaryOperator<String> valueCheck,
      BiConsumer<SyncOptions.Builder, String> applier,
      Function<SyncOptions, List<String>> values) {
    return new OptionSpec(
        keyword, argKind, repeatable, argLabel, description, valueCheck, applier, values, true);
  }

  /**
   * The command-line name: "--" and the lower-case keyword, e.g. "--excludepurge"; for a flag on
   * by default the one that turns it off, e.g. "--no-allhardlinks".
   */
  public String cliName() {
    return (onByDefault() ? "--no-" : "--") + keyword.toLowerCase(Locale.ROOT);
  }

  /**
   * The command-language synopsis for help, e.g. "EXCLUDE GLOB", "PURGE" or "OPENUPDATE [N UNIT]".
   */
  public String synopsis() {
    if (onByDefault()) {
      return "[NO] " + keyword;
    }
    if (argLabel == null) {
      return keyword;
    }
    return valueOptional ? keyword + " [" + argLabel + "]" : keyword + " " + argLabel;
  }

  /** What is wrong with {@code value} for this option (not quoting it), or null when fine. */
  public String problem(String value) {
    String problem = argKind.problem(value);
    if (problem == null && valueCheck != null) {
      problem = valueCheck.apply(value);
    }
    return problem;
  }

  @Override
  public String toString() {
    return "OptionSpec[" + synopsis() + "]";
  }
}
