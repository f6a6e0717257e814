package io.setsync.destination;

import java.io.IOException;

/**
 * The one source of a session's names in the scratch area: temps for new objects ("T"), and
 * where old files are kept while their batch commits ("AA", in the open area when still open).
 */
final class ScratchNames {

  private final DestinationRoot root;
  private final String sessionId;
  private int temps;
  private int saved;

  ScratchNames(DestinationRoot root, String sessionId) {
    this.root = root;
    this.sessionId = sessionId;
  }

  String temp() {
    return root.scratchName("T" + sessionId + "-" + (++temps));
  }

  /** RENAMEOPEN: an old file still open for reading or execution stays under .setsync/open/. */
  String saved(boolean stillOpen) throws IOException {
    String name = "AA" + sessionId + "-" + (++saved);
    return stillOpen ? root.openName(name) : root.scratchName(name);
  }
}
