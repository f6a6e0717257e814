package io.setsync.transfer;

import akka.util.ByteString;
import io.setsync.fs.RawNames;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Growable big-endian output buffer for one encoded frame; refuses to grow past the maximum. */
final class FrameWriter {

  private final String frameName;
  private byte[] buf;
  private int pos;

  FrameWriter(String frameName, int initialCapacity) {
    this.frameName = frameName;
    this.buf = new byte[Math.max(16, Math.min(initialCapacity, FrameCodec.MAX_FRAME_BYTES))];
  }

  private void ensure(int more) {
    long needed = (long) pos + more;
    if (needed > FrameCodec.MAX_FRAME_BYTES) {
      throw new ProtocolException(
          "cannot encode " + frameName + " frame: more than " + FrameCodec.MAX_FRAME_BYTES + " bytes");
    }
    if (needed > buf.length) {
      long grown = Math.max(needed, (long) buf.length * 2);
      buf = Arrays.copyOf(buf, (int) Math.min(grown, FrameCodec.MAX_FRAME_BYTES));
    }
  }

  void putByte(int b) {
    ensure(1);
    buf[pos++] = (byte) b;
  }

  void putInt(int v) {
    ensure(4);
    byte[] b = buf;
    int p = pos;
    b[p] = (byte) (v >>> 24);
    b[p + 1] = (byte) (v >>> 16);
    b[p + 2] = (byte) (v >>> 8);
    b[p + 3] = (byte) v;
    pos = p + 4;
  }

  void putLong(long v) {
    ensure(8);
    byte[] b = buf;
    int p = pos;
    for (int shift = 56; shift >= 0; shift -= 8) {
      b[p++] = (byte) (v >>> shift);
    }
    pos = p;
  }

  /** A string that must be present: int length then UTF-8 bytes. */
  void putString(String s, String field) {
    if (s == null) {
      throw new ProtocolException("cannot encode " + frameName + " frame: " + field + " is null");
    }
    putUtf8(s, field);
  }

  /** A string that may be null: length -1 for null. */
  void putNullableString(String s, String field) {
    if (s == null) {
      putInt(-1);
    } else {
      putUtf8(s, field);
    }
  }

  private void putUtf8(String s, String field) {
    checkSurrogates(s, field);
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    putInt(utf8.length);
    ensure(utf8.length);
    System.arraycopy(utf8, 0, buf, pos, utf8.length);
    pos += utf8.length;
  }

  /** A file name that must be present: int length then the name's own bytes ({@link RawNames}). */
  void putName(String name, String field) {
    if (name == null) {
      throw new ProtocolException("cannot encode " + frameName + " frame: " + field + " is null");
    }
    putNullableName(name, field);
  }

  /** A file name or link text that may be null (length -1), else as {@link #putName}: not UTF-8 perhaps. */
  void putNullableName(String name, String field) {
    if (name == null) {
      putInt(-1);
      return;
    }
    int bad = RawNames.badSurrogate(name);
    if (bad >= 0) {
      throw new ProtocolException("cannot encode " + frameName + " frame: " + field
          + " has an unpaired surrogate at index " + bad);
    }
    byte[] bytes = RawNames.bytes(name);
    putInt(bytes.length);
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, pos, bytes.length);
    pos += bytes.length;
  }

  /** String.getBytes silently replaces unpaired surrogates with '?'; refuse them instead. */
  private void checkSurrogates(String s, String field) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          throw new ProtocolException(
              "cannot encode "
                  + frameName
                  + " frame: "
                  + field
                  + ": unpaired surrogate at index "
                  + i);
        }
      }
    }
  }

  /** An enum constant as its wire number. */
  <E extends Enum<E>> void putEnum(WireEnum<E> numbers, E constant, String field) {
    if (constant == null) {
      throw new ProtocolException("cannot encode " + frameName + " frame: " + field + " is null");
    }
    putByte(numbers.number(constant));
  }

  ByteString result() {
    return ByteString.fromArrayUnsafe(buf, 0, pos);
  }
}
