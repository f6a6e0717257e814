package io.setsync.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The credentials the kernel checks file work against: an OS account's user id, primary group and
 * supplementary groups. A sync user's file work is done as the user's account ({@link
 * FsCredentials}), so modes, ACLs and search rights apply to it as they would to the user's own
 * shell.
 *
 * @param account the account's name, for messages
 * @param groups the supplementary groups, the primary one among them; kept sorted, so that
 *     comparing two identities (once per switched call) needs no sorting
 */
public record FsIdentity(String account, int uid, int gid, int[] groups) {

  public FsIdentity {
    groups = groups.clone();
    Arrays.sort(groups);
  }

  @Override
  public int[] groups() {
    return groups.clone();
  }

  public boolean isRoot() {
    return uid == 0;
  }

  /** Whether {@code other} is the same uid, gid and group set (the account's name aside). */
  public boolean sameCredentials(FsIdentity other) {
    return uid == other.uid && gid == other.gid && Arrays.equals(groups, other.groups);
  }

  private static volatile FsIdentity process;

  /** This process's own credentials: what file work is done as when nothing is switched. */
  public static FsIdentity process() {
    FsIdentity p = process;
    if (p == null) {
      p = readProcess();
      process = p;
    }
    return p;
  }

  /**
   * The credentials of {@code account} on this machine, from the system's account database (as
   * {@code id} gives them: its uid, its primary group, every group it is a member of).
   *
   * @throws IOException naming the account when this machine does not know it
   */
  public static FsIdentity of(String account) throws IOException {
    return FsCredentials.lookup(account);
  }

  private static FsIdentity readProcess() {
    try {
      List<String> status = Files.readAllLines(Path.of("/proc/self/status"));
      int uid = -1;
      int gid = -1;
      int[] groups = new int[0];
      for (String line : status) {
        // Uid and Gid give real, effective, saved and file-system ids: the file-system one counts.
        if (line.startsWith("Uid:")) uid = field(line, 3);
        else if (line.startsWith("Gid:")) gid = field(line, 3);
        else if (line.startsWith("Groups:")) {
          String rest = line.substring("Groups:".length()).trim();
          groups = rest.isEmpty() ? new int[0] : Arrays.stream(rest.split("\\s+")).mapToInt(Integer::parseInt).toArray();
        }
      }
      if (uid < 0 || gid < 0) throw new IllegalStateException("/proc/self/status gives no Uid or Gid");
      return new FsIdentity(System.getProperty("user.name"), uid, gid, groups);
    } catch (IOException e) {
      throw new IllegalStateException("reading this process's credentials from /proc/self/status failed", e);
    }
  }

  private static int field(String line, int index) {
    String[] parts = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
    return Integer.parseInt(parts[index]);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FsIdentity other && account.equals(other.account) && sameCredentials(other);
  }

  @Override
  public int hashCode() {
    return account.hashCode() * 31 + uid;
  }

  @Override
  public String toString() {
    return account + " (uid " + uid + ", gid " + gid + ")";
  }
}
