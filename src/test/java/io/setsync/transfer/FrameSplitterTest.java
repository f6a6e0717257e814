package io.setsync.transfer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import akka.stream.scaladsl.Framing.FramingException;
import akka.util.ByteString;
import akka.util.ByteStringBuilder;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

public class FrameSplitterTest {

  private static ByteString framed(byte[] payload) {
    ByteStringBuilder b = new ByteStringBuilder();
    b.putInt(payload.length, ByteOrder.BIG_ENDIAN);
    b.putBytes(payload);
    return b.result();
  }

  private static byte[] payload(int size, int seed) {
    byte[] p = new byte[size];
    for (int i = 0; i < size; i++) p[i] = (byte) (seed + i * 31);
    return p;
  }

  @Test
  public void framesCutAnywhereComeOutWholeAndInOrder() {
    List<ByteString> expected = List.of(framed(payload(0, 1)), framed(payload(1, 2)), framed(payload(700, 3)),
        framed(payload(5, 4)));
    ByteString all = expected.stream().reduce(ByteString.emptyByteString(), ByteString::concat);
    for (int cut = 1; cut <= all.length(); cut += 3) {
      FrameSplitter splitter = new FrameSplitter(1000);
      List<ByteString> got = new ArrayList<>();
      for (int at = 0; at < all.length(); at += cut) {
        got.addAll(splitter.offer(all.slice(at, Math.min(all.length(), at + cut))));
      }
      assertEquals(List.of(), splitter.end());
      assertEquals("chunks of " + cut, expected, got);
    }
  }

  @Test
  public void aFrameOfTheMaximumPassesAndOneByteMoreIsRefused() {
    assertEquals(1, new FrameSplitter(10).offer(framed(payload(10, 0))).size());
    FramingException e = assertThrows(FramingException.class, () -> new FrameSplitter(10).offer(framed(payload(11, 0))));
    assertTrue(e.getMessage(), e.getMessage().contains("Maximum allowed frame length is 14"));
  }

  @Test
  public void aNegativeLengthIsRefusedBeforeAnyPayloadArrives() {
    FramingException e = assertThrows(FramingException.class,
        () -> new FrameSplitter(10).offer(ByteString.fromArray(new byte[] {(byte) 0x80, 0, 0, 0})));
    assertTrue(e.getMessage(), e.getMessage().contains("negative size"));
  }

  @Test
  public void inputEndingInsideAFrameFails() {
    FrameSplitter splitter = new FrameSplitter(100);
    assertEquals(List.of(), splitter.offer(framed(payload(50, 0)).take(30)));
    assertThrows(FramingException.class, splitter::end);
    FrameSplitter headerOnly = new FrameSplitter(100);
    headerOnly.offer(ByteString.fromArray(new byte[] {0, 0}));
    assertThrows(FramingException.class, headerOnly::end);
  }
}
