package io.setsync.monitor;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.setsync.command.Caller;
import io.setsync.command.CommandParser;
import io.setsync.schedule.RetryPolicy;
import java.util.List;
import java.util.Map;
import org.junit.Before;
import org.junit.Test;

/**
 * AutoSYNC's roles in the monitor's rules: what the authorizer, an administrator and a user may
 * do, decided by the caller alone. The callers are data here; real accounts are the console's.
 */
public class MonitorRolesTest {

  private static final Caller ROOT = new Caller("root", 0);
  private static final Caller ALICE = new Caller("alice", 1001);
  private static final Caller BOB = new Caller("bob", 1002);
  private static final Caller CAROL = new Caller("carol", 1003);
  private static final Caller AUDITOR = new Caller("auditor", 1004);

  private final MonitorState state = new MonitorState();
  private MonitorCommands commands = commandsOn(ROOT);

  private static MonitorCommands commandsOn(Caller node) {
    return new MonitorCommands(new Monitor.Settings("here", 10, 10, RetryPolicy.STANDARD, 100, "auditor", node));
  }

  private MonitorCommands.Decision decide(Caller caller, String user, String line) {
    return commands.decide(state, CommandParser.parse(line), caller, user,
        s -> new MonitorCommands.LiveView("here", Map.of(), Map.of(), Map.of()));
  }

  /** Decides and applies the events as the monitor's event handler does. */
  private Result apply(Caller caller, String user, String line) {
    MonitorCommands.Decision d = decide(caller, user, line);
    for (Monitor.Event e : d.events()) {
      if (e instanceof Monitor.UserSaved u) state.users.put(u.user().name(), u.user());
      else if (e instanceof Monitor.FileSetSaved f) {
        state.fileSets.put(f.id(), f.config());
        state.nextFileSetId = Math.max(state.nextFileSetId, f.id() + 1);
      } else if (e instanceof Monitor.FileSetDeleted f) state.fileSets.remove(f.id());
      else if (e instanceof Monitor.AdministratorAdded a) state.administrators.add(a.account());
      else if (e instanceof Monitor.AdministratorDeleted a) state.administrators.remove(a.account());
      else if (e instanceof Monitor.AutosyncFromDisabled a) {
        state.refusedSources.computeIfAbsent(a.destination(), k -> new java.util.TreeSet<>()).add(a.source());
      } else if (e instanceof Monitor.AutosyncFromCleared a) state.refusedSources.get(a.destination()).remove(a.source());
      else if (e instanceof Monitor.BatchSaved b) state.batches.put(b.batch().id(), b.batch());
      else if (e instanceof Monitor.RunStateChanged r) state.stopped = r.stopped();
      else fail("unexpected event " + e);
    }
    return d.result();
  }

  /** The command is refused on the caller's rights, with a message holding {@code why}. */
  private void refused(Caller caller, String user, String line, String why) {
    try {
      decide(caller, user, line);
      fail(line + " by " + caller + " was accepted");
    } catch (Roles.Refused e) {
      assertTrue(e.getMessage(), e.getMessage().contains(why));
    }
  }

  @Before
  public void twoUsersWithAFileSetEach() {
    apply(ROOT, null, "ADD SYNCUSER alice");
    apply(ROOT, null, "ADD SYNCUSER bob");
    apply(ROOT, null, "ADD SYNCUSER shared, ACCOUNT alice");
    apply(ROOT, null, "ADD SYNCFILESET /a TO other:/a, USER alice"); // 1
    apply(ROOT, null, "ADD SYNCFILESET /b TO other:/b, USER bob"); // 2
  }

  @Test
  public void onlyAdministratorsChangeUsersAndTheMonitor() {
    for (String line : List.of("ADD SYNCUSER mallory", "ALTER SYNCUSER alice, ROOT /", "ALTER SYNCUSER alice, NO ROOT",
        "DELETE SYNCUSER bob", "SUSPEND SYNCUSER bob", "ACTIVATE SYNCUSER alice", "STOP MONITOR", "START MONITOR",
        "ADD BATCHID b", "DISABLE AUTOSYNC FROM here TO other", "INFO AUTOSYNC FROM")) {
      refused(ALICE, "alice", line, "for administrators only; alice (uid 1001) is not one");
    }
    assertEquals(3, state.users.size());
    apply(ROOT, null, "ADD ADMINISTRATOR carol");
    assertEquals(0, apply(CAROL, null, "ADD SYNCUSER dave, ROOT /srv/dave").code());
    assertEquals(0, apply(CAROL, null, "ALTER SYNCUSER alice, ROOT /a").code());
    assertEquals(0, apply(CAROL, null, "STOP MONITOR").code());
    apply(ROOT, null, "DELETE ADMINISTRATOR carol");
    refused(CAROL, null, "ADD SYNCUSER erin", "for administrators only");
  }

  @Test
  public void onlyTheAuthorizerGrantsTheAdministratorRole() {
    refused(ALICE, null, "ADD ADMINISTRATOR alice", "for the authorizer only; alice (uid 1001) is not");
    apply(ROOT, null, "ADD ADMINISTRATOR carol");
    refused(CAROL, null, "ADD ADMINISTRATOR alice", "for the authorizer only");
    refused(CAROL, null, "DELETE ADMINISTRATOR carol", "for the authorizer only");
    // setsync.security.authorizer names a second authorizer
    assertEquals(0, apply(AUDITOR, null, "ADD ADMINISTRATOR bob").code());
    assertEquals(Set("bob", "carol"), state.administrators);
    Result.Administrators info = (Result.Administrators) decide(CAROL, null, "INFO ADMINISTRATOR").result();
    assertEquals(List.of("bob", "carol"), info.accounts());
    assertEquals("root, auditor", info.authorizer());
    refused(ALICE, null, "INFO ADMINISTRATOR", "for administrators only");
  }

  private static java.util.TreeSet<String> Set(String... names) {
    return new java.util.TreeSet<>(List.of(names));
  }

  @Test
  public void aUserSeesAndChangesOnlyTheirOwnFileSets() {
    refused(ALICE, null, "INFO SYNCFILESET 2", "SYNCFILESET 2 belongs to SYNCUSER bob; alice (uid 1001) may not act for it");
    refused(ALICE, null, "INFO SYNCFILESET 2, LOG", "SYNCFILESET 2 belongs to SYNCUSER bob");
    for (String verb : List.of("SUSPEND", "ACTIVATE", "DELETE")) {
      refused(ALICE, null, verb + " SYNCFILESET 2", "SYNCFILESET 2 belongs to SYNCUSER bob");
    }
    refused(ALICE, null, "ALTER SYNCFILESET 2, PURGE", "SYNCFILESET 2 belongs to SYNCUSER bob");
    refused(ALICE, null, "ALTER SYNCFILESET 1, USER bob", "USER bob of SYNCFILESET 1 belongs to SYNCUSER bob");
    assertTrue(state.fileSets.get(2L).sync().toString(), !state.fileSets.get(2L).sync().purge());

    Result.FileSets all = (Result.FileSets) decide(ALICE, null, "INFO SYNCFILESET").result();
    assertEquals(List.of(1L), all.fileSets().stream().map(Result.FileSetView::id).toList());
    assertEquals(0, apply(ALICE, null, "ALTER SYNCFILESET 1, PURGE").code());
    assertTrue(state.fileSets.get(1L).sync().purge());
    assertEquals(0, apply(ALICE, null, "SUSPEND SYNCFILESET 1").code());
    // a second sync user with alice's account is hers too
    assertEquals(0, apply(ALICE, "shared", "ADD SYNCFILESET /s TO other:/s").code());
    assertEquals("shared", state.fileSets.get(3L).user());

    Result.Users users = (Result.Users) decide(ALICE, null, "INFO SYNCUSER").result();
    assertEquals(List.of("alice", "shared"), users.users().stream().map(UserConfig::name).toList());
    refused(ALICE, null, "INFO SYNCUSER bob", "alice (uid 1001) may not see SYNCUSER bob");
  }

  @Test
  public void statusShowsAUserOnlyTheirOwnSyncs() {
    Result.Status mine = (Result.Status) decide(BOB, null, "STATUS SYNCFILESET").result();
    assertEquals(List.of(2L), mine.fileSets().stream().map(Result.FileSetView::id).toList());
    assertEquals("bob's own file sets only", 1, mine.monitor().fileSets());
    refused(BOB, null, "STATUS SYNCFILESET 1", "SYNCFILESET 1 belongs to SYNCUSER alice");
    refused(BOB, null, "STATUS SYNC alice", "bob (uid 1002) may not see the syncs of SYNCUSER alice");
    Result.Status everything = (Result.Status) decide(ROOT, null, "STATUS SYNCFILESET").result();
    assertEquals(List.of(1L, 2L), everything.fileSets().stream().map(Result.FileSetView::id).toList());
  }

  @Test
  public void aFileSetBelongsToTheCallersSyncUserUnlessAnAdministratorSaysOtherwise() {
    assertEquals(0, apply(BOB, null, "ADD SYNCFILESET /b2 TO other:/b2").code());
    assertEquals("bob", state.fileSets.get(3L).user());
    refused(BOB, "alice", "ADD SYNCFILESET /x TO other:/x", "bob (uid 1002) may not act for SYNCUSER alice");
    refused(BOB, null, "ADD SYNCFILESET /x TO other:/x, USER alice", "USER alice belongs to SYNCUSER alice");
    refused(CAROL, null, "ADD SYNCFILESET /x TO other:/x", "no SYNCUSER has ACCOUNT carol");
    assertEquals("alice's own-named user first", "alice",
        decide(ALICE, null, "ADD SYNCFILESET /x TO other:/x").events().stream()
            .map(e -> ((Monitor.FileSetSaved) e).config().user()).findFirst().orElseThrow());
    apply(ROOT, null, "ADD SYNCUSER web, ACCOUNT erin");
    apply(ROOT, null, "ADD SYNCUSER db, ACCOUNT erin");
    refused(new Caller("erin", 1005), null, "ADD SYNCFILESET /x TO other:/x",
        "erin (uid 1005) acts for SYNCUSER db, web; choose one with --user or SET USER");
    assertEquals(0, apply(new Caller("erin", 1005), "web", "ADD SYNCFILESET /w TO other:/w").code());
    assertEquals("web", state.fileSets.get(4L).user());
    assertEquals(0, apply(ROOT, null, "ADD SYNCFILESET /x TO other:/x, USER alice").code());
    assertEquals("alice", state.fileSets.get(5L).user());
  }

  @Test
  public void ownerOwnerGroupAndKeepSecurityNeedAnAdministrator() {
    for (String option : List.of("OWNER root", "OWNERGROUP root", "KEEPSECURITY")) {
      refused(BOB, null, "ADD SYNCFILESET /x TO other:/x, " + option, "only an administrator may set");
      refused(BOB, null, "ALTER SYNCFILESET 2, " + option, "only an administrator may set");
      refused(BOB, null, "SYNCHRONIZE /x TO other:/x, " + option, "only an administrator may set");
    }
    apply(ROOT, null, "ALTER SYNCFILESET 2, KEEPSECURITY");
    refused(BOB, null, "ALTER SYNCFILESET 2, PURGE",
        "SYNCFILESET 2 has KEEPSECURITY, which only an administrator may set");
    assertEquals("an administrator's file set is still the user's to suspend", 0,
        apply(BOB, null, "SUSPEND SYNCFILESET 2").code());
  }

  @Test
  public void synchronizeRunsAsTheCallersSyncUser() {
    assertEquals("bob", decide(BOB, null, "SYNCHRONIZE /b TO other:/b").oneTime().user());
    assertEquals("bob", decide(BOB, "bob", "SYNCHRONIZE /b TO other:/b").oneTime().user());
    refused(BOB, "alice", "SYNCHRONIZE /a TO other:/a", "bob (uid 1002) may not act for SYNCUSER alice");
    refused(CAROL, null, "SYNCHRONIZE /c TO other:/c", "no SYNCUSER has ACCOUNT carol");
    assertEquals("an administrator chooses freely", "alice",
        decide(ROOT, "alice", "SYNCHRONIZE /a TO other:/a").oneTime().user());
  }

  @Test
  public void aNodeThatIsNotRootSyncsOnlyAsItsOwnAccount() {
    commands = commandsOn(new Caller("alice", 1001));
    assertEquals("the node's own account is the authorizer", Roles.Role.AUTHORIZER,
        commands.roles().of(state, new Caller("alice", 1001)));
    assertEquals(0, apply(ROOT, null, "ADD SYNCFILESET /a2 TO other:/a2, USER alice").code());
    refused(ROOT, null, "ADD SYNCFILESET /b2 TO other:/b2, USER bob",
        "the node runs as alice (uid 1001), not as root, so it cannot sync as account bob");
    refused(ROOT, "bob", "SYNCHRONIZE /b TO other:/b", "cannot sync as account bob");
    Result.FileSets info = (Result.FileSets) decide(ROOT, null, "INFO SYNCFILESET 2").result();
    assertTrue(info.fileSets().get(0).state(), info.fileSets().get(0).state().contains("cannot sync as account bob"));
  }

  @Test
  public void aDisabledSourcesSyncsToThatDestinationDoNotRun() {
    assertEquals(2, state.wantedSchedulers("here").size());
    MonitorCommands.Decision d = decide(ROOT, null, "DISABLE AUTOSYNC FROM here TO other");
    assertEquals(List.of(new Monitor.AutosyncFromDisabled("here", "other")), d.events());
    assertEquals("each user whose file sets stop hears of it", java.util.Set.of("alice", "bob"),
        d.otherLogs().keySet());
    assertTrue(d.otherLogs().get("bob").get(0).text(),
        d.otherLogs().get("bob").get(0).text().startsWith("SYNCFILESET 2: other refuses syncs from here"));
    assertTrue(d.nodeLog(), d.nodeLog().contains("DISABLE AUTOSYNC FROM here TO other; SYNCFILESET 1, 2 stop"));
    apply(ROOT, null, "DISABLE AUTOSYNC FROM here TO other");
    assertTrue(state.wantedSchedulers("here").isEmpty());
    assertTrue(state.refuses("other", "here"));
    refused(BOB, null, "SYNCHRONIZE /b TO other:/b", "refused: other disabled AUTOSYNC FROM here");
    assertEquals("a destination not refusing still gets syncs", "bob",
        decide(BOB, null, "SYNCHRONIZE /b TO third:/b").oneTime().user());
    Result.FileSets info = (Result.FileSets) decide(BOB, null, "INFO SYNCFILESET 2").result();
    assertEquals("refused: other disabled AUTOSYNC FROM here", info.fileSets().get(0).state());
    Result.RefusedSources refusedSources = (Result.RefusedSources) decide(ROOT, null, "INFO AUTOSYNC FROM").result();
    assertEquals(List.of(new Result.RefusedSource("here", "other")), refusedSources.refused());
    assertTrue(decide(ROOT, null, "DISABLE AUTOSYNC FROM here TO other").events().isEmpty());

    apply(ROOT, null, "CLEAR AUTOSYNC FROM here TO other");
    assertFalse(state.refuses("other", "here"));
    assertEquals(2, state.wantedSchedulers("here").size());
  }

  @Test
  public void withoutToTheDestinationIsTheMonitorsNode() {
    MonitorCommands.Decision d = decide(ROOT, null, "DISABLE AUTOSYNC FROM old-primary");
    assertEquals(List.of(new Monitor.AutosyncFromDisabled("old-primary", "here")), d.events());
    assertTrue("no file set here syncs from old-primary", d.otherLogs().isEmpty());
  }

  @Test
  public void theNodesOwnProcessActsForTheUserItNames() {
    // the 3-argument Execute and decide: the node's own process, root here, an authorizer
    MonitorCommands root = new MonitorCommands(new Monitor.Settings("here", 10, 10, RetryPolicy.STANDARD, 100));
    MonitorCommands.Decision d = root.decide(state, CommandParser.parse("SUSPEND SYNCFILESET 2"), "ops",
        s -> new MonitorCommands.LiveView("here", Map.of(), Map.of(), Map.of()));
    assertEquals("SUSPEND SYNCFILESET 2 by ops", d.logRecords().get(0).text());
    d = decide(ALICE, null, "SUSPEND SYNCFILESET 1");
    assertEquals("another caller is named as the kernel knows it", "SUSPEND SYNCFILESET 1 by alice (uid 1001)",
        d.logRecords().get(0).text());
    assertNull(decide(ROOT, null, "SYNCHRONIZE /a TO other:/a").oneTime().user());
  }

  @Test
  public void envShowsTheCallerAndItsRole() {
    Result.Env env = (Result.Env) decide(ALICE, "alice", "ENV").result();
    assertEquals("alice (uid 1001)", env.values().get("caller"));
    assertEquals("user", env.values().get("role"));
    apply(ROOT, null, "ADD ADMINISTRATOR carol");
    assertEquals("administrator", ((Result.Env) decide(CAROL, null, "ENV").result()).values().get("role"));
    assertEquals("authorizer", ((Result.Env) decide(ROOT, null, "ENV").result()).values().get("role"));
  }

  @Test
  public void aChosenUserNameThatIsNoNameIsRefusedBeforeItIsRepeated() {
    refused(ALICE, "x\nforged line", "SYNCHRONIZE /a TO other:/a", "bad user name");
  }

  @Test
  public void statusShowsAUserOnlyTheirOwnSynchronizes() {
    Result.Progress started = new Result.Progress(0, 0, 0, 0);
    List<Result.OneTimeView> runs = List.of(
        new Result.OneTimeView("alice", "/a", "other:/a", started),
        new Result.OneTimeView("bob", "/b", "other:/b", started),
        new Result.OneTimeView(null, "/root", "other:/root", started));
    java.util.function.Function<Caller, List<String>> seen = caller -> ((Result.Status) commands.decide(state,
        CommandParser.parse("STATUS SYNC"), caller, null,
        s -> new MonitorCommands.LiveView("here", Map.of(), Map.of(), Map.of(), runs)).result())
        .oneTimeRuns().stream().map(Result.OneTimeView::source).toList();
    assertEquals(List.of("/b"), seen.apply(BOB));
    assertEquals(List.of("/a"), seen.apply(ALICE));
    assertEquals("an administrator sees every run, the node's own too", List.of("/a", "/b", "/root"), seen.apply(ROOT));
  }
}
