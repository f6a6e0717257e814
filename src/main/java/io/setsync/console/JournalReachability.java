package io.setsync.console;

import akka.actor.AbstractExtensionId;
import akka.actor.ExtendedActorSystem;
import akka.actor.Extension;
import akka.actor.ExtensionIdProvider;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import java.util.Optional;

/**
 * What this node last learned of its shared journal's database: whether it answers, and if not,
 * why. The node's check of the database (node.SharedJournalCheck) keeps it; a console whose
 * statement the monitor does not answer names that database rather than a silence. A node without
 * a shared journal (LevelDB) learns nothing, and its consoles say what they always said.
 */
public final class JournalReachability extends AbstractExtensionId<JournalReachability.Known>
    implements ExtensionIdProvider {

  public static final JournalReachability ID = new JournalReachability();

  /** The system's one record of it. */
  public static Known of(ActorSystem<?> system) {
    return ID.get(Adapter.toClassic(system));
  }

  @Override
  public JournalReachability lookup() {
    return ID;
  }

  @Override
  public Known createExtension(ExtendedActorSystem system) {
    return new Known();
  }

  /** The last word on the database; written by the check's thread, read by console sessions. */
  public static final class Known implements Extension {
    private volatile String problem;

    /** The database answered. */
    public void answers() {
      problem = null;
    }

    /** {@code database} (as a log may show it: no password) did not answer, for {@code why}. */
    public void cannotReach(String database, String why) {
      problem = "its journal database (" + database + ") cannot be reached (" + why + ")";
    }

    /** Why the monitor's journal cannot be used, as the console says it; empty when it answers or nothing is known. */
    public Optional<String> problem() {
      return Optional.ofNullable(problem);
    }
  }
}
