package io.setsync.command;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.Test;

public class SyncPathsTest {

  private static Optional<String> problem(String source, String destination) {
    return SyncPaths.nestingProblem(Path.of(source), Path.of(destination));
  }

  @Test
  public void separateTreesAreFine() {
    assertEquals(Optional.empty(), problem("/data/app", "/backup/app"));
    assertEquals("a common prefix of names is not nesting", Optional.empty(), problem("/data/app", "/data/app2"));
    assertEquals(Optional.empty(), problem("/data/app2", "/data/app"));
  }

  @Test
  public void aDestinationInsideItsSourceIsRefused() {
    assertEquals(Optional.of("destination /data/app/copy is inside the source /data/app"),
        problem("/data/app", "/data/app/copy"));
  }

  @Test
  public void aSourceInsideItsDestinationIsRefused() {
    assertEquals(Optional.of("source /data/app is inside the destination /data"), problem("/data/app", "/data"));
  }

  @Test
  public void theSameDirectoryIsRefusedHoweverWritten() {
    assertEquals(Optional.of("source and destination are the same directory: /data/app"),
        problem("/data/app", "/data/./x/../app"));
  }

  @Test
  public void theRootContainsEverything() {
    assertTrue(problem("/", "/backup").isPresent());
  }
}
