package io.setsync.transfer;

import akka.util.ByteString;
import io.setsync.fs.FileEntry;
import io.setsync.sync.SyncCounts;
import java.util.List;

/**
 * The frames of one file-set synchronization between a source session (client) and a receiver
 * (server). Order of a session:
 *
 * <pre>
 * client: Hello                           server: Ready LaneOffer? | Abort
 * client: Entries*, ListingEnd            server: (Needs | NeedDelta)*, Notice*, NeedsEnd
 * client: (FileWhole | FileBegin (FileData | FileCopy)* FileEnd | FileOnLane (FileEnd | FileUnavailable)
 *          | FileUnavailable)*, (DataEnd | Stop)
 * server: Notice*, Done
 * </pre>
 *
 * Listing and data frames interleave on the wire: the client starts sending needed files while it
 * is still listing. Either side may send Abort at any time; the session then ends.
 */
public sealed interface Frame {

  /** Bumped on any incompatible change; a receiver refuses other versions. */
  // 2: small files whole, delta transfer, compression; entry type LEFT_OUT (FROMOWNER) and notice
  // kind COPIED (TRIGGER) came in the same release
  // 3: hard links (ALLHARDLINKS): entry type HARDLINK and every entry's link count; a version 2
  // receiver would refuse the new type mid-listing, so the handshake refuses instead
  // 4: the content lane (LaneOffer, FileOnLane), a companion connection for large files' bytes
  // 5: keep-alives (frames of length zero) while a side has nothing to send, so the idle timeout
  // ends only sessions whose peer went silent; a version 4 peer would take one for a bad frame
  // 6: Stop, the source's end of the data at a file boundary before the listing or the needs
  // ended (SUSPEND, ALTER, a stopping node); a version 5 receiver would take it for a bad frame
  // 7: names and link texts are bytes, not UTF-8; every entry carries its owner and group (numbers
  // and names); the listing starts with the source root itself, an entry named ""
  // 8: the Hello carries the single-use ticket the destination's endpoint issued for this root,
  // user and options; a version 7 Hello has none and would be refused anyway
  int PROTOCOL_VERSION = 8;

  /**
   * Opens a session: which destination root, with which options (command-language text), on the
   * strength of {@code ticket}, which the destination's endpoint issued for exactly that root and
   * those options (and names the user the session runs for).
   */
  record Hello(int version, String destinationRoot, String options, String source, String ticket) implements Frame {}

  record Ready(String sessionId) implements Frame {}

  /**
   * The receiver offers a content lane: a plain TCP connection to {@code port} on the same host,
   * opened with {@code token}, over which large files' bytes travel without the framing and copies
   * of this connection. A source may ignore the offer.
   */
  record LaneOffer(int port, String token) implements Frame {}

  /** Ends the session with an error that names the problem. */
  record Abort(String reason) implements Frame {}

  /** A run of the source listing, in {@code PathOrder}, continuing the previous run. */
  record Entries(List<FileEntry> entries) implements Frame {
    public Entries {
      entries = List.copyOf(entries);
    }
  }

  enum ListingEnd implements Frame { INSTANCE }

  /** One file the receiver wants; {@code id} names it in the data frames. */
  record Need(int id, String path) {}

  record Needs(List<Need> needs) implements Frame {
    public Needs {
      needs = List.copyOf(needs);
    }
  }

  /**
   * One file the receiver wants and has an old copy of: the source describes the new content as
   * runs of the old copy's blocks ({@link FileCopy}) and new bytes ({@link FileData}).
   */
  record NeedDelta(int id, String path, io.setsync.delta.BlockSignatures signatures) implements Frame {}

  /** The receiver has judged the whole listing: no more needs follow. */
  enum NeedsEnd implements Frame { INSTANCE }

  /**
   * A needed file starts. Size and mtime are those of the content actually read, which may be
   * newer than the listing; the receiver gives the copy this mtime.
   */
  record FileBegin(int id, long size, long mtimeNanos) implements Frame {}

  /**
   * As FileBegin, but exactly {@code size} bytes of content follow on the content lane, not here;
   * FileEnd (or FileUnavailable, when the file changed while it was sent) follows here once they
   * have all been sent.
   */
  record FileOnLane(int id, long size, long mtimeNanos) implements Frame {}

  /** A chunk of the current file's content. */
  record FileData(ByteString bytes) implements Frame {}

  /** The next {@code count} blocks of the current file are the old copy's blocks from {@code first}. */
  record FileCopy(int first, int count) implements Frame {}

  /** The current file is complete; {@code crc32c} covers all its bytes. */
  record FileEnd(int id, long crc32c) implements Frame {}

  /**
   * A needed file small enough for one frame: what FileBegin, FileData and FileEnd say, in one
   * frame, so that a small file costs one frame and not three.
   */
  record FileWhole(int id, long mtimeNanos, long crc32c, ByteString bytes) implements Frame {}

  /** The source could not send a needed file (vanished, unreadable, changing). */
  record FileUnavailable(int id, String reason) implements Frame {}

  enum DataEnd implements Frame { INSTANCE }

  /**
   * The source stops here, at a file boundary, before it sent everything (SUSPEND, ALTER, a
   * stopping node): the receiver commits the files it has whole, purges nothing and answers with
   * Done, whose counts are then what reached the destination.
   */
  record Stop(String reason) implements Frame {}

  /**
   * Goes on the wire as a number: {@code FrameCodec.NOTICE_KINDS} fixes each kind's, so reordering
   * here changes nothing; a new kind needs a number there (and {@code FrameWireTest} pins them).
   */
  enum NoticeKind {
    WOULD_COPY,
    WOULD_PURGE,
    PURGED,
    WARNING,
    ERROR,
    /** A name was created or replaced; sent only when a TRIGGER wants the list. */
    COPIED
  }

  /** Something the receiver tells the user about one name (or the session, with an empty path). */
  record Notice(NoticeKind kind, String path, String text) implements Frame {}

  /** The receiver's final word: counts and the completion code (0, 1, 2). */
  record Done(SyncCounts counts, int completionCode) implements Frame {}
}
