package io.setsync.bench;

import static io.setsync.bench.Shell.exec;
import static io.setsync.bench.Shell.say;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The wan scenarios: the small data set synced across {@link WanLink}'s shaped link, to an empty
 * destination (wan-small-initial) and after 1% of its files changed (wan-small-1pct).
 *
 * <p>setsync: a node process in each namespace, one cluster of two (the source's node first, so it
 * holds the monitor and a SYNCHRONIZE's control messages stay on its side; plaintext, as rsync's
 * daemon protocol is: setsync.security.allow-plaintext = on). What is timed is a SYNCHRONIZE SRC TO
 * wdst:DEST on the source node's console socket, from the statement to the end of its answer: the
 * ticket from the destination node, the session and the commit, not the nodes' start. rsync: its
 * daemon in the destination namespace, the client pushing from the source namespace. After every
 * run the destination's file count and bytes must be the source's.
 */
final class WanSmall {

  static final String INITIAL = "wan-small-initial";
  static final String ONE_PERCENT = "wan-small-1pct";
  static final double TARGET = 0.8;
  static final List<String> NAMES = List.of(INITIAL, ONE_PERCENT);

  private static final String SOURCE_NODE = "wsrc";
  private static final String DESTINATION_NODE = "wdst";
  private static final int CLUSTER_PORT = 26200;
  private static final int RSYNC_PORT = 26273;

  private WanSmall() {}

  /**
   * Makes the link, runs {@code warmUps} untimed rounds then {@code rounds} timed ones, alternating
   * which tool goes first, adds the times to {@code times} (scenario → tool → samples), and removes
   * the link again, also on failure. {@code small}: the small data set (changed 1% per round
   * through {@code data}); {@code dst}: where the copies go (rsync's daemon module); {@code work}: a
   * new directory for the nodes' homes and the daemon's files.
   */
  static WanLink.Measured measure(Path project, Path launcher, Path work, Path small, Path dst, DataSets data, int warmUps,
      int rounds, Map<String, Map<String, Samples>> times, String setsyncTool, String rsyncTool) throws Exception {
    try (WanLink link = WanLink.up(project)) {
      WanLink.Measured measured = link.measured();
      say("wan: %s; measured over TCP: RTT %.1f ms, %.0f Mbit/s", measured.how(), measured.rttMillis(), measured.rateMbit());
      String allowPlaintext = "setsync.security.allow-plaintext = on\n";
      String seeds = "seed-nodes = [\"" + WanLink.SOURCE_ADDRESS + ":" + CLUSTER_PORT + "\"]";
      try (NodeProcess source = NodeProcess.start(launcher, SOURCE_NODE, work.resolve("source-node"),
              "setsync.node { name = \"" + SOURCE_NODE + "\", host = \"" + WanLink.SOURCE_ADDRESS + "\", port = " + CLUSTER_PORT
                  + ", " + seeds + " }\n"
                  + "setsync.endpoint { host = \"" + WanLink.SOURCE_ADDRESS + "\", port = " + (CLUSTER_PORT + 10) + ", lane-port = "
                  + (CLUSTER_PORT + 11) + " }\n" + allowPlaintext,
              WanLink.SOURCE_NAMESPACE);
          NodeProcess destination = NodeProcess.start(launcher, DESTINATION_NODE, work.resolve("destination-node"),
              "setsync.node { name = \"" + DESTINATION_NODE + "\", host = \"" + WanLink.DESTINATION_ADDRESS + "\", port = "
                  + (CLUSTER_PORT + 1) + ", " + seeds + " }\n"
                  + "setsync.endpoint { host = \"" + WanLink.DESTINATION_ADDRESS + "\", port = " + (CLUSTER_PORT + 12)
                  + ", lane-port = " + (CLUSTER_PORT + 13) + " }\n" + allowPlaintext,
              WanLink.DESTINATION_NAMESPACE)) {
        // The monitor, on the source's node, has heard of the destination's node.
        source.awaitLog("node " + DESTINATION_NODE + " is here", 120);
        Rsync rsync = Rsync.startAcross(work.resolve("rsync"), dst, WanLink.DESTINATION_NAMESPACE, WanLink.DESTINATION_ADDRESS,
            RSYNC_PORT, WanLink.SOURCE_NAMESPACE);
        try {
          say("wan: setsync nodes %s (%s) and %s (%s), one cluster, plaintext; timed: SYNCHRONIZE on %s's console socket;"
              + " rsync daemon in %s, client in %s; %d untimed warm-up rounds first", SOURCE_NODE, WanLink.SOURCE_NAMESPACE,
              DESTINATION_NODE, WanLink.DESTINATION_NAMESPACE, SOURCE_NODE, WanLink.DESTINATION_NAMESPACE,
              WanLink.SOURCE_NAMESPACE, warmUps);
          for (int round = 1 - warmUps; round <= rounds; round++) {
            boolean warmUp = round <= 0;
            long roundStart = System.nanoTime();
            List<String> order = round % 2 == 1 ? List.of(setsyncTool, rsyncTool) : List.of(rsyncTool, setsyncTool);
            for (String tool : order) {
              Path target = dst.resolve("wan-" + tool + "-small");
              exec("rm", "-rf", target.toString());
              double seconds = tool.equals(rsyncTool) ? rsync(rsync, small, target) : source.synchronize(small, DESTINATION_NODE + ":" + target);
              TreeTotals.requireSame(small, target, INITIAL + " " + tool);
              if (!warmUp) times.get(INITIAL).get(tool).add(seconds);
            }
            data.changeSmall(1.0, System.currentTimeMillis());
            for (String tool : order) {
              Path target = dst.resolve("wan-" + tool + "-small");
              double seconds = tool.equals(rsyncTool) ? rsync(rsync, small, target) : source.synchronize(small, DESTINATION_NODE + ":" + target);
              TreeTotals.requireSame(small, target, ONE_PERCENT + " " + tool);
              if (!warmUp) times.get(ONE_PERCENT).get(tool).add(seconds);
            }
            say(warmUp ? "wan: warm-up round done in %3$.1f s (not counted)" : "wan: round %d/%d done in %.1f s", round, rounds,
                (System.nanoTime() - roundStart) / 1e9);
          }
        } finally {
          rsync.close();
        }
      }
      return measured;
    }
  }

  private static double rsync(Rsync rsync, Path source, Path target) throws IOException, InterruptedException {
    long start = System.nanoTime();
    rsync.push(source, target.getFileName().toString());
    return (System.nanoTime() - start) / 1e9;
  }

}
