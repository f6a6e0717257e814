package io.setsync.sync;

import io.setsync.fs.EntryType;
import io.setsync.fs.FileEntry;
import io.setsync.options.SyncOptions;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * AutoSYNC's rules for whether a source name replaces what the destination holds under that name.
 * Times are compared in microseconds: the finest precision every copy path (including symbolic
 * links) can write back.
 */
public final class Comparison {

  public enum Verdict {
    /** Create or replace (a file, a link, a hard link, or a directory in place of a symlink). */
    COPY,
    /** Equal: nothing to transfer. */
    SAME,
    /** The destination is newer: kept on purpose (local customisation). */
    KEEP_NEWER,
    /** Different kinds of object: never replaced, a warning. */
    CONFLICT,
    /** A source object that is not a file, directory or link (FIFO, socket, device). */
    UNSUPPORTED,
    /** The source leaves this name out (FROMOWNER): nothing is done with it at all. */
    LEFT_OUT
  }

  private Comparison() {}

  /** As {@link #judge(FileEntry, FileEntry, SyncOptions, Function, Predicate)}, no name linked. */
  public static Verdict judge(
      FileEntry source,
      FileEntry existing,
      SyncOptions options,
      Function<FileEntry, String> destinationHash) {
    return judge(source, existing, options, destinationHash, link -> false);
  }

  /**
   * @param existing what the destination holds under the same name, or null
   * @param destinationHash computes the destination file's content hash; asked only for CHECKSUM
   *     when sizes are equal
   * @param alreadyLinked whether the destination file under a {@link EntryType#HARDLINK}'s name
   *     already is the file its target name will hold after this sync; asked only for a hard link
   *     over a file. A hard link has no times or content of its own: it is the same or it is
   *     made again.
   */
  public static Verdict judge(
      FileEntry source,
      FileEntry existing,
      SyncOptions options,
      Function<FileEntry, String> destinationHash,
      Predicate<FileEntry> alreadyLinked) {
    if (source.type() == EntryType.OTHER) return Verdict.UNSUPPORTED;
    if (source.type() == EntryType.LEFT_OUT) return Verdict.LEFT_OUT;
    if (existing == null) return Verdict.COPY;
    return switch (source.type()) {
      case DIRECTORY -> switch (existing.type()) {
        case DIRECTORY -> Verdict.SAME;
        case SYMLINK -> Verdict.COPY;
        default -> Verdict.CONFLICT;
      };
      case FILE -> switch (existing.type()) {
        case FILE -> judgeFiles(source, existing, options, destinationHash);
        case SYMLINK -> Verdict.COPY;
        default -> Verdict.CONFLICT;
      };
      case SYMLINK -> existing.type() != EntryType.SYMLINK
          ? Verdict.CONFLICT
          : Objects.equals(source.linkTarget(), existing.linkTarget()) ? Verdict.SAME : Verdict.COPY;
      case HARDLINK -> switch (existing.type()) {
        case FILE, SYMLINK -> alreadyLinked.test(source) ? Verdict.SAME : Verdict.COPY;
        default -> Verdict.CONFLICT;
      };
      case OTHER -> Verdict.UNSUPPORTED;
      case LEFT_OUT -> Verdict.LEFT_OUT;
    };
  }

  private static Verdict judgeFiles(
      FileEntry source, FileEntry existing, SyncOptions options, Function<FileEntry, String> hash) {
    if (options.checksum()) {
      if (source.size() != existing.size()) return Verdict.COPY;
      return Objects.equals(source.contentHash(), hash.apply(existing)) ? Verdict.SAME : Verdict.COPY;
    }
    long sourceTime = micros(source.mtimeNanos());
    long destinationTime = micros(existing.mtimeNanos());
    if (options.timeExact()) {
      return sourceTime != destinationTime || source.size() != existing.size()
          ? Verdict.COPY
          : Verdict.SAME;
    }
    if (sourceTime > destinationTime) return Verdict.COPY;
    if (sourceTime < destinationTime) return Verdict.KEEP_NEWER;
    // Same time but another size: a torn or truncated destination, always replaced.
    return source.size() != existing.size() ? Verdict.COPY : Verdict.SAME;
  }

  public static long micros(long nanos) {
    return Math.floorDiv(nanos, 1000L);
  }

  public static boolean sameTime(FileEntry a, FileEntry b) {
    return micros(a.mtimeNanos()) == micros(b.mtimeNanos());
  }
}
