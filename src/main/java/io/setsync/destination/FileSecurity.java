package io.setsync.destination;

import io.setsync.fs.EntryType;
import io.setsync.fs.FileEntry;
import io.setsync.fs.FsIdentity;
import io.setsync.fs.Owner;
import io.setsync.fs.Ownership;
import io.setsync.options.OptionException;
import io.setsync.options.SecureMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Owner and mode of what a sync writes at the destination (SECURE, KEEPSECURITY, OWNER,
 * OWNERGROUP, NUMERICIDS):
 *
 * <ul>
 *   <li>mode: the source's rwx bits, or SECURE's for regular files (directories keep the source's
 *       so they stay traversable); the source's setuid, setgid and sticky bits only with
 *       KEEPSECURITY, since a replicated setuid program is a privilege nobody granted here;
 *   <li>owner and group: OWNER / OWNERGROUP when given, resolved on this machine; otherwise, for a
 *       destination that runs as root, the source's: by name (this machine's number for the
 *       source's user name), the source's number where this machine has no such name or the
 *       source had none, or always the number with NUMERICIDS, as {@code rsync -a} does as root.
 *       Other destinations write files as themselves. Giving files away needs root, so a
 *       non-root destination refuses OWNER and OWNERGROUP before anything is written.
 * </ul>
 */
public final class FileSecurity {

  /** What the defaults do without root: source rwx bits, no special bits, owner untouched. */
  public static final FileSecurity DEFAULT = new FileSecurity(-1, false, -1, -1, false, false);

  private final int secureBits;
  private final boolean keepSecurity;
  private final int ownerUid;
  private final int groupGid;
  private final boolean keepOwners;
  private final boolean numericIds;
  private final Map<String, Integer> uids = new ConcurrentHashMap<>();
  private final Map<String, Integer> gids = new ConcurrentHashMap<>();

  private FileSecurity(int secureBits, boolean keepSecurity, int ownerUid, int groupGid, boolean keepOwners,
      boolean numericIds) {
    this.secureBits = secureBits;
    this.keepSecurity = keepSecurity;
    this.ownerUid = ownerUid;
    this.groupGid = groupGid;
    this.keepOwners = keepOwners;
    this.numericIds = numericIds;
  }

  /** As {@link #of(String, boolean, String, String, boolean, boolean)}, owners mapped by name. */
  public static FileSecurity of(
      String secure, boolean keepSecurity, String ownerName, String groupName, boolean runningAsRoot) {
    return of(secure, keepSecurity, ownerName, groupName, runningAsRoot, false);
  }

  /**
   * The policy the options SECURE, KEEPSECURITY, OWNER, OWNERGROUP and NUMERICIDS ask for on this
   * machine.
   *
   * @param secure SECURE's value, or null
   * @param keepSecurity KEEPSECURITY
   * @param ownerName OWNER's value, or null
   * @param groupName OWNERGROUP's value, or null
   * @param runningAsRoot whether this process may change owners; then the source's are kept
   * @param numericIds NUMERICIDS: keep the source's numbers rather than map its names
   * @throws IllegalArgumentException with a message for the user when OWNER or OWNERGROUP is given
   *     without root, or names a user or group this machine does not have
   */
  public static FileSecurity of(String secure, boolean keepSecurity, String ownerName, String groupName,
      boolean runningAsRoot, boolean numericIds) {
    return of(secure, keepSecurity, ownerName, groupName, runningAsRoot, numericIds,
        "the destination to run as root (it runs as " + Ownership.currentUser() + ")");
  }

  /**
   * As {@link #of(String, boolean, String, String, boolean, boolean)} for a session whose writes
   * are done as {@code writer}: files can be given away only when that is root. Root's chown after
   * an account's write is not done instead, since the account could have moved the path elsewhere
   * by then.
   */
  public static FileSecurity of(String secure, boolean keepSecurity, String ownerName, String groupName,
      FsIdentity writer, boolean numericIds) {
    if (writer.sameCredentials(FsIdentity.process())) {
      return of(secure, keepSecurity, ownerName, groupName, writer.isRoot(), numericIds);
    }
    return of(secure, keepSecurity, ownerName, groupName, writer.isRoot(), numericIds,
        "its sync to write as root (it writes as account " + writer.account() + ")");
  }

  private static FileSecurity of(String secure, boolean keepSecurity, String ownerName, String groupName,
      boolean runningAsRoot, boolean numericIds, String needs) {
    if ((ownerName != null || groupName != null) && !runningAsRoot) {
      String which = ownerName != null ? "OWNER " + ownerName : "OWNERGROUP " + groupName;
      throw new IllegalArgumentException(
          which + " needs " + needs + "; nothing was written");
    }
    int ownerUid = -1;
    int groupGid = -1;
    if (ownerName != null) {
      Ownership.user(ownerName); // refuses an unknown user with a message naming it
      ownerUid = numberOf(ownerName, Ownership.uidOf(ownerName), "user");
    }
    if (groupName != null) {
      Ownership.group(groupName);
      groupGid = numberOf(groupName, Ownership.gidOf(groupName), "group");
    }
    int secureBits;
    try {
      secureBits = secure == null ? -1 : SecureMode.bits(secure);
    } catch (OptionException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    return new FileSecurity(secureBits, keepSecurity, ownerUid, groupGid, runningAsRoot, numericIds);
  }

  private static int numberOf(String name, int looked, String what) {
    if (looked >= 0) return looked;
    throw new IllegalArgumentException("cannot tell the number of " + what + " \"" + name + "\" on this machine");
  }

  /** The mode (07777 bits) a written entry of this type gets for a source mode. */
  public int modeFor(EntryType type, int sourceMode) {
    int special = keepSecurity ? sourceMode & 07000 : 0;
    int rwx = secureBits >= 0 && type == EntryType.FILE ? secureBits : sourceMode & 0777;
    return special | rwx;
  }

  /** Whether OWNER or OWNERGROUP is in force. */
  public boolean changesOwners() {
    return ownerUid >= 0 || groupGid >= 0;
  }

  /** The user number a name written for {@code source} gets here; -1: the writer's own. */
  public int uidFor(FileEntry source) {
    if (ownerUid >= 0) return ownerUid;
    Owner owner = source.owner();
    if (!keepOwners || owner == null) return -1;
    if (numericIds || owner.user() == null) return owner.uid();
    int here = uids.computeIfAbsent(owner.user(), Ownership::uidOf);
    return here >= 0 ? here : owner.uid();
  }

  /** The group number a name written for {@code source} gets here; -1: the writer's own. */
  public int gidFor(FileEntry source) {
    if (groupGid >= 0) return groupGid;
    Owner owner = source.owner();
    if (!keepOwners || owner == null) return -1;
    if (numericIds || owner.group() == null) return owner.gid();
    int here = gids.computeIfAbsent(owner.group(), Ownership::gidOf);
    return here >= 0 ? here : owner.gid();
  }

  /** Whether an existing name's owner or group is not the one this policy gives it for {@code source}. */
  public boolean ownerDiffers(FileEntry source, FileEntry existing) {
    if (existing.owner() == null) return false;
    int uid = uidFor(source);
    int gid = gidFor(source);
    return (uid >= 0 && uid != existing.owner().uid()) || (gid >= 0 && gid != existing.owner().gid());
  }

  /**
   * Gives {@code path} (never followed if a link) the owner, group and mode this policy gives a
   * name written for {@code source}.
   */
  public void apply(Path path, FileEntry source) throws IOException {
    apply(path, source.type() == EntryType.HARDLINK ? EntryType.FILE : source.type(), source.mode(),
        uidFor(source), gidFor(source));
  }

  /** As {@link #apply(Path, EntryType, int, int, int)} with OWNER's and OWNERGROUP's numbers only. */
  public void apply(Path path, EntryType type, int sourceMode) throws IOException {
    apply(path, type, sourceMode, ownerUid, groupGid);
  }

  /**
   * Gives {@code path} (never followed if a link) these owner and group numbers (-1: left as they
   * are) and its mode. Owner first: changing it clears setuid/setgid bits. A link gets only its
   * owner: links have no mode of their own.
   */
  public void apply(Path path, EntryType type, int sourceMode, int uid, int gid) throws IOException {
    Ownership.setOwnerIds(path, uid, gid);
    if (type == EntryType.SYMLINK) return;
    Files.setAttribute(path, "unix:mode", modeFor(type, sourceMode), LinkOption.NOFOLLOW_LINKS);
  }

  /** Sets only the mode (an unchanged file keeps its owner). */
  public void applyMode(Path path, EntryType type, int sourceMode) throws IOException {
    if (type == EntryType.SYMLINK) return;
    Files.setAttribute(path, "unix:mode", modeFor(type, sourceMode), LinkOption.NOFOLLOW_LINKS);
  }

  /** Whether an existing entry's mode (07777 bits) differs from what this policy would give it. */
  public boolean modeDiffers(EntryType type, int sourceMode, int existingMode) {
    return (existingMode & 07777) != modeFor(type, sourceMode);
  }
}
