package io.setsync.fs;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * File names as the kernel has them: bytes, not text. A Linux name is any bytes but '/' and NUL,
 * and the JVM decodes them with one fixed encoding (UTF-8 here), so a name such as Latin-1 {@code
 * caf\xe9} would come back from a {@link java.nio.file.DirectoryStream} as {@code caf\uFFFD}, a
 * different name, and could not be created again from a String.
 *
 * <p>Inside setsync a name stays a String, but a lossless one: valid UTF-8 is decoded as usual and
 * every byte that is not part of valid UTF-8 becomes the lone surrogate {@code U+DC00 + byte}
 * (Python's "surrogateescape"). Such surrogates never come from decoding valid UTF-8, so {@link
 * #bytes} gives back the very bytes. Only this class turns those Strings into {@link Path}s and
 * back, by the JDK's own byte-array constructor of {@code sun.nio.fs.UnixPath} (the JVM runs with
 * {@code --add-opens java.base/sun.nio.fs=ALL-UNNAMED}), which also leaves the bytes unnormalized:
 * a link target {@code realdir//} stays what it was. Without that access, only names that are
 * valid UTF-8 work, as before.
 */
public final class RawNames {

  private static final MethodHandle NEW_PATH;
  private static final MethodHandle PATH_BYTES;
  private static final Class<?> UNIX_PATH;

  static {
    MethodHandle make = null;
    MethodHandle bytes = null;
    Class<?> unixPath = null;
    try {
      unixPath = Class.forName("sun.nio.fs.UnixPath");
      Class<?> unixFs = Class.forName("sun.nio.fs.UnixFileSystem");
      Constructor<?> constructor = unixPath.getDeclaredConstructor(unixFs, byte[].class);
      constructor.setAccessible(true);
      Method asBytes = unixPath.getDeclaredMethod("asByteArray");
      asBytes.setAccessible(true);
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      make = lookup.unreflectConstructor(constructor)
          .asType(MethodType.methodType(Path.class, Object.class, byte[].class));
      bytes = lookup.unreflect(asBytes).asType(MethodType.methodType(byte[].class, Object.class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      make = null;
      bytes = null;
      unixPath = null;
    }
    NEW_PATH = make;
    PATH_BYTES = bytes;
    UNIX_PATH = unixPath;
  }

  private static final int ESCAPE_BASE = 0xDC00;

  private RawNames() {}

  /** Whether names that are not UTF-8 can be read and written (the JDK's internals are open). */
  public static boolean available() {
    return NEW_PATH != null;
  }

  /** The name's text for the given bytes: UTF-8, each undecodable byte as {@code U+DC00 + byte}. */
  public static String decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }

  /** As {@link #decode(byte[])} for {@code bytes[offset, offset + length)}. */
  public static String decode(byte[] bytes, int offset, int length) {
    boolean ascii = true;
    for (int i = offset; i < offset + length; i++) {
      if (bytes[i] < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
    CharBuffer out = CharBuffer.allocate(length);
    while (true) {
      CoderResult result = decoder.decode(in, out, true);
      if (result.isUnderflow()) break;
      if (result.isError()) {
        for (int i = 0; i < result.length(); i++) {
          out.put((char) (ESCAPE_BASE + (in.get() & 0xFF)));
        }
      } else {
        throw new IllegalStateException("UTF-8 decoding overflowed: " + result);
      }
    }
    decoder.flush(out);
    out.flip();
    return out.toString();
  }

  /** The bytes a name stands for: the inverse of {@link #decode}. */
  public static byte[] bytes(String name) {
    if (!hasEscapes(name)) return name.getBytes(StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(name.length() + 8);
    int runStart = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (isEscape(name, i)) {
        byte[] run = name.substring(runStart, i).getBytes(StandardCharsets.UTF_8);
        out.write(run, 0, run.length);
        out.write(c - ESCAPE_BASE);
        runStart = i + 1;
      }
    }
    byte[] run = name.substring(runStart).getBytes(StandardCharsets.UTF_8);
    out.write(run, 0, run.length);
    return out.toByteArray();
  }

  /** Whether the name holds any byte that is not valid UTF-8. */
  public static boolean hasEscapes(String name) {
    for (int i = 0; i < name.length(); i++) {
      if (isEscape(name, i)) return true;
    }
    return false;
  }

  /** A lone low surrogate for a byte 0x80..0xFF, not the second half of a pair. */
  static boolean isEscape(String s, int i) {
    char c = s.charAt(i);
    return c >= ESCAPE_BASE + 0x80 && c <= ESCAPE_BASE + 0xFF && !(i > 0 && Character.isHighSurrogate(s.charAt(i - 1)));
  }

  /**
   * The index of a char that neither valid UTF-8 nor {@link #decode} can produce (a surrogate that
   * is neither half of a pair nor an escaped byte), or -1.
   */
  public static int badSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return i;
      }
      if (Character.isLowSurrogate(c) && !isEscape(s, i)) return i;
    }
    return -1;
  }

  /** The name (last component) of {@code p} as {@link #decode} text, whatever its bytes. */
  public static String name(Path p) {
    Path name = p.getFileName();
    return name == null ? "" : text(name);
  }

  /** The whole of {@code p}, as {@link #decode} text. */
  public static String text(Path p) {
    p = ConfinedPath.unwrap(p);
    if (PATH_BYTES != null && UNIX_PATH.isInstance(p)) {
      try {
        return decode((byte[]) PATH_BYTES.invokeExact((Object) p));
      } catch (Throwable t) {
        throw new IllegalStateException("reading a path's bytes failed", t);
      }
    }
    return p.toString();
  }

  /**
   * A path of exactly these bytes on {@code like}'s file system, not normalized: for a link's
   * target text, and for names. Refuses NUL, which no path can hold.
   *
   * @throws IllegalArgumentException the text holds NUL, or holds bytes that are not UTF-8 and
   *     the JDK's internals are closed
   */
  public static Path path(Path like, String text) {
    if (text.indexOf('\0') >= 0) throw new IllegalArgumentException("NUL in path " + display(text));
    if (like instanceof ConfinedPath confined) return confined.getFileSystem().wrap(path(confined.plain(), text));
    if (NEW_PATH != null && UNIX_PATH.isInstance(like)) {
      try {
        return (Path) NEW_PATH.invokeExact((Object) like.getFileSystem(), bytes(text));
      } catch (Throwable t) {
        throw new IllegalStateException("making a path from bytes failed", t);
      }
    }
    if (hasEscapes(text)) {
      throw new IllegalArgumentException("name " + display(text) + " is not UTF-8, and the JDK's sun.nio.fs is not open");
    }
    return like.getFileSystem().getPath(text);
  }

  /** {@code dir} resolved against the relative name {@code rel}, keeping rel's bytes. */
  public static Path resolve(Path dir, String rel) {
    if (!hasEscapes(rel)) return dir.resolve(rel);
    return dir.resolve(path(dir, rel));
  }

  /** {@code p} for messages: escaped bytes as {@code \xNN}, control characters as {@code \xNN}. */
  public static String display(Path p) {
    return display(text(p));
  }

  /** {@code name} for messages: undecodable bytes and control characters shown as {@code \xNN}. */
  public static String display(String name) {
    StringBuilder out = null;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean escape = isEscape(name, i);
      boolean paired = Character.isHighSurrogate(c)
          ? i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))
          : Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(name.charAt(i - 1));
      if (escape || c < 0x20 || c == 0x7F || (Character.isSurrogate(c) && !paired)) {
        if (out == null) out = new StringBuilder(name.length() + 8).append(name, 0, i);
        int value = escape ? c - ESCAPE_BASE : c;
        out.append(value <= 0xFF ? String.format("\\x%02x", value) : String.format("\\u%04x", value));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? name : out.toString();
  }
}
