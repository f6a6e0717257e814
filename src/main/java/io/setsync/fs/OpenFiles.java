package io.setsync.fs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which processes hold which files open, and how: one snapshot of Linux's {@code /proc}, indexed
 * by (device, inode) so that a sync of a million files asks one hash lookup per file.
 *
 * <p>A snapshot reads, for every process, the file descriptors in {@code /proc/<pid>/fd} (access
 * mode from the {@code flags} line of {@code /proc/<pid>/fdinfo/<fd>}), the file mappings in
 * {@code /proc/<pid>/maps} and the program in {@code /proc/<pid>/exe}. The process taking the
 * snapshot is left out: its own opens are the sync's own doing.
 *
 * <p>Without a usable {@code /proc} (another OS, a restricted container) the snapshot is
 * {@linkplain #available() unavailable}, every query answers {@link Usage#UNKNOWN}, and the log
 * says so once per JVM. Processes of other users that cannot be inspected (running without root)
 * are counted in {@link #hiddenProcesses()}; their opens are missed.
 *
 * <p>Immutable and thread-safe; take a new snapshot with {@link #scan()} to refresh.
 */
public final class OpenFiles {

  private static final Logger LOG = LoggerFactory.getLogger(OpenFiles.class);
  private static final AtomicBoolean WARNED_UNAVAILABLE = new AtomicBoolean();
  private static final AtomicBoolean WARNED_HIDDEN = new AtomicBoolean();
  private static final Path PROC = Paths.get("/proc");

  /** How one process uses a file. */
  public enum Access {
    /** A descriptor opened read-only. */
    READ,
    /** A descriptor opened write-only (including append). */
    WRITE,
    /** A descriptor opened for reading and writing. */
    READ_WRITE,
    /** The process's program, or a mapping with execute permission (a shared library). */
    EXECUTE,
    /** A mapping that cannot change the file (private or read-only). */
    MAPPED,
    /** A shared writable mapping: stores go to the file. */
    MAPPED_WRITE;

    /** Whether this use can change the file's content. */
    public boolean writes() {
      return this == WRITE || this == READ_WRITE || this == MAPPED_WRITE;
    }
  }

  /** A file's identity: {@code st_dev} and {@code st_ino} as {@code stat(2)} reports them. */
  public record FileKey(long device, long inode) {
    /** The identity of {@code path} itself (a link is not followed). */
    public static FileKey of(Path path) throws IOException {
      Map<String, Object> attrs =
          Files.readAttributes(path, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
      return new FileKey((Long) attrs.get("dev"), (Long) attrs.get("ino"));
    }

    /**
     * The identity in attributes already read (from a path, links not followed, as {@link
     * java.nio.file.attribute.PosixFileAttributes}: the JDK wraps the basic view), without another
     * stat; null when these attributes do not show it (another file system provider, or a JVM
     * without {@code --add-opens java.base/sun.nio.fs=ALL-UNNAMED}), and the path has to be asked.
     */
    public static FileKey of(java.nio.file.attribute.BasicFileAttributes attrs) {
      if (UNIX_DEV == null || UNIX_INO == null) return null;
      try {
        return new FileKey((long) UNIX_DEV.invokeExact((Object) attrs), (long) UNIX_INO.invokeExact((Object) attrs));
      } catch (ClassCastException notUnix) {
        return null;
      } catch (Throwable t) {
        throw new IllegalStateException("reading st_dev and st_ino failed", t);
      }
    }

    private static final java.lang.invoke.MethodHandle UNIX_DEV = unixAccessor("dev");
    private static final java.lang.invoke.MethodHandle UNIX_INO = unixAccessor("ino");

    /** A long accessor of sun.nio.fs.UnixFileAttributes, or null when it cannot be opened. */
    private static java.lang.invoke.MethodHandle unixAccessor(String name) {
      try {
        java.lang.reflect.Method accessor = Class.forName("sun.nio.fs.UnixFileAttributes").getDeclaredMethod(name);
        accessor.setAccessible(true);
        return java.lang.invoke.MethodHandles.lookup().unreflect(accessor)
            .asType(java.lang.invoke.MethodType.methodType(long.class, Object.class));
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }
  }

  /**
   * One process holding a file.
   *
   * @param pid process id
   * @param command its short name from {@code /proc/<pid>/comm} ("" if unreadable)
   * @param access how it uses the file
   */
  public record Holder(long pid, String command, Access access) {
    @Override
    public String toString() {
      return command + "[" + pid + "] " + access.name().toLowerCase().replace('_', '-');
    }
  }

  /**
   * What a snapshot knows of one file.
   *
   * @param known false when open files cannot be detected at all
   * @param holders every (process, access) pair seen, without duplicates; empty when not open
   */
  public record Usage(boolean known, List<Holder> holders) {
    /** The answer when detection is unavailable. */
    public static final Usage UNKNOWN = new Usage(false, List.of());

    /** The answer for a file no process holds. */
    public static final Usage CLOSED = new Usage(true, List.of());

    public Usage {
      holders = List.copyOf(holders);
    }

    /** Known to be held by at least one process. */
    public boolean isOpen() {
      return !holders.isEmpty();
    }

    /** Known to be held by a process that can change it. */
    public boolean isOpenForWriting() {
      return holders.stream().anyMatch(h -> h.access().writes());
    }

    /** Held, but only in ways that cannot change it (read, execute, read-only mapping). */
    public boolean isOpenOnlyForReading() {
      return isOpen() && !isOpenForWriting();
    }

    /** The holders, for a log line: "sleep[42] read, app[7] execute". */
    public String describe() {
      if (!known) return "unknown";
      if (holders.isEmpty()) return "not open";
      List<String> parts = new ArrayList<>();
      for (Holder h : holders) parts.add(h.toString());
      return String.join(", ", parts);
    }
  }

  private final boolean available;
  private final Map<FileKey, List<Holder>> byFile;
  private final int processes;
  private final int hiddenProcesses;
  private final long takenNanos;

  private OpenFiles(
      boolean available, Map<FileKey, List<Holder>> byFile, int processes, int hiddenProcesses) {
    this.available = available;
    this.byFile = byFile;
    this.processes = processes;
    this.hiddenProcesses = hiddenProcesses;
    this.takenNanos = System.nanoTime();
  }

  /** A snapshot of the running system, leaving out this process. */
  public static OpenFiles scan() {
    return scan(PROC, ProcessHandle.current().pid());
  }

  /**
   * A snapshot read from {@code proc} (normally {@code /proc}), leaving out process {@code selfPid}
   * (-1 to keep every process).
   */
  public static OpenFiles scan(Path proc, long selfPid) {
    if (!Files.isDirectory(proc.resolve("self").resolve("fd"))) {
      if (WARNED_UNAVAILABLE.compareAndSet(false, true)) {
        LOG.warn(
            "open-file detection unavailable ({} has no process file descriptors): files open by"
                + " other programs cannot be recognized and are treated as closed",
            proc);
      }
      return new OpenFiles(false, Map.of(), 0, 0);
    }
    Map<FileKey, Set<Holder>> index = new HashMap<>();
    int processes = 0;
    int hidden = 0;
    try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc)) {
      for (Path dir : pids) {
        long pid = pidOf(dir.getFileName().toString());
        if (pid < 0 || pid == selfPid) continue;
        processes++;
        if (!scanProcess(dir, pid, index)) hidden++;
      }
    } catch (IOException e) {
      LOG.warn("open-file detection: cannot list {}: {}", proc, e.toString());
      return new OpenFiles(false, Map.of(), 0, 0);
    }
    if (hidden > 0 && WARNED_HIDDEN.compareAndSet(false, true)) {
      LOG.warn(
          "open-file detection: the open files of {} processes cannot be read (other users'"
              + " processes need root); files they hold are treated as closed",
          hidden);
    }
    Map<FileKey, List<Holder>> frozen = new HashMap<>(index.size() * 2);
    index.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
    return new OpenFiles(true, Collections.unmodifiableMap(frozen), processes, hidden);
  }

  /** Whether open files could be detected at all. */
  public boolean available() {
    return available;
  }

  /** Processes looked at (other than this one). */
  public int processes() {
    return processes;
  }

  /** Processes whose open files could not be read (other users' when not root, or vanished). */
  public int hiddenProcesses() {
    return hiddenProcesses;
  }

  /** Nanoseconds since this snapshot was taken, to decide when to take a fresh one. */
  public long ageNanos() {
    return System.nanoTime() - takenNanos;
  }

  /** How the file with this identity is held. */
  public Usage usage(FileKey key) {
    if (!available) return Usage.UNKNOWN;
    List<Holder> holders = byFile.get(key);
    return holders == null ? Usage.CLOSED : new Usage(true, holders);
  }

  /**
   * How the file at {@code path} is held; {@link Usage#CLOSED} when it does not exist (nothing can
   * hold a name that is not there), unknown when it cannot be read.
   */
  public Usage usage(Path path) {
    if (!available) return Usage.UNKNOWN;
    try {
      return usage(FileKey.of(path));
    } catch (java.nio.file.NoSuchFileException e) {
      return Usage.CLOSED;
    } catch (IOException e) {
      return Usage.UNKNOWN;
    }
  }

  private static long pidOf(String name) {
    if (name.isEmpty() || name.length() > 10) return -1;
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) < '0' || name.charAt(i) > '9') return -1;
    }
    return Long.parseLong(name);
  }

  /** Adds what process {@code pid} holds; false when its descriptors could not be read. */
  private static boolean scanProcess(Path dir, long pid, Map<FileKey, Set<Holder>> index) {
    String command = readSmall(dir.resolve("comm")).strip();
    boolean visible = scanDescriptors(dir, pid, command, index);
    scanProgram(dir, pid, command, index);
    scanMappings(dir, pid, command, index);
    return visible;
  }

  private static boolean scanDescriptors(
      Path dir, long pid, String command, Map<FileKey, Set<Holder>> index) {
    Path fdDir = dir.resolve("fd");
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
      for (Path fd : fds) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
          continue; // closed meanwhile
        }
        if (!target.startsWith("/")) continue; // pipes, sockets, anonymous inodes
        FileKey key;
        try {
          key = followedKey(fd);
        } catch (IOException e) {
          continue;
        }
        Access access = descriptorAccess(dir.resolve("fdinfo").resolve(fd.getFileName()));
        add(index, key, new Holder(pid, command, access));
      }
      return true;
    } catch (java.nio.file.NoSuchFileException e) {
      return true; // ended meanwhile: it holds nothing any more
    } catch (IOException | SecurityException e) {
      return false;
    }
  }

  /**
   * The access mode from the fdinfo {@code flags} line (octal; the low two bits are O_ACCMODE).
   * When it cannot be read, read-write is assumed: the answer that keeps every caller careful.
   */
  static Access descriptorAccess(Path fdinfo) {
    for (String line : readSmall(fdinfo).split("\n")) {
      if (line.startsWith("flags:")) {
        try {
          long flags = Long.parseLong(line.substring("flags:".length()).strip(), 8);
          return switch ((int) (flags & 3)) {
            case 0 -> Access.READ;
            case 1 -> Access.WRITE;
            default -> Access.READ_WRITE;
          };
        } catch (NumberFormatException e) {
          break;
        }
      }
    }
    return Access.READ_WRITE;
  }

  private static void scanProgram(
      Path dir, long pid, String command, Map<FileKey, Set<Holder>> index) {
    try {
      add(index, followedKey(dir.resolve("exe")), new Holder(pid, command, Access.EXECUTE));
    } catch (IOException | SecurityException e) {
      // kernel threads have no program; other users' programs are hidden without root
    }
  }

  private static void scanMappings(
      Path dir, long pid, String command, Map<FileKey, Set<Holder>> index) {
    String maps = readSmall(dir.resolve("maps"));
    if (maps.isEmpty()) return;
    Set<String> seen = new java.util.HashSet<>();
    for (String line : maps.split("\n")) {
      Mapping m = Mapping.parse(line);
      if (m == null || m.inode() == 0 || !seen.add(m.perms() + ' ' + m.device() + ' ' + m.inode())) {
        continue;
      }
      Holder holder = new Holder(pid, command, m.access());
      add(index, new FileKey(m.device(), m.inode()), holder);
      // On filesystems whose stat device differs from the mapping's (btrfs subvolumes,
      // overlayfs) the map_files link leads to the file as stat sees it; it needs root.
      try {
        add(index, followedKey(dir.resolve("map_files").resolve(m.range())), holder);
      } catch (IOException | SecurityException e) {
        // not root, or unmapped meanwhile: the mapping's own identity above has to do
      }
    }
  }

  /** One line of {@code /proc/<pid>/maps} that maps a file. */
  record Mapping(String range, String perms, long device, long inode) {

    /** Compiled once: a JVM's maps run to thousands of lines, read on every snapshot. */
    private static final java.util.regex.Pattern FIELD_GAP = java.util.regex.Pattern.compile("\\s+");

    /** Parses "start-end perms offset major:minor inode [path]"; null for other lines. */
    static Mapping parse(String line) {
      String[] f = FIELD_GAP.split(line.trim(), 6);
      if (f.length < 5) return null;
      int colon = f[3].indexOf(':');
      if (colon < 0 || f[1].length() < 4) return null;
      try {
        long major = Long.parseLong(f[3].substring(0, colon), 16);
        long minor = Long.parseLong(f[3].substring(colon + 1), 16);
        return new Mapping(f[0], f[1], makedev(major, minor), Long.parseLong(f[4]));
      } catch (NumberFormatException e) {
        return null;
      }
    }

    Access access() {
      if (perms.charAt(2) == 'x') return Access.EXECUTE;
      if (perms.charAt(1) == 'w' && perms.charAt(3) == 's') return Access.MAPPED_WRITE;
      return Access.MAPPED;
    }
  }

  /** glibc's makedev(3): the st_dev number of a device given as major:minor. */
  static long makedev(long major, long minor) {
    return (minor & 0xffL)
        | ((major & 0xfffL) << 8)
        | ((minor & ~0xffL) << 12)
        | ((major & ~0xfffL) << 32);
  }

  private static FileKey followedKey(Path procLink) throws IOException {
    Map<String, Object> attrs = Files.readAttributes(procLink, "unix:dev,ino");
    return new FileKey((Long) attrs.get("dev"), (Long) attrs.get("ino"));
  }

  private static void add(Map<FileKey, Set<Holder>> index, FileKey key, Holder holder) {
    index.computeIfAbsent(key, k -> new LinkedHashSet<>(2)).add(holder);
  }

  /** A small /proc file's text, "" when it cannot be read (gone, or another user's). */
  private static String readSmall(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (IOException | SecurityException e) {
      return "";
    }
  }
}
