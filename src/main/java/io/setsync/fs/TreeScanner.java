package io.setsync.fs;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A lazy depth-first pre-order walk of a directory tree, in {@link PathOrder}, yielding every name
 * under the root (not the root itself) as a {@link FileEntry} relative to the root.
 *
 * <p>Only the sorted child names of the directories on the current path are held, so memory grows
 * with the depth of the tree and the width of one directory, not with the number of files; a file
 * set of millions of names can be merged against the other side as it streams.
 *
 * <p>Symbolic links are never followed: a link, even to a directory, is one {@link
 * EntryType#SYMLINK} entry. {@value PathGuard#METADATA_DIR} directly under the root is skipped
 * always, and names the {@link ExcludeFilter} matches are neither yielded nor descended into.
 *
 * <p>Trouble below the root does not stop the walk, because one unreadable directory must not
 * prevent the rest of the set from being replicated: it is reported to {@code onWarning} and the
 * name is left out. That covers a directory that cannot be read, a name that vanishes between
 * listing and stat, and a name the receiving side would refuse
 * (see {@link PathGuard#checkRelativePath}) — better said once at the source than failed at the
 * destination.
 *
 * <p>Names are {@link RawNames} text: a name that is not UTF-8 is listed with its bytes.
 *
 * <p>Not thread-safe. The file system is live, so the listing is a best effort, not a snapshot.
 */
public final class TreeScanner implements Walk {


  /** One directory on the current path, with its children sorted and a cursor into them. */
  private static final class Frame {
    final String rel;
    final Path dir;
    final String[] names;
    int next;
    /**
     * The directory held open while its own children are described (null: by full path, or not
     * opened yet). A name is then looked up in this directory alone (fstatat) instead of component
     * by component from the file system's root, which was most of the kernel's time in a no-op
     * walk. Only the deepest directory of the walk is held, so a walk holds one directory stream
     * however deep the tree.
     */
    private SecureDirectoryStream<Path> handle;
    private boolean opened;

    Frame(String rel, Path dir, String[] names) {
      this.rel = rel;
      this.dir = dir;
      this.names = names;
    }

    /** The open directory, opened on first use (again after {@link #release}); null if it cannot be. */
    SecureDirectoryStream<Path> handle() {
      if (!opened) {
        opened = true;
        handle = openHandle(dir);
      }
      return handle;
    }

    /** Closes the held directory; the next {@link #handle} opens it again. */
    void release() {
      opened = false;
      if (handle == null) return;
      try {
        handle.close();
      } catch (IOException ignored) {
        // a listing stream: nothing was written through it
      }
      handle = null;
    }
  }

  private final Path root;
  private final ExcludeFilter excluded;
  private final Consumer<String> onWarning;
  private final Deque<Frame> stack = new ArrayDeque<>();

  /** The entry hasNext() found and next() will return. */
  private FileEntry lookahead;

  private FileEntry lastReturned;

  /** The identity (device, inode) of the lookahead and of the entry last returned, for files. */
  private Object lookaheadKey;

  private Object lastKey;

  /** Set by {@link #stat} for the regular file it described last. */
  private Object statKey;

  /**
   * The directory last returned has not been read yet. Reading is put off until the walk moves on
   * so that {@link #skipChildren} can still cancel it.
   */
  private boolean descendPending;

  private TreeScanner(Path root, ExcludeFilter excluded, Consumer<String> onWarning) {
    this.root = root;
    this.excluded = excluded;
    this.onWarning = onWarning;
  }

  /**
   * Starts a walk under {@code root}, which is read at once. The root itself may be a symbolic
   * link to a directory; links below it are not followed.
   *
   * @param onWarning receives a message naming the path and the reason for each name left out
   * @throws IOException naming the root if it is missing, not a directory or unreadable
   */
  public static TreeScanner open(Path root, ExcludeFilter excluded, Consumer<String> onWarning)
      throws IOException {
    TreeScanner scanner = new TreeScanner(root, excluded, onWarning);
    try {
      scanner.stack.push(new Frame("", root, scanner.readNames(root)));
    } catch (IOException e) {
      throw new IOException("cannot read root " + RawNames.display(root) + ": " + reason(e), e);
    }
    return scanner;
  }

  @Override
  public boolean hasNext() {
    if (lookahead == null) {
      lookahead = advance();
      lookaheadKey = statKey;
    }
    return lookahead != null;
  }

  @Override
  public FileEntry next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    lastReturned = lookahead;
    lastKey = lookaheadKey;
    lookahead = null;
    descendPending = lastReturned.type() == EntryType.DIRECTORY;
    return lastReturned;
  }

  /**
   * Do not descend into the directory most recently returned by {@link #next} — for instance
   * because the other side has a file of that name. Works whether or not {@link #hasNext} was
   * called in between, though in that case the directory has already been read and any warning
   * about it already given.
   *
   * @throws IllegalStateException if the last entry returned is not a directory
   */
  public void skipChildren() {
    if (lastReturned == null || lastReturned.type() != EntryType.DIRECTORY) {
      throw new IllegalStateException("last entry returned is not a directory: " + lastReturned);
    }
    if (descendPending) {
      descendPending = false;
    } else if (!stack.isEmpty() && stack.peek().rel.equals(lastReturned.path())) {
      // hasNext() already entered the directory, so the lookahead, if any, is one of its children.
      stack.pop().release();
      lookahead = null;
    }
  }

  /**
   * The identity of the entry last returned by {@link #next} when it is a regular file ({@link
   * java.nio.file.attribute.BasicFileAttributes#fileKey()}: device and inode), null otherwise.
   * Read with the entry's other attributes, so it costs no extra system call; with {@link
   * FileEntry#linkCount()} it tells which names are the same file ({@link HardLinks}).
   */
  @Override
  public Object fileKey() {
    return lastReturned != null && (lastReturned.type() == EntryType.FILE || lastReturned.type() == EntryType.SYMLINK)
        ? lastKey : null;
  }

  /** Drops the remaining walk and closes the directories it holds open (those on its path). */
  @Override
  public void close() {
    stack.forEach(Frame::release);
    stack.clear();
    lookahead = null;
    descendPending = false;
  }

  private FileEntry advance() {
    if (descendPending) {
      descendPending = false;
      enter(lastReturned.path());
    }
    while (!stack.isEmpty()) {
      Frame top = stack.peek();
      if (top.next == top.names.length) {
        stack.pop().release();
        continue;
      }
      String name = top.names[top.next++];
      if (top.rel.isEmpty() && name.equals(PathGuard.METADATA_DIR)) {
        continue;
      }
      String rel = top.rel.isEmpty() ? name : top.rel + '/' + name;
      FileEntry entry = stat(top, name, rel, rel.length() - name.length());
      if (entry != null && !excluded.matches(rel, entry.type() == EntryType.DIRECTORY)) {
        return entry;
      }
    }
    return null;
  }

  private void enter(String rel) {
    Path dir = RawNames.resolve(root, rel);
    try {
      String[] names = readNames(dir);
      if (!stack.isEmpty()) stack.peek().release(); // opened again when the walk comes back up
      stack.push(new Frame(rel, dir, names));
    } catch (IOException e) {
      onWarning.accept("cannot read directory " + RawNames.display(dir) + ": " + reason(e) + "; left out");
    }
  }

  /** Null, after a warning, for a name that cannot be described or should not be sent. */
  private FileEntry stat(Frame frame, String name, String rel, int nameStart) {
    try {
      // The directories above were checked when they were listed.
      PathGuard.checkChildPath(rel, nameStart);
    } catch (UnsafeNameException e) {
      onWarning.accept(e.getMessage() + " at " + RawNames.display(RawNames.resolve(frame.dir, name)) + "; left out");
      return null;
    }
    statKey = null;
    try {
      // The typed view: one lstat, no attribute-name parsing (which cost a quarter of a no-op
      // scan with the "unix:..." string form).
      SecureDirectoryStream<Path> handle = frame.handle();
      PosixFileAttributes a = handle != null
          ? handle.getFileAttributeView(RawNames.path(frame.dir, name), PosixFileAttributeView.class,
              LinkOption.NOFOLLOW_LINKS).readAttributes()
          : Files.readAttributes(RawNames.resolve(frame.dir, name), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (a.isRegularFile() || a.isSymbolicLink()) statKey = a.fileKey();
      return describe(frame.dir, name, rel, a, owners);
    } catch (IOException e) {
      onWarning.accept("cannot stat " + RawNames.display(RawNames.resolve(frame.dir, name)) + ": " + reason(e) + "; left out");
      return null;
    }
  }

  /**
   * {@code dir} held open for describing its children by name, or null: on a confined or other
   * file system without secure directory streams, or when it cannot be opened (its children are
   * then described by full path, which gives the same warnings).
   */
  private static SecureDirectoryStream<Path> openHandle(Path dir) {
    if (Confinement.isConfined(dir)) return null;
    DirectoryStream<Path> stream;
    try {
      stream = Files.newDirectoryStream(dir);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (stream instanceof SecureDirectoryStream<Path> secure) return secure;
    try {
      stream.close();
    } catch (IOException ignored) {
      // nothing was read through it
    }
    return null;
  }

  /**
   * The root itself, as an entry named "" (a link to a directory is followed, as the walk does).
   *
   * @throws IOException it cannot be read
   */
  public static FileEntry describeRoot(Path root) throws IOException {
    return describe(root, null, "", Files.readAttributes(root, PosixFileAttributes.class), new OwnerNames());
  }

  /** {@code name} in {@code dir}, or {@code dir} itself for a null name. */
  private static Path path(Path dir, String name) {
    return name == null ? dir : RawNames.resolve(dir, name);
  }

  /** The entry for {@code name} in {@code dir} (null: dir itself), from its attributes {@code a}. */
  private static FileEntry describe(Path dir, String name, String rel, PosixFileAttributes a, OwnerNames owners)
      throws IOException {
    int mode = fullMode(a, dir, name);
    long mtimeNanos = a.lastModifiedTime().to(TimeUnit.NANOSECONDS);
    Owner owner = owners.of(a);
    if (a.isDirectory()) {
      return new FileEntry(rel, EntryType.DIRECTORY, 0, mtimeNanos, mode, null, null, 1, owner);
    }
    if (a.isRegularFile()) {
      return new FileEntry(rel, EntryType.FILE, a.size(), mtimeNanos, mode, null, null, linkCount(a, dir, name), owner);
    }
    if (a.isSymbolicLink()) {
      // The target's own bytes: Path.toString and Path.of would normalize "dir//" to "dir".
      String target = RawNames.text(Files.readSymbolicLink(path(dir, name)));
      return new FileEntry(rel, EntryType.SYMLINK, 0, mtimeNanos, mode, target, null, linkCount(a, dir, name), owner);
    }
    return new FileEntry(rel, EntryType.OTHER, 0, mtimeNanos, mode, null, null, 1, owner);
  }

  /** Numbers of owners and groups with their names, each name looked up once per walk. */
  private static final class OwnerNames {
    private final java.util.Map<Integer, String> users = new java.util.HashMap<>();
    private final java.util.Map<Integer, String> groups = new java.util.HashMap<>();

    Owner of(PosixFileAttributes a) {
      if (UNIX_UID == null || UNIX_GID == null) return null;
      int uid;
      int gid;
      try {
        uid = (int) UNIX_UID.invokeExact((Object) a);
        gid = (int) UNIX_GID.invokeExact((Object) a);
      } catch (ClassCastException notUnix) {
        return null;
      } catch (Throwable t) {
        throw new IllegalStateException("reading st_uid failed", t);
      }
      String user = users.computeIfAbsent(uid, n -> named(a.owner().getName(), n));
      String group = groups.computeIfAbsent(gid, n -> named(a.group().getName(), n));
      return new Owner(uid, gid, user.isEmpty() ? null : user, group.isEmpty() ? null : group);
    }

    /** The JDK gives the number as the name of a number that has none. */
    private static String named(String name, int number) {
      return name.equals(Integer.toString(number)) ? "" : name;
    }
  }

  private final OwnerNames owners = new OwnerNames();

  private static final MethodHandle UNIX_UID = unixAccessor("uid");
  private static final MethodHandle UNIX_GID = unixAccessor("gid");

  /**
   * The JDK's own accessor of the whole st_mode behind {@link PosixFileAttributes} (which shows
   * only the rwx bits); null unless the JVM runs with {@code --add-opens
   * java.base/sun.nio.fs=ALL-UNNAMED}, as the launcher and the tests do.
   */
  private static final MethodHandle UNIX_MODE = unixAccessor("mode");

  /** An int accessor of sun.nio.fs.UnixFileAttributes, or null when it cannot be opened. */
  private static MethodHandle unixAccessor(String name) {
    try {
      Class<?> unix = Class.forName("sun.nio.fs.UnixFileAttributes");
      Method accessor = unix.getDeclaredMethod(name);
      accessor.setAccessible(true);
      return MethodHandles.lookup().unreflect(accessor).asType(MethodType.methodType(int.class, Object.class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** The JDK's accessor of st_nlink behind the typed view; null like {@link #UNIX_MODE}. */
  private static final MethodHandle UNIX_NLINK = unixAccessor("nlink");

  /** How many names the file has, from the same lstat. */
  private static int linkCount(PosixFileAttributes a, Path dir, String name) throws IOException {
    if (UNIX_NLINK != null) {
      try {
        return Math.max(1, (int) UNIX_NLINK.invokeExact((Object) a));
      } catch (ClassCastException notUnix) {
        // another file system provider: ask it by name below
      } catch (Throwable t) {
        throw new IllegalStateException("reading st_nlink failed", t);
      }
    }
    return Math.max(1, (Integer) Files.getAttribute(path(dir, name), "unix:nlink", LinkOption.NOFOLLOW_LINKS));
  }

  /** The permission bits with setuid, setgid and sticky (07777). */
  private static int fullMode(PosixFileAttributes a, Path dir, String name) throws IOException {
    if (UNIX_MODE != null) {
      try {
        return (int) UNIX_MODE.invokeExact((Object) a) & 07777;
      } catch (ClassCastException notUnix) {
        // another file system provider: ask it by name below
      } catch (Throwable t) {
        throw new IllegalStateException("reading st_mode failed", t);
      }
    }
    return (Integer) Files.getAttribute(path(dir, name), "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }

  /** The child names of {@code dir} as {@link RawNames} text, in {@link PathOrder}. */
  private String[] readNames(Path dir) throws IOException {
    // File.list reads the names without a Path per child; a directory it cannot read, or one
    // with a name that did not decode (a replacement char, which may also be a real one), is
    // read again the slow way, for the exact reason or for every name's bytes.
    // A confined directory is listed through its provider, which lists as the sync's account.
    String[] listed = Confinement.isConfined(dir) ? null : dir.toFile().list();
    if (listed != null) {
      boolean clean = true;
      for (String name : listed) {
        if (name.indexOf('\uFFFD') >= 0) {
          clean = false;
          break;
        }
      }
      if (clean) {
        Arrays.sort(listed, PathOrder.INSTANCE);
        return listed;
      }
    }
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      for (Path child : children) {
        // A listed Path keeps the name's bytes, even where the JVM's decoding would lose them.
        names.add(RawNames.name(child));
      }
    }
    String[] sorted = names.toArray(String[]::new);
    Arrays.sort(sorted, PathOrder.INSTANCE);
    return sorted;
  }

  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      return fse.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
