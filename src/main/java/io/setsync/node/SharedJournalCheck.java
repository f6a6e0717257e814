package io.setsync.node;

import akka.actor.AbstractExtensionId;
import akka.actor.ExtendedActorSystem;
import akka.actor.Extension;
import akka.actor.ExtensionIdProvider;
import com.typesafe.config.Config;
import io.setsync.PersistFailures;
import io.setsync.console.JournalReachability;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in one line of the node's log whether the shared journal's database answers, at start and
 * whenever that changes, and keeps the last word for the console ({@link JournalReachability}),
 * which names the database when the monitor does not answer. The journal plugin's own failures
 * (the monitor's and the sync logs' restarts, retried after setsync.persistence.restart-backoff) are
 * reported by {@link PersistFailures}. Loaded by conf/cluster-postgres.conf through akka.extensions,
 * so a node without the shared journal never runs it.
 */
public final class SharedJournalCheck extends AbstractExtensionId<SharedJournalCheck.Running>
    implements ExtensionIdProvider {

  public static final SharedJournalCheck ID = new SharedJournalCheck();

  /** Between tries, whether the database answered or not; also each try's connect and login timeout. */
  static final int RETRY_SECONDS = 5;

  private static final Logger log = LoggerFactory.getLogger(SharedJournalCheck.class);

  @Override
  public SharedJournalCheck lookup() {
    return ID;
  }

  @Override
  public Running createExtension(ExtendedActorSystem system) {
    Config jdbc = system.settings().config().getConfig("setsync.jdbc");
    Running running = new Running(jdbc.getString("url"), jdbc.getString("user"), jdbc.getString("password"));
    JournalReachability.Known known = JournalReachability.ID.get(system);
    // Connecting blocks: a thread of its own, never a dispatcher's, ended with the node.
    Thread thread = new Thread(() -> running.checkWhileRunning(known), "setsync-shared-journal-check");
    thread.setDaemon(true);
    thread.start();
    system.registerOnTermination(thread::interrupt);
    return running;
  }

  /** The check of one node's database. */
  public static final class Running implements Extension {
    private final String url;
    private final String user;
    private final String password;

    Running(String url, String user, String password) {
      this.url = url;
      this.user = user;
      this.password = password;
    }

    /** Why the database cannot be used now, in its driver's words; empty when it answers. */
    Optional<String> problem() {
      Properties properties = new Properties();
      // As the journal's pool does: a name or password in the URL wins over these.
      properties.setProperty("user", user);
      properties.setProperty("password", password);
      properties.setProperty("connectTimeout", Integer.toString(RETRY_SECONDS));
      properties.setProperty("loginTimeout", Integer.toString(RETRY_SECONDS));
      try (Connection connection = DriverManager.getConnection(url, properties)) {
        return Optional.empty();
      } catch (SQLException e) {
        return Optional.of(PersistFailures.oneLine(e));
      }
    }

    /** The URL as a log may show it: without its password. */
    String shownUrl() {
      return PersistFailures.shownUrl(url);
    }

    /** Tries the database every {@link #RETRY_SECONDS} until the node stops; logs and records each change. */
    private void checkWhileRunning(JournalReachability.Known known) {
      String reported = null;
      boolean answered = false;
      try {
        while (true) {
          Optional<String> problem = problem();
          if (problem.isEmpty()) {
            known.answers();
            if (reported != null || !answered) {
              log.info("shared journal: the database {} answers{}", shownUrl(), reported == null ? "" : " again");
            }
            reported = null;
            answered = true;
          } else {
            known.cannotReach(shownUrl(), problem.get());
            if (!problem.get().equals(reported)) {
              log.error("shared journal: cannot reach the database {}: {}; the monitor and the sync logs are unavailable"
                  + " until it answers, and retry (check SETSYNC_JDBC_URL, or start it with scripts/postgres start DIR)",
                  shownUrl(), problem.get());
              reported = problem.get();
            }
          }
          Thread.sleep(RETRY_SECONDS * 1000L); // between tries, as the journal's own restarts wait
        }
      } catch (InterruptedException e) {
        // the node is stopping
      }
    }
  }
}
