package io.setsync.command;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class SyncPathsTest {

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

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

  @Test
  public void theWholeFileSystemIsRefusedAsEitherEndByItsOwnReason() {
    assertEquals(Optional.of("the source is /, the whole file system; name a directory below it"),
        SyncPaths.rootProblem(Path.of("/"), Path.of("/backup")));
    assertEquals(Optional.of("the destination is /, the whole file system; name a directory below it"),
        problem("/data", "/"));
    assertEquals(Optional.empty(), SyncPaths.rootProblem(Path.of("/data"), Path.of("/backup")));
  }

  @Test
  public void aRealPathFollowsLinksAlongItsExistingPartAndKeepsTheRest() throws Exception {
    Path root = tmp.getRoot().toPath().toRealPath();
    Path app = Files.createDirectories(root.resolve("data/app"));
    Path link = Files.createSymbolicLink(root.resolve("link"), app);
    assertEquals(app, SyncPaths.real(link));
    assertEquals("names that do not exist yet are kept", app.resolve("new/copy"), SyncPaths.real(link.resolve("new/copy")));
    assertEquals(root.resolve("missing/x"), SyncPaths.real(root.resolve("missing/x")));
    Path dangling = Files.createSymbolicLink(root.resolve("dangling"), root.resolve("nowhere"));
    assertEquals("a dangling link is judged where it stands", dangling.resolve("x"), SyncPaths.real(dangling.resolve("x")));
    assertTrue(SyncPaths.nestingProblem(SyncPaths.real(link), SyncPaths.real(link.resolve("copy"))).isPresent());
  }
}
