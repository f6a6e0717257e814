package io.setsync.destination;

import static io.setsync.sync.Failures.describe;

import io.setsync.fs.EntryType;
import io.setsync.fs.FileEntry;
import io.setsync.fs.RawNames;
import io.setsync.transfer.Frame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts new objects in line for the commit: written files, symbolic links and hard links, each
 * under a temp name, so the destination name is wholly old or wholly new at every instant. A
 * multiply-linked file's later names follow it once it is written (or fail with it); counts are
 * settled here, once each object's outcome is known.
 */
final class Staging {

  private final DestinationRoot root;
  private final ScratchNames names;
  private final OpenFilePolicy openFiles;
  private final CommitBatcher batcher;
  private final FileSecurity security;
  private final Tally tally;
  private final boolean trigger;
  /** Multiply-linked files whose new file waits in a temp, by temp name, until their batch commits. */
  private final Map<String, LinkTargets.Target> writtenTargets = new HashMap<>();

  Staging(DestinationRoot root, ScratchNames names, OpenFilePolicy openFiles, CommitBatcher batcher,
      FileSecurity security, Tally tally, boolean trigger) {
    this.root = root;
    this.names = names;
    this.openFiles = openFiles;
    this.batcher = batcher;
    this.security = security;
    this.tally = tally;
    this.trigger = trigger;
  }

  /** A needed file's bytes came in, or did not. */
  void settle(FileIntake.Outcome outcome) {
    FileIntake.Needed need = outcome.need();
    if (outcome instanceof FileIntake.Written w) {
      boolean staged = stage(need.path(), w.temp(), need.existing(), w.bytes());
      targetDone(need.links(), w.temp(), staged ? null : need.notReplaced());
    } else if (outcome instanceof FileIntake.Failed f) {
      tally.error(need.path(), f.reason() + "; not replaced");
      targetDone(need.links(), null, need.notReplaced());
    }
  }

  /** The source could not send a needed file. */
  void unavailable(FileIntake.Needed need, String reason) {
    tally.skipped(need.path(), io.setsync.sync.OpenFileSkips.NOT_COPIED + reason);
    targetDone(need.links(), null, "its first name " + need.path() + " was not copied");
  }

  /** A symbolic link to create; {@code links}, when it has further names, hears when it is staged. */
  void symlink(FileEntry source, FileEntry existing, LinkTargets.Target links) {
    String temp = names.temp();
    try {
      Path tempPath = root.resolve(temp);
      // The target text as bytes, exactly: Paths.get would drop a trailing or doubled '/'.
      Files.createSymbolicLink(tempPath, RawNames.path(tempPath, source.linkTarget()));
      security.apply(tempPath, source);
      Modes.setLinkTime(tempPath, source.mtimeNanos());
    } catch (IOException e) {
      tally.error(source.path(), "cannot create link: " + describe(e));
      targetDone(links, null, "its first name " + source.path() + " could not be created");
      return;
    }
    boolean staged = stage(source.path(), temp, existing, 0);
    targetDone(links, temp, staged ? null : "its first name " + source.path() + " was not replaced");
  }

  /**
   * Creates a hard link under a temp name to {@code fileName} (the target's temp, or the
   * target's committed name) and stages it like any other new object.
   */
  void hardLink(FileEntry source, FileEntry existing, String fileName) {
    String temp = names.temp();
    try {
      Path file = root.resolve(fileName);
      // A symbolic link with several names is linked itself: link(2) does not follow it.
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(file)) {
        throw new IOException(fileName + " is not a regular file or a symbolic link");
      }
      Files.createLink(root.resolve(temp), file);
    } catch (IOException e) {
      tally.error(source.path(), "cannot create hard link: " + describe(e));
      return;
    }
    stage(source.path(), temp, existing, 0);
  }

  /** Whether the temp joined the batch; it is deleted when the target is refused now. */
  private boolean stage(String target, String temp, FileEntry existing, long bytes) {
    // Programs may have opened the old file while the new one was on its way: ask again.
    String refusal = openFiles.refusal(target, existing);
    if (refusal != null) {
      try {
        Files.deleteIfExists(root.resolve(temp));
      } catch (IOException e) {
        // left for the next session's orphan sweep
      }
      tally.skipped(target, refusal);
      return false;
    }
    String saved = null;
    if (existing != null && existing.type() != EntryType.DIRECTORY) {
      try {
        saved = names.saved(existing.type() == EntryType.FILE && openFiles.usage(target).isOpen());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    batcher.add(new Replacement(target, temp, saved), bytes);
    return true;
  }

  /** The new file of a multiply-linked target is complete (or not): its waiting names follow it. */
  private void targetDone(LinkTargets.Target links, String temp, String failure) {
    if (links == null) return;
    if (failure == null) {
      links.written(temp);
      writtenTargets.put(temp, links);
    } else {
      links.failed(failure);
    }
    for (LinkTargets.Waiting w : links.takeWaiting()) {
      if (failure == null) hardLink(w.link(), w.existing(), temp);
      else tally.skipped(w.link().path(), "not linked: " + failure);
    }
  }

  /** A replacement failed: said now, counted as an error. */
  void replaceFailed(Replacement r, IOException e) {
    tally.error(r.target(), "not replaced: " + describe(e));
  }

  /** A batch's replacements are done, all but {@code failed}: now they count as copied. */
  void replaced(CommitBatcher.Batch batch, List<Replacement> failed) {
    for (CommitBatcher.Staged s : batch.files()) {
      Replacement r = s.replacement();
      boolean ok = !failed.contains(r);
      LinkTargets.Target links = writtenTargets.remove(r.temp());
      if (links != null) {
        if (ok) links.inPlace();
        else links.failed("its first name " + r.target() + " was not replaced");
      }
      if (ok) tally.copied(s.bytes());
    }
    if (trigger) {
      for (CommitBatcher.Staged s : batch.files()) {
        if (!failed.contains(s.replacement())) tally.notice(Frame.NoticeKind.COPIED, s.replacement().target(), "");
      }
    }
  }
}
