package io.setsync.destination;

import static io.setsync.sync.Failures.describe;

import io.setsync.fs.EntryType;
import io.setsync.fs.FileEntry;
import io.setsync.fs.OpenFiles;
import io.setsync.options.SyncOptions;
import io.setsync.transfer.Frame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The end of a session once every file is committed: the purge (within MAXPURGE), directory
 * modes and times set again (after everything inside them changed), and old files kept under
 * the open area removed once nobody holds them.
 */
final class SessionFinish {

  private record DirectoryFinish(String path, int mode, long mtimeNanos) {}

  private final DestinationRoot root;
  private final SyncOptions options;
  private final FileSecurity security;
  private final PurgeList purges;
  private final Tally tally;
  private final Supplier<OpenFiles> scan;
  private final List<DirectoryFinish> directories = new ArrayList<>();
  private FileEntry rootFinish;

  SessionFinish(DestinationRoot root, SyncOptions options, FileSecurity security, PurgeList purges, Tally tally,
      Supplier<OpenFiles> scan) {
    this.root = root;
    this.options = options;
    this.security = security;
    this.purges = purges;
    this.tally = tally;
    this.scan = scan;
  }

  /** A directory's mode and time are set at the end, after everything inside it changed. */
  void setTimesLater(FileEntry source) {
    directories.add(new DirectoryFinish(source.path(), source.mode(), source.mtimeNanos()));
  }

  /**
   * The root gets the source root's mode, time and (as for any directory written) owner at the
   * very end, after everything directly in it changed.
   */
  void setRootLater(FileEntry source) {
    rootFinish = source;
  }

  /** @param destinationNames how many names the destination had, for MAXPURGE */
  void run(long destinationNames) {
    try {
      purge(destinationNames);
      finishDirectories();
      if (!options.report()) finishRoot();
      purges.delete();
      if (!options.report()) root.sweepOpenArea(scan);
    } catch (IOException | UncheckedIOException e) {
      tally.error("", describe(e));
    }
  }

  private void purge(long destinationNames) throws IOException {
    if (purges.size() == 0) return;
    String refusal = purges.refusal(options.maxPurge(), tally.scanned(), destinationNames);
    if (refusal != null) {
      tally.error("", refusal);
      return;
    }
    purges.forEach(
        options.report(),
        (path, directory, outcome) -> {
          switch (outcome) {
            case PURGED -> {
              tally.purged();
              // Directories end in '/', as in what is copied.
              tally.notice(options.report() ? Frame.NoticeKind.WOULD_PURGE : Frame.NoticeKind.PURGED,
                  directory ? path + "/" : path, "");
            }
            case KEPT -> { }
            case FAILED -> tally.error(path, "cannot purge");
          }
        },
        root);
  }

  private void finishRoot() {
    if (rootFinish == null) return;
    Path path = root.path();
    try {
      security.apply(path, EntryType.DIRECTORY, rootFinish.mode(), security.uidFor(rootFinish), security.gidFor(rootFinish));
      Files.setLastModifiedTime(path, FileTime.from(rootFinish.mtimeNanos(), TimeUnit.NANOSECONDS));
    } catch (IOException e) {
      tally.warning("", "cannot set the root's owner, mode or time: " + describe(e));
    }
  }

  private void finishDirectories() {
    for (DirectoryFinish dir : directories) {
      try {
        Path path = root.resolve(dir.path());
        security.applyMode(path, EntryType.DIRECTORY, dir.mode());
        Files.setLastModifiedTime(path, FileTime.from(dir.mtimeNanos(), TimeUnit.NANOSECONDS));
      } catch (IOException e) {
        tally.warning(dir.path(), "cannot set directory times or mode: " + describe(e));
      }
    }
  }
}
