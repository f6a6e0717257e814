package io.setsync.destination;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.Assume;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class FileSystemSyncTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void aFileSystemIsFlushedThroughAnyOpenFileOnIt() throws Exception {
    Assume.assumeTrue("syncfs is Linux's", System.getProperty("os.name").startsWith("Linux"));
    Path file = tmp.newFile().toPath();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
      assertTrue("syncfs was not reached: the batched flush would silently fall back to one fsync per file",
          FileSystemSync.of(channel));
    }
  }

  @Test
  public void aClosedChannelIsNotTakenForFlushed() throws Exception {
    FileChannel channel = FileChannel.open(tmp.newFile().toPath(), StandardOpenOption.WRITE);
    channel.close();
    assertEquals(false, FileSystemSync.of(channel));
  }

  @Test
  public void directoriesAreMadeDurableOneByOneOrAllAtOnce() throws Exception {
    Path a = tmp.newFolder("a").toPath();
    Path b = tmp.newFolder("b").toPath();
    Path c = tmp.newFolder("c").toPath();
    FileSystemSync.directories(a, List.of(a));
    FileSystemSync.directories(a, List.of(a, b, c));
    Files.delete(c);
    // A directory that is gone cannot be fsync'ed: the one-by-one way says so.
    try {
      FileSystemSync.directories(a, List.of(a, c));
      throw new AssertionError("an fsync of a missing directory succeeded");
    } catch (java.nio.file.NoSuchFileException expected) {
      // as it should
    }
  }
}
