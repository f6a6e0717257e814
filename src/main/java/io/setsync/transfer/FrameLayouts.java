package io.setsync.transfer;

import akka.util.ByteString;
import io.setsync.delta.BlockSignatures;
import io.setsync.fs.EntryType;
import io.setsync.fs.FileEntry;
import io.setsync.fs.Owner;
import io.setsync.sync.SyncCounts;
import java.util.ArrayList;
import java.util.List;

/**
 * The frames whose layout is more than a few fields, for {@link FrameCodec}'s table: each
 * encoding next to its decoding. FileData and FileWhole carry their content uncopied after the
 * fixed fields.
 */
final class FrameLayouts {

  private FrameLayouts() {}

  static ByteString encodeFileData(Frame.FileData d, FrameCodec.FrameType<Frame.FileData> type) {
    ByteString bytes = d.bytes();
    if (bytes == null) {
      throw new ProtocolException("cannot encode FileData frame: bytes is null");
    }
    if (bytes.length() > FrameCodec.MAX_FRAME_BYTES - 1) {
      throw new ProtocolException(
          "cannot encode FileData frame: " + (1L + bytes.length()) + " bytes exceed maximum " + FrameCodec.MAX_FRAME_BYTES);
    }
    return type.encoding.concat(bytes);
  }

  static ByteString encodeFileWhole(Frame.FileWhole f, FrameCodec.FrameType<Frame.FileWhole> type) {
    ByteString bytes = f.bytes();
    if (bytes == null) {
      throw new ProtocolException("cannot encode FileWhole frame: bytes is null");
    }
    if (bytes.length() > FrameCodec.MAX_WHOLE_FILE_BYTES) {
      throw new ProtocolException(
          "cannot encode FileWhole frame: " + ((long) FrameCodec.FILE_WHOLE_HEADER_BYTES + bytes.length())
              + " bytes exceed maximum " + FrameCodec.MAX_FRAME_BYTES);
    }
    FrameWriter w = new FrameWriter(type.name, FrameCodec.FILE_WHOLE_HEADER_BYTES);
    w.putByte(type.tag);
    w.putInt(f.id());
    w.putLong(f.mtimeNanos());
    w.putLong(f.crc32c());
    return w.result().concat(bytes);
  }

  static Frame decodeFileWhole(ByteString bytes, String name) {
    FrameReader r = new FrameReader(bytes.take(FrameCodec.FILE_WHOLE_HEADER_BYTES).toArray(), 1, name);
    int id = r.getInt("id");
    long mtime = r.getLong("mtime");
    long crc = r.getLong("crc32c");
    return new Frame.FileWhole(id, mtime, crc, bytes.drop(FrameCodec.FILE_WHOLE_HEADER_BYTES));
  }

  static void writeEntries(Frame.Entries frame, FrameWriter w) {
    List<FileEntry> entries = frame.entries();
    w.putInt(entries.size());
    for (FileEntry e : entries) {
      w.putName(e.path(), "entry path");
      w.putEnum(FrameCodec.ENTRY_TYPES, e.type(), "entry type");
      w.putLong(e.size());
      w.putLong(e.mtimeNanos());
      w.putInt(e.mode());
      w.putNullableName(e.linkTarget(), "entry linkTarget");
      w.putNullableString(e.contentHash(), "entry contentHash");
      w.putInt(e.linkCount());
      Owner owner = e.owner();
      w.putInt(owner == null ? -1 : owner.uid());
      w.putInt(owner == null ? -1 : owner.gid());
      w.putNullableString(owner == null ? null : owner.user(), "entry user");
      w.putNullableString(owner == null ? null : owner.group(), "entry group");
    }
  }

  static Frame readEntries(FrameReader r) {
    int count = r.getCount("entry count", FrameCodec.MIN_ENTRY_BYTES);
    List<FileEntry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      r.item("entry", i);
      String path = r.getName("path", false);
      EntryType type = r.getEnum(FrameCodec.ENTRY_TYPES, "type");
      long size = r.getLong("size");
      long mtime = r.getLong("mtimeNanos");
      int mode = r.getInt("mode");
      String linkTarget = r.getName("linkTarget", true);
      String contentHash = r.getNullableString("contentHash");
      int linkCount = r.getInt("linkCount");
      if (linkCount < 1) throw r.malformed("linkCount", "not positive: " + linkCount);
      int uid = r.getInt("uid");
      int gid = r.getInt("gid");
      String user = r.getNullableString("user");
      String group = r.getNullableString("group");
      if (uid < -1 || gid < -1 || (uid == -1) != (gid == -1)) {
        throw r.malformed("uid", "uid " + uid + " and gid " + gid + " are not both numbers or both -1");
      }
      Owner owner = uid == -1 ? null : new Owner(uid, gid, user, group);
      entries.add(new FileEntry(path, type, size, mtime, mode, linkTarget, contentHash, linkCount, owner));
    }
    r.noItem();
    return new Frame.Entries(entries);
  }

  static void writeNeeds(Frame.Needs frame, FrameWriter w) {
    w.putInt(frame.needs().size());
    for (Frame.Need need : frame.needs()) {
      w.putInt(need.id());
      w.putName(need.path(), "need path");
    }
  }

  static Frame readNeeds(FrameReader r) {
    int count = r.getCount("need count", FrameCodec.MIN_NEED_BYTES);
    List<Frame.Need> needs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      r.item("need", i);
      needs.add(new Frame.Need(r.getInt("id"), r.getName("path", false)));
    }
    r.noItem();
    return new Frame.Needs(needs);
  }

  static ByteString encodeNeedDelta(Frame.NeedDelta d, FrameCodec.FrameType<Frame.NeedDelta> type) {
    BlockSignatures sig = d.signatures();
    if (sig == null) {
      throw new ProtocolException("cannot encode NeedDelta frame: signatures is null");
    }
    FrameWriter w = new FrameWriter(type.name, 32 + sig.blockCount() * FrameCodec.SIGNATURE_BYTES);
    w.putByte(type.tag);
    w.putInt(d.id());
    w.putName(d.path(), "path");
    w.putInt(sig.blockSize());
    w.putLong(sig.length());
    w.putInt(sig.blockCount());
    for (int i = 0; i < sig.blockCount(); i++) {
      w.putInt(sig.weak(i));
      w.putLong(sig.strong(i));
    }
    return w.result();
  }

  static Frame readNeedDelta(FrameReader r) {
    int id = r.getInt("id");
    String path = r.getName("path", false);
    int blockSize = r.getInt("blockSize");
    long length = r.getLong("length");
    if (blockSize <= 0) throw r.malformed("blockSize", "not positive: " + blockSize);
    if (length < 0) throw r.malformed("length", "negative: " + length);
    int count = r.getCount("block count", FrameCodec.SIGNATURE_BYTES);
    if (count != BlockSignatures.blockCount(length, blockSize)) {
      throw r.malformed("block count", count + " blocks do not cover " + length + " bytes in blocks of " + blockSize);
    }
    int[] weak = new int[count];
    long[] strong = new long[count];
    for (int i = 0; i < count; i++) {
      weak[i] = r.getInt("weak");
      strong[i] = r.getLong("strong");
    }
    return new Frame.NeedDelta(id, path, new BlockSignatures(blockSize, length, weak, strong));
  }

  /** FileBegin and FileOnLane share a layout: id, size, mtime. */
  static void writeFileStart(FrameWriter w, int id, long size, long mtimeNanos) {
    w.putInt(id);
    w.putLong(size);
    w.putLong(mtimeNanos);
  }

  static void writeDone(Frame.Done d, FrameWriter w) {
    SyncCounts c = d.counts();
    if (c == null) {
      throw new ProtocolException("cannot encode Done frame: counts is null");
    }
    w.putLong(c.scanned());
    w.putLong(c.copied());
    w.putLong(c.bytes());
    w.putLong(c.purged());
    w.putLong(c.skipped());
    w.putLong(c.keptNewer());
    w.putLong(c.errors());
    w.putInt(d.completionCode());
  }

  static Frame readDone(FrameReader r) {
    return new Frame.Done(
        new SyncCounts(
            r.getLong("scanned"),
            r.getLong("copied"),
            r.getLong("bytes"),
            r.getLong("purged"),
            r.getLong("skipped"),
            r.getLong("keptNewer"),
            r.getLong("errors")),
        r.getInt("completionCode"));
  }
}
