package io.setsync.transfer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import akka.util.ByteString;
import io.setsync.delta.BlockSignatures;
import io.setsync.fs.EntryType;
import io.setsync.fs.FileEntry;
import io.setsync.fs.Owner;
import io.setsync.sync.SyncCounts;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/**
 * The wire format pinned byte for byte: one example of every frame type with the bytes the
 * encoder of protocol version 4 produced (captured before the codec became a table; entries
 * and names as version 7 changed them), and the
 * wire numbers of the enums that travel. A change here is a protocol change: bump {@link
 * Frame#PROTOCOL_VERSION} and say why there.
 */
public class FrameWireTest {

  /** Frame → its exact encoding, in hex. */
  private static final Map<Frame, String> GOLDEN = new LinkedHashMap<>();

  private static void golden(Frame frame, String hex) {
    GOLDEN.put(frame, hex);
  }

  static {
    golden(new Frame.Hello(7, "/dst", "PURGE", "/src", "ab12"),
        "0100000007000000042f647374000000055055524745000000042f7372630000000461623132");
    golden(new Frame.Ready("s1"), "02000000027331");
    golden(new Frame.LaneOffer(40123, "ab"), "1300009cbb000000026162");
    golden(new Frame.Abort("no"), "03000000026e6f");
    golden(new Frame.Stop("no"), "15000000026e6f"); // version 6
    golden(new Frame.Entries(List.of(
            new FileEntry("a", EntryType.FILE, 5, 7, 0644, null, "h"),
            new FileEntry("d", EntryType.DIRECTORY, 0, 1, 0755, null, null),
            new FileEntry("l", EntryType.SYMLINK, 0, 2, 0777, "a", null),
            new FileEntry("o", EntryType.OTHER, 0, 3, 0600, null, null),
            new FileEntry("x", EntryType.LEFT_OUT, 0, 4, 0, null, null),
            new FileEntry("y", EntryType.HARDLINK, 5, 7, 0644, "a", null, 2),
            new FileEntry("b", EntryType.FILE, 5, 7, 0644, null, null, 1, new Owner(1000, 100, "u", null)))),
        "04" + "00000007"
            + "00000001610000000000000000050000000000000007000001a4ffffffff000000016800000001" + "ffffffffffffffffffffffffffffffff"
            + "00000001640100000000000000000000000000000001000001edffffffffffffffff00000001" + "ffffffffffffffffffffffffffffffff"
            + "000000016c0200000000000000000000000000000002000001ff0000000161ffffffff00000001" + "ffffffffffffffffffffffffffffffff"
            + "000000016f030000000000000000000000000000000300000180ffffffffffffffff00000001" + "ffffffffffffffffffffffffffffffff"
            + "0000000178040000000000000000000000000000000400000000ffffffffffffffff00000001" + "ffffffffffffffffffffffffffffffff"
            + "00000001790500000000000000050000000000000007000001a40000000161ffffffff00000002" + "ffffffffffffffffffffffffffffffff"
            + "00000001620000000000000000050000000000000007000001a4ffffffffffffffff00000001" + "000003e8000000640000000175ffffffff");
    // A name that is not UTF-8 travels as its own bytes (version 7).
    golden(new Frame.Needs(List.of(new Frame.Need(3, io.setsync.fs.RawNames.decode(new byte[] {'c', (byte) 0xe9})))),
        "0600000001000000030000000263e9");
    golden(Frame.ListingEnd.INSTANCE, "05");
    golden(new Frame.Needs(List.of(new Frame.Need(1, "a"), new Frame.Need(2, "é"))),
        "06000000020000000100000001610000000200000002c3a9");
    golden(new Frame.NeedDelta(3, "b", new BlockSignatures(4, 6, new int[] {1, -1}, new long[] {2, -2})),
        "1000000003000000016200000004000000000000000600000002000000010000000000000002fffffffffffffffffffffffe");
    golden(Frame.NeedsEnd.INSTANCE, "07");
    golden(new Frame.FileBegin(1, 2, 3), "080000000100000000000000020000000000000003");
    golden(new Frame.FileOnLane(4, 5, 6), "140000000400000000000000050000000000000006");
    golden(new Frame.FileData(ByteString.fromString("abc")), "09616263");
    golden(new Frame.FileCopy(7, 8), "110000000700000008");
    golden(new Frame.FileEnd(9, 0xFFFF_FFFFL), "0a0000000900000000ffffffff");
    golden(new Frame.FileWhole(10, 11, 12, ByteString.fromString("hi")), "0f0000000a000000000000000b000000000000000c6869");
    golden(new Frame.FileUnavailable(13, "gone"), "0b0000000d00000004676f6e65");
    golden(Frame.DataEnd.INSTANCE, "0c");
    golden(new Frame.Notice(Frame.NoticeKind.WOULD_COPY, "p", "t"), "0d0000000001700000000174");
    golden(new Frame.Notice(Frame.NoticeKind.WOULD_PURGE, "", ""), "0d010000000000000000");
    golden(new Frame.Notice(Frame.NoticeKind.PURGED, "", ""), "0d020000000000000000");
    golden(new Frame.Notice(Frame.NoticeKind.WARNING, "", ""), "0d030000000000000000");
    golden(new Frame.Notice(Frame.NoticeKind.ERROR, "", ""), "0d040000000000000000");
    golden(new Frame.Notice(Frame.NoticeKind.COPIED, "", ""), "0d050000000000000000");
    golden(new Frame.Done(new SyncCounts(1, 2, 3, 4, 5, 6, 7), 1),
        "0e0000000000000001000000000000000200000000000000030000000000000004"
            + "00000000000000050000000000000006000000000000000700000001");
  }

  @Test
  public void everyGoldenFrameEncodesToItsBytesAndBack() {
    for (Map.Entry<Frame, String> e : GOLDEN.entrySet()) {
      ByteString encoded = FrameCodec.encode(e.getKey());
      assertEquals(e.getKey().toString(), e.getValue(), HexFormat.of().formatHex(encoded.toArray()));
      assertEquals(e.getKey(), FrameCodec.decode(ByteString.fromArray(HexFormat.of().parseHex(e.getValue()))));
    }
  }

  /** A new frame type must come with its bytes here: a new tag is a protocol change. */
  @Test
  public void everyPermittedFrameTypeHasGoldenBytes() {
    for (Class<?> type : Frame.class.getPermittedSubclasses()) {
      assertTrue("no golden bytes for " + type.getSimpleName(),
          GOLDEN.keySet().stream().anyMatch(f -> f.getClass() == type));
    }
  }

  @Test
  public void everyNoticeKindHasItsWireNumber() {
    int[] expected = {0, 1, 2, 3, 4, 5};
    Frame.NoticeKind[] kinds = {
      Frame.NoticeKind.WOULD_COPY, Frame.NoticeKind.WOULD_PURGE, Frame.NoticeKind.PURGED,
      Frame.NoticeKind.WARNING, Frame.NoticeKind.ERROR, Frame.NoticeKind.COPIED
    };
    assertEquals("every kind is pinned here", Frame.NoticeKind.values().length, kinds.length);
    for (int i = 0; i < kinds.length; i++) {
      ByteString encoded = FrameCodec.encode(new Frame.Notice(kinds[i], "", ""));
      assertEquals(kinds[i].name(), expected[i], encoded.apply(1));
    }
  }

  @Test
  public void everyEntryTypeHasItsWireNumber() {
    EntryType[] types = {
      EntryType.FILE, EntryType.DIRECTORY, EntryType.SYMLINK, EntryType.OTHER, EntryType.LEFT_OUT, EntryType.HARDLINK
    };
    assertEquals("every type is pinned here", EntryType.values().length, types.length);
    for (int i = 0; i < types.length; i++) {
      ByteString encoded = FrameCodec.encode(new Frame.Entries(List.of(new FileEntry("n", types[i], 0, 0, 0, null, null))));
      // tag, count, path length, one byte of path: then the type
      assertEquals(types[i].name(), i, encoded.apply(1 + 4 + 4 + 1));
    }
  }
}
