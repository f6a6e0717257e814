package io.setsync.node;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.ServerSocket;
import java.util.Optional;
import org.junit.Test;

/** What the node's log says of a shared journal's database that does not answer. */
public class SharedJournalCheckTest {

  @Test
  public void aDatabaseThatIsNotThereIsNamedWithTheDriversReason() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    } // closed: nothing listens there now
    var check = new SharedJournalCheck.Running("jdbc:postgresql://127.0.0.1:" + port + "/setsync", "setsync", "");
    Optional<String> problem = check.problem();
    assertTrue("nothing listens on " + port, problem.isPresent());
    assertTrue(problem.get(), problem.get().contains("127.0.0.1:" + port + " refused"));
    assertTrue("one line: " + problem.get(), !problem.get().contains("\n") && !problem.get().endsWith("."));
  }

  @Test
  public void aUrlThatIsNotPostgresqlsIsAProblemToo() {
    Optional<String> problem = new SharedJournalCheck.Running("jdbc:nosuch://x/y", "setsync", "").problem();
    assertTrue(problem.orElse(""), problem.orElse("").contains("No suitable driver"));
  }

  @Test
  public void theLogNeverShowsThePassword() {
    var check = new SharedJournalCheck.Running(
        "jdbc:postgresql://127.0.0.1:5/setsync?user=setsync&password=s3cret&ssl=false", "setsync", "");
    assertEquals("jdbc:postgresql://127.0.0.1:5/setsync?user=setsync&password=***&ssl=false", check.shownUrl());
    assertEquals("jdbc:postgresql://h/db?PASSWORD=***",
        new SharedJournalCheck.Running("jdbc:postgresql://h/db?PASSWORD=x", "u", "").shownUrl());
  }
}
