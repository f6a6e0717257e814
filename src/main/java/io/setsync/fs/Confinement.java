package io.setsync.fs;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a sync user's file work is held to: the user's account's credentials for every access, so
 * the kernel checks it as it would the user's own, and, when the user has roots, the real path of
 * every access inside them, taken at the time of the access (a {@code ..} or a symlink at any depth
 * that leads out is refused). {@link #confine} hands out the sync's starting path on a file system
 * that does both for every operation on it and on every path derived from it.
 *
 * <p>The roots check and the access are two system calls, so a user who swaps a directory for a
 * symlink between them could still reach a path outside the roots; the kernel's check as the user
 * is what stands then, and it gives nothing the user's own shell would not.
 */
public final class Confinement {

  private final FsIdentity identity;
  private final List<String> rootTexts;
  private volatile List<Path> realRoots;

  private Confinement(FsIdentity identity, List<String> roots) {
    this.identity = identity;
    this.rootTexts = List.copyOf(roots);
  }

  /**
   * {@code path} (absolute) on a file system whose every access is done as {@code identity} and
   * inside {@code roots} (absolute; none: no roots check). The plain path comes back when there is
   * nothing to hold it to: the process's own identity and no roots.
   */
  public static Path confine(Path path, FsIdentity identity, List<String> roots) {
    if (!path.isAbsolute()) throw new IllegalArgumentException("not an absolute path: " + path);
    Path plain = ConfinedPath.unwrap(path);
    if (roots.isEmpty() && identity.sameCredentials(FsIdentity.process())) return plain;
    return new ConfinedFileSystem(new Confinement(identity, roots)).wrap(plain);
  }

  /** Whether {@code path} is held to a confinement (false for the plain file system's paths). */
  public static boolean isConfined(Path path) {
    return path instanceof ConfinedPath;
  }

  /** The plain path {@code path} stands for: for keys and comparisons across confinements. */
  public static Path plain(Path path) {
    return ConfinedPath.unwrap(path);
  }

  /** The identity accesses are made with. */
  public FsIdentity identity() {
    return identity;
  }

  /** Runs {@code work} as the identity, once {@code path} (plain) is known to lie inside the roots. */
  <T> T access(Path path, boolean followLeaf, FsCredentials.IoCall<T> work) throws IOException {
    return FsCredentials.call(identity, () -> {
      checkInside(path, followLeaf);
      return work.call();
    });
  }

  /** As {@link #access} for an operation on two paths (a link, a move, a copy). */
  <T> T access(Path first, boolean followFirst, Path second, FsCredentials.IoCall<T> work) throws IOException {
    return FsCredentials.call(identity, () -> {
      checkInside(first, followFirst);
      checkInside(second, false);
      return work.call();
    });
  }

  private void checkInside(Path path, boolean followLeaf) throws IOException {
    if (rootTexts.isEmpty()) return;
    Path real = realLocation(path.toAbsolutePath(), followLeaf);
    for (Path root : roots()) {
      if (real.startsWith(root)) return;
    }
    throw new AccessDeniedException(path.toString(), null,
        "outside the roots of account " + identity.account() + (real.equals(path) ? "" : " (its real path is " + real + ")"));
  }

  private List<Path> roots() throws IOException {
    List<Path> r = realRoots;
    if (r == null) {
      List<Path> resolved = new ArrayList<>();
      for (String root : rootTexts) resolved.add(realLocation(Path.of(root), true));
      r = List.copyOf(resolved);
      realRoots = r;
    }
    return r;
  }

  /**
   * Where {@code abs} really is: its real path when the leaf is followed and exists; otherwise its
   * parent's real path and its own name. A part that does not exist yet cannot be a symlink, so it
   * is taken as written (the access itself then fails on it, or creates it where this says).
   */
  static Path realLocation(Path abs, boolean followLeaf) throws IOException {
    Path name = abs.getFileName();
    if (name == null) return abs;
    String text = name.toString();
    if (followLeaf || text.equals("..") || text.equals(".")) {
      try {
        return abs.toRealPath();
      } catch (NoSuchFileException missing) {
        // falls through to the parent
      }
    }
    Path parent = abs.getParent();
    if (parent == null) return abs;
    Path realParent = realLocation(parent, true);
    return text.equals("..") || text.equals(".") ? realParent.resolve(name).normalize() : realParent.resolve(name);
  }
}
