package io.setsync.it;

import java.nio.file.Path;
import org.junit.Before;
import org.junit.Rule;
import org.junit.rules.TemporaryFolder;

/** What every one-time sync test starts from: a source folder, a destination name, a launcher. */
abstract class SyncFixture {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  /** An empty source directory. */
  protected Path src;
  /** Where the destination goes; not created, so the sync creates it. */
  protected Path dest;
  /** {@code scripts/setsync} with a home of its own. */
  protected Launcher setsync;

  @Before
  public void createFolders() throws Exception {
    src = tmp.newFolder("src").toPath();
    dest = tmp.getRoot().toPath().resolve("dest");
    setsync = new Launcher(tmp.newFolder("home").toPath());
  }
}
