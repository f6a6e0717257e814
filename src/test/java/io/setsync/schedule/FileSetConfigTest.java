package io.setsync.schedule;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.setsync.command.CommandParser;
import io.setsync.command.Setting;
import io.setsync.command.Statement;
import io.setsync.options.MaxPurge;
import io.setsync.options.SyncOptions;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.Test;

public class FileSetConfigTest {

  private static FileSetConfig add(String line) {
    return FileSetConfig.create("console", (Statement.AddFileSet) CommandParser.parse(line));
  }

  private static FileSetConfig alter(FileSetConfig config, String options) {
    Statement.AlterFileSet alter =
        (Statement.AlterFileSet) CommandParser.parse("ALTER SYNCFILESET 1, " + options);
    return config.alter(alter.settings());
  }

  private static void assertRefused(String message, Runnable action) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
    assertEquals(message, e.getMessage());
  }

  @Test
  public void defaults() {
    FileSetConfig c = add("ADD SYNCFILESET /src/ TO //dst");
    assertEquals(
        new FileSetConfig(
            "console",
            "/src",
            null,
            "/dst",
            SyncOptions.DEFAULTS,
            Duration.ofMinutes(5),
            null,
            null,
            "",
            false,
            false),
        c);
    assertEquals("USER console", c.optionText());
    assertEquals("ADD SYNCFILESET /src TO /dst, USER console", c.commandText());
  }

  @Test
  public void everyOption() {
    FileSetConfig c =
        add(
            "ADD SYNCFILESET '/my src' TO backup:/dst, INTERVAL 90 seconds, START 22:00,"
                + " STOP 6:00, BATCHID nightly, SUSPEND, AUTOSUSPEND, USER alice, PURGE,"
                + " EXCLUDE '*.tmp', EXCLUDE *.o, MAXPURGE 10%, TIMEEXACT");
    assertEquals("alice", c.user());
    assertEquals("/my src", c.source());
    assertEquals("backup", c.destinationNode());
    assertEquals("/dst", c.destination());
    assertEquals(Duration.ofSeconds(90), c.interval());
    assertEquals(LocalTime.of(22, 0), c.start());
    assertEquals(LocalTime.of(6, 0), c.stop());
    assertEquals("nightly", c.batchId());
    assertTrue(c.suspended());
    assertTrue(c.autoSuspend());
    assertEquals(
        SyncOptions.builder()
            .purge(true)
            .addExclude("*.tmp")
            .addExclude("*.o")
            .maxPurge(new MaxPurge(10, true))
            .timeExact(true)
            .build(),
        c.sync());
    assertEquals(
        "USER alice, INTERVAL 90 SECONDS, START 22:00, STOP 06:00, BATCHID nightly, SUSPEND,"
            + " AUTOSUSPEND, PURGE, EXCLUDE \"*.tmp\", EXCLUDE \"*.o\", TIMEEXACT, MAXPURGE 10%",
        c.optionText());
    assertEquals(
        "ADD SYNCFILESET \"/my src\" TO backup:/dst, " + c.optionText(), c.commandText());
  }

  @Test
  public void alterReplacesGivenOptionsAndKeepsTheRest() {
    FileSetConfig c =
        add(
            "ADD SYNCFILESET /s TO /d, PURGE, EXCLUDE a, EXCLUDE b, EXCLUDEPURGE k, INTERVAL 1h,"
                + " START 01:00, BATCHID b1");
    FileSetConfig altered = alter(c, "EXCLUDE c, INTERVAL 2 MINUTES, USER bob, CHECKSUM");
    assertEquals(List.of("c"), altered.sync().excludes()); // the whole list is replaced
    assertEquals(List.of("k"), altered.sync().excludePurges());
    assertTrue(altered.sync().purge());
    assertTrue(altered.sync().checksum());
    assertEquals(Duration.ofMinutes(2), altered.interval());
    assertEquals("bob", altered.user());
    assertEquals(LocalTime.of(1, 0), altered.start());
    assertEquals("b1", altered.batchId());
    assertEquals(c.source(), altered.source());
    assertEquals(c.destination(), altered.destination());

    FileSetConfig twice = alter(c, "EXCLUDE x, EXCLUDE y");
    assertEquals(List.of("x", "y"), twice.sync().excludes());
  }

  @Test
  public void noRemovesOrRestoresTheDefault() {
    FileSetConfig c =
        add(
            "ADD SYNCFILESET /s TO /d, PURGE, EXCLUDE a, MAXPURGE 5, INTERVAL 1h, START 01:00,"
                + " STOP 02:00, BATCHID b1, SUSPEND, AUTOSUSPEND");
    FileSetConfig off =
        alter(
            c,
            "NO PURGE, NO EXCLUDE, NO MAXPURGE, NO INTERVAL, NO STOP, NO START, NO BATCHID,"
                + " NO SUSPEND, NO AUTOSUSPEND");
    assertEquals(
        new FileSetConfig(
            "console",
            "/s",
            null,
            "/d",
            SyncOptions.DEFAULTS,
            Duration.ofMinutes(5),
            null,
            null,
            "",
            false,
            false),
        off);
    assertEquals("USER console", off.optionText());
    FileSetConfig unchanged = alter(off, "NO PURGE, NO START");
    assertEquals(off, unchanged);
  }

  @Test
  public void conflictsAreRefusedWithAClearMessage() {
    FileSetConfig window = add("ADD SYNCFILESET /s TO /d, START 01:00, STOP 02:00");
    assertRefused(
        "STOP needs START (START alone syncs once a day): give START, or remove STOP with NO STOP",
        () -> alter(window, "NO START"));
    assertRefused("STOP must differ from START", () -> alter(window, "START 02:00"));
    assertEquals(LocalTime.of(3, 0), alter(window, "STOP 03:00").stop());
    FileSetConfig daily = add("ADD SYNCFILESET /s TO /d, START 01:00");
    assertNull(daily.stop());
    assertEquals(LocalTime.of(5, 0), alter(daily, "STOP 5:00").stop());
    FileSetConfig plain = add("ADD SYNCFILESET /s TO /d");
    assertRefused(
        "STOP needs START (START alone syncs once a day): give START, or remove STOP with NO STOP",
        () -> alter(plain, "STOP 5:00"));
    assertRefused(
        "USER cannot be removed, only changed",
        () -> plain.alter(List.of(Setting.no("USER"))));
    assertRefused(
        "NO PURGE is only allowed in ALTER",
        () ->
            FileSetConfig.create(
                "u", new Statement.AddFileSet("/s", null, "/d", List.of(Setting.no("PURGE")))));
    assertRefused(
        "unknown option \"FROB\"", () -> plain.alter(List.of(Setting.of("FROB", "x"))));
    assertRefused(
        "bad user name \"1x\": a name is a letter followed by up to 63 letters, digits, '_', '.' or"
            + " '-'",
        () -> FileSetConfig.create("1x", new Statement.AddFileSet("/s", null, "/d", List.of())));
    assertRefused(
        "option MAXPURGE got bad value \"x\" (expected N or N%, N a whole number)",
        () -> plain.alter(List.of(Setting.of("MAXPURGE", "x"))));
    assertRefused(
        "bad duration \"0\" (expected N UNIT, N a whole number and UNIT one of SECONDS, MINUTES,"
            + " HOURS, DAYS (or 30s, 5m, 2h, 1d))",
        () -> plain.alter(List.of(Setting.of("INTERVAL", "0"))));
    assertRefused(
        "INTERVAL must be whole seconds from 1 second to 366 days, got PT0S",
        () -> plain.alter(List.of(Setting.of("INTERVAL", "0 s"))));
    assertRefused(
        "bad path \"d\": must be an absolute path, starting with '/'",
        () -> FileSetConfig.create("u", new Statement.AddFileSet("/s", null, "d", List.of())));
  }

  @Test
  public void allHardLinksIsTurnedOffByNoAndStaysOffUntilTurnedOn() {
    FileSetConfig on = add("ADD SYNCFILESET /s TO /d");
    assertTrue(on.sync().allHardLinks());
    FileSetConfig off = add("ADD SYNCFILESET /s TO /d, NO ALLHARDLINKS");
    assertEquals(false, off.sync().allHardLinks());
    assertEquals("ADD SYNCFILESET /s TO /d, USER console, NO ALLHARDLINKS", off.commandText());
    assertEquals(false, alter(off, "PURGE").sync().allHardLinks());
    assertEquals(false, alter(on, "NO ALLHARDLINKS").sync().allHardLinks());
    assertEquals(true, alter(off, "ALLHARDLINKS").sync().allHardLinks());
    assertRefused("NO PURGE is only allowed in ALTER",
        () -> FileSetConfig.create("console", new Statement.AddFileSet("/s", null, "/d",
            List.of(io.setsync.command.Setting.no("PURGE")))));
  }

  @Test
  public void alterLeavesTheOriginalUntouched() {
    FileSetConfig c = add("ADD SYNCFILESET /s TO /d, PURGE");
    FileSetConfig before = c;
    alter(c, "NO PURGE");
    assertSame(before, c);
    assertTrue(c.sync().purge());
  }

  // ---- round trip property ----

  private static final List<String> GLOBS =
      List.of("*.tmp", "a b", "it's", "say \"hi\"", "*.{c,h}", "", "日本/**", "x,y", "[abc]");
  private static final List<String> NAMES = List.of("alice", "Bob_2", "x.y-z", "a");
  private static final List<String> PATHS = List.of("/", "/data", "/my files", "/a,b/c", "/it's");

  private static <T> T pick(Random r, List<T> list) {
    return list.get(r.nextInt(list.size()));
  }

  private static List<String> globs(Random r) {
    List<String> out = new ArrayList<>();
    int n = r.nextInt(3);
    for (int i = 0; i < n; i++) {
      out.add(pick(r, GLOBS));
    }
    return out;
  }

  public static FileSetConfig randomConfig(Random r) {
    SyncOptions sync =
        SyncOptions.builder()
            .purge(r.nextBoolean())
            .subvolPurge(r.nextBoolean())
            .excludes(globs(r))
            .excludePurges(globs(r))
            .timeExact(r.nextBoolean())
            .checksum(r.nextBoolean())
            .report(r.nextBoolean())
            .maxPurge(r.nextBoolean() ? null : new MaxPurge(r.nextInt(101), r.nextBoolean()))
            .allHardLinks(r.nextBoolean())
            .build();
    Duration interval =
        switch (r.nextInt(4)) {
          case 0 -> Duration.ofMinutes(5);
          case 1 -> Duration.ofSeconds(1 + r.nextInt(100_000));
          case 2 -> Duration.ofHours(1 + r.nextInt(24 * 366));
          default -> Duration.ofDays(366);
        };
    LocalTime start = r.nextBoolean() ? null : LocalTime.ofSecondOfDay(r.nextInt(86400));
    LocalTime stop = null;
    if (start != null && r.nextBoolean()) {
      stop = LocalTime.ofSecondOfDay(r.nextInt(86400));
      if (stop.equals(start)) {
        stop = null;
      }
    }
    return new FileSetConfig(
        pick(r, NAMES),
        pick(r, PATHS),
        r.nextBoolean() ? null : pick(r, List.of("backup", "10.0.0.1:2552", "h-1.example.org")),
        pick(r, PATHS),
        sync,
        interval,
        start,
        stop,
        r.nextBoolean() ? "" : pick(r, NAMES),
        r.nextBoolean(),
        r.nextBoolean());
  }

  @Test
  public void anIpHostDestinationIsShownWithIpHostAndCannotBeAltered() {
    FileSetConfig c = add("ADD SYNCFILESET /src TO /dst, IPHOST backup.example:7000, PURGE");
    assertEquals("backup.example:7000", c.destinationNode());
    assertTrue(c.outsideCluster());
    assertEquals("ADD SYNCFILESET /src TO /dst, IPHOST backup.example:7000, USER console, PURGE", c.commandText());
    assertEquals("/src TO backup.example:7000:/dst", c.routeText());
    assertRefused("IPHOST cannot be changed by ALTER: DELETE the file set and ADD it again with the new IPHOST",
        () -> alter(c, "IPHOST other:7000"));
    assertFalse(add("ADD SYNCFILESET /src TO backup:/dst").outsideCluster());
  }

  @Test
  public void commandTextParsesBackToAnEqualConfig() {
    Random r = new Random(42);
    for (int i = 0; i < 3000; i++) {
      FileSetConfig c = randomConfig(r);
      String line = c.commandText();
      FileSetConfig back =
          FileSetConfig.create("nobody", (Statement.AddFileSet) CommandParser.parse(line));
      assertEquals(line, c, back);
      assertEquals("canonical", line, back.commandText());
    }
  }

  @Test
  public void alteringToAnotherConfigsOptionsGivesThatConfig() {
    Random r = new Random(43);
    for (int i = 0; i < 1000; i++) {
      FileSetConfig a = randomConfig(r);
      FileSetConfig b = randomConfig(r);
      String options =
          b.optionText()
              + ", NO PURGE, NO SUBVOLPURGE, NO EXCLUDE, NO EXCLUDEPURGE, NO TIMEEXACT,"
              + " NO CHECKSUM, NO REPORT, NO MAXPURGE, NO INTERVAL, NO START, NO STOP, NO BATCHID,"
              + " NO SUSPEND, NO AUTOSUSPEND"
              + (b.sync().allHardLinks() ? ", ALLHARDLINKS" : "");
      // keep only the NO clauses for options b does not set, so nothing is both given and removed
      List<String> kept = new ArrayList<>();
      String given = " " + b.optionText() + ",";
      for (String clause : options.split(", ")) {
        if (clause.equals("NO ALLHARDLINKS")) {
          kept.add(clause); // b's own setting, not one of the removals added above
          continue;
        }
        if (clause.startsWith("NO ") && given.contains(" " + clause.substring(3) + " ")
            || clause.startsWith("NO ") && given.contains(" " + clause.substring(3) + ",")) {
          continue;
        }
        kept.add(clause);
      }
      Statement.AlterFileSet alter =
          (Statement.AlterFileSet) CommandParser.parse("ALTER SYNCFILESET 1, " + String.join(", ", kept));
      FileSetConfig altered = a.alter(alter.settings());
      assertEquals(
          b.optionText(),
          new FileSetConfig(
              b.user(),
              a.source(),
              a.destinationNode(),
              a.destination(),
              b.sync(),
              b.interval(),
              b.start(),
              b.stop(),
              b.batchId(),
              b.suspended(),
              b.autoSuspend()),
          altered);
    }
  }
}
