package io.setsync.options;

/**
 * The MAXPURGE limit: an absolute number of purged names, or a percentage of the names the
 * destination holds. Guards against purging everything because a source was empty or unmounted.
 */
public record MaxPurge(long limit, boolean percent) {

  public static final MaxPurge ALL = new MaxPurge(100, true);

  /** Parses "N" or "N%"; throws {@link OptionException} naming the bad text. */
  public static MaxPurge parse(String text) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Whether purging {@code purges} names out of {@code destinationNames} stays within the limit. */
  public boolean allows(long purges, long destinationNames) {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public String toString() {
    return percent ? limit + "%" : Long.toString(limit);
  }
}
