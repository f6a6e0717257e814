package io.setsync.options;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The options of one file-set synchronization (AutoSYNC's names). Immutable; the registry builds
 * it from a command line or from the command language.
 *
 * @param maxPurge null when no MAXPURGE was given
 * @param compress COMPRESS: file content travels zstd-compressed
 * @param maxRateMb MAXRATE in MB (2^20 bytes) per second; 0 when unlimited
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
    boolean compress,
    long maxRateMb) {

  public static final SyncOptions DEFAULTS =
      new SyncOptions(false, false, List.of(), List.of(), false, false, false, null, false, 0);

  public SyncOptions {
    excludes = List.copyOf(excludes);
    excludePurges = List.copyOf(excludePurges);
    if (maxRateMb < 0) throw new IllegalArgumentException("negative MAXRATE " + maxRateMb);
  }

  /** The options before COMPRESS and MAXRATE existed; both off. */
  public SyncOptions(
      boolean purge,
      boolean subvolPurge,
      List<String> excludes,
      List<String> excludePurges,
      boolean timeExact,
      boolean checksum,
      boolean report,
      MaxPurge maxPurge) {
    this(purge, subvolPurge, excludes, excludePurges, timeExact, checksum, report, maxPurge, false, 0);
  }

  /** SUBVOLPURGE only makes sense with PURGE, so it implies it. */
  public boolean purgesFiles() {
    return purge || subvolPurge;
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
    private boolean compress;
    private long maxRateMb;

    private Builder(SyncOptions from) {
      purge = from.purge;
      subvolPurge = from.subvolPurge;
      excludes = new ArrayList<>(from.excludes);
      excludePurges = new ArrayList<>(from.excludePurges);
      timeExact = from.timeExact;
      checksum = from.checksum;
      report = from.report;
      maxPurge = from.maxPurge;
      compress = from.compress;
      maxRateMb = from.maxRateMb;
    }

    public Builder compress(boolean value) {
      compress = value;
      return this;
    }

    /** 0 removes the limit. */
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

    public SyncOptions build() {
      return new SyncOptions(
          purge, subvolPurge, excludes, excludePurges, timeExact, checksum, report, maxPurge,
          compress, maxRateMb);
    }
  }
}
