package io.setsync.destination;

import static io.setsync.sync.Failures.describe;

import io.setsync.fs.EntryType;
import io.setsync.fs.FileEntry;
import io.setsync.sync.Comparison;
import io.setsync.transfer.Frame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real sync's verdicts: files are asked for ({@link FileIntake}), links and directories made
 * ({@link Staging}), modes set, and directories whose times must be set again remembered for the
 * end ({@link SessionFinish}).
 */
final class ApplyingJudge extends ListingJudge {

  private final DestinationRoot root;
  private final FileSecurity security;
  private final boolean trigger;
  private final OpenFilePolicy openFiles;
  private final FileIntake intake;
  private final Staging staging;
  private final SessionFinish finish;

  ApplyingJudge(Tally tally, PurgeList purges, DestinationRoot root, FileSecurity security, boolean trigger,
      OpenFilePolicy openFiles, FileIntake intake, Staging staging, SessionFinish finish) {
    super(tally, purges);
    this.root = root;
    this.security = security;
    this.trigger = trigger;
    this.openFiles = openFiles;
    this.intake = intake;
    this.staging = staging;
    this.finish = finish;
  }

  @Override
  public void copy(FileEntry source, FileEntry existing) {
    LinkTargets.Target links = linksOf(source);
    String refusal = openFiles.refusal(source.path(), existing);
    if (refusal != null) {
      tally.skipped(source.path(), refusal);
      if (links != null) links.failed("its first name " + source.path() + " was not replaced");
      return;
    }
    if (links != null) links.pending();
    if (source.type() == EntryType.SYMLINK) staging.symlink(source, existing, links);
    else intake.ask(source, existing, links);
  }

  @Override
  public void link(FileEntry source, FileEntry existing, LinkTargets.Target target) {
    String refusal = openFiles.refusal(source.path(), existing);
    if (refusal != null) {
      tally.skipped(source.path(), refusal);
      return;
    }
    if (unlinkable(source, target)) return;
    switch (target.state()) {
      case PENDING -> target.await(source, existing);
      case WRITTEN -> staging.hardLink(source, existing, target.temp());
      default -> staging.hardLink(source, existing, target.path());
    }
  }

  @Override
  public void makeDirectory(FileEntry source, FileEntry existing) {
    try {
      Path dir = root.resolve(source.path());
      if (existing != null) Files.delete(dir); // a symlink: replaced, never followed
      Files.createDirectory(dir);
      tally.copied(0);
      if (trigger) tally.notice(Frame.NoticeKind.COPIED, source.path() + "/", "");
      security.apply(dir, source);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void same(FileEntry source, FileEntry existing) {
    keptInPlace(source);
    if (source.type() == EntryType.HARDLINK) return; // its file's own name settles owner, mode and time
    boolean ownerDiffers = security.ownerDiffers(source, existing);
    boolean modeDiffers = !ownerDiffers && source.type() == EntryType.FILE
        && security.modeDiffers(EntryType.FILE, source.mode(), existing.mode());
    boolean timeDiffers = source.type() != EntryType.DIRECTORY && !Comparison.sameTime(existing, source);
    // Most names of a no-op sync need nothing: they are not even resolved.
    if (!ownerDiffers && !modeDiffers && !timeDiffers) return;
    Path path = root.resolve(source.path());
    if (ownerDiffers) {
      try {
        // The owner change clears setuid/setgid bits: the mode follows it.
        security.apply(path, source);
      } catch (IOException e) {
        tally.warning(source.path(), "cannot set owner: " + describe(e));
      }
    } else if (modeDiffers) {
      try {
        security.applyMode(path, EntryType.FILE, source.mode());
      } catch (IOException e) {
        tally.warning(source.path(), "cannot set mode: " + describe(e));
      }
    }
    // Same content by CHECKSUM, or a link of the same text: the time is the source's all the same.
    if (timeDiffers) {
      try {
        // A link's time only to the microsecond (lutimes); a file's to the nanosecond.
        if (source.type() == EntryType.SYMLINK) Modes.setLinkTime(path, source.mtimeNanos());
        else Files.setLastModifiedTime(path, java.nio.file.attribute.FileTime.from(source.mtimeNanos(),
            java.util.concurrent.TimeUnit.NANOSECONDS));
      } catch (IOException e) {
        tally.warning(source.path(), "cannot set time: " + describe(e));
      }
    }
  }

  @Override
  public void root(FileEntry source) {
    finish.setRootLater(source);
  }

  @Override
  public void leaveDirectory(FileEntry source, FileEntry existing, boolean changedInside) {
    boolean differs = existing == null || security.modeDiffers(EntryType.DIRECTORY, source.mode(), existing.mode())
        || !Comparison.sameTime(existing, source);
    if (changedInside || differs) finish.setTimesLater(source);
  }
}
