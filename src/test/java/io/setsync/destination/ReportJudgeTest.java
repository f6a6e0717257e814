package io.setsync.destination;

import static org.junit.Assert.assertEquals;

import io.setsync.fs.EntryType;
import io.setsync.fs.FileEntry;
import io.setsync.fs.Walk;
import io.setsync.options.SyncOptions;
import io.setsync.sync.SyncCounts;
import io.setsync.transfer.Frame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** REPORT is a judge of its own: every verdict said and counted as if done, nothing changed. */
public class ReportJudgeTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final long MTIME = 1_600_000_000_000_000_000L;

  private static FileEntry file(String path, long size) {
    return new FileEntry(path, EntryType.FILE, size, MTIME, 0644, null, null);
  }

  private static FileEntry dir(String path) {
    return new FileEntry(path, EntryType.DIRECTORY, 0, MTIME, 0755, null, null);
  }

  /** A destination walk over fixed entries. */
  private static Walk walkOf(FileEntry... entries) {
    Iterator<FileEntry> it = List.of(entries).iterator();
    return new Walk() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public FileEntry next() {
        return it.next();
      }

      @Override
      public void skipChildren() {}

      @Override
      public Object fileKey() {
        return null;
      }

      @Override
      public void close() {}
    };
  }

  @Test
  public void verdictsAreSaidAndCountedAndNothingIsAskedFor() throws IOException {
    Path spool = tmp.newFile("purges").toPath();
    List<Frame.Notice> notices = new ArrayList<>();
    Tally tally = new Tally(notices::add);
    PurgeList purges = PurgeList.create(spool);
    ReportJudge judge = new ReportJudge(tally, purges);
    ListingMerge merge = new ListingMerge(
        walkOf(file("b", 1), file("old", 1)), SyncOptions.builder().purge(true).report(true).build(),
        e -> null, (a, b) -> false, judge);
    judge.judging(merge);
    for (FileEntry e : List.of(file("a", 7), file("b", 2), dir("d"))) merge.accept(e);
    merge.finish();
    assertEquals(List.of(
        new Frame.Notice(Frame.NoticeKind.WOULD_COPY, "a", ""),
        new Frame.Notice(Frame.NoticeKind.WOULD_COPY, "b", ""),
        new Frame.Notice(Frame.NoticeKind.WOULD_COPY, "d/", "")), notices);
    assertEquals(new SyncCounts(0, 3, 9, 0, 0, 0, 0), tally.counts());
    assertEquals("the extra name is spooled to be announced", 1, purges.size());
    purges.delete();
  }
}
