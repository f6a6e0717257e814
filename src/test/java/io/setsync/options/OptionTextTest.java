package io.setsync.options;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

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
        new SyncOptions(
            true, true, List.of("*.o"), List.of("keep/**"), true, true, true, new MaxPurge(0, false)),
        o);
  }

  @Test
  public void compressAndMaxRate() {
    SyncOptions o = OptionText.parse("compress, maxrate 10");
    assertEquals(true, o.compress());
    assertEquals(10, o.maxRateMb());
    assertEquals("COMPRESS, MAXRATE 10", OptionText.render(o));
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
    return new SyncOptions(
        random.nextBoolean(),
        random.nextBoolean(),
        randomGlobs(random),
        randomGlobs(random),
        random.nextBoolean(),
        random.nextBoolean(),
        random.nextBoolean(),
        max);
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
}
