package io.setsync.schedule;

import io.setsync.CborSerializable;

/**
 * What one {@code FileSetScheduler} serves: the file sets of one user going to one destination
 * node in one batch. File sets sharing a key run one after another; different keys run in parallel.
 *
 * @param destinationNode the node name of the destination endpoint
 * @param batchId "" for the default batch
 */
public record SchedulerKey(String user, String destinationNode, String batchId)
    implements CborSerializable, Comparable<SchedulerKey> {

  /** A name usable in an actor path and readable in STATUS, e.g. "alice@node1#nightly". */
  public String label() {
    return user + "@" + destinationNode + (batchId.isEmpty() ? "" : "#" + batchId);
  }

  @Override
  public int compareTo(SchedulerKey o) {
    int c = user.compareTo(o.user);
    if (c == 0) c = destinationNode.compareTo(o.destinationNode);
    if (c == 0) c = batchId.compareTo(o.batchId);
    return c;
  }
}
