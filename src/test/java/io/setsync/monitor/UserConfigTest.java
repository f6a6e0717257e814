package io.setsync.monitor;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.setsync.command.CommandParser;
import io.setsync.command.Setting;
import io.setsync.command.Statement;
import io.setsync.schedule.FileSetConfig;
import java.time.Duration;
import java.util.List;
import org.junit.Test;

public class UserConfigTest {

  private static UserConfig add(String line) {
    return UserConfig.create((Statement.AddUser) CommandParser.parse(line));
  }

  private static UserConfig alter(UserConfig user, String options) {
    return user.alter(
        ((Statement.AlterUser) CommandParser.parse("ALTER SYNCUSER x, " + options)).settings());
  }

  @Test
  public void createAndRender() {
    UserConfig plain = add("ADD SYNCUSER alice");
    assertEquals(new UserConfig("alice", List.of(), false), plain);
    assertEquals("", plain.optionText());
    UserConfig u = add("ADD SYNCUSER alice, ROOT /data/, ROOT '/my files', ROOT //data, SUSPEND");
    assertEquals(new UserConfig("alice", List.of("/data", "/my files"), true), u);
    assertEquals("ROOT /data, ROOT \"/my files\", SUSPEND", u.optionText());
    assertEquals(u, add("ADD SYNCUSER alice, " + u.optionText()));
  }

  @Test
  public void aUserNamesAnOsAccountItsOwnNameByDefault() {
    assertEquals("alice", add("ADD SYNCUSER alice").account());
    UserConfig web = add("ADD SYNCUSER web, ACCOUNT www-data, ROOT /srv");
    assertEquals("www-data", web.account());
    assertEquals("ACCOUNT www-data, ROOT /srv", web.optionText());
    assertEquals(web, add("ADD SYNCUSER web, " + web.optionText()));
    assertEquals("nobody", alter(web, "ACCOUNT nobody").account());
    assertEquals("NO ACCOUNT: back to the user's name", "web", alter(web, "NO ACCOUNT").account());
    assertEquals(List.of("/srv"), alter(web, "ACCOUNT nobody").roots());
  }

  @Test
  public void alterReplacesRootsAndNoRemovesThem() {
    UserConfig u = add("ADD SYNCUSER alice, ROOT /a, ROOT /b");
    assertEquals(List.of("/c"), alter(u, "ROOT /c").roots());
    assertEquals(List.of("/c", "/d"), alter(u, "ROOT /c, ROOT /d").roots());
    assertEquals(List.of(), alter(u, "NO ROOT").roots());
    assertEquals(List.of("/a", "/b"), alter(u, "SUSPEND").roots());
    assertTrue(alter(u, "SUSPEND").suspended());
    assertFalse(alter(alter(u, "SUSPEND"), "NO SUSPEND").suspended());
    assertEquals("alice", alter(u, "SUSPEND").name());
  }

  @Test
  public void allowsComparesWholeComponents() {
    UserConfig u = add("ADD SYNCUSER alice, ROOT /data, ROOT '/srv/my app'");
    assertTrue(u.allows("/data"));
    assertTrue(u.allows("/data/"));
    assertTrue(u.allows("/data/x/y"));
    assertTrue(u.allows("//data//x"));
    assertTrue(u.allows("/srv/my app/conf"));
    assertFalse(u.allows("/data2"));
    assertFalse(u.allows("/dat"));
    assertFalse(u.allows("/srv/my"));
    assertFalse(u.allows("/srv/my app2"));
    assertFalse(u.allows("/data/../etc"));
    assertFalse(u.allows("data/x"));
    assertFalse(u.allows("/"));
    UserConfig anywhere = add("ADD SYNCUSER bob");
    assertTrue(anywhere.allows("/etc"));
    assertTrue(add("ADD SYNCUSER bob, ROOT /").allows("/etc/x"));
  }

  @Test
  public void allowsAFileSetOnlyWhenBothEndsAreUnderARoot() {
    UserConfig u = add("ADD SYNCUSER alice, ROOT /data, ROOT /backup");
    FileSetConfig inside =
        FileSetConfig.create(
            "alice", (Statement.AddFileSet) CommandParser.parse("ADD SYNCFILESET /data/x TO n:/backup/x"));
    FileSetConfig outside =
        FileSetConfig.create(
            "alice", (Statement.AddFileSet) CommandParser.parse("ADD SYNCFILESET /data/x TO /etc"));
    assertTrue(u.allows(inside));
    assertFalse(u.allows(outside));
    assertEquals(Duration.ofMinutes(5), inside.interval());
  }

  @Test
  public void badInputIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new UserConfig("1", List.of(), false));
    assertThrows(IllegalArgumentException.class, () -> new UserConfig("a", List.of("rel"), false));
    assertEquals(
        "NO ROOT is only allowed in ALTER",
        assertThrows(
                IllegalArgumentException.class,
                () -> UserConfig.create(new Statement.AddUser("a", List.of(Setting.no("ROOT")))))
            .getMessage());
    assertEquals(
        "unknown SYNCUSER option \"PURGE\"",
        assertThrows(
                IllegalArgumentException.class,
                () -> new UserConfig("a", List.of(), false).alter(List.of(Setting.of("PURGE"))))
            .getMessage());
  }
}
