package io.setsync.transfer;

import akka.util.ByteString;
import io.setsync.fs.EntryType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Binary encoding of {@link Frame}s; the length prefix is added by the stream's framing stage.
 *
 * <p>Wire format: one tag byte naming the frame type, then the fields in declaration order, big
 * endian: {@code int} as 4 bytes, {@code long} as 8, enums as one unsigned byte (their numbers in
 * {@link #ENTRY_TYPES} and {@link #NOTICE_KINDS}), strings as an {@code int} byte length followed
 * by that many UTF-8 bytes (length -1 for null where a field may be null), file names and link
 * texts likewise but as their own bytes, which need not be UTF-8, lists as an {@code int}
 * count followed by the items. {@link Frame.FileData} is the tag followed directly by the content
 * bytes, which are neither copied on encode nor on decode. {@link Frame.FileWhole} is likewise its
 * fixed fields followed directly by the content. Nothing may follow the last field.
 *
 * <p>Only wire well-formedness is checked here; the meaning of values (path safety, versions,
 * order of frames) is the receiver's business.
 */
public final class FrameCodec {

  /** Largest encoded frame either side accepts. */
  public static final int MAX_FRAME_BYTES = 4 * 1024 * 1024;

  // Frame type tags, each used once in TABLE below. Never renumber: they are the wire format.
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
  static final byte STOP = 21;

  /** Wire numbers of entry types. Never renumber; a new type gets the next number (and a protocol version). */
  static final WireEnum<EntryType> ENTRY_TYPES = WireEnum.of(EntryType.class,
      EntryType.FILE, EntryType.DIRECTORY, EntryType.SYMLINK, EntryType.OTHER, EntryType.LEFT_OUT, EntryType.HARDLINK);

  /** Wire numbers of notice kinds. Never renumber; a new kind gets the next number. */
  static final WireEnum<Frame.NoticeKind> NOTICE_KINDS = WireEnum.of(Frame.NoticeKind.class,
      Frame.NoticeKind.WOULD_COPY, Frame.NoticeKind.WOULD_PURGE, Frame.NoticeKind.PURGED,
      Frame.NoticeKind.WARNING, Frame.NoticeKind.ERROR, Frame.NoticeKind.COPIED);

  /**
   * Most bytes a Compressed frame may inflate to. Checked against the frame's announced length and
   * against the zstd frame header's own content size before any memory is taken for it, so a small
   * frame that claims megabytes is refused unopened. Content chunks ({@code chunk-bytes}) are below
   * it; a larger frame is sent uncompressed.
   */
  public static final int MAX_INFLATED_BYTES = 1024 * 1024;

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
   * count, uid, gid, two lengths.
   */
  static final int MIN_ENTRY_BYTES = 4 + 1 + 8 + 8 + 4 + 4 + 4 + 4 + 4 + 4 + 4 + 4;

  /** Smallest encoding of one Need: id and path length. */
  static final int MIN_NEED_BYTES = 4 + 4;

  private FrameCodec() {}

  // ---------------------------------------------------------------- the table

  /** Turns a frame into its bytes, tag included. */
  interface Encoder<F extends Frame> {
    ByteString encode(F frame, FrameType<F> type);
  }

  /** Turns a frame's bytes (tag included, length already checked) back into the frame. */
  interface Decoder {
    Frame decode(ByteString bytes, String name);
  }

  /** One row of the table: a tag, the name errors use, and the frame's encoding next to its decoding. */
  static final class FrameType<F extends Frame> {
    final byte tag;
    final String name;
    /** null for Compressed, which wraps other frames and is made by {@link #compress}. */
    final Class<F> frameClass;
    final Encoder<F> encoder;
    final Decoder decoder;
    /** The tag alone: the whole of a frame without fields, the start of FileData. */
    final ByteString encoding;

    FrameType(byte tag, String name, Class<F> frameClass, Encoder<F> encoder, Decoder decoder) {
      this.tag = tag;
      this.name = name;
      this.frameClass = frameClass;
      this.encoder = encoder;
      this.decoder = decoder;
      this.encoding = ByteString.fromArray(new byte[] {tag});
    }

    ByteString encode(Frame frame) {
      return encoder.encode(frameClass.cast(frame), this);
    }
  }

  private static final List<FrameType<?>> TABLE = List.of(
      type(HELLO, Frame.Hello.class,
          fields(h -> 256, (h, w) -> {
            w.putInt(h.version());
            w.putString(h.destinationRoot(), "destinationRoot");
            w.putString(h.options(), "options");
            w.putString(h.source(), "source");
            w.putString(h.ticket(), "ticket");
          }),
          fields(r -> new Frame.Hello(r.getInt("version"), r.getString("destinationRoot"), r.getString("options"),
              r.getString("source"), r.getString("ticket")))),
      type(READY, Frame.Ready.class,
          fields(f -> 64, (f, w) -> w.putString(f.sessionId(), "sessionId")),
          fields(r -> new Frame.Ready(r.getString("sessionId")))),
      type(ABORT, Frame.Abort.class,
          fields(f -> 128, (f, w) -> w.putString(f.reason(), "reason")),
          fields(r -> new Frame.Abort(r.getString("reason")))),
      type(ENTRIES, Frame.Entries.class,
          fields(f -> 8 + f.entries().size() * 96, FrameLayouts::writeEntries),
          fields(FrameLayouts::readEntries)),
      type(LISTING_END, Frame.ListingEnd.class, tagOnly(), tagOnly(Frame.ListingEnd.INSTANCE)),
      type(NEEDS, Frame.Needs.class,
          fields(f -> 8 + f.needs().size() * 48, FrameLayouts::writeNeeds),
          fields(FrameLayouts::readNeeds)),
      type(NEEDS_END, Frame.NeedsEnd.class, tagOnly(), tagOnly(Frame.NeedsEnd.INSTANCE)),
      type(FILE_BEGIN, Frame.FileBegin.class,
          fields(f -> 21, (f, w) -> FrameLayouts.writeFileStart(w, f.id(), f.size(), f.mtimeNanos())),
          fields(r -> new Frame.FileBegin(r.getInt("id"), r.getLong("size"), r.getLong("mtime")))),
      type(FILE_DATA, Frame.FileData.class, FrameLayouts::encodeFileData, (bytes, name) -> new Frame.FileData(bytes.drop(1))),
      type(FILE_END, Frame.FileEnd.class,
          fields(f -> 13, (f, w) -> {
            w.putInt(f.id());
            w.putLong(f.crc32c());
          }),
          fields(r -> new Frame.FileEnd(r.getInt("id"), r.getLong("crc32c")))),
      type(FILE_UNAVAILABLE, Frame.FileUnavailable.class,
          fields(f -> 64, (f, w) -> {
            w.putInt(f.id());
            w.putString(f.reason(), "reason");
          }),
          fields(r -> new Frame.FileUnavailable(r.getInt("id"), r.getString("reason")))),
      type(DATA_END, Frame.DataEnd.class, tagOnly(), tagOnly(Frame.DataEnd.INSTANCE)),
      type(NOTICE, Frame.Notice.class,
          fields(f -> 128, (f, w) -> {
            w.putEnum(NOTICE_KINDS, f.kind(), "kind");
            w.putName(f.path(), "path");
            w.putString(f.text(), "text");
          }),
          fields(r -> new Frame.Notice(r.getEnum(NOTICE_KINDS, "kind"), r.getName("path", false), r.getString("text")))),
      type(DONE, Frame.Done.class, fields(f -> 1 + 7 * 8 + 4, FrameLayouts::writeDone), fields(FrameLayouts::readDone)),
      type(FILE_WHOLE, Frame.FileWhole.class, FrameLayouts::encodeFileWhole, FrameLayouts::decodeFileWhole),
      type(NEED_DELTA, Frame.NeedDelta.class, FrameLayouts::encodeNeedDelta, fields(FrameLayouts::readNeedDelta)),
      type(FILE_COPY, Frame.FileCopy.class,
          fields(f -> 9, (f, w) -> {
            w.putInt(f.first());
            w.putInt(f.count());
          }),
          fields(r -> new Frame.FileCopy(r.getInt("first"), r.getInt("count")))),
      new FrameType<>(COMPRESSED, "Compressed", null, null, FrameCodec::decodeCompressed),
      type(LANE_OFFER, Frame.LaneOffer.class,
          fields(f -> 64, (f, w) -> {
            w.putInt(f.port());
            w.putString(f.token(), "token");
          }),
          fields(r -> new Frame.LaneOffer(r.getInt("port"), r.getString("token")))),
      type(FILE_ON_LANE, Frame.FileOnLane.class,
          fields(f -> 21, (f, w) -> FrameLayouts.writeFileStart(w, f.id(), f.size(), f.mtimeNanos())),
          fields(r -> new Frame.FileOnLane(r.getInt("id"), r.getLong("size"), r.getLong("mtime")))),
      type(STOP, Frame.Stop.class,
          fields(f -> 128, (f, w) -> w.putString(f.reason(), "reason")),
          fields(r -> new Frame.Stop(r.getString("reason")))));

  private static final FrameType<?>[] BY_TAG = new FrameType<?>[256];
  private static final Map<Class<?>, FrameType<?>> BY_CLASS = new HashMap<>();

  static {
    for (FrameType<?> type : TABLE) {
      if (BY_TAG[type.tag & 0xff] != null) throw new IllegalStateException("tag " + type.tag + " used twice");
      BY_TAG[type.tag & 0xff] = type;
      if (type.frameClass != null) BY_CLASS.put(type.frameClass, type);
    }
  }

  private static <F extends Frame> FrameType<F> type(byte tag, Class<F> frameClass, Encoder<F> encoder, Decoder decoder) {
    return new FrameType<>(tag, frameClass.getSimpleName(), frameClass, encoder, decoder);
  }

  /** The usual layout: the tag, then the fields {@code write} puts, in a writer of about {@code capacity}. */
  private static <F extends Frame> Encoder<F> fields(ToIntFunction<F> capacity, BiConsumer<F, FrameWriter> write) {
    return (frame, type) -> {
      FrameWriter w = new FrameWriter(type.name, capacity.applyAsInt(frame));
      w.putByte(type.tag);
      write.accept(frame, w);
      return w.result();
    };
  }

  /** The usual layout read back: every byte after the tag belongs to a field. */
  private static Decoder fields(Function<FrameReader, Frame> read) {
    return (bytes, name) -> {
      FrameReader r = new FrameReader(bytes.toArray(), 1, name);
      Frame frame = read.apply(r);
      r.end();
      return frame;
    };
  }

  /** A frame without fields: its tag alone, one shared encoding. */
  private static <F extends Frame> Encoder<F> tagOnly() {
    return (frame, type) -> type.encoding;
  }

  private static Decoder tagOnly(Frame instance) {
    return (bytes, name) -> {
      if (bytes.length() != 1) {
        throw new ProtocolException(
            "malformed " + name + " frame: " + (bytes.length() - 1) + " trailing bytes after the last field");
      }
      return instance;
    };
  }

  // ---------------------------------------------------------------- entry points

  /** @throws ProtocolException if the frame cannot be encoded (null field, oversize, bad string) */
  public static ByteString encode(Frame frame) {
    if (frame == null) {
      throw new ProtocolException("cannot encode a null frame");
    }
    FrameType<?> type = BY_CLASS.get(frame.getClass());
    if (type == null) {
      throw new ProtocolException("cannot encode unknown frame type " + frame.getClass().getName());
    }
    return type.encode(frame);
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
    FrameType<?> type = BY_TAG[tag & 0xff];
    if (type == null) {
      throw new ProtocolException("unknown frame tag " + (tag & 0xff));
    }
    return type.decoder.decode(bytes, type.name);
  }

  /**
   * What a still-encoded frame will take once decoded, as far as its header tells without
   * decoding: a Compressed frame its announced length (at most {@link #MAX_INFLATED_BYTES}), any
   * frame its own length; for bounding the frames decoded at once.
   */
  static long decodedWeight(ByteString bytes) {
    int length = bytes.length();
    if (length >= 5 && bytes.apply(0) == COMPRESSED) {
      int announced = (bytes.apply(1) & 0xff) << 24 | (bytes.apply(2) & 0xff) << 16
          | (bytes.apply(3) & 0xff) << 8 | (bytes.apply(4) & 0xff);
      if (announced > 0) return Math.max(length, Math.min(announced, MAX_INFLATED_BYTES));
    }
    return length;
  }

  /** The frame type a tag names, or null for an unknown tag. */
  static String frameName(byte tag) {
    FrameType<?> type = BY_TAG[tag & 0xff];
    return type == null ? null : type.name;
  }

  // ---------------------------------------------------------------- compression

  /**
   * The encoded frame, compressed when that makes it smaller (otherwise unchanged). Either way
   * {@link #decode} gives back the frame.
   */
  public static ByteString compress(ByteString encoded) {
    if (encoded.length() < 64 || encoded.length() > MAX_INFLATED_BYTES || encoded.apply(0) == COMPRESSED) {
      return encoded;
    }
    byte[] packed = com.github.luben.zstd.Zstd.compress(encoded.toArray(), COMPRESSION_LEVEL);
    if (packed.length + 5 >= encoded.length()) return encoded;
    FrameWriter w = new FrameWriter("Compressed", 5);
    w.putByte(COMPRESSED);
    w.putInt(encoded.length());
    return w.result().concat(ByteString.fromArrayUnsafe(packed));
  }

  private static Frame decodeCompressed(ByteString bytes, String name) {
    FrameReader r = new FrameReader(bytes.take(5).toArray(), 1, name);
    int length = r.getInt("length");
    if (length < 1 || length > MAX_INFLATED_BYTES) {
      throw r.malformed("length", length + " is not between 1 and " + MAX_INFLATED_BYTES);
    }
    byte[] packed = bytes.drop(5).toArray();
    long claimed;
    try {
      claimed = packed.length == 0 ? -1 : com.github.luben.zstd.Zstd.getFrameContentSize(packed);
    } catch (RuntimeException e) {
      throw new ProtocolException("malformed Compressed frame: " + e.getMessage());
    }
    if (claimed != length) {
      // Unknown (-1), an error (-2), or a header that says otherwise: refused before inflating.
      throw r.malformed("length", "the zstd header claims " + claimed + " bytes, the frame " + length);
    }
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
}
