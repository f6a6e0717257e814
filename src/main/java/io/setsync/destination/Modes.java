package io.setsync.destination;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Permission bits and link times, the parts of POSIX metadata the JDK makes awkward. */
final class Modes {

  private static final PosixFilePermission[] BY_BIT = {
    PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
    PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
    PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
  };

  private Modes() {}

  /** Sets the rwx bits of a file or directory (never through a link). */
  static void apply(Path path, int mode) throws IOException {
    if (Files.isSymbolicLink(path)) return;
    Files.setPosixFilePermissions(path, permissions(mode));
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    for (int bit = 0; bit < BY_BIT.length; bit++) {
      if ((mode & (1 << bit)) != 0) set.add(BY_BIT[bit]);
    }
    return set;
  }

  /** Sets the modification time of {@code link} itself, a link or not (never through a link). */
  static void setLinkTime(Path link, long mtimeNanos) throws IOException {
    FileTime time = FileTime.from(mtimeNanos, TimeUnit.NANOSECONDS);
    Files.getFileAttributeView(link, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setTimes(time, null, null);
  }
}
