package io.setsync.api;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.setsync.console.ResultText;
import io.setsync.monitor.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The embedding example of the README, run for real against temporary folders. */
public class SetSyncTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private Config config() throws Exception {
    return ConfigFactory.parseMap(Map.of(
            "setsync.home", tmp.newFolder("home").toString(),
            "setsync.node.port", 0,
            "setsync.node.name", "apinode"))
        .withFallback(ConfigFactory.load());
  }

  @Test
  public void theReadmeExampleRunsAndTheDestinationFollows() throws Exception {
    Path app = tmp.newFolder("srv-app").toPath();
    Path conf = tmp.newFolder("srv-conf").toPath();
    Files.writeString(app.resolve("app.jar"), "binary");
    Files.writeString(conf.resolve("app.conf"), "key = value");
    Path backupApp = tmp.getRoot().toPath().resolve("backup-app");
    Path backupConf = tmp.getRoot().toPath().resolve("backup-conf");

    try (SetSync setsync = SetSync.start(config())) {
      setsync.addUser("app", "ACCOUNT " + System.getProperty("user.name")).toCompletableFuture().join();
      long id = setsync.addFileSet("app", app.toString(), backupApp.toString(), "PURGE, INTERVAL 10 MINUTES")
          .toCompletableFuture().join();
      Result.Synchronized once = setsync.synchronize(conf.toString(), backupConf.toString(), "CHECKSUM")
          .toCompletableFuture().get(60, TimeUnit.SECONDS);

      assertEquals(1, id);
      assertEquals(ResultText.of(once), 0, once.code());
      assertEquals(1, once.result().counts().copied());
      assertEquals("key = value", Files.readString(backupConf.resolve("app.conf")));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.exists(backupApp.resolve("app.jar")) && System.nanoTime() < deadline) Thread.sleep(100);
      assertEquals("binary", Files.readString(backupApp.resolve("app.jar")));
      Result.Status status = setsync.status().toCompletableFuture().join();
      assertEquals(1, status.fileSets().size());
      assertEquals("app", status.fileSets().get(0).config().user());
    }
  }

  @Test
  public void aRefusedCommandCompletesExceptionallyWithTheConsoleText() throws Exception {
    try (SetSync setsync = SetSync.start(config())) {
      try {
        setsync.addFileSet("nobody", "/a", "/b", "").toCompletableFuture().join();
        fail("a file set of an unknown user was added");
      } catch (CompletionException e) {
        SetSync.SetSyncException cause = (SetSync.SetSyncException) e.getCause();
        assertEquals(2, cause.code());
        assertTrue(cause.getMessage(), cause.getMessage().contains("unknown SYNCUSER nobody"));
      }
      try {
        setsync.alterFileSet(7, "PURG").toCompletableFuture().join();
        fail("a syntax error was accepted");
      } catch (CompletionException e) {
        assertTrue(e.getCause().getMessage(), e.getCause().getMessage().contains("\"PURG\""));
      }
    }
  }
}
