package io.setsync.destination;

import io.setsync.fs.EntryType;
import io.setsync.fs.FileEntry;
import io.setsync.fs.OpenFiles;
import java.util.function.Supplier;

/**
 * Whether an existing destination file may be replaced while programs hold it: a file open for
 * writing never is; one open only for reading or execution only with RENAMEOPEN.
 */
final class OpenFilePolicy {

  private static final long SNAPSHOT_NANOS = 1_000_000_000L;

  private final DestinationRoot root;
  private final boolean renameOpen;
  private final Supplier<OpenFiles> scan;
  private OpenFiles openFiles;

  OpenFilePolicy(DestinationRoot root, boolean renameOpen, Supplier<OpenFiles> scan) {
    this.root = root;
    this.renameOpen = renameOpen;
    this.scan = scan;
  }

  /** How processes hold the destination file at {@code relative}; a snapshot at most a second old. */
  OpenFiles.Usage usage(String relative) {
    if (openFiles == null || openFiles.ageNanos() > SNAPSHOT_NANOS) openFiles = scan.get();
    return openFiles.usage(root.resolve(relative));
  }

  /** Why {@code existing} must not be replaced now, or null when it may be. */
  String refusal(String relative, FileEntry existing) {
    if (existing == null || existing.type() != EntryType.FILE) return null;
    OpenFiles.Usage usage = usage(relative);
    if (usage.isOpenForWriting()) {
      return "not replaced: open for writing by " + usage.describe() + " (never replaced while written)";
    }
    if (usage.isOpen() && !renameOpen) {
      return "not replaced: open by " + usage.describe() + " (RENAMEOPEN would replace it)";
    }
    return null;
  }
}
