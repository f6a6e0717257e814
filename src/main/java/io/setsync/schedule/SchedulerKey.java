package io.setsync.schedule;

import io.setsync.CborSerializable;

/**
 * What one {@code FileSetScheduler} serves: the file sets of one user going from one source node
 * to one destination node in one batch. File sets sharing a key run one after another; different
 * keys run in parallel. The scheduler runs on the source node.
 *
 * @param sourceNode the node whose files are read, where the scheduler runs
 * @param destinationNode the node name of the destination endpoint
 * @param batchId "" for the default batch
 */
public record SchedulerKey(String user, String sourceNode, String destinationNode, String batchId)
    implements CborSerializable, Comparable<SchedulerKey> {

  /**
   * A name usable in an actor path and readable in STATUS: "alice@node1#nightly" for a sync within
   * node1, "alice@node1>node2" from node1 to node2.
   */
  public String label() {
    String nodes = sourceNode.equals(destinationNode) ? sourceNode : sourceNode + ">" + destinationNode;
    return user + "@" + nodes + (batchId.isEmpty() ? "" : "#" + batchId);
  }

  @Override
  public int compareTo(SchedulerKey o) {
    int c = user.compareTo(o.user);
    if (c == 0) c = sourceNode.compareTo(o.sourceNode);
    if (c == 0) c = destinationNode.compareTo(o.destinationNode);
    if (c == 0) c = batchId.compareTo(o.batchId);
    return c;
  }
}
