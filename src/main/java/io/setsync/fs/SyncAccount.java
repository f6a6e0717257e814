package io.setsync.fs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Whom a sync's file work is done as: a sync user's OS account, and the roots it is held to
 * (none: wherever the account itself may go). The same on both ends of a session: the source reads
 * as the account, the destination writes as the account of the same name on its machine.
 *
 * @param roots absolute directories
 */
public record SyncAccount(String account, List<String> roots) {

  public SyncAccount {
    roots = List.copyOf(roots);
  }

  /** This process's own account, held to no roots: the CLI's one-time sync, the benchmark, the API. */
  public static SyncAccount process() {
    return new SyncAccount(FsIdentity.process().account(), List.of());
  }

  /**
   * The account's credentials on this machine. Only a process running as root acts for an account
   * other than its own: anything else is refused rather than done as the process.
   *
   * @throws IOException naming the account, when this machine has no such account or this process
   *     may not act for it
   */
  public FsIdentity identity() throws IOException {
    FsIdentity self = FsIdentity.process();
    if (account.equals(self.account())) return self;
    if (!self.isRoot()) {
      throw new IOException("this node runs as " + self.account() + ", not as root, so it cannot sync as account " + account);
    }
    return FsIdentity.of(account);
  }

  /** {@code path} with every access made as the account and inside the roots ({@link Confinement}). */
  public Path confine(Path path) throws IOException {
    return Confinement.confine(path, identity(), roots);
  }
}
