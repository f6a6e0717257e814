package io.setsync.command;

import io.setsync.CborSerializable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Who sends a statement, as the node knows it, never as the sender says: the OS account the
 * kernel vouched for (a console on the node's Unix-domain socket), or the process the node runs in
 * (the Java API, a one-time sync, tests). {@code --user} only chooses among the sync users this
 * caller may act for.
 */
public record Caller(String account, int uid) implements CborSerializable {

  private static final Caller THIS_PROCESS = readThisProcess();

  /** The authorizer's uid: root. */
  public static final int ROOT_UID = 0;

  /** The node's own process: whoever embeds or started it. */
  public static Caller thisProcess() {
    return THIS_PROCESS;
  }

  public boolean isRoot() {
    return uid == ROOT_UID;
  }

  private static Caller readThisProcess() {
    try {
      int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      return new Caller(System.getProperty("user.name"), uid);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read this process's uid from /proc/self", e);
    }
  }

  @Override
  public String toString() {
    return account + " (uid " + uid + ")";
  }
}
