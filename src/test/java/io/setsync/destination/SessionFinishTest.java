package io.setsync.destination;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.setsync.fs.EntryType;
import io.setsync.fs.FileEntry;
import io.setsync.fs.OpenFiles;
import io.setsync.options.MaxPurge;
import io.setsync.options.SyncOptions;
import io.setsync.transfer.Frame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class SessionFinishTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static final long MTIME = 1_600_000_000_000_000_000L;
  private final List<Frame.Notice> notices = new ArrayList<>();
  private final Tally tally = new Tally(notices::add);
  private DestinationRoot root;

  @Before
  public void open() throws IOException {
    root = DestinationRoot.open(tmp.newFolder("dest").toPath());
    Files.writeString(root.resolve("extra"), "x");
    Files.createDirectories(root.resolve("d"));
  }

  private SessionFinish finish(SyncOptions options, PurgeList purges) {
    return new SessionFinish(root, options, FileSecurity.DEFAULT, purges, tally, OpenFiles::scan);
  }

  private PurgeList extraToPurge() throws IOException {
    PurgeList purges = PurgeList.create(root.scratch().resolve("purge-test"));
    purges.add(new FileEntry("extra", EntryType.FILE, 1, MTIME, 0644, null, null));
    return purges;
  }

  @Test
  public void purgesAndSetsDirectoryTimesAfterEverythingInside() throws IOException {
    PurgeList purges = extraToPurge();
    SessionFinish finish = finish(SyncOptions.builder().purge(true).build(), purges);
    finish.setTimesLater(new FileEntry("d", EntryType.DIRECTORY, 0, MTIME, 0750, null, null));
    tally.listed();
    finish.run(2);
    assertFalse(Files.exists(root.resolve("extra"), LinkOption.NOFOLLOW_LINKS));
    assertEquals(1, tally.counts().purged());
    assertEquals(List.of(new Frame.Notice(Frame.NoticeKind.PURGED, "extra", "")), notices);
    assertEquals(TimeUnit.NANOSECONDS.toMillis(MTIME), Files.getLastModifiedTime(root.resolve("d")).toMillis());
    assertFalse("the spool is gone", Files.exists(root.scratch().resolve("purge-test")));
  }

  @Test
  public void reportOnlyAnnouncesThePurge() throws IOException {
    tally.listed();
    finish(SyncOptions.builder().purge(true).report(true).build(), extraToPurge()).run(2);
    assertTrue(Files.exists(root.resolve("extra")));
    assertEquals(List.of(new Frame.Notice(Frame.NoticeKind.WOULD_PURGE, "extra", "")), notices);
  }

  @Test
  public void anEmptySourcePurgesNothingWithoutMaxPurgeAll() throws IOException {
    finish(SyncOptions.builder().purge(true).build(), extraToPurge()).run(2);
    assertTrue(Files.exists(root.resolve("extra")));
    assertEquals(1, tally.counts().errors());
    assertTrue(notices.toString(), notices.get(0).text().startsWith("the source is empty"));
  }

  @Test
  public void maxPurgeAllAllowsIt() throws IOException {
    finish(SyncOptions.builder().purge(true).maxPurge(MaxPurge.ALL).build(), extraToPurge()).run(2);
    assertFalse(Files.exists(root.resolve("extra")));
  }
}
