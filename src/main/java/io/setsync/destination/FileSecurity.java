package io.setsync.destination;

import io.setsync.fs.EntryType;
import io.setsync.fs.Ownership;
import io.setsync.options.OptionException;
import io.setsync.options.SecureMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;

/**
 * Owner and mode of what a sync writes at the destination (SECURE, KEEPSECURITY, OWNER,
 * OWNERGROUP):
 *
 * <ul>
 *   <li>mode: the source's rwx bits, or SECURE's for regular files (directories keep the source's
 *       so they stay traversable); the source's setuid, setgid and sticky bits only with
 *       KEEPSECURITY, since a replicated setuid program is a privilege nobody granted here;
 *   <li>owner and group: OWNER / OWNERGROUP when given, resolved on this machine; otherwise those
 *       of the writing process. Giving files away needs root, so a non-root destination refuses
 *       the options before anything is written.
 * </ul>
 */
public final class FileSecurity {

  /** What the defaults do: source rwx bits, no special bits, owner untouched. */
  public static final FileSecurity DEFAULT = new FileSecurity(-1, false, null, null);

  private final int secureBits;
  private final boolean keepSecurity;
  private final UserPrincipal owner;
  private final GroupPrincipal group;

  private FileSecurity(int secureBits, boolean keepSecurity, UserPrincipal owner, GroupPrincipal group) {
    this.secureBits = secureBits;
    this.keepSecurity = keepSecurity;
    this.owner = owner;
    this.group = group;
  }

  /**
   * The policy the options SECURE, KEEPSECURITY, OWNER and OWNERGROUP ask for on this machine.
   *
   * @param secure SECURE's value, or null
   * @param keepSecurity KEEPSECURITY
   * @param ownerName OWNER's value, or null
   * @param groupName OWNERGROUP's value, or null
   * @param runningAsRoot whether this process may change owners
   * @throws IllegalArgumentException with a message for the user when OWNER or OWNERGROUP is given
   *     without root, or names a user or group this machine does not have
   */
  public static FileSecurity of(
      String secure, boolean keepSecurity, String ownerName, String groupName, boolean runningAsRoot) {
    if ((ownerName != null || groupName != null) && !runningAsRoot) {
      String which = ownerName != null ? "OWNER " + ownerName : "OWNERGROUP " + groupName;
      throw new IllegalArgumentException(
          which + " needs the destination to run as root (it runs as "
              + Ownership.currentUser() + "); nothing was written");
    }
    UserPrincipal owner = ownerName == null ? null : Ownership.user(ownerName);
    GroupPrincipal group = groupName == null ? null : Ownership.group(groupName);
    int secureBits;
    try {
      secureBits = secure == null ? -1 : SecureMode.bits(secure);
    } catch (OptionException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    return new FileSecurity(secureBits, keepSecurity, owner, group);
  }

  /** The mode (07777 bits) a written entry of this type gets for a source mode. */
  public int modeFor(EntryType type, int sourceMode) {
    int special = keepSecurity ? sourceMode & 07000 : 0;
    int rwx = secureBits >= 0 && type == EntryType.FILE ? secureBits : sourceMode & 0777;
    return special | rwx;
  }

  /** Whether OWNER or OWNERGROUP is in force. */
  public boolean changesOwners() {
    return owner != null || group != null;
  }

  /**
   * Gives {@code path} (never followed if a link) its owner, group and mode. Owner first: changing
   * it clears setuid/setgid bits. A link gets only its owner: links have no mode of their own.
   */
  public void apply(Path path, EntryType type, int sourceMode) throws IOException {
    if (changesOwners()) Ownership.setOwner(path, owner, group);
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
