package io.setsync.transfer;

import akka.util.ByteString;
import io.setsync.fs.EntryType;
import io.setsync.fs.FileEntry;
import io.setsync.sync.SyncCounts;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary encoding of {@link Frame}s; the length prefix is added by the stream's framing stage.
 *
 * <p>Wire format: one tag byte naming the frame type, then the fields in declaration order, big
 * endian: {@code int} as 4 bytes, {@code long} as 8, enums as one unsigned ordinal byte, strings as
 * an {@code int} byte length followed by that many UTF-8 bytes (length -1 for null where a field
 * may be null), lists as an {@code int} count followed by the items. {@link Frame.FileData} is the
 * tag followed directly by the content bytes, which are neither copied on encode nor on decode.
 * {@link Frame.FileWhole} is likewise its fixed fields followed directly by the content. Nothing
 * may follow the last field.
 *
 * <p>Only wire well-formedness is checked here; the meaning of values (path safety, versions,
 * order of frames) is the receiver's business.
 */
public final class FrameCodec {

  /** Largest encoded frame either side accepts. */
  public static final int MAX_FRAME_BYTES = 4 * 1024 * 1024;

  // Frame type tags. Never renumber: they are the wire format.
  static final byte HELLO = 1;
  static final byte READY = 2;
  static final byte ABORT = 3;
  static final byte ENTRIES = 4;
  static final byte LISTING_END = 5;
  static final byte NEEDS = 6;
  static final byte NEEDS_END = 7;
  static final byte FILE_BEGIN = 8;
  static final byte FILE_DATA = 9;
  static final byte FILE_END = 10;
  static final byte FILE_UNAVAILABLE = 11;
  static final byte DATA_END = 12;
  static final byte NOTICE = 13;
  static final byte DONE = 14;
  static final byte FILE_WHOLE = 15;
  static final byte NEED_DELTA = 16;
  static final byte FILE_COPY = 17;
  /** Another frame's encoding, zstd-compressed: tag, original length, compressed bytes. */
  static final byte COMPRESSED = 18;
  static final byte LANE_OFFER = 19;
  static final byte FILE_ON_LANE = 20;

  /** zstd's default level: a good ratio at hundreds of MB/s. */
  static final int COMPRESSION_LEVEL = 3;

  /** Encoding of one block signature: weak int, strong long. */
  static final int SIGNATURE_BYTES = 4 + 8;

  /** Tag, id, mtime and checksum of a FileWhole frame; the content follows. */
  static final int FILE_WHOLE_HEADER_BYTES = 1 + 4 + 8 + 8;

  /** Largest content a FileWhole frame carries. */
  public static final int MAX_WHOLE_FILE_BYTES = MAX_FRAME_BYTES - FILE_WHOLE_HEADER_BYTES;

  /**
   * Smallest encoding of one FileEntry: path length, type, size, mtime, mode, two lengths, link
   * count.
   */
  static final int MIN_ENTRY_BYTES = 4 + 1 + 8 + 8 + 4 + 4 + 4 + 4;

  /** Smallest encoding of one Need: id and path length. */
  static final int MIN_NEED_BYTES = 4 + 4;

  private static final EntryType[] ENTRY_TYPES = EntryType.values();
  private static final Frame.NoticeKind[] NOTICE_KINDS = Frame.NoticeKind.values();

  private static final ByteString FILE_DATA_TAG = ByteString.fromArray(new byte[] {FILE_DATA});

  private static final ByteString LISTING_END_BYTES = ByteString.fromArray(new byte[] {LISTING_END});
  private static final ByteString NEEDS_END_BYTES = ByteString.fromArray(new byte[] {NEEDS_END});
  private static final ByteString DATA_END_BYTES = ByteString.fromArray(new byte[] {DATA_END});

  private FrameCodec() {}

  /** @throws ProtocolException if the frame cannot be encoded (null field, oversize, bad string) */
  public static ByteString encode(Frame frame) {
    if (frame == null) {
      throw new ProtocolException("cannot encode a null frame");
    }
    if (frame instanceof Frame.FileData d) {
      ByteString bytes = d.bytes();
      if (bytes == null) {
        throw new ProtocolException("cannot encode FileData frame: bytes is null");
      }
      if (bytes.length() > MAX_FRAME_BYTES - 1) {
        throw new ProtocolException(
            "cannot encode FileData frame: "
                + (1L + bytes.length())
                + " bytes exceed maximum "
                + MAX_FRAME_BYTES);
      }
      return FILE_DATA_TAG.concat(bytes);
    }
    if (frame instanceof Frame.FileWhole f) {
      ByteString bytes = f.bytes();
      if (bytes == null) {
        throw new ProtocolException("cannot encode FileWhole frame: bytes is null");
      }
      if (bytes.length() > MAX_WHOLE_FILE_BYTES) {
        throw new ProtocolException(
            "cannot encode FileWhole frame: "
                + ((long) FILE_WHOLE_HEADER_BYTES + bytes.length())
                + " bytes exceed maximum "
                + MAX_FRAME_BYTES);
      }
      FrameWriter w = new FrameWriter("FileWhole", FILE_WHOLE_HEADER_BYTES);
      w.putByte(FILE_WHOLE);
      w.putInt(f.id());
      w.putLong(f.mtimeNanos());
      w.putLong(f.crc32c());
      return w.result().concat(bytes);
    }
    if (frame instanceof Frame.Entries e) {
      return encodeEntries(e);
    }
    if (frame instanceof Frame.NeedDelta d) {
      io.setsync.delta.BlockSignatures sig = d.signatures();
      if (sig == null) {
        throw new ProtocolException("cannot encode NeedDelta frame: signatures is null");
      }
      FrameWriter w = new FrameWriter("NeedDelta", 32 + sig.blockCount() * SIGNATURE_BYTES);
      w.putByte(NEED_DELTA);
      w.putInt(d.id());
      w.putString(d.path(), "path");
      w.putInt(sig.blockSize());
      w.putLong(sig.length());
      w.putInt(sig.blockCount());
      for (int i = 0; i < sig.blockCount(); i++) {
        w.putInt(sig.weak(i));
        w.putLong(sig.strong(i));
      }
      return w.result();
    }
    if (frame instanceof Frame.FileCopy c) {
      FrameWriter w = new FrameWriter("FileCopy", 9);
      w.putByte(FILE_COPY);
      w.putInt(c.first());
      w.putInt(c.count());
      return w.result();
    }
    if (frame instanceof Frame.Needs n) {
      FrameWriter w = new FrameWriter("Needs", 8 + n.needs().size() * 48);
      w.putByte(NEEDS);
      w.putInt(n.needs().size());
      for (Frame.Need need : n.needs()) {
        w.putInt(need.id());
        w.putString(need.path(), "need path");
      }
      return w.result();
    }
    if (frame instanceof Frame.FileBegin b) {
      return encodeFileStart("FileBegin", FILE_BEGIN, b.id(), b.size(), b.mtimeNanos());
    }
    if (frame instanceof Frame.FileOnLane b) {
      return encodeFileStart("FileOnLane", FILE_ON_LANE, b.id(), b.size(), b.mtimeNanos());
    }
    if (frame instanceof Frame.LaneOffer o) {
      FrameWriter w = new FrameWriter("LaneOffer", 64);
      w.putByte(LANE_OFFER);
      w.putInt(o.port());
      w.putString(o.token(), "token");
      return w.result();
    }
    if (frame instanceof Frame.FileEnd e) {
      FrameWriter w = new FrameWriter("FileEnd", 13);
      w.putByte(FILE_END);
      w.putInt(e.id());
      w.putLong(e.crc32c());
      return w.result();
    }
    if (frame instanceof Frame.FileUnavailable u) {
      FrameWriter w = new FrameWriter("FileUnavailable", 64);
      w.putByte(FILE_UNAVAILABLE);
      w.putInt(u.id());
      w.putString(u.reason(), "reason");
      return w.result();
    }
    if (frame instanceof Frame.Notice n) {
      FrameWriter w = new FrameWriter("Notice", 128);
      w.putByte(NOTICE);
      w.putEnum(n.kind(), "kind");
      w.putString(n.path(), "path");
      w.putString(n.text(), "text");
      return w.result();
    }
    if (frame instanceof Frame.Hello h) {
      FrameWriter w = new FrameWriter("Hello", 256);
      w.putByte(HELLO);
      w.putInt(h.version());
      w.putString(h.destinationRoot(), "destinationRoot");
      w.putString(h.options(), "options");
      w.putString(h.source(), "source");
      return w.result();
    }
    if (frame instanceof Frame.Ready r) {
      FrameWriter w = new FrameWriter("Ready", 64);
      w.putByte(READY);
      w.putString(r.sessionId(), "sessionId");
      return w.result();
    }
    if (frame instanceof Frame.Abort a) {
      FrameWriter w = new FrameWriter("Abort", 128);
      w.putByte(ABORT);
      w.putString(a.reason(), "reason");
      return w.result();
    }
    if (frame instanceof Frame.Done d) {
      SyncCounts c = d.counts();
      if (c == null) {
        throw new ProtocolException("cannot encode Done frame: counts is null");
      }
      FrameWriter w = new FrameWriter("Done", 1 + 7 * 8 + 4);
      w.putByte(DONE);
      w.putLong(c.scanned());
      w.putLong(c.copied());
      w.putLong(c.bytes());
      w.putLong(c.purged());
      w.putLong(c.skipped());
      w.putLong(c.keptNewer());
      w.putLong(c.errors());
      w.putInt(d.completionCode());
      return w.result();
    }
    if (frame == Frame.ListingEnd.INSTANCE) {
      return LISTING_END_BYTES;
    }
    if (frame == Frame.NeedsEnd.INSTANCE) {
      return NEEDS_END_BYTES;
    }
    if (frame == Frame.DataEnd.INSTANCE) {
      return DATA_END_BYTES;
    }
    throw new ProtocolException("cannot encode unknown frame type " + frame.getClass().getName());
  }

  private static ByteString encodeEntries(Frame.Entries frame) {
    List<FileEntry> entries = frame.entries();
    FrameWriter w = new FrameWriter("Entries", 8 + entries.size() * 96);
    w.putByte(ENTRIES);
    w.putInt(entries.size());
    for (FileEntry e : entries) {
      w.putString(e.path(), "entry path");
      w.putEnum(e.type(), "entry type");
      w.putLong(e.size());
      w.putLong(e.mtimeNanos());
      w.putInt(e.mode());
      w.putNullableString(e.linkTarget(), "entry linkTarget");
      w.putNullableString(e.contentHash(), "entry contentHash");
      w.putInt(e.linkCount());
    }
    return w.result();
  }

  /**
   * The encoded frame, compressed when that makes it smaller (otherwise unchanged). Either way
   * {@link #decode} gives back the frame.
   */
  public static ByteString compress(ByteString encoded) {
    if (encoded.length() < 64 || encoded.apply(0) == COMPRESSED) return encoded;
    byte[] packed = com.github.luben.zstd.Zstd.compress(encoded.toArray(), COMPRESSION_LEVEL);
    if (packed.length + 5 >= encoded.length()) return encoded;
    FrameWriter w = new FrameWriter("Compressed", 5);
    w.putByte(COMPRESSED);
    w.putInt(encoded.length());
    return w.result().concat(ByteString.fromArrayUnsafe(packed));
  }

  private static Frame decodeCompressed(ByteString bytes) {
    FrameReader r = new FrameReader(bytes.take(5).toArray(), 1, "Compressed");
    int length = r.getInt("length");
    if (length < 1 || length > MAX_FRAME_BYTES) {
      throw r.malformed("length", length + " is not between 1 and " + MAX_FRAME_BYTES);
    }
    byte[] packed = bytes.drop(5).toArray();
    byte[] plain = new byte[length];
    long n;
    try {
      n = com.github.luben.zstd.Zstd.decompressByteArray(plain, 0, length, packed, 0, packed.length);
    } catch (RuntimeException e) {
      throw new ProtocolException("malformed Compressed frame: " + e.getMessage());
    }
    if (n != length) {
      throw new ProtocolException("malformed Compressed frame: " + n + " bytes unpacked, " + length + " announced");
    }
    if (plain[0] == COMPRESSED) {
      throw new ProtocolException("malformed Compressed frame: it contains another Compressed frame");
    }
    return decode(ByteString.fromArrayUnsafe(plain));
  }

  /** @throws ProtocolException naming what is wrong with the bytes */
  public static Frame decode(ByteString bytes) {
    if (bytes == null || bytes.isEmpty()) {
      throw new ProtocolException("empty frame");
    }
    int length = bytes.length();
    if (length > MAX_FRAME_BYTES) {
      throw new ProtocolException(
          "frame of " + length + " bytes exceeds maximum " + MAX_FRAME_BYTES);
    }
    byte tag = bytes.apply(0);
    switch (tag) {
      case FILE_DATA:
        return new Frame.FileData(bytes.drop(1));
      case FILE_WHOLE:
        return decodeFileWhole(bytes);
      case COMPRESSED:
        return decodeCompressed(bytes);
      case LISTING_END:
        return tagOnly(length, "ListingEnd", Frame.ListingEnd.INSTANCE);
      case NEEDS_END:
        return tagOnly(length, "NeedsEnd", Frame.NeedsEnd.INSTANCE);
      case DATA_END:
        return tagOnly(length, "DataEnd", Frame.DataEnd.INSTANCE);
      default:
        break;
    }
    String name = frameName(tag);
    if (name == null) {
      throw new ProtocolException("unknown frame tag " + (tag & 0xff));
    }
    FrameReader r = new FrameReader(bytes.toArray(), 1, name);
    Frame frame;
    switch (tag) {
      case HELLO:
        frame =
            new Frame.Hello(
                r.getInt("version"),
                r.getString("destinationRoot"),
                r.getString("options"),
                r.getString("source"));
        break;
      case READY:
        frame = new Frame.Ready(r.getString("sessionId"));
        break;
      case ABORT:
        frame = new Frame.Abort(r.getString("reason"));
        break;
      case ENTRIES:
        frame = decodeEntries(r);
        break;
      case NEEDS:
        frame = decodeNeeds(r);
        break;
      case NEED_DELTA:
        frame = decodeNeedDelta(r);
        break;
      case FILE_COPY:
        frame = new Frame.FileCopy(r.getInt("first"), r.getInt("count"));
        break;
      case FILE_BEGIN:
        frame = new Frame.FileBegin(r.getInt("id"), r.getLong("size"), r.getLong("mtime"));
        break;
      case FILE_ON_LANE:
        frame = new Frame.FileOnLane(r.getInt("id"), r.getLong("size"), r.getLong("mtime"));
        break;
      case LANE_OFFER:
        frame = new Frame.LaneOffer(r.getInt("port"), r.getString("token"));
        break;
      case FILE_END:
        frame = new Frame.FileEnd(r.getInt("id"), r.getLong("crc32c"));
        break;
      case FILE_UNAVAILABLE:
        frame = new Frame.FileUnavailable(r.getInt("id"), r.getString("reason"));
        break;
      case NOTICE:
        frame =
            new Frame.Notice(
                r.getEnum(NOTICE_KINDS, "kind"), r.getString("path"), r.getString("text"));
        break;
      case DONE:
        frame =
            new Frame.Done(
                new SyncCounts(
                    r.getLong("scanned"),
                    r.getLong("copied"),
                    r.getLong("bytes"),
                    r.getLong("purged"),
                    r.getLong("skipped"),
                    r.getLong("keptNewer"),
                    r.getLong("errors")),
                r.getInt("completionCode"));
        break;
      default:
        throw new ProtocolException("unknown frame tag " + (tag & 0xff));
    }
    r.end();
    return frame;
  }

  private static Frame decodeEntries(FrameReader r) {
    int count = r.getCount("entry count", MIN_ENTRY_BYTES);
    List<FileEntry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      r.item("entry", i);
      String path = r.getString("path");
      EntryType type = r.getEnum(ENTRY_TYPES, "type");
      long size = r.getLong("size");
      long mtime = r.getLong("mtimeNanos");
      int mode = r.getInt("mode");
      String linkTarget = r.getNullableString("linkTarget");
      String contentHash = r.getNullableString("contentHash");
      int linkCount = r.getInt("linkCount");
      if (linkCount < 1) throw r.malformed("linkCount", "not positive: " + linkCount);
      entries.add(new FileEntry(path, type, size, mtime, mode, linkTarget, contentHash, linkCount));
    }
    r.noItem();
    return new Frame.Entries(entries);
  }

  private static Frame decodeNeedDelta(FrameReader r) {
    int id = r.getInt("id");
    String path = r.getString("path");
    int blockSize = r.getInt("blockSize");
    long length = r.getLong("length");
    if (blockSize <= 0) throw r.malformed("blockSize", "not positive: " + blockSize);
    if (length < 0) throw r.malformed("length", "negative: " + length);
    int count = r.getCount("block count", SIGNATURE_BYTES);
    if (count != io.setsync.delta.BlockSignatures.blockCount(length, blockSize)) {
      throw r.malformed("block count", count + " blocks do not cover " + length + " bytes in blocks of " + blockSize);
    }
    int[] weak = new int[count];
    long[] strong = new long[count];
    for (int i = 0; i < count; i++) {
      weak[i] = r.getInt("weak");
      strong[i] = r.getLong("strong");
    }
    return new Frame.NeedDelta(id, path, new io.setsync.delta.BlockSignatures(blockSize, length, weak, strong));
  }

  private static Frame decodeFileWhole(ByteString bytes) {
    FrameReader r =
        new FrameReader(bytes.take(FILE_WHOLE_HEADER_BYTES).toArray(), 1, "FileWhole");
    int id = r.getInt("id");
    long mtime = r.getLong("mtime");
    long crc = r.getLong("crc32c");
    return new Frame.FileWhole(id, mtime, crc, bytes.drop(FILE_WHOLE_HEADER_BYTES));
  }

  private static Frame decodeNeeds(FrameReader r) {
    int count = r.getCount("need count", MIN_NEED_BYTES);
    List<Frame.Need> needs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      r.item("need", i);
      needs.add(new Frame.Need(r.getInt("id"), r.getString("path")));
    }
    r.noItem();
    return new Frame.Needs(needs);
  }

  private static Frame tagOnly(int length, String name, Frame frame) {
    if (length != 1) {
      throw new ProtocolException(
          "malformed " + name + " frame: " + (length - 1) + " trailing bytes after the last field");
    }
    return frame;
  }

  /** FileBegin and FileOnLane share a layout: id, size, mtime. */
  private static ByteString encodeFileStart(String name, byte tag, int id, long size, long mtimeNanos) {
    FrameWriter w = new FrameWriter(name, 21);
    w.putByte(tag);
    w.putInt(id);
    w.putLong(size);
    w.putLong(mtimeNanos);
    return w.result();
  }

  /** The frame type a tag names, or null for an unknown tag. */
  static String frameName(byte tag) {
    switch (tag) {
      case HELLO:
        return "Hello";
      case READY:
        return "Ready";
      case ABORT:
        return "Abort";
      case ENTRIES:
        return "Entries";
      case LISTING_END:
        return "ListingEnd";
      case NEEDS:
        return "Needs";
      case NEEDS_END:
        return "NeedsEnd";
      case FILE_BEGIN:
        return "FileBegin";
      case FILE_DATA:
        return "FileData";
      case FILE_END:
        return "FileEnd";
      case FILE_UNAVAILABLE:
        return "FileUnavailable";
      case DATA_END:
        return "DataEnd";
      case NOTICE:
        return "Notice";
      case DONE:
        return "Done";
      case FILE_WHOLE:
        return "FileWhole";
      case NEED_DELTA:
        return "NeedDelta";
      case FILE_COPY:
        return "FileCopy";
      case COMPRESSED:
        return "Compressed";
      case LANE_OFFER:
        return "LaneOffer";
      case FILE_ON_LANE:
        return "FileOnLane";
      default:
        return null;
    }
  }
}
