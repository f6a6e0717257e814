package io.setsync.destination;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class OpenFileAttributesTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void availableWithTheJvmOptionsOfTheLauncher() {
    assertTrue(OpenFileAttributes.available());
  }

  @Test
  public void setsModeAndNanosecondMtimeThroughTheDescriptor() throws Exception {
    Path file = tmp.getRoot().toPath().resolve("f");
    long mtime = 1_600_000_000_123_456_789L;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      assertTrue(OpenFileAttributes.setModeAndTimes(channel, 0751, mtime));
    }
    assertEquals(0751, (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777);
    assertEquals(mtime, Files.getLastModifiedTime(file).to(TimeUnit.NANOSECONDS));
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      assertTrue(OpenFileAttributes.setModeAndTimes(channel, 0604, 5L));
    }
    assertEquals(0604, (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777);
    assertEquals(5L, Files.getLastModifiedTime(file).to(TimeUnit.NANOSECONDS));
  }

  @Test
  public void leavesTimesBeforeTheEpochToTheCallerAndAClosedChannelFails() throws Exception {
    Path file = tmp.getRoot().toPath().resolve("g");
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      assertFalse(OpenFileAttributes.setModeAndTimes(channel, 0644, -1L));
    } finally {
      channel.close();
    }
    assertFalse(OpenFileAttributes.setModeAndTimes(channel, 0644, 1L));
  }

  @Test
  public void givesTheOwnerFirstSoThatSetuidSurvivesAndIsRefusedToOthersThanRoot() throws Exception {
    Path file = tmp.getRoot().toPath().resolve("h");
    boolean root = "root".equals(System.getProperty("user.name"));
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      // Not root: a foreign owner is refused, and the caller's by-name way reports why.
      assertEquals(root, OpenFileAttributes.setOwnerModeAndTimes(channel, 12345, 23456, 04755, 7L));
    }
    if (!root) return;
    assertEquals(12345, (int) (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS));
    assertEquals(23456, (int) (Integer) Files.getAttribute(file, "unix:gid", LinkOption.NOFOLLOW_LINKS));
    assertEquals(04755, (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777);
    assertEquals(7L, Files.getLastModifiedTime(file).to(TimeUnit.NANOSECONDS));
  }
}
