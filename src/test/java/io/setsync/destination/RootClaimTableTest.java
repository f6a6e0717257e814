package io.setsync.destination;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

public class RootClaimTableTest {

  private final List<String> started = new ArrayList<>();
  private final RootClaimTable<String, String> table = new RootClaimTable<>(root -> {
    String journal = "journal-" + (started.size() + 1) + " of " + root;
    started.add(journal);
    return journal;
  });
  private final Path root = Paths.get("/dest");

  @Test
  public void oneSessionAtATimeAndTheRootsJournalIsKept() {
    assertEquals("journal-1 of /dest", table.claim(root, "a"));
    assertNull("busy", table.claim(root, "b"));
    assertEquals("another root proceeds", "journal-2 of /other", table.claim(Paths.get("/other"), "c"));
    table.release(root, "a");
    assertEquals("the same journal for the next session", "journal-1 of /dest", table.claim(root, "b"));
    assertEquals(2, started.size());
  }

  @Test
  public void aStoppedJournalIsForgottenSoTheNextClaimStartsAFreshOne() {
    String first = table.claim(root, "a");
    table.release(root, "a");
    table.journalStopped(root, first);
    assertEquals("journal-2 of /dest", table.claim(root, "b"));
    table.journalStopped(root, first); // a late word about the old one forgets nothing
    table.release(root, "b");
    assertEquals("journal-2 of /dest", table.claim(root, "c"));
  }

  @Test
  public void sessionsAreOverOnlyOnceTheSessionsHaveStopped() {
    assertTrue(table.sessionsOver(root));
    table.claim(root, "a");
    table.release(root, "a");
    assertFalse("released, still cleaning up", table.sessionsOver(root));
    table.claim(root, "b");
    assertNull("b still holds it", table.stopped("a"));
    assertEquals(root, table.stopped("b"));
    assertTrue(table.sessionsOver(root));
  }

  @Test
  public void aStoppedSessionFreesTheRootItHeld() {
    table.claim(root, "a");
    assertEquals(List.of(), table.idle());
    table.stopped("a");
    assertEquals(List.of(root), table.idle());
    assertEquals("journal-1 of /dest", table.claim(root, "b"));
  }
}
