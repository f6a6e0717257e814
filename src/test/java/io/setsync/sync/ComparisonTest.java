package io.setsync.sync;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.setsync.fs.EntryType;
import io.setsync.fs.FileEntry;
import io.setsync.options.SyncOptions;
import io.setsync.sync.Comparison.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.Test;

public class ComparisonTest {

  private static final long T = 1_700_000_000_123_456_000L; // a whole microsecond
  private static final SyncOptions PLAIN = SyncOptions.DEFAULTS;
  private static final SyncOptions TIMEEXACT = SyncOptions.builder().timeExact(true).build();
  private static final SyncOptions CHECKSUM = SyncOptions.builder().checksum(true).build();

  private static final Function<FileEntry, String> NO_HASH =
      e -> {
        throw new AssertionError("hash asked for " + e.path());
      };

  private static FileEntry file(long size, long mtime) {
    return new FileEntry("a/f", EntryType.FILE, size, mtime, 0644, null, null);
  }

  private static FileEntry dir() {
    return new FileEntry("a/f", EntryType.DIRECTORY, 0, T, 0755, null, null);
  }

  private static FileEntry link(String target) {
    return new FileEntry("a/f", EntryType.SYMLINK, 0, T, 0777, target, null);
  }

  private static FileEntry other() {
    return new FileEntry("a/f", EntryType.OTHER, 0, T, 0644, null, null);
  }

  private static Verdict judge(FileEntry source, FileEntry existing, SyncOptions options) {
    return Comparison.judge(source, existing, options, NO_HASH);
  }

  private static FileEntry hardLink() {
    return new FileEntry("a/f", EntryType.FILE, 10, T, 0644, null, null).asHardLinkTo("a/e");
  }

  @Test
  public void aHardLinkIsTheSameOnlyWhenAlreadyLinked() {
    FileEntry link = hardLink();
    assertEquals(EntryType.HARDLINK, link.type());
    assertEquals("a/e", link.linkTarget());
    assertEquals(Verdict.COPY, Comparison.judge(link, null, PLAIN, NO_HASH, l -> true));
    assertEquals(Verdict.SAME, Comparison.judge(link, file(10, T), PLAIN, NO_HASH, l -> true));
    // times and sizes do not matter: the destination name is that file or it is not
    assertEquals(Verdict.COPY, Comparison.judge(link, file(10, T), PLAIN, NO_HASH, l -> false));
    assertEquals(Verdict.COPY, Comparison.judge(link, file(10, T + 1_000_000_000L), TIMEEXACT, NO_HASH, l -> false));
    // a symbolic link with several names: the same when already that link
    assertEquals(Verdict.SAME, Comparison.judge(link, link("x"), PLAIN, NO_HASH, l -> true));
    assertEquals(Verdict.COPY, Comparison.judge(link, link("x"), PLAIN, NO_HASH, l -> false));
    assertEquals(Verdict.CONFLICT, Comparison.judge(link, dir(), PLAIN, NO_HASH, l -> true));
    assertEquals(Verdict.CONFLICT, Comparison.judge(link, other(), PLAIN, NO_HASH, l -> true));
    assertEquals(Verdict.COPY, Comparison.judge(link, file(10, T), CHECKSUM, NO_HASH, l -> false));
  }

  @Test
  public void missingAtDestinationIsCopied() {
    assertEquals(Verdict.COPY, judge(file(10, T), null, PLAIN));
    assertEquals(Verdict.COPY, judge(dir(), null, PLAIN));
    assertEquals(Verdict.COPY, judge(link("x"), null, PLAIN));
  }

  @Test
  public void newerSourceIsCopied() {
    assertEquals(Verdict.COPY, judge(file(10, T + 1_000), file(10, T), PLAIN));
    assertEquals(Verdict.COPY, judge(file(10, T + 1_000_000_000L), file(99, T), PLAIN));
  }

  @Test
  public void equalTimeAndSizeIsSame() {
    assertEquals(Verdict.SAME, judge(file(10, T), file(10, T), PLAIN));
  }

  @Test
  public void equalTimeButOtherSizeIsCopied() {
    // A torn or truncated destination is always replaced.
    assertEquals(Verdict.COPY, judge(file(10, T), file(4, T), PLAIN));
    assertEquals(Verdict.COPY, judge(file(4, T), file(10, T), PLAIN));
  }

  @Test
  public void newerDestinationIsKept() {
    assertEquals(Verdict.KEEP_NEWER, judge(file(10, T), file(10, T + 1_000), PLAIN));
    assertEquals(Verdict.KEEP_NEWER, judge(file(10, T), file(3, T + 60_000_000_000L), PLAIN));
  }

  @Test
  public void timeExactCopiesWheneverMicrosecondsDiffer() {
    assertEquals(Verdict.COPY, judge(file(10, T + 1_000), file(10, T), TIMEEXACT));
    assertEquals(Verdict.COPY, judge(file(10, T), file(10, T + 1_000), TIMEEXACT));
    assertEquals(Verdict.SAME, judge(file(10, T), file(10, T), TIMEEXACT));
  }

  @Test
  public void timeExactWithEqualTimeButOtherSizeCopies() {
    assertEquals(Verdict.COPY, judge(file(10, T), file(11, T), TIMEEXACT));
  }

  @Test
  public void differencesBelowAMicrosecondAreEqual() {
    // The destination can only hold whole microseconds; the source's extra nanos are not a change.
    assertEquals(Verdict.SAME, judge(file(10, T + 999), file(10, T), PLAIN));
    assertEquals(Verdict.SAME, judge(file(10, T), file(10, T + 999), PLAIN));
    assertEquals(Verdict.SAME, judge(file(10, T + 1), file(10, T + 500), PLAIN));
    assertEquals(Verdict.SAME, judge(file(10, T + 999), file(10, T), TIMEEXACT));
    assertEquals(Verdict.SAME, judge(file(10, T), file(10, T + 999), TIMEEXACT));
  }

  @Test
  public void microsRoundsTowardsNegativeInfinity() {
    assertEquals(5, Comparison.micros(5_999));
    assertEquals(-1, Comparison.micros(-1));
    assertEquals(-1, Comparison.micros(-1_000));
    assertEquals(-2, Comparison.micros(-1_001));
    assertTrue(Comparison.sameTime(file(1, T), file(2, T + 999)));
    assertFalse(Comparison.sameTime(file(1, T), file(1, T + 1_000)));
  }

  @Test
  public void preEpochTimesWithinOneMicrosecondAreEqual() {
    long before = -1_000_000_000L; // exactly one second before the epoch
    assertEquals(Verdict.SAME, judge(file(1, before + 1), file(1, before), PLAIN));
    assertEquals(Verdict.KEEP_NEWER, judge(file(1, before - 1), file(1, before), PLAIN));
  }

  @Test
  public void checksumWithOtherSizeCopiesWithoutHashing() {
    FileEntry source = file(10, T).withContentHash("aa");
    assertEquals(Verdict.COPY, Comparison.judge(source, file(11, T), CHECKSUM, NO_HASH));
  }

  @Test
  public void checksumWithEqualHashIsSameWhateverTheTimes() {
    List<String> asked = new ArrayList<>();
    Function<FileEntry, String> hash =
        e -> {
          asked.add(e.path());
          return "abc123";
        };
    FileEntry source = file(10, T + 5_000_000_000L).withContentHash("abc123");
    assertEquals(Verdict.SAME, Comparison.judge(source, file(10, T), CHECKSUM, hash));
    FileEntry older = file(10, T - 5_000_000_000L).withContentHash("abc123");
    assertEquals(Verdict.SAME, Comparison.judge(older, file(10, T), CHECKSUM, hash));
    assertEquals(List.of("a/f", "a/f"), asked);
  }

  @Test
  public void checksumWithOtherHashCopies() {
    FileEntry source = file(10, T).withContentHash("abc123");
    assertEquals(Verdict.COPY, Comparison.judge(source, file(10, T), CHECKSUM, e -> "def456"));
    // even when the destination is newer: CHECKSUM compares contents, not times
    assertEquals(
        Verdict.COPY, Comparison.judge(source, file(10, T + 1_000_000), CHECKSUM, e -> "def456"));
  }

  @Test
  public void directoryAgainstDirectoryIsSame() {
    FileEntry newer = new FileEntry("a/f", EntryType.DIRECTORY, 0, T + 1_000_000, 0700, null, null);
    assertEquals(Verdict.SAME, judge(dir(), newer, PLAIN));
    assertEquals(Verdict.SAME, judge(newer, dir(), TIMEEXACT));
    assertEquals(Verdict.SAME, judge(newer, dir(), CHECKSUM));
  }

  @Test
  public void fileAgainstDirectoryIsConflict() {
    assertEquals(Verdict.CONFLICT, judge(file(10, T), dir(), PLAIN));
    assertEquals(Verdict.CONFLICT, judge(file(10, T).withContentHash("x"), dir(), CHECKSUM));
  }

  @Test
  public void directoryAgainstFileIsConflict() {
    assertEquals(Verdict.CONFLICT, judge(dir(), file(10, T), PLAIN));
  }

  @Test
  public void fileReplacesASymlink() {
    assertEquals(Verdict.COPY, judge(file(10, T), link("elsewhere"), PLAIN));
    assertEquals(Verdict.COPY, judge(file(10, T), link("elsewhere"), CHECKSUM));
  }

  @Test
  public void directoryReplacesASymlink() {
    assertEquals(Verdict.COPY, judge(dir(), link("elsewhere"), PLAIN));
  }

  @Test
  public void symlinksCompareByTarget() {
    assertEquals(Verdict.SAME, judge(link("../t"), link("../t"), PLAIN));
    assertEquals(Verdict.COPY, judge(link("../t"), link("../u"), PLAIN));
    // a link's own time does not matter
    FileEntry older = new FileEntry("a/f", EntryType.SYMLINK, 0, T - 1_000_000, 0777, "t", null);
    assertEquals(Verdict.SAME, judge(link("t"), older, TIMEEXACT));
  }

  @Test
  public void symlinkAgainstFileOrDirectoryIsConflict() {
    assertEquals(Verdict.CONFLICT, judge(link("t"), file(10, T), PLAIN));
    assertEquals(Verdict.CONFLICT, judge(link("t"), dir(), PLAIN));
  }

  @Test
  public void otherSourceIsUnsupported() {
    assertEquals(Verdict.UNSUPPORTED, judge(other(), null, PLAIN));
    assertEquals(Verdict.UNSUPPORTED, judge(other(), file(10, T), PLAIN));
    assertEquals(Verdict.UNSUPPORTED, judge(other(), dir(), CHECKSUM));
  }

  @Test
  public void fileAgainstOtherAtDestinationIsConflict() {
    assertEquals(Verdict.CONFLICT, judge(file(10, T), other(), PLAIN));
    assertEquals(Verdict.CONFLICT, judge(dir(), other(), PLAIN));
    assertEquals(Verdict.CONFLICT, judge(link("t"), other(), PLAIN));
  }
}
