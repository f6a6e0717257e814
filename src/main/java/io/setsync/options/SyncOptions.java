package io.setsync.options;

import java.util.List;

/**
 * The options of one file-set synchronization (AutoSYNC's names). Immutable; the registry builds
 * it from a command line or from the command language.
 *
 * @param maxPurge null when no MAXPURGE was given
 */
public record SyncOptions(
    boolean purge,
    boolean subvolPurge,
    List<String> excludes,
    List<String> excludePurges,
    boolean timeExact,
    boolean checksum,
    boolean report,
    MaxPurge maxPurge) {

  public static final SyncOptions DEFAULTS =
      new SyncOptions(false, false, List.of(), List.of(), false, false, false, null);

  public SyncOptions {
    excludes = List.copyOf(excludes);
    excludePurges = List.copyOf(excludePurges);
  }

  /** SUBVOLPURGE only makes sense with PURGE, so it implies it. */
  public boolean purgesFiles() {
    return purge || subvolPurge;
  }
}
