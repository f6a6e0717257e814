package io.setsync.command;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.setsync.command.Setting;
import io.setsync.command.Statement.StatusObject;
import io.setsync.options.OptionRegistry;
import io.setsync.options.OptionSpec;
import java.util.List;
import org.junit.Test;

public class CommandParserTest {

  private static Statement parse(String line) {
    return CommandParser.parse(line);
  }

  /** Asserts the exact message and that its column is the one reported by {@code column()}. */
  private static void assertError(String line, String message, int column) {
    CommandException e = assertThrows(line, CommandException.class, () -> parse(line));
    assertEquals(line, message, e.getMessage());
    assertEquals(line, column, e.column());
    assertTrue(line, message.endsWith(" at column " + column));
  }

  /** The line is refused with a message that holds {@code part}. */
  private static void refusedWith(String line, String part) {
    CommandException e = assertThrows(line, CommandException.class, () -> parse(line));
    assertTrue(line + ": " + e.getMessage(), e.getMessage().contains(part));
  }

  // ---- blank lines and comments ----

  @Test
  public void blankLinesAndCommentsAreNothing() {
    for (String line : List.of("", "   ", "\t\n", "-- a comment", "  # another", "#", "--")) {
      assertSame(line, Statement.Nothing.INSTANCE, parse(line));
    }
    assertSame(Statement.Nothing.INSTANCE, parse(null));
  }

  // ---- SYNCHRONIZE ----

  @Test
  public void synchronize() {
    assertEquals(
        new Statement.Synchronize("/src", null, "/dst", List.of()), parse("SYNCHRONIZE /src TO /dst"));
    assertEquals(
        new Statement.Synchronize("/src", null, "/dst", List.of()),
        parse("  synchronize   /src   to   /dst  "));
    assertEquals(
        new Statement.Synchronize(
            "/a b", "backup", "/x,y", List.of(Setting.of("PURGE"), Setting.of("EXCLUDE", "*.tmp"))),
        parse("Synchronize '/a b' To backup:\"/x,y\", purge, Exclude \"*.tmp\""));
    assertEquals(
        new Statement.Synchronize(
            "/s",
            null,
            "/d",
            List.of(
                Setting.of("EXCLUDE", "a"),
                Setting.of("EXCLUDE", "b"),
                Setting.of("MAXPURGE", "10%"),
                Setting.of("TIMEEXACT"),
                Setting.of("CHECKSUM"),
                Setting.of("REPORT"),
                Setting.of("SUBVOLPURGE"),
                Setting.of("EXCLUDEPURGE", "k/**"))),
        parse(
            "SYNCHRONIZE /s TO /d, EXCLUDE a, EXCLUDE b, MAXPURGE 10%, TIMEEXACT, CHECKSUM, REPORT,"
                + " SUBVOLPURGE, EXCLUDEPURGE k/**"));
  }

  @Test
  public void openPage() {
    assertSame(Statement.OpenPage.INSTANCE, parse("open page"));
    refusedWith("OPEN", "expected PAGE after OPEN");
    refusedWith("OPEN BOOK", "expected PAGE after OPEN, got \"BOOK\"");
    refusedWith("OPEN PAGE, DETAIL", "OPEN PAGE takes no options");
  }

  /** IPHOST takes the place of the destination's node: one way only to say where the destination is. */
  @Test
  public void ipHost() {
    assertEquals(new Statement.Synchronize("/src", "backup.example:7000", "/dst", List.of(Setting.of("PURGE"))),
        parse("SYNCHRONIZE /src TO /dst, IPHOST backup.example:7000, PURGE"));
    assertEquals(new Statement.AddFileSet(null, "/src", "10.0.0.9:7000", "/dst", List.of(Setting.of("INTERVAL", "1 MINUTES"))),
        parse("ADD SYNCFILESET /src TO /dst, iphost 10.0.0.9:7000, INTERVAL 1 MINUTES"));
    refusedWith("ADD SYNCFILESET /src TO n2:/dst, IPHOST h:7000",
        "IPHOST names where the destination is, and so does its node; give a bare destination path with IPHOST,"
            + " got the node \"n2\" at column 34");
    refusedWith("SYNCHRONIZE /src TO /dst, IPHOST backup.example", "IPHOST needs the port");
    refusedWith("SYNCHRONIZE /src TO /dst, IPHOST h:99999", "a port must be from 1 to 65535");
    refusedWith("SYNCHRONIZE /src TO /dst, IPHOST \"h x:1\"", "IPHOST is host:port");
    refusedWith("SYNCHRONIZE /src TO /dst, IPHOST", "IPHOST");
  }

  @Test
  public void administrators() {
    assertEquals(new Statement.AddAdministrator("carol"), parse("add administrator carol"));
    assertEquals(new Statement.DeleteAdministrator("carol"), parse("DELETE ADMINISTRATOR carol"));
    assertEquals(new Statement.InfoAdministrator(null), parse("INFO ADMINISTRATOR"));
    assertEquals(new Statement.InfoAdministrator("carol"), parse("INFO ADMINISTRATOR carol"));
    refusedWith("ADD ADMINISTRATOR", "expected an account name after ADMINISTRATOR at column 18");
    refusedWith("ADD ADMINISTRATOR 1x", "bad account name \"1x\"");
    refusedWith("ADD ADMINISTRATOR carol, PURGE", "ADD ADMINISTRATOR takes no options, got \"PURGE\"");
    refusedWith("ALTER ADMINISTRATOR carol", "expected SYNCUSER, SYNCFILESET or BATCHID after ALTER, got \"ADMINISTRATOR\"");
  }

  @Test
  public void autosyncFrom() {
    assertEquals(new Statement.DisableAutosyncFrom("old", null), parse("DISABLE AUTOSYNC FROM old"));
    assertEquals(new Statement.DisableAutosyncFrom("old", "backup:2552"), parse("disable autosync from old to backup:2552"));
    assertEquals(new Statement.ClearAutosyncFrom("old", null), parse("CLEAR AUTOSYNC FROM old"));
    assertEquals(new Statement.InfoAutosyncFrom(null, null), parse("INFO AUTOSYNC FROM"));
    assertEquals(new Statement.InfoAutosyncFrom("old", null), parse("INFO AUTOSYNC FROM old"));
    assertEquals(new Statement.InfoAutosyncFrom(null, "backup"), parse("INFO AUTOSYNC FROM TO backup"));
    refusedWith("DISABLE AUTOSYNC FROM", "expected a source node after FROM at column 22");
    refusedWith("DISABLE SYNC FROM old", "expected AUTOSYNC after DISABLE, got \"SYNC\"");
    refusedWith("CLEAR AUTOSYNC old", "expected FROM after AUTOSYNC, got \"old\"");
    refusedWith("DISABLE AUTOSYNC FROM old backup", "expected TO after the source node, got \"backup\"");
    refusedWith("DISABLE AUTOSYNC FROM old TO", "expected a destination node after TO");
    refusedWith("DISABLE AUTOSYNC FROM a:99999", "bad source node \"a:99999\"");
    refusedWith("DISABLE AUTOSYNC FROM old, PURGE", "DISABLE AUTOSYNC FROM takes no options");
  }

  @Test
  public void syncUserAccount() {
    assertEquals(new Statement.AddUser("web", List.of(Setting.of("ACCOUNT", "www-data"))),
        parse("ADD SYNCUSER web, ACCOUNT www-data"));
    assertEquals(new Statement.AlterUser("web", List.of(Setting.no("ACCOUNT"))), parse("ALTER SYNCUSER web, NO ACCOUNT"));
    refusedWith("ADD SYNCUSER web, ACCOUNT", "ACCOUNT");
  }

  @Test
  public void synchronizeAcceptsEveryRegistryOption() {
    for (OptionSpec spec : OptionRegistry.standard().specs()) {
      String line = "SYNCHRONIZE /s TO /d, " + spec.keyword().toLowerCase();
      if (spec.argKind().takesValue() && !spec.valueOptional()) {
        continue; // a value is needed: covered by the explicit tests
      }
      Statement.Synchronize s = (Statement.Synchronize) parse(line);
      assertEquals(List.of(Setting.of(spec.keyword())), s.settings());
    }
  }

  @Test
  public void destinations() {
    assertDest(null, "/d", "/d");
    assertDest("backup", "/data", "backup:/data");
    assertDest("backup.example.com", "/data", "backup.example.com:/data");
    assertDest("10.0.0.7:2553", "/data", "10.0.0.7:2553:/data");
    assertDest("node-1", "/my data", "\"node-1:/my data\"");
    assertDest("node-1", "/my data", "node-1:'/my data'");
    assertDest(null, "/a:/b", "/a:/b");
    assertDest(null, "/", "/");
    assertDest(null, "/a/b", "//a//b//");
    assertDest("h", "/x", "h:///x/");
  }

  private static void assertDest(String node, String path, String written) {
    Statement.Synchronize s = (Statement.Synchronize) parse("SYNCHRONIZE /s TO " + written);
    assertEquals(written, node, s.destinationNode());
    assertEquals(written, path, s.destination());
  }

  @Test
  public void synchronizeErrors() {
    assertError("SYNCHRONIZE", "expected a source path after SYNCHRONIZE at column 12", 12);
    assertError(
        "SYNCHRONIZE src TO /d",
        "bad source path \"src\" (must be an absolute path, starting with '/') at column 13",
        13);
    assertError("SYNCHRONIZE /src", "expected TO after the source path at column 17", 17);
    assertError(
        "SYNCHRONIZE '/my src', PURGE", "expected TO after the source path at column 22", 22);
    assertError(
        "SYNCHRONIZE /src INTO /d",
        "expected TO after the source path, got \"INTO\" at column 18",
        18);
    assertError(
        "SYNCHRONIZE /src \"TO\" /d",
        "expected TO after the source path, got \"TO\" at column 18",
        18);
    assertError("SYNCHRONIZE /src TO", "expected a destination path after TO at column 20", 20);
    assertError(
        "SYNCHRONIZE /src TO dest",
        "expected an absolute destination path or node:/path after TO, got \"dest\" at column 21",
        21);
    assertError(
        "SYNCHRONIZE /src TO a b:/x",
        "expected an absolute destination path or node:/path after TO, got \"a\" at column 21",
        21);
    assertError(
        "SYNCHRONIZE /src TO h:99999:/x",
        "bad destination node \"h:99999\" (a port must be from 1 to 65535) at column 21",
        21);
    assertError(
        "SYNCHRONIZE /src TO h!:/x",
        "bad destination node \"h!\" (a node is a host name, optionally with :port) at column 21",
        21);
    assertError(
        "SYNCHRONIZE /src TO /d/../e",
        "bad destination path \"/d/../e\" (\"..\" components are not allowed) at column 21",
        21);
    assertError(
        "SYNCHRONIZE /a/./b TO /d",
        "bad source path \"/a/./b\" (\".\" components are not allowed) at column 13",
        13);
    assertError(
        "SYNCHRONIZE /src TO /d PURGE",
        "unexpected word \"PURGE\" (options follow a comma) at column 24",
        24);
    assertError(
        "SYNCHRONIZE /src TO backup: '/d'",
        "expected an absolute destination path or node:/path after TO, got \"backup:\" at column"
            + " 21",
        21);
    assertError("SYNCHRONIZE /src TO /d, PURG", "unknown option \"PURG\" at column 25", 25);
    assertError(
        "SYNCHRONIZE /src TO /d, INTERVAL 5 MINUTES", "unknown option \"INTERVAL\" at column 25", 25);
    assertError("SYNCHRONIZE /src TO /d,", "missing option after \",\" at column 23", 23);
    assertError(
        "SYNCHRONIZE '/src TO /d", "unterminated quoted value '/src TO /d at column 13", 13);
  }

  // ---- option validation ----

  @Test
  public void optionErrorsCarryTheirColumns() {
    String head = "SYNCHRONIZE /s TO /d, "; // options start at column 23
    assertError(head + "PURGE yes", "option PURGE takes no value, got \"yes\" at column 29", 29);
    assertError(head + "EXCLUDE", "option EXCLUDE needs a value GLOB at column 23", 23);
    assertError(head + "EXCLUDE a b", "unexpected word \"b\" at column 33", 33);
    assertError(
        head + "MAXPURGE 101%",
        "option MAXPURGE got bad value \"101%\" (a percentage must be at most 100) at column 32",
        32);
    assertError(head + "PURGE, PURGE", "option given twice: \"PURGE\" at column 30", 30);
    assertError(
        head + "NO PURGE",
        "NO removes an option in ALTER commands only, got \"NO\" at column 23",
        23);
    assertError(head + "NO", "NO removes an option in ALTER commands only, got \"NO\" at column 23", 23);
    Statement.Synchronize off = (Statement.Synchronize) parse(head + "NO ALLHARDLINKS");
    assertEquals(List.of(Setting.no("ALLHARDLINKS")), off.settings());
    assertError(head + "ALLHARDLINKS, NO ALLHARDLINKS",
        "option ALLHARDLINKS both given and removed with NO: \"NO\" at column 37", 37);
    CommandException e =
        assertThrows(CommandException.class, () -> parse(head + "EXCLUDE '[a'"));
    assertTrue(e.getMessage(), e.getMessage().startsWith("option EXCLUDE got bad value \"[a\" (bad glob"));
    assertEquals(31, e.column());
    assertError(
        "SYNCHRONIZE /日本😀 TO /d, PURG", "unknown option \"PURG\" at column 25", 25); // code points
  }

  // ---- SYNCFILESET ----

  @Test
  public void addFileSet() {
    assertEquals(
        new Statement.AddFileSet("/src", "backup", "/dst", List.of()),
        parse("ADD SYNCFILESET /src TO backup:/dst"));
    assertEquals(
        new Statement.AddFileSet(
            "/src",
            null,
            "/dst",
            List.of(
                Setting.of("INTERVAL", "2 seconds"), // values are kept as written
                Setting.of("START", "06:00"),
                Setting.of("STOP", "18:30:15"),
                Setting.of("BATCHID", "nightly"),
                Setting.of("SUSPEND"),
                Setting.of("AUTOSUSPEND"),
                Setting.of("USER", "alice"),
                Setting.of("PURGE"),
                Setting.of("EXCLUDE", "*.tmp"))),
        parse(
            "add syncfileset /src to /dst, interval 2 seconds, start 06:00, stop 18:30:15,"
                + " batchid nightly, suspend, autosuspend, user alice, purge, exclude '*.tmp'"));
    assertEquals(
        List.of(Setting.of("INTERVAL", "5m")),
        ((Statement.AddFileSet) parse("ADD SYNCFILESET /s TO /d, INTERVAL 5m")).settings());
  }

  @Test
  public void addFileSetErrors() {
    String head = "ADD SYNCFILESET /s TO /d, "; // options start at column 27
    assertError(
        head + "INTERVAL 0 SECONDS",
        "option INTERVAL got bad value \"0 SECONDS\" (must be from 1 second to 366 days) at column"
            + " 36",
        36);
    assertError(
        head + "INTERVAL 367 DAYS",
        "option INTERVAL got bad value \"367 DAYS\" (must be from 1 second to 366 days) at column"
            + " 36",
        36);
    assertError(
        head + "INTERVAL 5 WEEKS",
        "option INTERVAL got bad value \"5 WEEKS\" (unknown unit \"WEEKS\", expected SECONDS,"
            + " MINUTES, HOURS or DAYS) at column 36",
        36);
    assertError(
        head + "INTERVAL 5",
        "option INTERVAL got bad value \"5\" (expected N UNIT, N a whole number and UNIT one of"
            + " SECONDS, MINUTES, HOURS, DAYS (or 30s, 5m, 2h, 1d)) at column 36",
        36);
    assertError(
        head + "INTERVAL",
        "option INTERVAL needs a value N SECONDS|MINUTES|HOURS|DAYS at column 27",
        27);
    assertError(
        head + "START 24:00",
        "option START got bad value \"24:00\" (hour must be 00 to 23) at column 33",
        33);
    assertError(head + "START 10:00 PM", "unexpected word \"PM\" at column 39", 39);
    assertError(
        head + "STOP 10:00", "STOP needs START (START alone syncs once a day) at column 27", 27);
    assertError(
        head + "START 10:00, STOP 10:00:00", "STOP must differ from START at column 45", 45);
    assertError(
        head + "BATCHID 9lives",
        "option BATCHID got bad value \"9lives\" (a name is a letter followed by up to 63 letters,"
            + " digits, '_', '.' or '-') at column 35",
        35);
    assertError(
        head + "USER 'a b'",
        "option USER got bad value \"a b\" (a name is a letter followed by up to 63 letters,"
            + " digits, '_', '.' or '-') at column 32",
        32);
    assertError(
        head + "SUSPEND now", "option SUSPEND takes no value, got \"now\" at column 35", 35);
    assertError(head + "AUTOSUSPEND, AUTOSUSPEND", "option given twice: \"AUTOSUSPEND\" at column 40", 40);
    assertError(head + "ROOT /x", "unknown option \"ROOT\" at column 27", 27);
    assertError(
        "ADD SYNCFILESET /s", "expected TO after the source path at column 19", 19);
    assertError(
        "ADD SYNCFILESET 7", "bad source path \"7\" (must be an absolute path, starting with '/')"
            + " at column 17", 17);
  }

  @Test
  public void alterFileSet() {
    assertEquals(
        new Statement.AlterFileSet(
            12,
            List.of(
                Setting.no("PURGE"),
                Setting.of("INTERVAL", "1 HOUR"),
                Setting.no("START"),
                Setting.no("EXCLUDE"),
                Setting.of("EXCLUDEPURGE", "a"),
                Setting.of("EXCLUDEPURGE", "b"),
                Setting.of("STOP", "10:00"))),
        parse(
            "ALTER SYNCFILESET 12, NO PURGE, INTERVAL 1 HOUR, no start, No Exclude,"
                + " EXCLUDEPURGE a, EXCLUDEPURGE b, STOP 10:00"));
    assertEquals(
        new Statement.AlterFileSet(7, List.of(Setting.no("SUSPEND"), Setting.no("BATCHID"))),
        parse("alter syncfileset 007, no suspend, no batchid"));
  }

  @Test
  public void alterFileSetErrors() {
    String head = "ALTER SYNCFILESET 3, "; // options start at column 22
    assertError("ALTER SYNCFILESET 3", "ALTER SYNCFILESET needs at least one option after a comma"
        + " at column 20", 20);
    assertError("ALTER SYNCFILESET x, PURGE", "SYNCFILESET id must be a number, got \"x\" at column 19", 19);
    assertError(
        "ALTER SYNCFILESET 0, PURGE",
        "SYNCFILESET id must be a number from 1 to 9223372036854775807, got \"0\" at column 19",
        19);
    assertError(
        "ALTER SYNCFILESET 99999999999999999999, PURGE",
        "SYNCFILESET id must be a number from 1 to 9223372036854775807, got"
            + " \"99999999999999999999\" at column 19",
        19);
    assertError("ALTER SYNCFILESET /s TO /d, PURGE",
        "SYNCFILESET id must be a number, got \"/s\" at column 19", 19);
    assertError(head + "NO", "expected an option name after NO at column 24", 24);
    assertError(head + "NO PURG", "unknown option \"PURG\" at column 25", 25);
    assertError(head + "NO USER", "option cannot be removed with NO: \"USER\" at column 25", 25);
    assertError(head + "NO EXCLUDE '*.tmp'", "NO EXCLUDE takes no value, got \"*.tmp\" at column 33", 33);
    assertError(
        head + "PURGE, NO PURGE",
        "option PURGE both given and removed with NO: \"NO\" at column 29",
        29);
    assertError(
        head + "NO EXCLUDE, EXCLUDE x",
        "option EXCLUDE both given and removed with NO: \"EXCLUDE\" at column 34",
        34);
    assertError(head + "NO PURGE, NO PURGE", "option given twice: \"NO\" at column 32", 32);
  }

  @Test
  public void otherFileSetCommands() {
    assertEquals(new Statement.DeleteFileSet(5), parse("DELETE SYNCFILESET 5"));
    assertEquals(new Statement.SuspendFileSet(5), parse("suspend syncfileset 5"));
    assertEquals(new Statement.ActivateFileSet(5), parse("Activate SyncFileSet 5"));
    assertEquals(new Statement.InfoFileSet(null, null), parse("INFO SYNCFILESET"));
    assertEquals(new Statement.InfoFileSet(5L, null), parse("INFO SYNCFILESET 5"));
    assertEquals(new Statement.InfoFileSet(5L, 20), parse("INFO SYNCFILESET 5, LOG"));
    assertEquals(new Statement.InfoFileSet(5L, 100), parse("info syncfileset 5, log last 100"));
    assertEquals(new Statement.InfoFileSet(null, 3), parse("INFO SYNCFILESET, LOG LAST 3"));
    assertError(
        "DELETE SYNCFILESET 5, PURGE",
        "DELETE SYNCFILESET takes no options, got \"PURGE\" at column 23",
        23);
    assertError("DELETE SYNCFILESET", "expected a file-set id after SYNCFILESET at column 19", 19);
    assertError("DELETE SYNCFILESET 5 6", "unexpected word \"6\" at column 22", 22);
    assertError("INFO SYNCFILESET 5, LOG FIRST 3", "expected LAST after LOG, got \"FIRST\" at column 25", 25);
    assertError("INFO SYNCFILESET 5, LOG LAST", "expected a number after LOG LAST at column 29", 29);
    assertError(
        "INFO SYNCFILESET 5, LOG LAST 0",
        "LOG LAST needs a whole number from 1 to 1000000, got \"0\" at column 30",
        30);
    assertError(
        "INFO SYNCFILESET 5, LOG LAST many",
        "LOG LAST needs a whole number from 1 to 1000000, got \"many\" at column 30",
        30);
    assertError("INFO SYNCFILESET 5, LOG LAST 3 4", "unexpected word \"4\" at column 32", 32);
    assertError("INFO SYNCFILESET 5, LOG, LOG", "option given twice: \"LOG\" at column 26", 26);
    assertError("INFO SYNCFILESET 5, PURGE", "unknown option \"PURGE\" at column 21", 21);
    assertError("INFO SYNCFILESET x", "SYNCFILESET id must be a number, got \"x\" at column 18", 18);
  }

  // ---- SYNCUSER and BATCHID ----

  @Test
  public void users() {
    assertEquals(new Statement.AddUser("alice", List.of()), parse("ADD SYNCUSER alice"));
    assertEquals(
        new Statement.AddUser(
            "Bob_2.x-y",
            List.of(Setting.of("ROOT", "/data"), Setting.of("ROOT", "/my files"), Setting.of("SUSPEND"))),
        parse("add syncuser Bob_2.x-y, root /data, ROOT '/my files', suspend"));
    assertEquals(
        new Statement.AlterUser("alice", List.of(Setting.no("ROOT"), Setting.no("SUSPEND"))),
        parse("ALTER SYNCUSER alice, NO ROOT, NO SUSPEND"));
    assertEquals(new Statement.DeleteUser("alice"), parse("DELETE SYNCUSER alice"));
    assertEquals(new Statement.InfoUser("alice"), parse("INFO SYNCUSER alice"));
    assertEquals(new Statement.InfoUser(null), parse("info syncuser"));
    assertEquals(new Statement.SuspendUser("alice"), parse("SUSPEND SYNCUSER alice"));
    assertEquals(new Statement.ActivateUser("alice"), parse("ACTIVATE SYNCUSER alice"));
    assertEquals(
        new Statement.AddUser("a", List.of()), parse("ADD SYNCUSER a")); // one letter is enough
  }

  @Test
  public void userErrors() {
    assertError("ADD SYNCUSER", "expected a user name after SYNCUSER at column 13", 13);
    assertError(
        "ADD SYNCUSER 1x",
        "bad user name \"1x\" (a name is a letter followed by up to 63 letters, digits, '_', '.' or"
            + " '-') at column 14",
        14);
    assertError(
        "ADD SYNCUSER " + "a".repeat(65),
        "bad user name \"" + "a".repeat(65) + "\" (a name is a letter followed by up to 63"
            + " letters, digits, '_', '.' or '-') at column 14",
        14);
    assertError(
        "ADD SYNCUSER alice, ROOT data",
        "option ROOT got bad value \"data\" (must be an absolute path, starting with '/') at"
            + " column 26",
        26);
    assertError("ADD SYNCUSER alice, PURGE", "unknown option \"PURGE\" at column 21", 21);
    assertError("ALTER SYNCUSER alice", "ALTER SYNCUSER needs at least one option after a comma at"
        + " column 21", 21);
    assertError(
        "DELETE SYNCUSER alice, SUSPEND",
        "DELETE SYNCUSER takes no options, got \"SUSPEND\" at column 24",
        24);
    assertError("INFO SYNCUSER a b", "unexpected word \"b\" at column 17", 17);
    assertError("ADD SYNCUSER alice, ROOT /a, NO ROOT",
        "NO removes an option in ALTER commands only, got \"NO\" at column 30", 30);
  }

  @Test
  public void batches() {
    assertEquals(new Statement.AddBatch("nightly", List.of()), parse("ADD BATCHID nightly"));
    assertEquals(
        new Statement.AddBatch("nightly", List.of(Setting.of("SUSPEND"))),
        parse("ADD BATCHID nightly, SUSPEND"));
    assertEquals(
        new Statement.AlterBatch("nightly", List.of(Setting.no("SUSPEND"))),
        parse("alter batchid nightly, no suspend"));
    assertEquals(new Statement.DeleteBatch("nightly"), parse("DELETE BATCHID nightly"));
    assertEquals(new Statement.InfoBatch("nightly"), parse("INFO BATCHID nightly"));
    assertEquals(new Statement.InfoBatch(null), parse("INFO BATCHID"));
    assertEquals(new Statement.SuspendBatch("nightly"), parse("SUSPEND BATCHID nightly"));
    assertEquals(new Statement.ActivateBatch("nightly"), parse("ACTIVATE BATCHID nightly"));
    assertError("ADD BATCHID nightly, PURGE", "unknown option \"PURGE\" at column 22", 22);
    assertError("ADD BATCHID", "expected a batch id after BATCHID at column 12", 12);
    assertError("ADD BATCHID -x", "bad batch id \"-x\" (a name is a letter followed by up to 63"
        + " letters, digits, '_', '.' or '-') at column 13", 13);
  }

  @Test
  public void unknownObjects() {
    assertError("ADD", "expected SYNCUSER, SYNCFILESET or BATCHID after ADD at column 4", 4);
    assertError(
        "ADD SYNCFILSET /a TO /b",
        "expected SYNCUSER, SYNCFILESET or BATCHID after ADD, got \"SYNCFILSET\" at column 5",
        5);
    assertError(
        "delete 'SYNCUSER' a",
        "expected SYNCUSER, SYNCFILESET or BATCHID after DELETE, got \"SYNCUSER\" at column 8",
        8);
  }

  // ---- STATUS, monitor, ENV, HELP, EXIT ----

  @Test
  public void status() {
    assertEquals(new Statement.Status(StatusObject.AUTOSYNC, null, false), parse("STATUS AUTOSYNC"));
    assertEquals(new Statement.Status(StatusObject.AUTOSYNC, null, true), parse("status autosync, detail"));
    assertEquals(new Statement.Status(StatusObject.SYNC, null, false), parse("STATUS SYNC"));
    assertEquals(new Statement.Status(StatusObject.SYNC, "alice", true), parse("STATUS SYNC alice, DETAIL"));
    assertEquals(new Statement.Status(StatusObject.BATCHID, "nightly", false), parse("STATUS BATCHID nightly"));
    assertEquals(new Statement.Status(StatusObject.SYNCFILESET, "7", true), parse("STATUS SYNCFILESET 007, Detail"));
    assertEquals(new Statement.Status(StatusObject.SYNCFILESET, null, false), parse("STATUS SYNCFILESET"));
    assertError("STATUS", "expected AUTOSYNC, SYNC, BATCHID or SYNCFILESET after STATUS at column 7", 7);
    assertError("STATUS MONITOR",
        "expected AUTOSYNC, SYNC, BATCHID or SYNCFILESET after STATUS, got \"MONITOR\" at column 8", 8);
    assertError("STATUS AUTOSYNC x", "unexpected word \"x\" (options follow a comma) at column 17", 17);
    assertError("STATUS SYNCFILESET x", "SYNCFILESET id must be a number, got \"x\" at column 20", 20);
    assertError("STATUS AUTOSYNC, DETAIL, DETAIL", "option given twice: \"DETAIL\" at column 26", 26);
    assertError("STATUS AUTOSYNC, DETAIL yes", "option DETAIL takes no value, got \"yes\" at column 25", 25);
    assertError("STATUS AUTOSYNC, PURGE", "unknown option \"PURGE\" at column 18", 18);
  }

  @Test
  public void monitorEnvHelpExit() {
    assertSame(Statement.StartMonitor.INSTANCE, parse("START MONITOR"));
    assertSame(Statement.StopMonitor.INSTANCE, parse("stop monitor"));
    assertSame(Statement.Env.INSTANCE, parse("Env"));
    assertSame(Statement.Exit.INSTANCE, parse("EXIT"));
    assertSame(Statement.Exit.INSTANCE, parse("quit"));
    assertEquals(new Statement.Help(null), parse("HELP"));
    assertEquals(new Statement.Help("add"), parse("help add"));
    assertEquals(new Statement.Help("ADD SYNCFILESET"), parse("HELP ADD   SYNCFILESET"));
    assertError("START", "expected MONITOR after START at column 6", 6);
    assertError("STOP MONITOR now", "unexpected word \"now\" at column 14", 14);
    assertError("START AUTOSYNC", "expected MONITOR after START, got \"AUTOSYNC\" at column 7", 7);
    assertError("ENV x", "unexpected word \"x\" at column 5", 5);
    assertError("EXIT, PURGE", "EXIT takes no options, got \"PURGE\" at column 7", 7);
    assertError("HELP, x", "HELP takes no options, got \"x\" at column 7", 7);
  }

  @Test
  public void unknownCommands() {
    assertError("ADDD SYNCUSER a", "unknown command \"ADDD\" at column 1", 1);
    assertError("   frobnicate", "unknown command \"frobnicate\" at column 4", 4);
    assertError("SYNCHRONİZE /a TO /b", "unknown command \"SYNCHRONİZE\" at column 1", 1);
    assertError(", PURGE", "expected a command before \",\" at column 1", 1);
    assertError("  'ADD' SYNCUSER a", "expected a command, got a quoted word at column 3", 3);
    assertError("SYNC /a TO /b", "unknown command \"SYNC\" at column 1", 1);
  }

  @Test
  public void sessionParametersAreSetAndReset() {
    assertEquals(new Statement.SetParameter(Statement.Parameter.USER, "alice"), parse("set user alice"));
    assertEquals(new Statement.SetParameter(Statement.Parameter.OUTPUT, "JSON"), parse("SET OUTPUT json"));
    assertEquals(new Statement.SetParameter(Statement.Parameter.OUTPUT, "TEXT"), parse("Set Output Text"));
    assertSame(Statement.Reset.INSTANCE, parse("reset"));
    assertError("SET", "expected USER or OUTPUT after SET at column 4", 4);
    assertError("SET COLOR red", "expected USER or OUTPUT after SET, got \"COLOR\" at column 5", 5);
    assertError("SET OUTPUT XML", "expected TEXT or JSON after SET OUTPUT, got \"XML\" at column 12", 12);
    assertError("SET USER 9lives", "bad user name \"9lives\" (a name is a letter followed by up to 63 letters,"
        + " digits, '_', '.' or '-') at column 10", 10);
    assertError("RESET ALL", "unexpected word \"ALL\" at column 7", 7);
  }

  @Test
  public void maxRateWithoutAUnitIsInMbAndRateIsAShare() {
    Statement.AddFileSet add = (Statement.AddFileSet) parse("ADD SYNCFILESET /a TO /b, MAXRATE 2, RATE 40%");
    assertEquals(List.of(Setting.of("MAXRATE", "2"), Setting.of("RATE", "40%")), add.settings());
    assertError("ADD SYNCFILESET /a TO /b, RATE 40",
        "option RATE got bad value \"40\" (expected a share of the link from 1% to 100%, like 50%) at column 32", 32);
  }

  /** The verbs the parser lists are exactly the ones it reads: any other first word is unknown. */
  @Test
  public void theVerbListIsWhatTheParserReads() {
    for (String verb : CommandParser.VERBS) {
      try {
        CommandParser.parse(verb.toLowerCase(java.util.Locale.ROOT));
      } catch (CommandException e) {
        assertTrue(verb + ": " + e.getMessage(), !e.getMessage().startsWith("unknown command"));
      }
    }
    for (String other : List.of("SYNC", "UPDATE", "SHOW", "LIST", "SET2", "RESETS")) {
      CommandException e = assertThrows(CommandException.class, () -> CommandParser.parse(other));
      assertTrue(e.getMessage(), e.getMessage().startsWith("unknown command"));
    }
  }
}
