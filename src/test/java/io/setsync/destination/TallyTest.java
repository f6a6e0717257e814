package io.setsync.destination;

import static org.junit.Assert.assertEquals;

import io.setsync.sync.SyncCounts;
import io.setsync.sync.SyncStatus;
import io.setsync.transfer.Frame;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

public class TallyTest {

  private final List<Frame.Notice> notices = new ArrayList<>();
  private final Tally tally = new Tally(notices::add);

  @Test
  public void countsWhatHappenedAndSaysWhy() {
    tally.listed();
    tally.listed();
    tally.copied(10);
    tally.skipped("a", "not replaced: open");
    tally.error("b", "checksum mismatch in transfer; not replaced");
    tally.keptNewer();
    tally.purged();
    assertEquals(new SyncCounts(2, 1, 10, 1, 1, 1, 1), tally.counts());
    assertEquals(List.of(
        new Frame.Notice(Frame.NoticeKind.WARNING, "a", "not replaced: open"),
        new Frame.Notice(Frame.NoticeKind.ERROR, "b", "checksum mismatch in transfer; not replaced")), notices);
    assertEquals(SyncStatus.ERRORS, tally.status());
  }

  @Test
  public void aWarningOrASkipMakesWarningsAPlainNoticeNothing() {
    tally.notice(Frame.NoticeKind.WARNING, "", "recovered an interrupted sync");
    assertEquals(SyncStatus.OK, tally.status());
    tally.skipped();
    assertEquals(SyncStatus.WARNINGS, tally.status());
    Tally other = new Tally(n -> { });
    other.warning("x", "cannot set mode");
    assertEquals(SyncStatus.WARNINGS, other.status());
    assertEquals(SyncCounts.ZERO, other.counts());
  }
}
