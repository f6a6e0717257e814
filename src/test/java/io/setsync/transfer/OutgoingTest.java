package io.setsync.transfer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.setsync.fs.EntryType;
import io.setsync.fs.FileEntry;
import io.setsync.fs.Walk;
import io.setsync.sync.SyncNotice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** What the source sends next: listing, files read, large files' steps, DataEnd last. */
public class OutgoingTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  /** The work the session would start, recorded. */
  private final List<List<Frame.Need>> reads = new ArrayList<>();
  private final List<SyncNotice> notices = new ArrayList<>();
  private long[] lastProgress = new long[3];

  private final SourceSession.Observer observer = new SourceSession.Observer() {
    public void notice(SyncNotice notice) {
      notices.add(notice);
    }

    public void progress(long entriesListed, long filesSent, long bytesSent) {
      lastProgress = new long[] {entriesListed, filesSent, bytesSent};
    }
  };

  private Outgoing outgoing(int entriesPerFrame, int needWindow, int parallelReads, String... names) {
    SourceSession.Settings settings =
        new SourceSession.Settings(1000, entriesPerFrame, needWindow, parallelReads, 0, Duration.ZERO);
    Outgoing outgoing = new Outgoing(settings, observer, new Outgoing.Work(reads::add,
        file -> {
          throw new AssertionError("no lane was opened");
        },
        need -> NeededFiles.Opened.unavailable(need.id(), "no delta here")),
        new LaneSender("127.0.0.1", 0, Duration.ZERO, new io.setsync.sync.SessionPools.Lanes(1)));
    outgoing.listFrom(new SourceListing(tmp.getRoot().toPath(), null, walkOf(names), null, false, false));
    return outgoing;
  }

  private static Walk walkOf(String... names) {
    Iterator<String> it = List.of(names).iterator();
    return new Walk() {
      public boolean hasNext() {
        return it.hasNext();
      }

      public FileEntry next() {
        return new FileEntry(it.next(), EntryType.FILE, 1, 1, 0644, null, null);
      }

      public void skipChildren() {}

      public Object fileKey() {
        return null;
      }

      public void close() {}
    };
  }

  private static List<Frame.Need> needs(int from, int count) {
    List<Frame.Need> needs = new ArrayList<>();
    for (int i = from; i < from + count; i++) needs.add(new Frame.Need(i, "n" + i));
    return needs;
  }

  @Test
  public void theListingGoesInRunsAndDataEndWaitsForNeedsEnd() {
    Outgoing o = outgoing(2, 100, 2, "a", "b", "c");
    assertEquals(2, ((Frame.Entries) o.next()).entries().size());
    assertEquals(1, ((Frame.Entries) o.next()).entries().size());
    assertEquals(Frame.ListingEnd.INSTANCE, o.next());
    assertNull("the receiver has not judged the listing yet", o.next());
    o.needsEnded();
    assertEquals(Frame.DataEnd.INSTANCE, o.next());
    assertEquals(3, lastProgress[0]);
  }

  @Test
  public void needsAreReadInGroupsAndWhatWasReadGoesBeforeMoreListing() {
    Outgoing o = outgoing(1, 100, 2, "a", "b");
    assertTrue(o.take(new Frame.Needs(needs(0, 20))));
    assertTrue("not a need", !o.take(new Frame.Ready("x")));
    assertTrue(o.next() instanceof Frame.Entries);
    assertEquals("two readers at a time, eight needs each", List.of(8, 8), reads.stream().map(List::size).toList());
    o.opened(List.of(new NeededFiles.Opened(new Frame.FileWhole(0, 1, 2, akka.util.ByteString.fromString("xyz")), null,
        SyncNotice.sourceWarning("", "said"))));
    assertEquals(List.of(SyncNotice.sourceWarning("", "said")), notices);
    assertTrue("read files first", o.next() instanceof Frame.FileWhole);
    assertEquals(1, lastProgress[1]);
    assertEquals(3, lastProgress[2]);
    assertTrue(o.next() instanceof Frame.Entries);
    assertEquals("one reader free again: the last four needs", 4, reads.get(2).size());
    assertEquals(Frame.ListingEnd.INSTANCE, o.next());
    o.needsEnded();
    assertNull("reads still in flight", o.next());
    o.opened(List.of());
    o.opened(List.of());
    assertEquals(Frame.DataEnd.INSTANCE, o.next());
  }

  @Test
  public void theListingPausesWhileTooManyNeedsWait() {
    Outgoing o = outgoing(1, 4, 1, "a", "b");
    o.need(needs(0, 16));
    assertNull("eight needs wait for the one reader", o.next());
    o.opened(List.of());
    assertTrue("the reader took the rest: the listing goes on", o.next() instanceof Frame.Entries);
  }

  @Test
  public void aLargeFileGoesStepByStepAndAStopWaitsForItsEnd() throws Exception {
    Path path = tmp.getRoot().toPath().resolve("big");
    Files.write(path, new byte[2500]);
    Outgoing o = outgoing(10, 100, 1, "big");
    o.need(needs(0, 1));
    assertTrue(o.next() instanceof Frame.Entries);
    assertEquals(1, reads.size());
    o.opened(List.of(new NeededFiles.Opened(null, OutgoingFile.open(0, tmp.getRoot().toPath(), path, 1000, false), null)));
    assertTrue(o.next() instanceof Frame.FileBegin);
    assertTrue("mid-file", o.midFile());
    int data = 0;
    Frame f;
    while ((f = o.next()) instanceof Frame.FileData) data++;
    assertEquals(3, data);
    assertTrue(f instanceof Frame.FileEnd);
    assertTrue("between files", !o.midFile());
    assertEquals(2500, lastProgress[2]);
    o.needDelta(new Frame.NeedDelta(5, "x", new io.setsync.delta.BlockSignatures(64, 0, new int[0], new long[0])));
    assertEquals(new Frame.FileUnavailable(5, "no delta here"), o.next());
  }
}
