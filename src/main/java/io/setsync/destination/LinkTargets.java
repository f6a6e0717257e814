package io.setsync.destination;

import io.setsync.fs.EntryType;
import io.setsync.fs.FileEntry;
import io.setsync.transfer.ProtocolException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of one source listing whose other names may still come as {@link EntryType#HARDLINK}
 * entries (a {@link EntryType#FILE} with a link count above 1), each with what became of it at
 * the destination. A hard link must name one of them — an earlier name of the same listing —
 * which keeps the source from linking a destination name to anything it did not list. A file is
 * forgotten once as many names as its link count were listed, so memory follows the
 * multiply-linked files whose other names are still ahead (the source's {@link
 * io.setsync.fs.HardLinks} does the same), not the size of the listing.
 */
public final class LinkTargets {

  /** What the destination has, or will have, under a target's name. */
  public enum State {
    /** No file to link to: the name was not replaced (conflict, beneath a conflict). */
    ABSENT,
    /** The destination's file under the name was kept, newer than the source's: not the source's content. */
    KEPT,
    /** The destination's file under the name is the one: it was kept, or committed this sync. */
    IN_PLACE,
    /** The file is being transferred; hard links to it wait. */
    PENDING,
    /** The new file is complete in its temp, not yet renamed over the name. */
    WRITTEN,
    /** It was to be replaced but was not (transfer failed, refused while open). */
    FAILED
  }

  /** A later name waiting for its target's new file. */
  public record Waiting(FileEntry link, FileEntry existing) {}

  /** One multiply-linked file of the listing, under its first name. Changed by the receiver. */
  public static final class Target {
    /** The name that carries the file: the first name, or a later one when that was unusable. */
    private String path;
    private int remaining;
    private State state = State.ABSENT;
    private String temp;
    private String reason;
    private final List<Waiting> waiting = new ArrayList<>();

    /** The first name's entry: its type, link text and content hash are every name's. */
    private final FileEntry first;

    private Target(FileEntry first, int remaining) {
      this.first = first;
      this.path = first.path();
      this.remaining = remaining;
    }

    /** The first name as listed. */
    public FileEntry first() {
      return first;
    }

    /** The first name, relative to the root. */
    public String path() {
      return path;
    }

    public State state() {
      return state;
    }

    /** The temp holding the new file while {@link State#WRITTEN}. */
    public String temp() {
      return temp;
    }

    /** Why nothing can be linked to it, for {@link State#ABSENT} and {@link State#FAILED}. */
    public String reason() {
      return switch (state) {
        case ABSENT -> "its first name " + path + " is not a file that this sync keeps or replaces";
        case KEPT -> "its first name " + path + " was kept, newer than the source's";
        default -> reason;
      };
    }

    /**
     * Whether names linked to it would get the source's content: no when its name was not
     * replaced (conflict), kept newer, or refused. Such a file's later names are synchronized on
     * their own, and the next of them carries the file for the rest.
     */
    public boolean usable() {
      return state != State.ABSENT && state != State.KEPT && state != State.FAILED;
    }

    public void kept() {
      state = State.KEPT;
      temp = null;
    }

    public void inPlace() {
      state = State.IN_PLACE;
      temp = null;
    }

    public void pending() {
      state = State.PENDING;
    }

    public void written(String tempName) {
      state = State.WRITTEN;
      temp = tempName;
    }

    public void failed(String why) {
      state = State.FAILED;
      temp = null;
      reason = why;
    }

    public void await(FileEntry link, FileEntry existing) {
      waiting.add(new Waiting(link, existing));
    }

    /** The names that waited, now to be linked or given up; the list is emptied. */
    public List<Waiting> takeWaiting() {
      List<Waiting> out = List.copyOf(waiting);
      waiting.clear();
      return out;
    }
  }

  private final Map<String, Target> byPath = new HashMap<>();

  /** Remembers {@code file} when later names of it may follow; a file with one name is not kept. */
  public void listed(FileEntry file) {
    if ((file.type() == EntryType.FILE || file.type() == EntryType.SYMLINK) && file.linkCount() > 1) {
      byPath.put(file.path(), new Target(file, file.linkCount() - 1));
    }
  }

  /**
   * The file a hard link names, counting the name as seen.
   *
   * @throws ProtocolException when the target is not an earlier multiply-linked file of this
   *     listing, or all of that file's names were already listed
   */
  public Target claim(FileEntry link) {
    String target = link.linkTarget();
    if (target == null) {
      throw new ProtocolException("refused name \"" + link.path() + "\": hard link without a target");
    }
    Target t = byPath.get(target);
    if (t == null) {
      throw new ProtocolException(
          "refused name \"" + link.path() + "\": hard link to \"" + target
              + "\", which is not an earlier file with further names in this listing");
    }
    if (--t.remaining == 0) {
      byPath.remove(target);
      byPath.remove(t.path);
    }
    return t;
  }

  /**
   * {@code link}'s file was unusable under its earlier name: {@code link}, now judged as a file or
   * link of its own, carries it for the names still to come.
   */
  public void carry(Target t, FileEntry link) {
    if (!t.path.equals(link.linkTarget())) byPath.remove(t.path);
    t.path = link.path();
    t.state = State.ABSENT;
    t.temp = null;
    t.reason = null;
    if (t.remaining > 0) byPath.put(link.path(), t);
  }

  /** The remembered file under this first name, or null. */
  public Target get(String path) {
    return byPath.get(path);
  }

  /** How many files are remembered. */
  public int remembered() {
    return byPath.size();
  }
}
