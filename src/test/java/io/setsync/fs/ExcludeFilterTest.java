package io.setsync.fs;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.junit.Test;

public class ExcludeFilterTest {

  @Test
  public void noneMatchesNothing() {
    assertFalse(ExcludeFilter.NONE.matches("a", false));
    assertFalse(ExcludeFilter.NONE.matches("a/b", true));
    assertFalse(ExcludeFilter.of(List.of()).matches("a", false));
  }

  @Test
  public void patternWithoutSlashMatchesTheNameAtAnyDepth() {
    ExcludeFilter f = ExcludeFilter.of(List.of("*.tmp"));
    assertTrue(f.matches("x.tmp", false));
    assertTrue(f.matches("a/b/x.tmp", false));
    assertTrue(f.matches("a/b/x.tmp", true));
    assertFalse(f.matches("x.tmp/y", false));
    assertFalse(f.matches("x.tmpl", false));
  }

  @Test
  public void patternWithSlashMatchesTheWholePath() {
    ExcludeFilter f = ExcludeFilter.of(List.of("a/*.log"));
    assertTrue(f.matches("a/x.log", false));
    assertFalse(f.matches("b/a/x.log", false));
    assertFalse(f.matches("a/b/x.log", false));
    assertFalse(f.matches("x.log", false));
  }

  @Test
  public void leadingSlashAnchorsAtTheRoot() {
    ExcludeFilter f = ExcludeFilter.of(List.of("/build"));
    assertTrue(f.matches("build", true));
    assertFalse(f.matches("src/build", true));
  }

  @Test
  public void doubleStarCrossesDirectories() {
    ExcludeFilter f = ExcludeFilter.of(List.of("a/**/x"));
    assertTrue(f.matches("a/b/c/x", false));
    assertFalse(f.matches("b/c/x", false));
  }

  @Test
  public void trailingSlashMatchesDirectoriesOnly() {
    ExcludeFilter f = ExcludeFilter.of(List.of("cache/", "/out/"));
    assertTrue(f.matches("cache", true));
    assertTrue(f.matches("a/cache", true));
    assertFalse(f.matches("cache", false));
    assertTrue(f.matches("out", true));
    assertFalse(f.matches("out", false));
    assertFalse(f.matches("a/out", true));
  }

  @Test
  public void anyRuleMatches() {
    ExcludeFilter f = ExcludeFilter.of(List.of("*.o", "core", "{x,y}?"));
    assertTrue(f.matches("m/a.o", false));
    assertTrue(f.matches("core", false));
    assertTrue(f.matches("d/y1", false));
    assertFalse(f.matches("d/z1", false));
  }

  @Test
  public void namesTheBadPattern() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ExcludeFilter.of(List.of("ok", "[a")));
    assertTrue(e.getMessage(), e.getMessage().contains("\"[a\""));
    e = assertThrows(IllegalArgumentException.class, () -> ExcludeFilter.of(List.of("{a,{b}}")));
    assertTrue(e.getMessage(), e.getMessage().contains("\"{a,{b}}\""));
  }

  @Test
  public void refusesPatternsThatMatchNoName() {
    assertThrows(IllegalArgumentException.class, () -> ExcludeFilter.of(List.of("")));
    assertThrows(IllegalArgumentException.class, () -> ExcludeFilter.of(List.of("/")));
  }
}
