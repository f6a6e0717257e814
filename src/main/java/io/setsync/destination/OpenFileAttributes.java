package io.setsync.destination;

import java.io.FileDescriptor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.channels.FileChannel;

/**
 * Sets the owner, mode and times of a file through the descriptor the receiver already holds open
 * (fchown, fchmod, futimens) instead of by name: the JDK's by-name calls open the file again, and for
 * times alone stat it first, and root's change of owner is one more call per id: up to nine system
 * calls per received file instead of three.
 *
 * <p>Works through the JDK's own native dispatcher, reachable only when the JVM runs with {@code
 * --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.base/sun.nio.fs=ALL-UNNAMED} (as
 * the launcher and the tests do). Otherwise, or when a call fails, the caller is told so and does
 * the same by name, where any error is reported the usual way.
 */
final class OpenFileAttributes {

  private static final MethodHandle CHANNEL_FD = channelDescriptor();
  private static final MethodHandle FD_VAL = dispatcher("sun.nio.ch.IOUtil", "fdVal", FileDescriptor.class);
  private static final MethodHandle FCHMOD = dispatcher("sun.nio.fs.UnixNativeDispatcher", "fchmod", int.class, int.class);
  private static final MethodHandle FCHOWN =
      dispatcher("sun.nio.fs.UnixNativeDispatcher", "fchown", int.class, int.class, int.class);
  private static final MethodHandle FUTIMENS =
      dispatcher("sun.nio.fs.UnixNativeDispatcher", "futimens", int.class, long.class, long.class);

  private OpenFileAttributes() {}

  /** Whether descriptor-based calls can be made in this JVM at all. */
  static boolean available() {
    return CHANNEL_FD != null && FD_VAL != null && FCHMOD != null && FUTIMENS != null;
  }

  /**
   * Gives the open file {@code mode} (07777 bits) and the modification time {@code mtimeNanos}
   * (access time: now). False, having possibly done part of it, when that cannot be done here.
   */
  static boolean setModeAndTimes(FileChannel channel, int mode, long mtimeNanos) {
    return setOwnerModeAndTimes(channel, -1, -1, mode, mtimeNanos);
  }

  /**
   * As {@link #setModeAndTimes}, after giving the open file the owner {@code uid} and group {@code
   * gid} (-1: left as is) with one fchown: the owner first, as a change of owner clears
   * setuid/setgid. A refused fchown (not root) returns false too: the by-name way then reports it.
   */
  static boolean setOwnerModeAndTimes(FileChannel channel, int uid, int gid, int mode, long mtimeNanos) {
    if (!available() || mtimeNanos < 0) return false; // futimens' split of negative times is not ours to trust
    if ((uid >= 0 || gid >= 0) && FCHOWN == null) return false;
    int fd = descriptor(channel);
    if (fd < 0) return false;
    try {
      if (uid >= 0 || gid >= 0) FCHOWN.invokeExact(fd, uid, gid);
      FCHMOD.invokeExact(fd, mode);
      long now = System.currentTimeMillis() * 1_000_000L;
      FUTIMENS.invokeExact(fd, now, mtimeNanos);
      return true;
    } catch (Throwable e) {
      if (e instanceof Error error && !(e instanceof LinkageError)) throw error;
      return false;
    }
  }

  /** The descriptor number of an open channel; -1 where this JVM does not let us read it. */
  static int descriptor(FileChannel channel) {
    if (CHANNEL_FD == null || FD_VAL == null) return -1;
    try {
      return (int) FD_VAL.invokeExact((FileDescriptor) CHANNEL_FD.invokeExact((Object) channel));
    } catch (Throwable e) {
      if (e instanceof Error error && !(e instanceof LinkageError)) throw error;
      return -1;
    }
  }

  private static MethodHandle channelDescriptor() {
    try {
      Class<?> impl = Class.forName("sun.nio.ch.FileChannelImpl");
      Field fd = impl.getDeclaredField("fd");
      fd.setAccessible(true);
      return MethodHandles.lookup().unreflectGetter(fd).asType(MethodType.methodType(FileDescriptor.class, Object.class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static MethodHandle dispatcher(String className, String name, Class<?>... parameters) {
    try {
      Method method = Class.forName(className).getDeclaredMethod(name, parameters);
      method.setAccessible(true);
      return MethodHandles.lookup().unreflect(method);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
