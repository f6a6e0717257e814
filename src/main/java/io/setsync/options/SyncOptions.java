package io.setsync.options;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The options of one file-set synchronization (AutoSYNC's names). Immutable; the registry builds
 * it from a command line or from the command language.
 *
 * @param maxPurge null when no MAXPURGE was given
 * @param openUpdate OPENUPDATE: copy source files open for writing once they have been quiet
 * @param openUpdateQuiet OPENUPDATE's quiet window; null for the file set's interval
 * @param unprotected UNPROTECTED: copy source files even while they are being written
 * @param renameOpen RENAMEOPEN: replace destination files open for reading or execution, keeping
 *     the open one under .setsync/open/ until it is closed
 * @param secure SECURE: rwx bits of written files, canonical "rwxr-x---" form; null for the source's
 * @param keepSecurity KEEPSECURITY: keep the source's setuid, setgid and sticky bits
 * @param owner OWNER: user name or id that written files get; null to leave it
 * @param ownerGroup OWNERGROUP: group name or id that written files get; null to leave it
 * @param fromOwner FROMOWNER: only source files and links owned by this user; null for all
 * @param trigger TRIGGER: shell command run after a sync that copied or purged; null for none
 * @param compress COMPRESS: file content travels zstd-compressed
 * @param maxRateMb MAXRATE in MB (2^20 bytes) per second; 0 when unlimited
 * @param ratePercent RATE: send at most this share (1 to 100) of the link; 0 when unlimited. What
 *     "the link" is belongs to the sending node (its {@code setsync.transfer.link-rate}), so a file
 *     set keeps its share wherever it runs
 * @param noAllHardLinks NO ALLHARDLINKS: each name of a multiply-linked source file is copied as a
 *     file of its own; see {@link #allHardLinks()}. Kept as the negation so that options saved
 *     before ALLHARDLINKS existed (a monitor's journal) read back with it on, as the default is.
 * @param numericIds NUMERICIDS: a destination that keeps the source's owners (run as root) gives
 *     each name the source's numbers, instead of the destination's numbers for the source's names
 */
public record SyncOptions(
    boolean purge,
    boolean subvolPurge,
    List<String> excludes,
    List<String> excludePurges,
    boolean timeExact,
    boolean checksum,
    boolean report,
    MaxPurge maxPurge,
    boolean openUpdate,
    Duration openUpdateQuiet,
    boolean unprotected,
    boolean renameOpen,
    String secure,
    boolean keepSecurity,
    String owner,
    String ownerGroup,
    String fromOwner,
    String trigger,
    boolean compress,
    long maxRateMb,
    boolean noAllHardLinks,
    int ratePercent,
    boolean numericIds) {

  public static final SyncOptions DEFAULTS =
      new SyncOptions(
          false, false, List.of(), List.of(), false, false, false, null, false, null, false, false,
          null, false, null, null, null, null, false, 0, false, 0, false);

  public SyncOptions {
    excludes = List.copyOf(excludes);
    excludePurges = List.copyOf(excludePurges);
    if (maxRateMb < 0) throw new IllegalArgumentException("negative MAXRATE " + maxRateMb);
    if (ratePercent < 0 || ratePercent > 100) throw new IllegalArgumentException("RATE " + ratePercent + "% is not 1 to 100");
  }

  /** Whether MAXRATE or RATE holds the sending back. */
  public boolean throttled() {
    return maxRateMb > 0 || ratePercent > 0;
  }

  /**
   * The most bytes per second a sync may send under MAXRATE and RATE together (the lower wins),
   * RATE being a share of {@code linkBytesPerSecond}; 0 when neither is given.
   */
  public long rateLimitBytesPerSecond(long linkBytesPerSecond) {
    long max = maxRateMb > 0 ? MaxRate.bytesPerSecond(maxRateMb) : Long.MAX_VALUE;
    long share = ratePercent > 0 ? Math.max(1, linkBytesPerSecond / 100 * ratePercent) : Long.MAX_VALUE;
    long limit = Math.min(max, share);
    return limit == Long.MAX_VALUE ? 0 : limit;
  }

  /**
   * ALLHARDLINKS (on by default): names of one source file stay hard links of one file at the
   * destination.
   */
  public boolean allHardLinks() {
    return !noAllHardLinks;
  }

  /** SUBVOLPURGE only makes sense with PURGE, so it implies it. */
  public boolean purgesFiles() {
    return purge || subvolPurge;
  }

  /**
   * How long a source file open for writing must have been unchanged to be copied (OPENUPDATE),
   * given the file set's interval; null when such files are not copied by OPENUPDATE.
   */
  public Duration openUpdateQuiet(Duration interval) {
    if (!openUpdate) return null;
    return openUpdateQuiet != null ? openUpdateQuiet : interval;
  }

  /** A builder starting from {@link #DEFAULTS}. */
  public static Builder builder() {
    return new Builder(DEFAULTS);
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Mutable, single-threaded builder; every setter returns {@code this}. */
  public static final class Builder {
    private boolean purge;
    private boolean subvolPurge;
    private final List<String> excludes;
    private final List<String> excludePurges;
    private boolean timeExact;
    private boolean checksum;
    private boolean report;
    private MaxPurge maxPurge;
    private boolean openUpdate;
    private Duration openUpdateQuiet;
    private boolean unprotected;
    private boolean renameOpen;
    private String secure;
    private boolean keepSecurity;
    private String owner;
    private String ownerGroup;
    private String fromOwner;
    private String trigger;
    private boolean compress;
    private long maxRateMb;
    private int ratePercent;
    private boolean allHardLinks;
    private boolean numericIds;

    private Builder(SyncOptions from) {
      purge = from.purge;
      subvolPurge = from.subvolPurge;
      excludes = new ArrayList<>(from.excludes);
      excludePurges = new ArrayList<>(from.excludePurges);
      timeExact = from.timeExact;
      checksum = from.checksum;
      report = from.report;
      maxPurge = from.maxPurge;
      openUpdate = from.openUpdate;
      openUpdateQuiet = from.openUpdateQuiet;
      unprotected = from.unprotected;
      renameOpen = from.renameOpen;
      secure = from.secure;
      keepSecurity = from.keepSecurity;
      owner = from.owner;
      ownerGroup = from.ownerGroup;
      fromOwner = from.fromOwner;
      trigger = from.trigger;
      compress = from.compress;
      maxRateMb = from.maxRateMb;
      ratePercent = from.ratePercent;
      allHardLinks = from.allHardLinks();
      numericIds = from.numericIds;
    }

    public Builder numericIds(boolean value) {
      numericIds = value;
      return this;
    }

    public Builder allHardLinks(boolean value) {
      allHardLinks = value;
      return this;
    }

    public Builder compress(boolean value) {
      compress = value;
      return this;
    }

    /** 0 removes the limit. */
    public Builder ratePercent(int value) {
      ratePercent = value;
      return this;
    }

    public Builder maxRateMb(long value) {
      maxRateMb = value;
      return this;
    }

    public Builder purge(boolean value) {
      purge = value;
      return this;
    }

    public Builder subvolPurge(boolean value) {
      subvolPurge = value;
      return this;
    }

    /** Appends one EXCLUDE glob (order is kept). */
    public Builder addExclude(String glob) {
      excludes.add(Objects.requireNonNull(glob, "glob"));
      return this;
    }

    /** Replaces all EXCLUDE globs. */
    public Builder excludes(List<String> globs) {
      excludes.clear();
      globs.forEach(this::addExclude);
      return this;
    }

    /** Appends one EXCLUDEPURGE glob (order is kept). */
    public Builder addExcludePurge(String glob) {
      excludePurges.add(Objects.requireNonNull(glob, "glob"));
      return this;
    }

    /** Replaces all EXCLUDEPURGE globs. */
    public Builder excludePurges(List<String> globs) {
      excludePurges.clear();
      globs.forEach(this::addExcludePurge);
      return this;
    }

    public Builder timeExact(boolean value) {
      timeExact = value;
      return this;
    }

    public Builder checksum(boolean value) {
      checksum = value;
      return this;
    }

    public Builder report(boolean value) {
      report = value;
      return this;
    }

    /** Null removes the limit. */
    public Builder maxPurge(MaxPurge value) {
      maxPurge = value;
      return this;
    }

    /** OPENUPDATE; {@code quiet} null means the file set's interval. */
    public Builder openUpdate(boolean value, Duration quiet) {
      openUpdate = value;
      openUpdateQuiet = value ? quiet : null;
      return this;
    }

    public Builder unprotected(boolean value) {
      unprotected = value;
      return this;
    }

    public Builder renameOpen(boolean value) {
      renameOpen = value;
      return this;
    }

    /** SECURE in canonical "rwxr-x---" form; null for the source's bits. */
    public Builder secure(String value) {
      secure = value;
      return this;
    }

    public Builder keepSecurity(boolean value) {
      keepSecurity = value;
      return this;
    }

    public Builder owner(String value) {
      owner = value;
      return this;
    }

    public Builder ownerGroup(String value) {
      ownerGroup = value;
      return this;
    }

    public Builder fromOwner(String value) {
      fromOwner = value;
      return this;
    }

    public Builder trigger(String value) {
      trigger = value;
      return this;
    }

    public SyncOptions build() {
      return new SyncOptions(
          purge, subvolPurge, excludes, excludePurges, timeExact, checksum, report, maxPurge,
          openUpdate, openUpdateQuiet, unprotected, renameOpen, secure, keepSecurity, owner,
          ownerGroup, fromOwner, trigger, compress, maxRateMb, !allHardLinks, ratePercent, numericIds);
    }
  }
}
