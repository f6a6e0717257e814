package io.setsync.transfer;

import static io.setsync.sync.Failures.describe;

import io.setsync.fs.OpenFiles;
import io.setsync.fs.PathGuard;
import io.setsync.options.SyncOptions;
import io.setsync.sync.SyncNotice;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;

/**
 * Opens the files the receiver needs, by the source's policies: inside the source root, regular
 * files only, and not while open for writing unless OPENUPDATE or UNPROTECTED allow it. Touches no
 * session state, so reader threads call it; what it opened or why not comes back as {@link Opened}.
 */
final class NeededFiles {

  /**
   * One needed file: a small one read ({@code frame}: FileWhole, or FileUnavailable), a larger one
   * open ({@code large}), to be sent in steps; {@code notice}, when not null, is said about it.
   */
  record Opened(Frame frame, OutgoingFile large, SyncNotice notice) {
    static Opened unavailable(int id, String reason) {
      return new Opened(new Frame.FileUnavailable(id, reason), null, null);
    }
  }

  private final Path root;
  private final SyncOptions options;
  private final int chunkBytes;

  NeededFiles(Path root, SyncOptions options, int chunkBytes) {
    this.root = root;
    this.options = options;
    this.chunkBytes = chunkBytes;
  }

  /** Reads a small file at once; opens a larger one. {@code snapshot}: null under UNPROTECTED. */
  Opened open(Frame.Need need, OpenFiles snapshot) {
    Opened opened = openChecked(need.id(), need.path(), snapshot);
    if (opened.large() == null || !opened.large().fitsOneFrame()) return opened;
    try {
      OutgoingFile.Read read = opened.large().whole();
      return new Opened(read.frame(), null, read.notice());
    } catch (RuntimeException e) {
      opened.large().close();
      return Opened.unavailable(need.id(), "cannot read: " + describe(e));
    }
  }

  List<Opened> openAll(List<Frame.Need> needs, OpenFiles snapshot) {
    return needs.stream().map(need -> open(need, snapshot)).toList();
  }

  /** Opens a file to be sent as a delta against the receiver's old copy. */
  Opened openForDelta(Frame.NeedDelta need, OpenFiles snapshot) {
    Opened opened = openChecked(need.id(), need.path(), snapshot);
    if (opened.large() == null) return opened;
    try {
      opened.large().asDelta(need.signatures());
      return opened;
    } catch (RuntimeException e) {
      opened.large().close();
      return Opened.unavailable(need.id(), "cannot read: " + describe(e));
    }
  }

  /** The file open, or FileUnavailable: outside the root, unreadable, or refused by the open-file policy. */
  private Opened openChecked(int id, String name, OpenFiles snapshot) {
    OutgoingFile file = null;
    try {
      file = OutgoingFile.open(id, root, PathGuard.resolve(root, name), chunkBytes, options.unprotected());
      String refusal = refusal(snapshot, file.path(), file.attributes());
      if (refusal == null) return new Opened(null, file, null);
      file.close();
      return Opened.unavailable(id, refusal);
    } catch (IOException | RuntimeException e) {
      if (file != null) file.close();
      return Opened.unavailable(id, "cannot read: " + describe(e));
    }
  }

  /** Why a file open for writing must not be sent now, or null when it may be. */
  private String refusal(OpenFiles snapshot, Path path, BasicFileAttributes attrs) {
    if (snapshot == null) return null;
    // The identity from the attributes read at open saves a stat per file sent.
    OpenFiles.FileKey key = OpenFiles.FileKey.of(attrs);
    OpenFiles.Usage usage = key != null ? snapshot.usage(key) : snapshot.usage(path);
    Duration unchanged = Duration.ofMillis(Math.max(0, System.currentTimeMillis() - attrs.lastModifiedTime().toMillis()));
    return refusal(usage, options.openUpdateQuiet(SourceSession.DEFAULT_INTERVAL), unchanged);
  }

  /**
   * The open-file policy: never refused with UNPROTECTED (no snapshot is taken); with OPENUPDATE
   * ({@code quiet} not null) once unchanged for the quiet window; otherwise not while open for
   * writing.
   */
  static String refusal(OpenFiles.Usage usage, Duration quiet, Duration unchanged) {
    if (!usage.isOpenForWriting()) return null;
    String who = io.setsync.sync.OpenFileSkips.REASON + usage.describe();
    if (quiet == null) return who + " (OPENUPDATE or UNPROTECTED would copy it)";
    if (unchanged.compareTo(quiet) >= 0) return null;
    return who + " and changed " + unchanged.toSeconds() + " s ago, within OPENUPDATE's quiet window of "
        + quiet.toSeconds() + " s";
  }
}
