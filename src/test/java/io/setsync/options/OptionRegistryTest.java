package io.setsync.options;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.Test;

public class OptionRegistryTest {

  private final OptionRegistry registry = OptionRegistry.standard();

  private SyncOptions applied(String keyword, String value) {
    return registry.apply(SyncOptions.builder(), registry.find(keyword).orElseThrow(), value).build();
  }

  private OptionException refused(String keyword, String value) {
    SyncOptions.Builder b = SyncOptions.builder();
    OptionException e =
        assertThrows(
            OptionException.class,
            () -> registry.apply(b, registry.find(keyword).orElseThrow(), value));
    assertEquals("builder unchanged", SyncOptions.DEFAULTS, b.build());
    assertTrue(e.getMessage(), e.getMessage().contains(keyword));
    if (value != null) {
      assertTrue(e.getMessage(), e.getMessage().contains("\"" + value + "\""));
    }
    return e;
  }

  @Test
  public void standardHasItsOptionsInOrder() {
    assertEquals(
        List.of(
            "PURGE", "SUBVOLPURGE", "EXCLUDE", "EXCLUDEPURGE", "TIMEEXACT", "CHECKSUM", "REPORT",
            "MAXPURGE", "OPENUPDATE", "UNPROTECTED", "RENAMEOPEN", "SECURE", "KEEPSECURITY",
            "OWNER", "OWNERGROUP", "NUMERICIDS", "FROMOWNER", "TRIGGER", "COMPRESS", "MAXRATE", "RATE",
            "ALLHARDLINKS"),
        registry.specs().stream().map(OptionSpec::keyword).collect(Collectors.toList()));
    assertSame(registry, OptionRegistry.standard());
  }

  @Test
  public void aFlagOnByDefaultIsTurnedOffByNo() {
    OptionSpec links = registry.find("allhardlinks").orElseThrow();
    assertTrue(links.onByDefault());
    assertEquals("--no-allhardlinks", links.cliName());
    assertEquals("[NO] ALLHARDLINKS", links.synopsis());
    assertEquals(List.of(), links.values().apply(SyncOptions.DEFAULTS));
    SyncOptions off = registry.applyNo(SyncOptions.builder(), links).build();
    assertFalse(off.allHardLinks());
    assertEquals(List.of(""), links.values().apply(off));
    assertTrue(registry.apply(off.toBuilder(), links, null).build().allHardLinks());
    OptionSpec purge = registry.find("PURGE").orElseThrow();
    assertFalse(purge.onByDefault());
    OptionException e = assertThrows(OptionException.class, () -> registry.applyNo(SyncOptions.builder(), purge));
    assertTrue(e.getMessage(), e.getMessage().contains("only an option that is on by default"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new OptionSpec("X", ArgKind.TEXT, false, "V", "x", null, (b, v) -> {}, o -> List.of(), false, b -> {}));
  }

  @Test
  public void specsDescribeThemselves() {
    OptionSpec exclude = registry.find("EXCLUDE").orElseThrow();
    assertEquals("--exclude", exclude.cliName());
    assertEquals(ArgKind.TEXT, exclude.argKind());
    assertTrue(exclude.repeatable());
    assertEquals("GLOB", exclude.argLabel());
    assertEquals("EXCLUDE GLOB", exclude.synopsis());

    OptionSpec purge = registry.find("PURGE").orElseThrow();
    assertEquals("--purge", purge.cliName());
    assertEquals(ArgKind.NONE, purge.argKind());
    assertFalse(purge.repeatable());
    assertNull(purge.argLabel());

    OptionSpec max = registry.find("MAXPURGE").orElseThrow();
    assertEquals("--maxpurge", max.cliName());
    assertEquals(ArgKind.PURGE_LIMIT, max.argKind());
    assertFalse(max.repeatable());
    assertEquals("N|N%", max.argLabel());

    assertEquals("--excludepurge", registry.find("excludepurge").orElseThrow().cliName());
    for (OptionSpec spec : registry.specs()) {
      assertFalse(spec.keyword(), spec.description().isBlank());
      assertFalse(spec.keyword(), spec.description().contains("\n"));
    }
  }

  @Test
  public void findIgnoresCaseButNotUnicodeFolding() {
    assertEquals("SUBVOLPURGE", registry.find("subvolPurge").orElseThrow().keyword());
    assertEquals("CHECKSUM", registry.find("checksum").orElseThrow().keyword());
    assertTrue(registry.find("PURG").isEmpty());
    assertTrue(registry.find("").isEmpty());
    assertTrue(registry.find(null).isEmpty());
    assertTrue(registry.find("--purge").isEmpty());
    assertTrue(registry.find("checkſum").isEmpty()); // long s upper-cases to S
  }

  @Test
  public void everyOptionApplies() {
    SyncOptions d = SyncOptions.DEFAULTS;
    assertEquals(d.toBuilder().purge(true).build(), applied("PURGE", null));
    assertEquals(d.toBuilder().subvolPurge(true).build(), applied("SUBVOLPURGE", null));
    assertEquals(d.toBuilder().timeExact(true).build(), applied("TIMEEXACT", null));
    assertEquals(d.toBuilder().checksum(true).build(), applied("CHECKSUM", null));
    assertEquals(d.toBuilder().report(true).build(), applied("REPORT", null));
    assertEquals(List.of("*.tmp"), applied("EXCLUDE", "*.tmp").excludes());
    assertEquals(List.of("keep/**"), applied("EXCLUDEPURGE", "keep/**").excludePurges());
    assertEquals(new MaxPurge(10, true), applied("MAXPURGE", "10%").maxPurge());
    assertEquals(new MaxPurge(0, false), applied("maxpurge", "0").maxPurge());
  }

  @Test
  public void repeatableOptionsAccumulateInOrder() {
    SyncOptions.Builder b = SyncOptions.builder();
    registry.apply(b, "EXCLUDE", "*.tmp");
    registry.apply(b, "exclude", "*.bak");
    registry.apply(b, "EXCLUDEPURGE", "a b");
    registry.apply(b, "EXCLUDEPURGE", "{x,y}");
    SyncOptions o = b.build();
    assertEquals(List.of("*.tmp", "*.bak"), o.excludes());
    assertEquals(List.of("a b", "{x,y}"), o.excludePurges());
  }

  @Test
  public void globsWithOddCharactersAreAccepted() {
    for (String glob : List.of("", "a\"b", "it's", "with space", "é*.ünï", "a,b", "**/*.{c,h}")) {
      assertEquals(List.of(glob), applied("EXCLUDE", glob).excludes());
    }
  }

  @Test
  public void flagsRefuseValues() {
    for (String flag : List.of("PURGE", "SUBVOLPURGE", "TIMEEXACT", "CHECKSUM", "REPORT")) {
      OptionException e = refused(flag, "yes");
      assertEquals("option " + flag + " takes no value, got \"yes\"", e.getMessage());
    }
    refused("PURGE", "");
  }

  @Test
  public void valuedOptionsRefuseNoValue() {
    assertEquals("option EXCLUDE needs a value GLOB", refused("EXCLUDE", null).getMessage());
    assertEquals("option EXCLUDEPURGE needs a value GLOB", refused("EXCLUDEPURGE", null).getMessage());
    assertEquals("option MAXPURGE needs a value N|N%", refused("MAXPURGE", null).getMessage());
  }

  @Test
  public void badLimitsAreRefused() {
    for (String bad : List.of("", "x", "-1", "101%", "10 %", "1.5", "%")) {
      refused("MAXPURGE", bad);
    }
    assertEquals(
        "option MAXPURGE got bad value \"101%\" (a percentage must be at most 100)",
        refused("MAXPURGE", "101%").getMessage());
  }

  @Test
  public void badGlobsAreRefused() {
    for (String bad : List.of("[", "{a", "a\\", "[z-a]", "{{a}}")) {
      OptionException e = refused("EXCLUDE", bad);
      assertTrue(e.getMessage(), e.getMessage().contains("bad glob"));
      refused("EXCLUDEPURGE", bad);
    }
    String message = refused("EXCLUDE", "[").getMessage();
    assertTrue(message, message.startsWith("option EXCLUDE got bad value \"[\" (bad glob: "));
    assertTrue(message, message.endsWith(" near index 0)"));
  }

  @Test
  public void applyByUnknownKeywordIsRefused() {
    OptionException e =
        assertThrows(
            OptionException.class, () -> registry.apply(SyncOptions.builder(), "PURG", null));
    assertEquals("unknown option \"PURG\"", e.getMessage());
  }

  @Test
  public void specsAreValidated() {
    assertThrows(
        IllegalArgumentException.class,
        () -> OptionSpec.flag("purge", "lower case", b -> {}, o -> false));
    assertThrows(
        IllegalArgumentException.class,
        () -> OptionSpec.text("X", null, false, "no label", null, (b, v) -> {}, o -> List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            OptionSpec.of(
                "X", ArgKind.NONE, true, null, "repeatable flag", null, (b, v) -> {}, o -> List.of()));
    OptionSpec x = OptionSpec.flag("X", "x", b -> {}, o -> false);
    assertThrows(IllegalArgumentException.class, () -> OptionRegistry.of(List.of(x, x)));
  }

  @Test
  public void optionalValueOptionsAcceptNull() {
    OptionSpec open =
        OptionSpec.optionalValue(
            "OPENUPDATE",
            ArgKind.DURATION,
            false,
            "N UNIT",
            "open files",
            null,
            (b, v) -> b.addExclude(v == null ? "none" : v),
            SyncOptions::excludes);
    assertTrue(open.valueOptional());
    assertFalse(registry.find("EXCLUDE").orElseThrow().valueOptional());
    OptionRegistry r = OptionRegistry.of(List.of(open));
    assertEquals(List.of("none"), r.apply(SyncOptions.builder(), open, null).build().excludes());
    assertEquals(List.of("5m"), r.apply(SyncOptions.builder(), "openupdate", "5m").build().excludes());
    SyncOptions.Builder b = SyncOptions.builder();
    OptionException e = assertThrows(OptionException.class, () -> r.apply(b, open, "5"));
    assertTrue(e.getMessage(), e.getMessage().startsWith("option OPENUPDATE got bad value \"5\""));
    assertEquals(SyncOptions.DEFAULTS, b.build());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new OptionSpec(
                "X", ArgKind.NONE, false, null, "x", null, (x, v) -> {}, o -> List.of(), true));
  }

  @Test
  public void newKindsValidateTheirValues() {
    assertNull(ArgKind.DURATION.problem("5 MINUTES"));
    assertEquals("expected hh:mm or hh:mm:ss", ArgKind.TIME_OF_DAY.problem("5 MINUTES"));
    assertNull(ArgKind.TIME_OF_DAY.problem("05:00"));
    assertNull(ArgKind.WORDS.problem("anything at all"));
    assertNull(ArgKind.TEXT.problem("x y"));
    assertTrue(ArgKind.DURATION.multiWord());
    assertTrue(ArgKind.WORDS.multiWord());
    assertFalse(ArgKind.TEXT.multiWord());
    assertFalse(ArgKind.TIME_OF_DAY.multiWord());
  }
}
