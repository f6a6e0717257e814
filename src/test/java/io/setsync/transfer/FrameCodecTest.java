package io.setsync.transfer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import akka.util.ByteString;
import io.setsync.fs.EntryType;
import io.setsync.fs.FileEntry;
import io.setsync.sync.SyncCounts;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.Test;

public class FrameCodecTest {

  // ---------------------------------------------------------------- sample frames

  static FileEntry file(String path) {
    return new FileEntry(path, EntryType.FILE, 1234, 1_700_000_000_123_456_789L, 0644, null, null);
  }

  static List<FileEntry> manyEntries(int n) {
    List<FileEntry> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      EntryType type = EntryType.values()[i % EntryType.values().length];
      list.add(
          new FileEntry(
              "dir" + (i / 10) + "/name-" + i + (i % 7 == 0 ? "-ü€😀" : ""),
              type,
              type == EntryType.FILE ? i * 1000L : 0,
              1_600_000_000_000_000_000L + i,
              i % 2 == 0 ? 0755 : 07777,
              type == EntryType.SYMLINK ? "../target-" + i : type == EntryType.HARDLINK ? "dir0/name-" + i : null,
              i % 3 == 0 ? "0123456789abcdef0123456789abcdef" : null,
              type == EntryType.FILE ? 1 + i % 4 : 1));
    }
    return list;
  }

  static List<Frame> sampleFrames() {
    byte[] mib = new byte[1024 * 1024];
    new Random(1).nextBytes(mib);
    return List.of(
        new Frame.Hello(Frame.PROTOCOL_VERSION, "/srv/backup", "PURGE CHECKSUM", "host:/data", "0f1e2d3c"),
        new Frame.Hello(Integer.MIN_VALUE, "", "", "", ""),
        new Frame.Ready("session-42"),
        new Frame.Ready(""),
        new Frame.Abort("destination root /nope does not exist — ünïcødé 日本語 😀"),
        new Frame.Entries(List.of()),
        new Frame.Entries(
            List.of(
                file("a"),
                new FileEntry("b/c", EntryType.DIRECTORY, 0, -1L, 0755, null, null),
                new FileEntry("l", EntryType.SYMLINK, 0, Long.MIN_VALUE, 0777, "", ""),
                new FileEntry("l2", EntryType.SYMLINK, 0, 0, 0, "/abs/../x\n y", null),
                new FileEntry("h", EntryType.FILE, Long.MAX_VALUE, Long.MAX_VALUE, -1, null, "ff"),
                new FileEntry("fifo", EntryType.OTHER, 0, -123_456_789L, 0600, null, null),
                new FileEntry("日本/😀 ümlaut", EntryType.FILE, 3, 5, 0644, "t€", "h€"),
                new FileEntry("x", EntryType.FILE, 3, 5, 0644, null, null, Integer.MAX_VALUE),
                file("y").asHardLinkTo("x"))),
        new Frame.Entries(manyEntries(500)),
        Frame.ListingEnd.INSTANCE,
        new Frame.Needs(List.of()),
        new Frame.Needs(
            List.of(
                new Frame.Need(0, "a"),
                new Frame.Need(Integer.MAX_VALUE, "日本/😀"),
                new Frame.Need(-1, ""))),
        new Frame.NeedDelta(5, "big/file", new io.setsync.delta.BlockSignatures(
            2048, 4097, new int[] {1, -2, Integer.MAX_VALUE}, new long[] {3, Long.MIN_VALUE, 0})),
        new Frame.NeedDelta(6, "", new io.setsync.delta.BlockSignatures(1024, 0, new int[0], new long[0])),
        Frame.NeedsEnd.INSTANCE,
        new Frame.FileCopy(0, 1),
        new Frame.FileCopy(Integer.MAX_VALUE, Integer.MIN_VALUE),
        new Frame.FileBegin(7, 0, 0),
        new Frame.FileBegin(Integer.MAX_VALUE, Long.MAX_VALUE, Long.MIN_VALUE),
        new Frame.FileOnLane(8, 1L << 30, 42),
        new Frame.FileOnLane(Integer.MIN_VALUE, Long.MIN_VALUE, Long.MAX_VALUE),
        new Frame.LaneOffer(40123, "00112233445566778899aabbccddeeff"),
        new Frame.LaneOffer(0, ""),
        new Frame.Stop("the file set was suspended"),
        new Frame.FileData(ByteString.emptyByteString()),
        new Frame.FileData(ByteString.fromString("hello")),
        new Frame.FileData(ByteString.fromArray(mib)),
        new Frame.FileEnd(7, 0xFFFF_FFFFL),
        new Frame.FileEnd(Integer.MIN_VALUE, Long.MIN_VALUE),
        new Frame.FileWhole(9, 123_456_789L, 0xFFFF_FFFFL, ByteString.fromString("small file")),
        new Frame.FileWhole(Integer.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, ByteString.emptyByteString()),
        new Frame.FileWhole(1, 2, 3, ByteString.fromArray(mib)),
        new Frame.FileUnavailable(3, "vanished"),
        new Frame.FileUnavailable(4, ""),
        Frame.DataEnd.INSTANCE,
        new Frame.Notice(Frame.NoticeKind.WOULD_COPY, "a/b", ""),
        new Frame.Notice(Frame.NoticeKind.ERROR, "", "session-wide problem: ü"),
        new Frame.Notice(Frame.NoticeKind.WOULD_PURGE, "x", "y"),
        new Frame.Notice(Frame.NoticeKind.PURGED, "x", "y"),
        new Frame.Notice(Frame.NoticeKind.WARNING, "x", "y"),
        new Frame.Done(SyncCounts.ZERO, 0),
        new Frame.Done(new SyncCounts(1, 2, Long.MAX_VALUE, 4, 5, 6, Long.MIN_VALUE), 2));
  }

  // ---------------------------------------------------------------- round trips

  @Test
  public void everySampleFrameRoundTrips() {
    for (Frame frame : sampleFrames()) {
      ByteString encoded = FrameCodec.encode(frame);
      assertEquals(frame, FrameCodec.decode(encoded));
      // a fragmented (rope) ByteString decodes the same
      if (encoded.length() > 3) {
        ByteString rope = encoded.take(1).concat(encoded.slice(1, 3)).concat(encoded.drop(3));
        assertEquals(frame, FrameCodec.decode(rope));
      }
    }
  }

  @Test
  public void everyFrameTypeIsCovered() {
    java.util.Set<Class<?>> seen = new java.util.HashSet<>();
    for (Frame f : sampleFrames()) {
      seen.add(f.getClass());
    }
    for (Class<?> c : Frame.class.getPermittedSubclasses()) {
      assertTrue("no sample for " + c.getSimpleName(), seen.contains(c));
    }
  }

  @Test
  public void singletonsDecodeToTheirInstance() {
    assertSame(Frame.ListingEnd.INSTANCE, FrameCodec.decode(FrameCodec.encode(Frame.ListingEnd.INSTANCE)));
    assertSame(Frame.NeedsEnd.INSTANCE, FrameCodec.decode(FrameCodec.encode(Frame.NeedsEnd.INSTANCE)));
    assertSame(Frame.DataEnd.INSTANCE, FrameCodec.decode(FrameCodec.encode(Frame.DataEnd.INSTANCE)));
  }

  @Test
  public void fileDataIsTagPlusBytes() {
    ByteString content = ByteString.fromString("abc");
    ByteString encoded = FrameCodec.encode(new Frame.FileData(content));
    assertEquals(4, encoded.length());
    assertEquals(FrameCodec.FILE_DATA, encoded.apply(0));
    assertEquals(content, encoded.drop(1));
  }

  @Test
  public void largestFileDataFitsExactly() {
    ByteString content = ByteString.fromArray(new byte[FrameCodec.MAX_FRAME_BYTES - 1]);
    ByteString encoded = FrameCodec.encode(new Frame.FileData(content));
    assertEquals(FrameCodec.MAX_FRAME_BYTES, encoded.length());
    assertEquals(new Frame.FileData(content), FrameCodec.decode(encoded));
  }

  @Test
  public void wireLayoutOfFileBeginIsBigEndian() {
    ByteString encoded = FrameCodec.encode(new Frame.FileBegin(0x01020304, 0x05060708090A0B0CL, 0x0D0E0F1011121314L));
    byte[] expected = {FrameCodec.FILE_BEGIN, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
    assertEquals(ByteString.fromArray(expected), encoded);
  }

  // ---------------------------------------------------------------- encode refusals

  @Test
  public void largestFileWholeFitsExactlyAndOneMoreByteIsRefused() {
    ByteString content = ByteString.fromArray(new byte[FrameCodec.MAX_WHOLE_FILE_BYTES]);
    ByteString encoded = FrameCodec.encode(new Frame.FileWhole(1, 2, 3, content));
    assertEquals(FrameCodec.MAX_FRAME_BYTES, encoded.length());
    assertEquals(new Frame.FileWhole(1, 2, 3, content), FrameCodec.decode(encoded));
    expectEncodeFailure(
        new Frame.FileWhole(1, 2, 3, content.concat(ByteString.fromString("x"))), "FileWhole", "exceed");
  }

  @Test
  public void wireLayoutOfFileWholeIsHeaderThenContent() {
    ByteString encoded = FrameCodec.encode(new Frame.FileWhole(0x01020304, 0x05060708090A0B0CL, 0x0D0E0F1011121314L,
        ByteString.fromArray(new byte[] {42, 43})));
    byte[] expected = {FrameCodec.FILE_WHOLE, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 42, 43};
    assertEquals(ByteString.fromArray(expected), encoded);
  }

  @Test
  public void compressedFramesDecodeToTheOriginal() {
    ByteString text = ByteString.fromString("abcabcabc ".repeat(10_000));
    for (Frame f : List.of(new Frame.FileData(text), new Frame.FileWhole(3, 4, 5, text))) {
      ByteString packed = FrameCodec.compress(FrameCodec.encode(f));
      assertEquals(FrameCodec.COMPRESSED, packed.apply(0));
      assertTrue(packed.length() < text.length() / 10);
      assertEquals(f, FrameCodec.decode(packed));
    }
    ByteString noise = ByteString.fromArray(new java.util.Random(1).ints(5000).collect(
        java.io.ByteArrayOutputStream::new, (o, i) -> o.write(i), (a, b) -> a.writeBytes(b.toByteArray())).toByteArray());
    ByteString plain = FrameCodec.encode(new Frame.FileData(noise));
    assertEquals("incompressible content stays as it is", plain, FrameCodec.compress(plain));
  }

  @Test
  public void aCompressedFrameThatClaimsMoreThanTheBoundIsRefusedByItsHeaderAlone() {
    byte[] zeros = new byte[4 * 1024 * 1024 - 8];
    byte[] packed = com.github.luben.zstd.Zstd.compress(zeros);
    expectMalformed(new Raw(FrameCodec.COMPRESSED).i(zeros.length).raw(packed).get(), "Compressed", "length",
        "not between 1 and " + FrameCodec.MAX_INFLATED_BYTES);
    // Announcing little while the zstd header says 4 MiB: refused before inflating too.
    expectMalformed(new Raw(FrameCodec.COMPRESSED).i(1000).raw(packed).get(), "Compressed", "header claims");
  }

  @Test
  public void decodedWeightOfACompressedFrameIsWhatItInflatesTo() {
    byte[] packed = com.github.luben.zstd.Zstd.compress(new byte[500_000]);
    ByteString frame = new Raw(FrameCodec.COMPRESSED).i(500_000).raw(packed).get();
    assertEquals(500_000, FrameCodec.decodedWeight(frame));
    ByteString plain = FrameCodec.encode(new Frame.Ready("abc"));
    assertEquals(plain.length(), FrameCodec.decodedWeight(plain));
  }

  @Test
  public void malformedCompressedFramesAreRefused() {
    byte[] packed = com.github.luben.zstd.Zstd.compress(FrameCodec.encode(new Frame.FileData(ByteString.fromString("x".repeat(1000)))).toArray());
    expectMalformed(new Raw(FrameCodec.COMPRESSED).i(0).raw(packed).get(), "Compressed", "length");
    expectMalformed(new Raw(FrameCodec.COMPRESSED).i(FrameCodec.MAX_FRAME_BYTES + 1).raw(packed).get(), "Compressed", "length");
    expectMalformed(new Raw(FrameCodec.COMPRESSED).i(5).raw(packed).get(), "Compressed");
    expectMalformed(new Raw(FrameCodec.COMPRESSED).i(2000).raw(packed).get(), "Compressed", "header claims 1001");
    expectMalformed(new Raw(FrameCodec.COMPRESSED).i(1001).raw(new byte[] {1, 2, 3}).get(), "Compressed");
    byte[] nested = com.github.luben.zstd.Zstd.compress(new byte[] {FrameCodec.COMPRESSED, 0, 0, 0, 1, 9});
    expectMalformed(new Raw(FrameCodec.COMPRESSED).i(6).raw(nested).get(), "another Compressed");
  }

  @Test
  public void encodeRefusesOversizeFileData() {
    ByteString content = ByteString.fromArray(new byte[FrameCodec.MAX_FRAME_BYTES]);
    expectEncodeFailure(new Frame.FileData(content), "FileData", "exceed");
  }

  @Test
  public void encodeRefusesOversizeEntries() {
    String longPath = "p".repeat(64 * 1024);
    List<FileEntry> entries = new ArrayList<>();
    for (int i = 0; i < 70; i++) {
      entries.add(file(longPath + i));
    }
    expectEncodeFailure(new Frame.Entries(entries), "Entries", String.valueOf(FrameCodec.MAX_FRAME_BYTES));
  }

  @Test
  public void encodeRefusesNullRequiredFields() {
    expectEncodeFailure(new Frame.Ready(null), "Ready", "sessionId");
    expectEncodeFailure(new Frame.Hello(1, "/d", null, "s", "t"), "Hello", "options");
    expectEncodeFailure(new Frame.Notice(null, "p", "t"), "Notice", "kind");
    expectEncodeFailure(
        new Frame.Entries(List.of(new FileEntry(null, EntryType.FILE, 0, 0, 0, null, null))),
        "Entries",
        "path");
    expectEncodeFailure(
        new Frame.Entries(List.of(new FileEntry("a", null, 0, 0, 0, null, null))), "Entries", "type");
    expectEncodeFailure(new Frame.Done(null, 0), "Done", "counts");
    expectEncodeFailure(new Frame.FileData(null), "FileData", "bytes");
  }

  @Test
  public void encodeRefusesUnpairedSurrogates() {
    expectEncodeFailure(new Frame.Abort("bad \uD800 char"), "Abort", "surrogate");
    expectEncodeFailure(new Frame.Abort("bad \uDC00"), "Abort", "surrogate");
    expectEncodeFailure(new Frame.Abort("end \uD83D"), "Abort", "surrogate");
  }

  private static void expectEncodeFailure(Frame frame, String... fragments) {
    try {
      FrameCodec.encode(frame);
      fail("expected ProtocolException encoding " + frame);
    } catch (ProtocolException e) {
      for (String fragment : fragments) {
        assertTrue(e.getMessage() + " should mention " + fragment, e.getMessage().contains(fragment));
      }
    }
  }

  // ---------------------------------------------------------------- malformed input

  /** Builds raw frame bytes field by field. */
  static final class Raw {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(bytes);

    Raw(int tag) {
      b(tag);
    }

    Raw b(int v) {
      try {
        out.writeByte(v);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      return this;
    }

    Raw i(int v) {
      try {
        out.writeInt(v);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      return this;
    }

    Raw l(long v) {
      try {
        out.writeLong(v);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      return this;
    }

    Raw raw(byte... v) {
      bytes.writeBytes(v);
      return this;
    }

    Raw s(String v) {
      byte[] utf8 = v.getBytes(StandardCharsets.UTF_8);
      return i(utf8.length).raw(utf8);
    }

    Raw entry(String path) {
      return s(path).b(0).l(1).l(2).i(0644).i(-1).i(-1).i(1).i(-1).i(-1).i(-1).i(-1);
    }

    ByteString get() {
      return ByteString.fromArray(bytes.toByteArray());
    }
  }

  static void expectMalformed(ByteString bytes, String... fragments) {
    try {
      Frame f = FrameCodec.decode(bytes);
      fail("expected ProtocolException, decoded " + f);
    } catch (ProtocolException e) {
      for (String fragment : fragments) {
        assertTrue(
            "message '" + e.getMessage() + "' should contain '" + fragment + "'",
            e.getMessage().contains(fragment));
      }
    }
  }

  @Test
  public void emptyInput() {
    expectMalformed(ByteString.emptyByteString(), "empty");
  }

  @Test
  public void unknownTags() {
    expectMalformed(new Raw(0).get(), "unknown frame tag 0");
    expectMalformed(new Raw(22).get(), "unknown frame tag 22");
    expectMalformed(new Raw(0xff).i(1).get(), "unknown frame tag 255");
  }

  @Test
  public void truncatedFields() {
    expectMalformed(new Raw(FrameCodec.HELLO).get(), "Hello", "version", "needs 4 bytes, 0 remain");
    expectMalformed(new Raw(FrameCodec.HELLO).i(1).s("/d").get(), "Hello", "options");
    expectMalformed(new Raw(FrameCodec.HELLO).i(1).s("/d").s("").s("src").get(), "Hello", "ticket");
    expectMalformed(new Raw(FrameCodec.FILE_BEGIN).i(1).raw(new byte[3]).get(), "FileBegin", "size", "3 remain");
    expectMalformed(new Raw(FrameCodec.FILE_END).i(1).get(), "FileEnd", "crc32c");
    expectMalformed(new Raw(FrameCodec.FILE_COPY).i(1).get(), "FileCopy", "count");
    expectMalformed(new Raw(FrameCodec.NEED_DELTA).i(1).s("p").i(0).l(10).i(0).get(), "NeedDelta", "blockSize", "not positive");
    expectMalformed(new Raw(FrameCodec.NEED_DELTA).i(1).s("p").i(1024).l(-1).i(0).get(), "NeedDelta", "length", "negative");
    expectMalformed(new Raw(FrameCodec.NEED_DELTA).i(1).s("p").i(1024).l(2048).i(1).i(7).l(7).get(),
        "NeedDelta", "1 blocks do not cover 2048 bytes");
    expectMalformed(new Raw(FrameCodec.NEED_DELTA).i(1).s("p").i(1).l(Long.MAX_VALUE).i(Integer.MAX_VALUE).get(),
        "NeedDelta", "block count");
    expectMalformed(new Raw(FrameCodec.FILE_WHOLE).i(1).l(2).raw(new byte[7]).get(), "FileWhole", "crc32c", "7 remain");
    expectMalformed(new Raw(FrameCodec.DONE).l(1).l(2).l(3).get(), "Done", "purged");
    expectMalformed(new Raw(FrameCodec.DONE).l(1).l(2).l(3).l(4).l(5).l(6).l(7).raw((byte) 0).get(), "Done", "completionCode");
    expectMalformed(new Raw(FrameCodec.NOTICE).get(), "Notice", "kind");
    expectMalformed(new Raw(FrameCodec.FILE_UNAVAILABLE).i(1).raw((byte) 0, (byte) 0).get(), "FileUnavailable", "reason");
    // truncation inside a list item names the item
    ByteString entries = new Raw(FrameCodec.ENTRIES).i(2).entry("a").entry("b").get();
    expectMalformed(entries.dropRight(1), "Entries", "entry 1 group");
    expectMalformed(
        new Raw(FrameCodec.NEEDS).i(2).i(1).s("a").i(2).i(5).raw((byte) 'x').get(),
        "Needs",
        "need 1 path",
        "length 5 exceeds remaining 1 bytes");
  }

  @Test
  public void stringLengthNegativeOrTooLong() {
    expectMalformed(new Raw(FrameCodec.READY).i(-2).get(), "Ready", "sessionId", "negative length -2");
    expectMalformed(new Raw(FrameCodec.READY).i(Integer.MIN_VALUE).get(), "Ready", "sessionId", "negative");
    expectMalformed(new Raw(FrameCodec.READY).i(-1).get(), "Ready", "sessionId", "null");
    expectMalformed(
        new Raw(FrameCodec.ABORT).i(99999).raw("hello world!".getBytes(StandardCharsets.US_ASCII)).get(),
        "malformed Abort frame: reason: length 99999 exceeds remaining 12 bytes");
    expectMalformed(new Raw(FrameCodec.ABORT).i(Integer.MAX_VALUE).get(), "Abort", "reason", "exceeds");
    // the example from the design: entry 3 path. Each entry "a" takes 54 bytes, so with only
    // 12 bytes after the bad length the 4-entry count itself is already refused ...
    ByteString short12 =
        new Raw(FrameCodec.ENTRIES).i(4).entry("a").entry("b").entry("c").i(99999).raw(new byte[12]).get();
    expectMalformed(short12, "Entries", "entry count", "exceed remaining 178 bytes");
    // ... and with enough padding for the count check, the path length is what fails
    ByteString padded =
        new Raw(FrameCodec.ENTRIES).i(4).entry("a").entry("b").entry("c").i(99999).raw(new byte[60]).get();
    expectMalformed(padded, "malformed Entries frame: entry 3 path: length 99999 exceeds remaining 60 bytes");
    // nullable strings accept -1 but not other negatives
    expectMalformed(
        new Raw(FrameCodec.ENTRIES).i(1).s("a").b(0).l(1).l(2).i(0).i(-7).i(-1).i(1).i(-1).i(-1).i(-1).i(-1).get(),
        "entry 0 linkTarget",
        "negative length -7");
  }

  @Test
  public void invalidUtf8() {
    byte[][] bad = {
      {(byte) 0xff},
      {(byte) 0xc3}, // truncated two-byte sequence
      {(byte) 0xc0, (byte) 0x80}, // overlong NUL
      {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // encoded surrogate
      {'o', 'k', (byte) 0x80},
      {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // beyond U+10FFFF
    };
    for (byte[] b : bad) {
      expectMalformed(new Raw(FrameCodec.READY).i(b.length).raw(b).get(), "Ready", "sessionId", "invalid UTF-8");
    }
    expectMalformed(
        new Raw(FrameCodec.NOTICE).b(0).s("ok").i(1).raw((byte) 0xfe).get(), "Notice", "text", "invalid UTF-8");
    // A name is bytes, not text: one that is not UTF-8 arrives with its bytes.
    Frame.Entries entries = (Frame.Entries) FrameCodec.decode(
        new Raw(FrameCodec.ENTRIES).i(1).i(1).raw((byte) 0x80).b(0).l(1).l(2).i(0).i(-1).i(-1).i(1).i(-1).i(-1).i(-1).i(-1).get());
    org.junit.Assert.assertArrayEquals(new byte[] {(byte) 0x80},
        io.setsync.fs.RawNames.bytes(entries.entries().get(0).path()));
    assertEquals(entries, FrameCodec.decode(FrameCodec.encode(entries)));
  }

  @Test
  public void enumOrdinalOutOfRange() {
    expectMalformed(
        new Raw(FrameCodec.NOTICE).b(6).s("p").s("t").get(), "Notice", "kind", "ordinal 6 out of range 0..5");
    expectMalformed(new Raw(FrameCodec.NOTICE).b(0xff).s("p").s("t").get(), "Notice", "kind", "ordinal 255");
    expectMalformed(
        new Raw(FrameCodec.ENTRIES).i(1).s("a").b(6).l(1).l(2).i(0).i(-1).i(-1).i(1).i(-1).i(-1).i(-1).i(-1).get(),
        "Entries",
        "entry 0 type",
        "ordinal 6 out of range 0..5");
  }

  @Test
  public void linkCountBelowOneIsRefused() {
    for (int count : new int[] {0, -1, Integer.MIN_VALUE}) {
      expectMalformed(
          new Raw(FrameCodec.ENTRIES).i(1).s("a").b(0).l(1).l(2).i(0).i(-1).i(-1).i(count).i(-1).i(-1).i(-1).i(-1).get(),
          "Entries", "entry 0 linkCount", "not positive: " + count);
    }
  }

  @Test
  public void trailingBytes() {
    for (Frame f : List.of(
        new Frame.Ready("x"),
        new Frame.Hello(1, "a", "b", "c", "d"),
        new Frame.Entries(List.of(file("a"))),
        new Frame.Needs(List.of(new Frame.Need(1, "a"))),
        new Frame.FileBegin(1, 2, 3),
        new Frame.FileOnLane(1, 2, 3),
        new Frame.LaneOffer(1, "t"),
        new Frame.FileEnd(1, 2),
        new Frame.FileUnavailable(1, "r"),
        new Frame.Notice(Frame.NoticeKind.WARNING, "p", "t"),
        new Frame.Done(SyncCounts.ZERO, 1),
        new Frame.Abort("r"))) {
      ByteString extra = FrameCodec.encode(f).concat(ByteString.fromArray(new byte[] {0}));
      expectMalformed(extra, f.getClass().getSimpleName(), "1 trailing bytes");
    }
    expectMalformed(new Raw(FrameCodec.LISTING_END).b(0).get(), "ListingEnd", "1 trailing bytes");
    expectMalformed(new Raw(FrameCodec.NEEDS_END).i(0).get(), "NeedsEnd", "4 trailing bytes");
    expectMalformed(new Raw(FrameCodec.DATA_END).b(1).b(2).get(), "DataEnd", "2 trailing bytes");
  }

  @Test
  public void listCountNegativeOrTooLarge() {
    expectMalformed(new Raw(FrameCodec.ENTRIES).i(-1).get(), "Entries", "entry count", "negative count -1");
    expectMalformed(new Raw(FrameCodec.NEEDS).i(Integer.MIN_VALUE).get(), "Needs", "need count", "negative");
    // a huge count must be refused before anything is allocated for it
    expectMalformed(new Raw(FrameCodec.ENTRIES).i(Integer.MAX_VALUE).get(), "Entries", "entry count", "exceed remaining 0 bytes");
    expectMalformed(new Raw(FrameCodec.NEEDS).i(2).i(1).s("").get(), "Needs", "need count", "exceed remaining 8 bytes");
    // exactly enough bytes for the count is fine
    assertEquals(
        new Frame.Needs(List.of(new Frame.Need(1, ""), new Frame.Need(2, ""))),
        FrameCodec.decode(new Raw(FrameCodec.NEEDS).i(2).i(1).s("").i(2).s("").get()));
  }

  @Test
  public void oversizeInputIsRefusedBeforeDecoding() {
    ByteString big =
        ByteString.fromArray(new byte[] {FrameCodec.FILE_DATA})
            .concat(ByteString.fromArray(new byte[FrameCodec.MAX_FRAME_BYTES]));
    expectMalformed(big, "exceeds maximum " + FrameCodec.MAX_FRAME_BYTES);
    ByteString bigEntries =
        new Raw(FrameCodec.ENTRIES).i(0).get().concat(ByteString.fromArray(new byte[FrameCodec.MAX_FRAME_BYTES]));
    expectMalformed(bigEntries, "exceeds maximum");
  }

  // ---------------------------------------------------------------- fuzz

  @Test
  public void randomCorruptionOnlyEverYieldsFramesOrProtocolExceptions() {
    Random random = new Random(0x5e75_1cL);
    List<ByteString> seeds = new ArrayList<>();
    for (Frame f : sampleFrames()) {
      ByteString e = FrameCodec.encode(f);
      if (e.length() < 64 * 1024) { // keep the fuzz loop fast; big FileData is covered elsewhere
        seeds.add(e);
      }
    }
    seeds.add(FrameCodec.encode(new Frame.Entries(manyEntries(20))));
    int decoded = 0;
    int refused = 0;
    for (int round = 0; round < 20_000; round++) {
      byte[] b = seeds.get(random.nextInt(seeds.size())).toArray();
      int mutation = random.nextInt(4);
      if (mutation == 0 || b.length == 0) {
        b = java.util.Arrays.copyOf(b, random.nextInt(b.length + 1));
      } else if (mutation == 1) {
        int flips = 1 + random.nextInt(4);
        for (int k = 0; k < flips; k++) {
          b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        }
      } else if (mutation == 2) {
        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        if (random.nextBoolean()) {
          b = java.util.Arrays.copyOf(b, random.nextInt(b.length + 1));
        }
      } else {
        // overwrite an aligned-ish int with an extreme value (lengths and counts)
        int at = random.nextInt(b.length);
        int[] extremes = {-1, -2, Integer.MIN_VALUE, Integer.MAX_VALUE, 0, b.length, 1 << 20};
        int v = extremes[random.nextInt(extremes.length)];
        for (int k = 0; k < 4 && at + k < b.length; k++) {
          b[at + k] = (byte) (v >>> (24 - 8 * k));
        }
      }
      try {
        Frame f = FrameCodec.decode(ByteString.fromArray(b));
        assertTrue(f != null);
        decoded++;
      } catch (ProtocolException e) {
        assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
        refused++;
      } catch (RuntimeException | Error e) {
        throw new AssertionError(
            "decode threw " + e + " for round " + round + ": " + ByteString.fromArray(b), e);
      }
    }
    // sanity: the mutations exercise both outcomes
    assertTrue("decoded " + decoded, decoded > 100);
    assertTrue("refused " + refused, refused > 1000);
  }

  @Test
  public void everyTruncationOfEveryFrameIsRefused() {
    for (Frame f : sampleFrames()) {
      if (f instanceof Frame.FileData) {
        continue; // any prefix of a FileData frame is a valid (shorter) FileData frame
      }
      ByteString e = FrameCodec.encode(f);
      // Past its header, a prefix of a FileWhole frame is a shorter file: the checksum catches it.
      int end = f instanceof Frame.FileWhole ? FrameCodec.FILE_WHOLE_HEADER_BYTES : e.length();
      int step = Math.max(1, e.length() / 2000);
      for (int n = 0; n < end; n += step) {
        try {
          FrameCodec.decode(e.take(n));
          fail("prefix of " + n + " of " + e.length() + " bytes of " + f.getClass().getSimpleName() + " decoded");
        } catch (ProtocolException expected) {
          // refused
        }
      }
    }
  }

  // ---------------------------------------------------------------- speed sanity

  @Test
  public void entriesFramesOfHundredsOfEntriesAreQuick() {
    Frame frame = new Frame.Entries(manyEntries(500));
    long start = System.nanoTime();
    int rounds = 2000;
    for (int i = 0; i < rounds; i++) {
      assertEquals(500, ((Frame.Entries) FrameCodec.decode(FrameCodec.encode(frame))).entries().size());
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    // a generous bound: ~1M entries encoded and decoded; catches accidental quadratic behaviour
    assertTrue("took " + millis + " ms", millis < 20_000);
  }
}
