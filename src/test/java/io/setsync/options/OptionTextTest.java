package io.setsync.options;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.setsync.options.OptionText.Clause;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.Test;

public class OptionTextTest {

  private static void assertError(String text, String message) {
    OptionException e = assertThrows(text, OptionException.class, () -> OptionText.parse(text));
    assertEquals(text, message, e.getMessage());
  }

  @Test
  public void emptyTextIsDefaults() {
    assertEquals(SyncOptions.DEFAULTS, OptionText.parse(""));
    assertEquals(SyncOptions.DEFAULTS, OptionText.parse("  \t\n "));
    assertEquals("", OptionText.render(SyncOptions.DEFAULTS));
    assertEquals(List.of(), OptionText.clauses(""));
  }

  @Test
  public void aFlagOnByDefaultIsWrittenOnlyWhenTurnedOff() {
    assertTrue(SyncOptions.DEFAULTS.allHardLinks());
    SyncOptions off = OptionText.parse("PURGE, no AllHardLinks");
    assertFalse(off.allHardLinks());
    assertTrue(off.purge());
    assertEquals("PURGE, NO ALLHARDLINKS", OptionText.render(off));
    assertEquals(off, OptionText.parse(OptionText.render(off)));
    assertEquals("saying it is on changes nothing", SyncOptions.DEFAULTS, OptionText.parse("ALLHARDLINKS"));
    assertError("NO PURGE", "NO turns off only an option that is on by default, got \"PURGE\" at column 4");
    assertError("NO", "expected an option name after \"NO\" at column 1");
    assertError("NO FROB", "unknown option \"FROB\" at column 4");
    assertError("NO ALLHARDLINKS x", "NO ALLHARDLINKS takes no value, got \"x\" at column 17");
    assertError("ALLHARDLINKS, NO ALLHARDLINKS", "option given twice: \"ALLHARDLINKS\" at column 18");
    assertError("ALLHARDLINKS x", "option ALLHARDLINKS takes no value, got \"x\" at column 14");
  }

  @Test
  public void parsesTheExample() {
    SyncOptions o =
        OptionText.parse("PURGE, EXCLUDE \"*.tmp\", exclude '*.bak', MAXPURGE 10%, TIMEEXACT");
    SyncOptions expected =
        SyncOptions.builder()
            .purge(true)
            .addExclude("*.tmp")
            .addExclude("*.bak")
            .maxPurge(new MaxPurge(10, true))
            .timeExact(true)
            .build();
    assertEquals(expected, o);
    assertEquals(
        "PURGE, EXCLUDE \"*.tmp\", EXCLUDE \"*.bak\", TIMEEXACT, MAXPURGE 10%",
        OptionText.render(o));
  }

  @Test
  public void parsesEveryOption() {
    SyncOptions o =
        OptionText.parse(
            "purge,SubVolPurge , exclude *.o,excludepurge \"keep/**\", timeexact, checksum,"
                + " report, maxpurge 0");
    assertEquals(
        SyncOptions.builder()
            .purge(true)
            .subvolPurge(true)
            .addExclude("*.o")
            .addExcludePurge("keep/**")
            .timeExact(true)
            .checksum(true)
            .report(true)
            .maxPurge(new MaxPurge(0, false))
            .build(),
        o);
  }

  @Test
  public void compressAndMaxRate() {
    SyncOptions o = OptionText.parse("compress, maxrate 10");
    assertEquals(true, o.compress());
    assertEquals(10, o.maxRateMb());
    // MB is MAXRATE's one unit: a bare number means MB, and the canonical text names it.
    assertEquals("COMPRESS, MAXRATE 10 MB", OptionText.render(o));
    assertEquals(o, OptionText.parse("COMPRESS, MAXRATE 10 MB"));
    assertEquals(o, OptionText.parse(OptionText.render(o)));
    assertEquals(25, OptionText.parse("MAXRATE 25MB").maxRateMb());
    for (String bad : new String[] {"MAXRATE 0", "MAXRATE -1", "MAXRATE ten", "MAXRATE 1.5", "MAXRATE 99999999"}) {
      try {
        OptionText.parse(bad);
        org.junit.Assert.fail("accepted " + bad);
      } catch (OptionException e) {
        org.junit.Assert.assertTrue(e.getMessage(), e.getMessage().contains("MAXRATE"));
      }
    }
  }

  @Test
  public void rateIsAShareOfTheLinkBesideMaxRate() {
    SyncOptions o = OptionText.parse("rate 25%, MAXRATE 3 MB");
    assertEquals(25, o.ratePercent());
    assertEquals("MAXRATE 3 MB, RATE 25%", OptionText.render(o));
    assertEquals(o, OptionText.parse(OptionText.render(o)));
    assertEquals("the lower limit wins", 1_000_000, o.rateLimitBytesPerSecond(4_000_000));
    assertEquals(3L << 20, o.rateLimitBytesPerSecond(100_000_000));
    assertEquals(500_000, OptionText.parse("RATE 50%").rateLimitBytesPerSecond(1_000_000));
    assertEquals(0, SyncOptions.DEFAULTS.rateLimitBytesPerSecond(1_000_000));
    assertTrue(OptionText.parse("RATE 1%").throttled());
    for (String bad : new String[] {"RATE 0%", "RATE 101%", "RATE 50", "RATE ten%", "RATE 5.5%", "RATE -5%"}) {
      try {
        OptionText.parse(bad);
        org.junit.Assert.fail("accepted " + bad);
      } catch (OptionException e) {
        assertTrue(e.getMessage(), e.getMessage().contains("option RATE got bad value"));
        assertTrue(e.getMessage(), e.getMessage().contains("from 1% to 100%"));
      }
    }
  }

  @Test
  public void rendersCanonically() {
    SyncOptions o =
        SyncOptions.builder().purge(true).addExclude("*.tmp").maxPurge(MaxPurge.parse("10%")).build();
    assertEquals("PURGE, EXCLUDE \"*.tmp\", MAXPURGE 10%", OptionText.render(o));
    SyncOptions odd = SyncOptions.builder().addExcludePurge("say \"hi\", it's").build();
    assertEquals("EXCLUDEPURGE \"say \"\"hi\"\", it's\"", OptionText.render(odd));
  }

  @Test
  public void quotingRules() {
    assertEquals(List.of("a\"b"), OptionText.parse("EXCLUDE \"a\"\"b\"").excludes());
    assertEquals(List.of("it's"), OptionText.parse("EXCLUDE 'it''s'").excludes());
    assertEquals(List.of("a'b"), OptionText.parse("EXCLUDE \"a'b\"").excludes());
    assertEquals(List.of("a\"b"), OptionText.parse("EXCLUDE 'a\"b'").excludes());
    assertEquals(List.of("\\*"), OptionText.parse("EXCLUDE \"\\*\"").excludes()); // no escapes
    assertEquals(List.of("\\*"), OptionText.parse("EXCLUDE \\*").excludes());
    assertEquals(List.of("*.{c,h}"), OptionText.parse("EXCLUDE '*.{c,h}'").excludes());
    assertEquals(List.of(" a ,\n"), OptionText.parse("EXCLUDE \" a ,\n\"").excludes());
    assertEquals(List.of(""), OptionText.parse("EXCLUDE \"\"").excludes());
    assertEquals(List.of("\""), OptionText.parse("EXCLUDE \"\"\"\"").excludes());
    assertEquals(new MaxPurge(5, true), OptionText.parse("MAXPURGE '5%'").maxPurge());
  }

  @Test
  public void clausesKeepKeywordsAsWrittenWithColumns() {
    assertEquals(
        List.of(
            new Clause("purge", null, 1, 0),
            new Clause("Exclude", "a b", 8, 16),
            new Clause("FOO", "x", 23, 27)),
        OptionText.clauses("purge, Exclude 'a b', FOO x"));
    assertEquals(
        List.of(new Clause("PURGE", null, 21, 0), new Clause("MAXPURGE", "1", 28, 37)),
        OptionText.clauses("PURGE, MAXPURGE 1", 21));
    assertEquals(new Clause("K", "v", 3, 3), new Clause("K", "v", 3));
  }

  @Test
  public void unknownOption() {
    assertError("PURG", "unknown option \"PURG\" at column 1");
    assertError("PURGE, --exclude x", "unknown option \"--exclude\" at column 8");
    assertError("EXCLUDE \"日本😀\", PURG", "unknown option \"PURG\" at column 16"); // code points
  }

  @Test
  public void missingValue() {
    assertError("EXCLUDE", "option EXCLUDE needs a value GLOB at column 1");
    assertError("PURGE, exclude, REPORT", "option EXCLUDE needs a value GLOB at column 8");
    assertError("MAXPURGE", "option MAXPURGE needs a value N|N% at column 1");
  }

  @Test
  public void valueOnAFlag() {
    assertError("PURGE yes", "option PURGE takes no value, got \"yes\" at column 7");
    assertError("PURGE TIMEEXACT", "option PURGE takes no value, got \"TIMEEXACT\" at column 7");
    assertError("REPORT \"\"", "option REPORT takes no value, got \"\" at column 8");
  }

  @Test
  public void extraWord() {
    assertError("EXCLUDE a b", "unexpected word \"b\" at column 11");
    assertError("PURGE, EXCLUDE \"a\"b", "unexpected word \"b\" at column 19");
    assertError("MAXPURGE 10 %", "unexpected word \"%\" at column 13");
    assertError("EXCLUDE a 'b c'", "unexpected word \"b c\" at column 11");
  }

  @Test
  public void unterminatedQuote() {
    assertError("PURGE, EXCLUDE \"*.tmp", "unterminated quoted value \"*.tmp at column 16");
    assertError("EXCLUDE 'it''s", "unterminated quoted value 'it''s at column 9");
    assertError("EXCLUDE \"a\"\"", "unterminated quoted value \"a\"\" at column 9");
  }

  @Test
  public void commas() {
    assertError("PURGE,", "missing option after \",\" at column 6");
    assertError("PURGE, REPORT ,  ", "missing option after \",\" at column 15");
    assertError(", PURGE", "missing option before \",\" at column 1");
    assertError("PURGE,, REPORT", "missing option before \",\" at column 7");
    assertError(",", "missing option before \",\" at column 1");
  }

  @Test
  public void quotedKeyword() {
    assertError("\"PURGE\"", "expected an option name, got quoted \"PURGE\" at column 1");
  }

  @Test
  public void badValues() {
    assertError(
        "PURGE, MAXPURGE 10x",
        "option MAXPURGE got bad value \"10x\" (expected N or N%, N a whole number) at column 17");
    assertError(
        "MAXPURGE 101%",
        "option MAXPURGE got bad value \"101%\" (a percentage must be at most 100) at column 10");
    OptionException e =
        assertThrows(OptionException.class, () -> OptionText.parse("EXCLUDE 'x', EXCLUDE '[a'"));
    assertEquals(true, e.getMessage().startsWith("option EXCLUDE got bad value \"[a\" (bad glob: "));
    assertEquals(true, e.getMessage().endsWith(") at column 22"));
  }

  @Test
  public void nonRepeatableOptionTwice() {
    assertError("MAXPURGE 1, maxpurge 2", "option given twice: \"maxpurge\" at column 13");
    assertError("PURGE, REPORT, PURGE", "option given twice: \"PURGE\" at column 16");
    assertEquals(
        List.of("a", "b"), OptionText.parse("EXCLUDEPURGE a, EXCLUDEPURGE b").excludePurges());
  }

  @Test
  public void columnsCanBeOffsetIntoALongerLine() {
    OptionException e =
        assertThrows(OptionException.class, () -> OptionText.parse("PURGE, PURG", 30));
    assertEquals("unknown option \"PURG\" at column 37", e.getMessage());
  }

  // ---- round trip property ----

  private static final String[] PIECES = {
    "a", "b", "Z", "0", "9", "*", "**", "?", ".", "/", "-", "_", " ", "  ", "\t", "\n", ",", "\"",
    "\"\"", "'", "''", "é", "ü", "日本", "😀", "\u00a0", "\u2028", "%", "\\*", "\\\\", "{a,b}",
    "[abc]", "[!x]", "MAXPURGE", "PURGE", "#", ";", "="
  };

  private static String randomGlob(Random random) {
    while (true) {
      StringBuilder sb = new StringBuilder();
      int length = random.nextInt(8);
      for (int i = 0; i < length; i++) {
        sb.append(PIECES[random.nextInt(PIECES.length)]);
      }
      String glob = sb.toString();
      if (Globs.problem(glob) == null) {
        return glob;
      }
    }
  }

  private static List<String> randomGlobs(Random random) {
    List<String> globs = new ArrayList<>();
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      globs.add(randomGlob(random));
    }
    return globs;
  }

  private static SyncOptions randomOptions(Random random) {
    MaxPurge max =
        switch (random.nextInt(4)) {
          case 0 -> null;
          case 1 -> new MaxPurge(random.nextInt(101), true);
          case 2 -> new MaxPurge(random.nextInt(1000), false);
          default -> new MaxPurge(random.nextLong() & Long.MAX_VALUE, false);
        };
    String[] names = {null, "root", "www-data", "1001"};
    return SyncOptions.builder()
        .purge(random.nextBoolean())
        .subvolPurge(random.nextBoolean())
        .excludes(randomGlobs(random))
        .excludePurges(randomGlobs(random))
        .timeExact(random.nextBoolean())
        .checksum(random.nextBoolean())
        .report(random.nextBoolean())
        .maxPurge(max)
        .openUpdate(
            random.nextBoolean(),
            random.nextBoolean() ? null : java.time.Duration.ofSeconds(random.nextInt(100000)))
        .unprotected(random.nextBoolean())
        .renameOpen(random.nextBoolean())
        .secure(random.nextBoolean() ? null : SecureMode.symbolic(random.nextInt(0777 + 1)))
        .keepSecurity(random.nextBoolean())
        .owner(names[random.nextInt(names.length)])
        .ownerGroup(names[random.nextInt(names.length)])
        .fromOwner(names[random.nextInt(names.length)])
        .trigger(random.nextBoolean() ? null : "echo \"$1\", 'done' " + randomGlob(random))
        .allHardLinks(random.nextBoolean())
        .compress(random.nextBoolean())
        .maxRateMb(random.nextBoolean() ? 0 : 1 + random.nextInt(1000))
        .ratePercent(random.nextBoolean() ? 0 : 1 + random.nextInt(100))
        .build();
  }

  @Test
  public void renderThenParseIsIdentity() {
    Random random = new Random(20240611L);
    for (int i = 0; i < 5000; i++) {
      SyncOptions o = randomOptions(random);
      String text = OptionText.render(o);
      assertEquals(text, o, OptionText.parse(text));
      assertEquals("render is canonical", text, OptionText.render(OptionText.parse(text)));
    }
  }

  @Test
  public void roundTripOfHandPickedEdgeCases() {
    List<String> globs =
        List.of("", "\"", "'", "\"\"", "''", ",", ", ", " ", "a b", "\"*.tmp\"", "it's \"x\", y",
            "😀", "\\", "\\\\", "MAXPURGE 10%", "a\r\nb");
    for (String g : globs) {
      if (Globs.problem(g) != null) {
        continue;
      }
      SyncOptions o =
          SyncOptions.builder().addExclude(g).addExcludePurge(g).maxPurge(MaxPurge.ALL).build();
      assertEquals(g, o, OptionText.parse(OptionText.render(o)));
    }
  }

  // ---- multi-word values, DURATION, TIME_OF_DAY, WORDS, optional values ----

  /**
   * A registry exercising the newer kinds; the values are recorded as text in the glob lists so
   * the test can read them back (INTERVAL and START in excludes, OPENUPDATE and MAXRATE in
   * excludePurges).
   */
  private static final OptionRegistry KINDS =
      OptionRegistry.of(
          List.of(
              OptionSpec.flag("PURGE", "purge", b -> b.purge(true), SyncOptions::purge),
              OptionSpec.of(
                  "INTERVAL",
                  ArgKind.DURATION,
                  false,
                  "N UNIT",
                  "interval",
                  null,
                  (b, v) -> b.addExclude("I" + Durations.render(Durations.parse(v))),
                  o -> values(o.excludes(), "I")),
              OptionSpec.of(
                  "START",
                  ArgKind.TIME_OF_DAY,
                  false,
                  "hh:mm",
                  "start",
                  null,
                  (b, v) -> b.addExclude("S" + TimesOfDay.render(TimesOfDay.parse(v))),
                  o -> values(o.excludes(), "S")),
              OptionSpec.optionalValue(
                  "OPENUPDATE",
                  ArgKind.DURATION,
                  false,
                  "N UNIT",
                  "open update",
                  null,
                  (b, v) -> b.addExcludePurge("O" + (v == null ? "" : Durations.renderShort(Durations.parse(v)))),
                  o -> values(o.excludePurges(), "O").stream()
                      .map(v -> v.isEmpty() ? v : Durations.render(Durations.parse(v)))
                      .toList()),
              OptionSpec.of(
                  "MAXRATE",
                  ArgKind.WORDS,
                  true,
                  "N KB|MB",
                  "rate",
                  v -> v.matches("[0-9]+ (KB|MB)") ? null : "expected N KB or N MB",
                  (b, v) -> b.addExcludePurge("R" + v),
                  o -> values(o.excludePurges(), "R"))));

  private static List<String> values(List<String> recorded, String prefix) {
    return recorded.stream()
        .filter(v -> v.startsWith(prefix))
        .map(v -> v.substring(prefix.length()))
        .toList();
  }

  private static SyncOptions kinds(String text) {
    return OptionText.options(OptionText.clauses(text), KINDS);
  }

  private static void assertKindsError(String text, String message) {
    OptionException e = assertThrows(text, OptionException.class, () -> kinds(text));
    assertEquals(text, message, e.getMessage());
  }

  @Test
  public void multiWordValuesAreJoinedWithOneSpaceAndKeepTheFirstWordsColumn() {
    assertEquals(
        List.of(
            new Clause(
                "INTERVAL",
                "2 SECONDS",
                1,
                10,
                List.of(new Clause.Word("2", 10), new Clause.Word("SECONDS", 14))),
            new Clause("PURGE", null, 23, 0)),
        OptionText.clauses("INTERVAL 2   SECONDS, PURGE"));
    assertEquals("10 MB", OptionText.clauses("MAXRATE\t10\nMB").get(0).value());
    assertEquals("a b c", OptionText.clauses("X 'a' \"b\" c").get(0).value());
  }

  @Test
  public void durations() {
    assertEquals(List.of("I2 SECONDS"), kinds("INTERVAL 2 SECONDS").excludes());
    assertEquals(List.of("I5 MINUTES"), kinds("interval 5m").excludes());
    assertEquals(List.of("I1 DAYS"), kinds("INTERVAL '1 day'").excludes());
    assertEquals(List.of("I3 HOURS"), kinds("Interval 3 hours").excludes());
    assertKindsError(
        "PURGE, INTERVAL 5",
        "option INTERVAL got bad value \"5\" (expected N UNIT, N a whole number and UNIT one of"
            + " SECONDS, MINUTES, HOURS, DAYS (or 30s, 5m, 2h, 1d)) at column 17");
    assertKindsError(
        "INTERVAL 5 WEEKS",
        "option INTERVAL got bad value \"5 WEEKS\" (unknown unit \"WEEKS\", expected SECONDS,"
            + " MINUTES, HOURS or DAYS) at column 10");
    assertKindsError("INTERVAL", "option INTERVAL needs a value N UNIT at column 1");
    assertKindsError(
        "INTERVAL 1 2 s",
        "option INTERVAL got bad value \"1 2 s\" (expected N UNIT, N a whole number and UNIT one"
            + " of SECONDS, MINUTES, HOURS, DAYS (or 30s, 5m, 2h, 1d)) at column 10");
  }

  @Test
  public void timesOfDay() {
    assertEquals(List.of("S07:30"), kinds("START 7:30").excludes());
    assertEquals(List.of("S23:59:59"), kinds("start '23:59:59'").excludes());
    assertKindsError(
        "PURGE, START 24:00",
        "option START got bad value \"24:00\" (hour must be 00 to 23) at column 14");
    assertKindsError("START 10:00 PM", "unexpected word \"PM\" at column 13");
    assertKindsError("START", "option START needs a value hh:mm at column 1");
  }

  @Test
  public void optionalValues() {
    assertEquals(List.of("O"), kinds("OPENUPDATE").excludePurges());
    assertEquals(List.of("O5m"), kinds("openupdate 5 MINUTES").excludePurges());
    assertEquals(List.of("O"), kinds("PURGE, OPENUPDATE, PURGE".substring(7, 17)).excludePurges());
    assertKindsError(
        "OPENUPDATE soon",
        "option OPENUPDATE got bad value \"soon\" (expected N UNIT, N a whole number and UNIT one of"
            + " SECONDS, MINUTES, HOURS, DAYS (or 30s, 5m, 2h, 1d)) at column 12");
    assertEquals("OPENUPDATE", OptionText.render(kinds("OPENUPDATE"), KINDS));
    assertEquals("OPENUPDATE 90 SECONDS", OptionText.render(kinds("OPENUPDATE 90s"), KINDS));
    assertEquals("OPENUPDATE [N UNIT]", KINDS.find("OPENUPDATE").orElseThrow().synopsis());
    assertEquals("INTERVAL N UNIT", KINDS.find("INTERVAL").orElseThrow().synopsis());
  }

  @Test
  public void wordsKind() {
    assertEquals(List.of("R10 MB", "R5 KB"), kinds("MAXRATE 10 MB, MAXRATE '5 KB'").excludePurges());
    assertKindsError(
        "MAXRATE 10 GB",
        "option MAXRATE got bad value \"10 GB\" (expected N KB or N MB) at column 9");
    assertEquals(
        "MAXRATE 10 MB, MAXRATE \"5  KB\"",
        OptionText.render(
            SyncOptions.builder().addExcludePurge("R10 MB").addExcludePurge("R5  KB").build(),
            KINDS));
  }

  @Test
  public void oneWordKindsStillRefuseASecondWord() {
    assertError("PURGE, EXCLUDE a, MAXPURGE 10 20", "unexpected word \"20\" at column 31");
    assertError("PURGE a b", "option PURGE takes no value, got \"a b\" at column 7");
    assertError("FOO a b", "unknown option \"FOO\" at column 1");
  }

  @Test
  public void renderOfTheNewKindsParsesBack() {
    String text = "INTERVAL 2h, START 6:00, OPENUPDATE, MAXRATE 1 KB, MAXRATE 2 MB";
    SyncOptions o = kinds(text);
    String canonical = OptionText.render(o, KINDS);
    assertEquals("INTERVAL 2 HOURS, START 06:00, OPENUPDATE, MAXRATE 1 KB, MAXRATE 2 MB", canonical);
    assertEquals(o, kinds(canonical));
  }

  @Test
  public void clauseChecksItsWords() {
    assertThrows(
        IllegalArgumentException.class, () -> new Clause("X", "a", 1, 3, List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Clause("X", null, 1, 0, List.of(new Clause.Word("a", 3))));
    Clause two = OptionText.clauses("X a b").get(0);
    two.checkWordCount(ArgKind.DURATION);
    two.checkWordCount(ArgKind.WORDS);
    two.checkWordCount(ArgKind.NONE);
    assertEquals(
        "unexpected word \"b\" at column 5",
        assertThrows(OptionException.class, () -> two.checkWordCount(ArgKind.TEXT)).getMessage());
    assertThrows(OptionException.class, () -> two.checkWordCount(ArgKind.PURGE_LIMIT));
    assertThrows(OptionException.class, () -> two.checkWordCount(ArgKind.TIME_OF_DAY));
  }

  @Test
  public void parsesThePosixOptions() {
    SyncOptions o =
        OptionText.parse(
            "openupdate 5 minutes, unprotected, renameopen, secure 750, keepsecurity,"
                + " owner www-data, ownergroup 33, fromowner alice, trigger \"make -C /x reload\"");
    assertTrue(o.openUpdate());
    assertEquals(java.time.Duration.ofMinutes(5), o.openUpdateQuiet());
    assertTrue(o.unprotected());
    assertTrue(o.renameOpen());
    assertEquals("rwxr-x---", o.secure());
    assertTrue(o.keepSecurity());
    assertEquals("www-data", o.owner());
    assertEquals("33", o.ownerGroup());
    assertEquals("alice", o.fromOwner());
    assertEquals("make -C /x reload", o.trigger());
    assertEquals(
        "OPENUPDATE 5 MINUTES, UNPROTECTED, RENAMEOPEN, SECURE \"rwxr-x---\", KEEPSECURITY,"
            + " OWNER \"www-data\", OWNERGROUP \"33\", FROMOWNER \"alice\", TRIGGER \"make -C /x reload\"",
        OptionText.render(o));
  }

  @Test
  public void openUpdateWithoutAWindowUsesTheInterval() {
    SyncOptions o = OptionText.parse("OPENUPDATE, PURGE");
    assertTrue(o.openUpdate());
    assertNull(o.openUpdateQuiet());
    assertEquals(java.time.Duration.ofMinutes(7), o.openUpdateQuiet(java.time.Duration.ofMinutes(7)));
    assertNull(SyncOptions.DEFAULTS.openUpdateQuiet(java.time.Duration.ofMinutes(7)));
    assertEquals(java.time.Duration.ofSeconds(30), OptionText.parse("OPENUPDATE 30s").openUpdateQuiet());
    assertEquals("OPENUPDATE", OptionText.render(SyncOptions.builder().openUpdate(true, null).build()));
  }

  @Test
  public void badPosixValuesAreNamed() {
    OptionException e = assertThrows(OptionException.class, () -> OptionText.parse("SECURE rwxr-xr-"));
    assertTrue(e.getMessage(), e.getMessage().contains("option SECURE got bad value \"rwxr-xr-\""));
    e = assertThrows(OptionException.class, () -> OptionText.parse("OWNER \"a b\""));
    assertTrue(e.getMessage(), e.getMessage().contains("option OWNER got bad value \"a b\""));
    e = assertThrows(OptionException.class, () -> OptionText.parse("OPENUPDATE 5 fortnights"));
    assertTrue(e.getMessage(), e.getMessage().contains("unknown unit"));
    e = assertThrows(OptionException.class, () -> OptionText.parse("TRIGGER \"  \""));
    assertTrue(e.getMessage(), e.getMessage().contains("empty command"));
  }
}
