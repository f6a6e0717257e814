package io.setsync.console;

import static org.junit.Assert.assertEquals;

import io.setsync.monitor.Result;
import io.setsync.schedule.SyncResult;
import io.setsync.sync.SyncCounts;
import java.util.List;
import org.junit.Test;

public class ResultTextTest {

  @Test
  public void aRefusalReadsAsAnError() {
    assertEquals("error: unknown SYNCFILESET 4", ResultText.of(Result.Done.error("unknown SYNCFILESET 4")));
    assertEquals("SYNCUSER a added", ResultText.of(Result.Done.ok("SYNCUSER a added")));
  }

  @Test
  public void synchronizeShowsItsWarningsBeforeItsSummary() {
    SyncResult result = new SyncResult(0, 1500, SyncCounts.ZERO, 1, null);
    String text = ResultText.of(new Result.Synchronized("/src", "n:/dst", result,
        List.of("warning: a.log: not copied: open for writing", "error: b: gone")));
    assertEquals("warning: a.log: not copied: open for writing\nerror: b: gone\n"
        + "SYNCHRONIZE /src TO n:/dst: " + result.summary(), text);
    assertEquals("SYNCHRONIZE /src TO n:/dst: " + result.summary(),
        ResultText.of(new Result.Synchronized("/src", "n:/dst", result, List.of())));
  }

  @Test
  public void emptyListsSaySo() {
    assertEquals("no sync users", ResultText.of(new Result.Users(List.of())));
    assertEquals("no log records for SYNCFILESET 3", ResultText.of(new Result.Log(3, List.of())));
  }

  @Test
  public void usersShowTheirAccount() {
    String text = ResultText.of(new Result.Users(List.of(
        new io.setsync.monitor.UserConfig("web", "www-data", List.of("/srv"), false))));
    assertEquals(List.of("SYNCUSER", "ACCOUNT", "STATE", "ROOTS"), List.of(text.lines().findFirst().orElseThrow().split("\\s+")));
    assertEquals(List.of("web", "www-data", "active", "/srv"), List.of(text.lines().skip(1).findFirst().orElseThrow().split("\\s+")));
  }

  @Test
  public void administratorsAndRefusedSources() {
    assertEquals("authorizer: root\nadministrators: bob, carol",
        ResultText.of(new Result.Administrators("root", List.of("bob", "carol"))));
    assertEquals("authorizer: root\nno administrators", ResultText.of(new Result.Administrators("root", List.of())));
    assertEquals("no destination refuses a source", ResultText.of(new Result.RefusedSources(List.of())));
    String refused = ResultText.of(new Result.RefusedSources(List.of(new Result.RefusedSource("old", "backup"))));
    assertEquals(List.of("backup", "old"), List.of(refused.lines().skip(1).findFirst().orElseThrow().split("\\s+")));
  }
}
