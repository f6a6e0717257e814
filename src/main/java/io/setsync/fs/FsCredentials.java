package io.setsync.fs;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.util.Arrays;

/**
 * Takes on an account's file-system identity on the calling thread only, for the length of one
 * call, the way Linux NFS servers do: {@code setfsuid}/{@code setfsgid} and the raw {@code
 * setgroups} system call change one thread's credentials (glibc's {@code setgroups} wrapper would
 * change every thread's, so it is not used). With a file-system uid other than 0 the kernel also
 * drops the thread's file capabilities, so root's override of modes is gone for that call and
 * comes back with the switch back.
 *
 * <p>Only a process running as root (or holding CAP_SETUID and CAP_SETGID) can switch to another
 * account; {@link #call} checks that the switch took and fails the call otherwise, so nothing is
 * ever done as the process when the account was meant.
 */
public final class FsCredentials {

  /** One piece of file work. */
  @FunctionalInterface
  public interface IoCall<T> {
    T call() throws IOException;
  }

  /** glibc's {@code struct passwd}. */
  @Structure.FieldOrder({"pw_name", "pw_passwd", "pw_uid", "pw_gid", "pw_gecos", "pw_dir", "pw_shell"})
  public static final class Passwd extends Structure {
    public String pw_name;
    public String pw_passwd;
    public int pw_uid;
    public int pw_gid;
    public String pw_gecos;
    public String pw_dir;
    public String pw_shell;
  }

  interface LibC extends Library {
    int setfsuid(int fsuid);

    int setfsgid(int fsgid);

    long syscall(long number, Object... args);

    int getpwnam_r(String name, Passwd pwd, Pointer buf, long buflen, PointerByReference result);

    int getgrouplist(String user, int group, int[] groups, IntByReference ngroups);
  }

  private static final LibC LIBC = Native.load("c", LibC.class);

  /** The setgroups system call's number: it differs between architectures. */
  private static final long SYS_SETGROUPS = Platform.isIntel() && Platform.is64Bit() ? 116
      : Platform.isARM() && Platform.is64Bit() ? 159 : -1;

  /** The identity the calling thread has taken on; null: the process's own. */
  private static final ThreadLocal<FsIdentity> CURRENT = new ThreadLocal<>();

  private FsCredentials() {}

  /**
   * Runs {@code work} on this thread with {@code who}'s file-system identity and switches back
   * however it ends. When {@code who} is the process's own identity nothing is switched.
   *
   * @throws IOException the work's, or one naming the account when the switch did not take
   */
  public static <T> T call(FsIdentity who, IoCall<T> work) throws IOException {
    FsIdentity before = CURRENT.get();
    FsIdentity self = FsIdentity.process();
    FsIdentity now = before == null ? self : before;
    if (now.sameCredentials(who)) return work.call();
    become(who, now);
    try {
      CURRENT.set(who);
      return work.call();
    } finally {
      become(now, self);
      CURRENT.set(before);
    }
  }

  /** The file-system uid and gid this thread has now, as the kernel reports them. */
  static int[] threadIds() {
    // An id of -1 changes nothing and returns the current one.
    return new int[] {LIBC.setfsuid(-1), LIBC.setfsgid(-1)};
  }

  /** Switches this thread to {@code who}; if that does not take, back to {@code back}, and fails. */
  private static void become(FsIdentity who, FsIdentity back) throws IOException {
    if (SYS_SETGROUPS < 0) throw new IOException("switching file-system identity is not supported on " + Platform.ARCH);
    int[] groups = who.groups();
    // Groups and gid before the uid: a switch that fails half-way then fails before the uid moves.
    long rc = LIBC.syscall(SYS_SETGROUPS, groups.length, groups.length == 0 ? null : groups);
    LIBC.setfsgid(who.gid());
    LIBC.setfsuid(who.uid());
    int[] ids = threadIds();
    if (rc != 0 || ids[0] != who.uid() || ids[1] != who.gid()) {
      // Back before failing, so the thread is not left half-switched.
      LIBC.setfsuid(back.uid());
      LIBC.setfsgid(back.gid());
      int[] own = back.groups();
      LIBC.syscall(SYS_SETGROUPS, own.length, own.length == 0 ? null : own);
      throw new IOException("cannot take on the identity of account " + who.account()
          + " (this node runs as " + FsIdentity.process().account() + "; only root can act as another account)");
    }
  }

  /** {@link FsIdentity#of}: the account's uid, primary gid and groups from the account database. */
  static synchronized FsIdentity lookup(String account) throws IOException {
    Passwd pwd = new Passwd();
    Memory buf = new Memory(16 * 1024);
    PointerByReference result = new PointerByReference();
    int rc = LIBC.getpwnam_r(account, pwd, buf, buf.size(), result);
    if (rc != 0 || result.getValue() == null) {
      throw new IOException("account " + account + " does not exist on this machine");
    }
    int[] groups = new int[64];
    IntByReference count = new IntByReference(groups.length);
    if (LIBC.getgrouplist(account, pwd.pw_gid, groups, count) < 0) {
      groups = new int[count.getValue()];
      count = new IntByReference(groups.length);
      if (LIBC.getgrouplist(account, pwd.pw_gid, groups, count) < 0) {
        throw new IOException("reading the groups of account " + account + " failed");
      }
    }
    return new FsIdentity(account, pwd.pw_uid, pwd.pw_gid, Arrays.copyOf(groups, count.getValue()));
  }
}
