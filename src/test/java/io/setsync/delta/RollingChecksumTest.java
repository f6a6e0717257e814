package io.setsync.delta;

import static org.junit.Assert.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.Test;

/** The eight-bytes-at-a-time sums against the byte-at-a-time definition. */
public class RollingChecksumTest {

  private final SplittableRandom random = new SplittableRandom(7);

  @Test
  public void randomBytesAtEveryOffsetAndLength() {
    byte[] data = new byte[600];
    random.nextBytes(data);
    for (int offset = 0; offset < 16; offset++) {
      for (int length = 0; offset + length <= data.length; length++) {
        assertEquals(offset + "+" + length, RollingChecksum.sumsByteByByte(data, offset, length),
            RollingChecksum.sums(data, offset, length));
      }
    }
  }

  /** All 0xff: the largest lanes, where a carry between them would show. */
  @Test
  public void largestBytesDoNotCarryBetweenLanes() {
    byte[] data = new byte[70_000];
    Arrays.fill(data, (byte) 0xff);
    for (int length : new int[] {7, 8, 9, 15, 16, 17, 2048, 32_768, 65_536, 69_999}) {
      assertEquals("length " + length, RollingChecksum.sumsByteByByte(data, 1, length), RollingChecksum.sums(data, 1, length));
    }
  }

  /** Blocks of the sizes real files get, whose sums wrap around int. */
  @Test
  public void largeBlocksWrapAlike() {
    byte[] data = new byte[(1 << 20) + 13];
    random.nextBytes(data);
    for (int length : new int[] {32_768, 1 << 20}) {
      assertEquals(RollingChecksum.sumsByteByByte(data, 13, length), RollingChecksum.sums(data, 13, length));
    }
  }

  /** A sequence with one byte value per position shows a weight off by one anywhere. */
  @Test
  public void eachPositionHasItsWeight() {
    for (int at = 0; at < 24; at++) {
      byte[] data = new byte[24];
      data[at] = (byte) 0x80;
      assertEquals("byte at " + at, RollingChecksum.sumsByteByByte(data, 0, 24), RollingChecksum.sums(data, 0, 24));
    }
  }
}
