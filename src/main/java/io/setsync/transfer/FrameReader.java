package io.setsync.transfer;

import io.setsync.fs.RawNames;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked big-endian reader over one frame's bytes. Every failure is a {@link
 * ProtocolException} naming the frame, the list item (if any) and the field.
 */
final class FrameReader {

  private final byte[] buf;
  private final String frameName;
  private int pos;
  private CharsetDecoder utf8;

  /** Label and index of the list item being read, for messages; null outside lists. */
  private String itemLabel;

  private int itemIndex;

  FrameReader(byte[] buf, int start, String frameName) {
    this.buf = buf;
    this.pos = start;
    this.frameName = frameName;
  }

  void item(String label, int index) {
    itemLabel = label;
    itemIndex = index;
  }

  void noItem() {
    itemLabel = null;
  }

  int remaining() {
    return buf.length - pos;
  }

  ProtocolException malformed(String field, String detail) {
    String where = itemLabel == null ? field : itemLabel + " " + itemIndex + " " + field;
    return new ProtocolException("malformed " + frameName + " frame: " + where + ": " + detail);
  }

  private void need(int n, String field) {
    if (buf.length - pos < n) {
      throw malformed(field, "needs " + n + " bytes, " + (buf.length - pos) + " remain");
    }
  }

  int getByte(String field) {
    need(1, field);
    return buf[pos++] & 0xff;
  }

  int getInt(String field) {
    need(4, field);
    byte[] b = buf;
    int p = pos;
    pos = p + 4;
    return (b[p] & 0xff) << 24 | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | (b[p + 3] & 0xff);
  }

  long getLong(String field) {
    need(8, field);
    byte[] b = buf;
    int p = pos;
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = v << 8 | (b[p + i] & 0xff);
    }
    pos = p + 8;
    return v;
  }

  String getString(String field) {
    int len = getInt(field);
    if (len == -1) {
      throw malformed(field, "null (length -1) is not allowed");
    }
    return utf8(len, field);
  }

  String getNullableString(String field) {
    int len = getInt(field);
    return len == -1 ? null : utf8(len, field);
  }

  /** A name {@link FrameWriter#putName} wrote: any bytes, decoded losslessly; null for -1. */
  String getName(String field, boolean nullable) {
    int len = getInt(field);
    if (len == -1) {
      if (nullable) return null;
      throw malformed(field, "null (length -1) is not allowed");
    }
    if (len < 0) {
      throw malformed(field, "negative length " + len);
    }
    if (len > buf.length - pos) {
      throw malformed(field, "length " + len + " exceeds remaining " + (buf.length - pos) + " bytes");
    }
    String name = RawNames.decode(buf, pos, len);
    pos += len;
    return name;
  }

  private String utf8(int len, String field) {
    if (len < 0) {
      throw malformed(field, "negative length " + len);
    }
    if (len > buf.length - pos) {
      throw malformed(field, "length " + len + " exceeds remaining " + (buf.length - pos) + " bytes");
    }
    int start = pos;
    int end = start + len;
    pos = end;
    boolean ascii = true;
    for (int i = start; i < end; i++) {
      if (buf[i] < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new String(buf, start, len, StandardCharsets.US_ASCII);
    }
    if (utf8 == null) {
      utf8 =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
    try {
      return utf8.decode(ByteBuffer.wrap(buf, start, len)).toString();
    } catch (CharacterCodingException e) {
      throw malformed(field, "invalid UTF-8 (" + e.getMessage() + ")");
    }
  }

  /** An enum constant by its wire number. */
  <E extends Enum<E>> E getEnum(WireEnum<E> numbers, String field) {
    int number = getByte(field);
    E constant = numbers.constant(number);
    if (constant == null) {
      throw malformed(field, "ordinal " + number + " out of range 0.." + (numbers.size() - 1));
    }
    return constant;
  }

  /** A list count: non-negative and no more items than the remaining bytes can hold. */
  int getCount(String field, int minItemBytes) {
    int count = getInt(field);
    if (count < 0) {
      throw malformed(field, "negative count " + count);
    }
    int rem = buf.length - pos;
    if (count > rem / minItemBytes) {
      throw malformed(
          field,
          count + " items of at least " + minItemBytes + " bytes exceed remaining " + rem + " bytes");
    }
    return count;
  }

  void end() {
    noItem();
    int rem = buf.length - pos;
    if (rem != 0) {
      throw new ProtocolException(
          "malformed " + frameName + " frame: " + rem + " trailing bytes after the last field");
    }
  }
}
