package io.setsync.destination;

import io.setsync.fs.PathGuard;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A destination root and its {@code .setsync/} scratch area: the file-system steps of safe
 * replacement and of recovery. The journal calls between the steps are the receiver's job; this
 * class only touches the disk, and only below the root.
 */
public final class DestinationRoot {

  private final Path root;
  private final Path scratch;

  private DestinationRoot(Path root) {
    this.root = root;
    this.scratch = root.resolve(PathGuard.METADATA_DIR);
  }

  /**
   * Opens (creating if needed) the root whose parent must exist. The root may be reached through
   * a symlink the user named; everything after that is confined to its real path.
   */
  public static DestinationRoot open(Path requested) throws IOException {
    if (!requested.isAbsolute()) {
      throw new IOException("destination " + requested + " is not an absolute path");
    }
    Path parent = requested.getParent();
    if (parent != null && !isDirectory(parent)) {
      throw new IOException("destination parent " + parent + " does not exist or is not a directory");
    }
    if (attributes(requested) == null) {
      try {
        Files.createDirectory(requested);
      } catch (FileAlreadyExistsException raced) {
        // someone made it between the check and the create: fine if it is a directory
      }
    }
    if (!isDirectory(requested)) {
      throw new IOException("destination " + requested + " is not a directory");
    }
    DestinationRoot opened = new DestinationRoot(requested.toRealPath());
    if (Files.isSymbolicLink(opened.scratch) || (Files.exists(opened.scratch, LinkOption.NOFOLLOW_LINKS)
        && !Files.isDirectory(opened.scratch, LinkOption.NOFOLLOW_LINKS))) {
      throw new IOException(opened.scratch + " exists and is not a directory; refusing to use it");
    }
    Files.createDirectories(opened.scratch);
    return opened;
  }

  /**
   * What {@code p} is, following links; null when it does not exist. Any other failure (no search
   * right, a path outside the sync user's roots) is the caller's to hear, not a "missing".
   */
  private static BasicFileAttributes attributes(Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class);
    } catch (NoSuchFileException | NotDirectoryException missing) {
      return null;
    }
  }

  private static boolean isDirectory(Path p) throws IOException {
    BasicFileAttributes a = attributes(p);
    return a != null && a.isDirectory();
  }

  /**
   * For a dry run: the same checks as {@link #open}, but nothing is created. A missing root is
   * returned as its would-be real path; {@link #exists()} tells.
   */
  public static DestinationRoot inspect(Path requested) throws IOException {
    if (!requested.isAbsolute()) {
      throw new IOException("destination " + requested + " is not an absolute path");
    }
    Path parent = requested.getParent();
    if (parent == null || !isDirectory(parent)) {
      throw new IOException("destination parent " + parent + " does not exist or is not a directory");
    }
    if (attributes(requested) == null) return new DestinationRoot(parent.toRealPath().resolve(requested.getFileName()));
    if (!isDirectory(requested)) throw new IOException("destination " + requested + " is not a directory");
    return new DestinationRoot(requested.toRealPath());
  }

  public boolean exists() {
    return Files.isDirectory(root);
  }

  public Path path() {
    return root;
  }

  public Path scratch() {
    return scratch;
  }

  /** The absolute path of a validated relative name. */
  public Path resolve(String relative) {
    return PathGuard.resolve(root, relative);
  }

  /** Where RENAMEOPEN keeps replaced files that programs still hold, relative to the root. */
  public static final String OPEN_AREA = PathGuard.METADATA_DIR + "/open";

  /**
   * The relative name of a new place in the open area for a replaced file that is still open;
   * creates the area when missing.
   */
  public String openName(String fileName) throws IOException {
    Files.createDirectories(root.resolve(OPEN_AREA));
    return OPEN_AREA + "/" + fileName;
  }

  /**
   * Deletes the files of the open area that no process holds any more (all of them when open
   * files cannot be detected: removing a name never disturbs a program that has the file open).
   *
   * @return how many files are still held and stay
   */
  public int sweepOpenArea(io.setsync.fs.OpenFiles openFiles) throws IOException {
    return sweepOpenArea(() -> openFiles);
  }

  /**
   * As {@link #sweepOpenArea(io.setsync.fs.OpenFiles)}, taking the snapshot of open files only
   * when there is an open area: reading every process's descriptors costs tens of milliseconds,
   * and most syncs have nothing to sweep.
   */
  public int sweepOpenArea(java.util.function.Supplier<io.setsync.fs.OpenFiles> snapshot) throws IOException {
    Path area = root.resolve(OPEN_AREA);
    if (!Files.isDirectory(area, LinkOption.NOFOLLOW_LINKS)) return 0;
    io.setsync.fs.OpenFiles openFiles = snapshot.get();
    int kept = 0;
    try (DirectoryStream<Path> children = Files.newDirectoryStream(area)) {
      for (Path child : children) {
        if (openFiles.usage(child).isOpen()) kept++;
        else deleteTree(child);
      }
    }
    if (kept == 0) Files.deleteIfExists(area);
    return kept;
  }

  /** The relative name (from the root) of a scratch file. */
  public String scratchName(String fileName) {
    return PathGuard.METADATA_DIR + "/" + fileName;
  }

  /**
   * Makes a batch of complete temp objects visible: for each, hard-link the old target to its
   * saved name, then atomically rename the temp over the target; then fsync every directory that
   * changed. At every instant each target is wholly old or wholly new. A replacement that fails
   * is reported and left old; the others go on. Returns the failed ones.
   */
  public List<Replacement> replace(List<Replacement> batch, BiConsumer<Replacement, IOException> onFailure)
      throws IOException {
    List<Replacement> failed = new ArrayList<>();
    for (Replacement r : batch) {
      try {
        if (r.saved() != null) {
          Files.createLink(resolve(r.saved()), resolve(r.target()));
          CrashPoint.SAVED_LINKED.reach();
        }
        Files.move(resolve(r.temp()), resolve(r.target()), StandardCopyOption.ATOMIC_MOVE);
        CrashPoint.RENAMED.reach();
      } catch (IOException e) {
        // This one stays old; its scratch files go, the rest of the batch carries on.
        failed.add(r);
        Files.deleteIfExists(resolve(r.temp()));
        if (r.saved() != null) Files.deleteIfExists(resolve(r.saved()));
        onFailure.accept(r, e);
      }
    }
    List<Path> changed = new ArrayList<>(batch.stream()
        .filter(r -> !failed.contains(r))
        .map(r -> resolve(r.target()).getParent())
        .distinct()
        .toList());
    changed.add(scratch);
    FileSystemSync.directories(scratch, changed);
    CrashPoint.DIRECTORY_SYNCED.reach();
    return failed;
  }

  /** Drops the saved copies of a committed batch. */
  public void deleteSaved(List<Replacement> batch) throws IOException {
    for (Replacement r : batch) {
      if (r.saved() != null && !r.saved().startsWith(OPEN_AREA + "/")) {
        Files.deleteIfExists(resolve(r.saved()));
        CrashPoint.SAVED_DELETED.reach();
      }
    }
  }

  /**
   * Resolves batches a crash left begun but not committed. A temp that still exists was never
   * renamed, so the target is still the old one: drop the temp. A temp that is gone was renamed,
   * so the target is the new, complete object: keep it. Either way the saved copy goes, unless
   * the target itself vanished, in which case the saved copy is put back.
   */
  public RecoveryReport recover(Map<Long, List<Replacement>> openBatches) throws IOException {
    int rolledBack = 0;
    int finished = 0;
    for (List<Replacement> batch : openBatches.values()) {
      for (Replacement r : batch) {
        Path temp = resolve(r.temp());
        Path target = resolve(r.target());
        Path saved = r.saved() == null ? null : resolve(r.saved());
        if (Files.exists(temp, LinkOption.NOFOLLOW_LINKS)) {
          Files.delete(temp);
          rolledBack++;
        } else {
          finished++;
        }
        if (saved != null && Files.exists(saved, LinkOption.NOFOLLOW_LINKS)) {
          if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(saved);
          } else {
            Files.move(saved, target, StandardCopyOption.ATOMIC_MOVE);
          }
        }
      }
    }
    syncDirectory(scratch);
    return new RecoveryReport(finished, rolledBack, 0);
  }

  /**
   * Deletes everything in the scratch area that no open batch refers to: temps of a session
   * that crashed before journaling them, and spool files. Call after {@link #recover}.
   */
  public int removeOrphans() throws IOException {
    int removed = 0;
    try (DirectoryStream<Path> children = Files.newDirectoryStream(scratch)) {
      for (Path child : children) {
        if (child.equals(root.resolve(OPEN_AREA))) continue; // swept by sweepOpenArea
        deleteTree(child);
        removed++;
      }
    }
    return removed;
  }

  private static void deleteTree(Path path) throws IOException {
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> children = Files.newDirectoryStream(path)) {
        for (Path child : children) deleteTree(child);
      }
    }
    try {
      Files.delete(path);
    } catch (NoSuchFileException gone) {
      // already removed: that is the goal
    }
  }

  public static void syncDirectories(Collection<Path> directories) throws IOException {
    for (Path dir : directories) syncDirectory(dir);
  }

  /** fsync of a directory makes renames and creations in it durable. */
  public static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  public record RecoveryReport(int finished, int rolledBack, int orphansRemoved) {
    public RecoveryReport withOrphans(int orphans) {
      return new RecoveryReport(finished, rolledBack, orphans);
    }

    public boolean anything() {
      return finished + rolledBack + orphansRemoved > 0;
    }
  }
}
