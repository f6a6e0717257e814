package io.setsync.fs;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import io.setsync.fs.OpenFiles.Access;
import io.setsync.fs.OpenFiles.Holder;
import io.setsync.fs.OpenFiles.Usage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Real processes hold real files open; the snapshot must say who and how. */
public class OpenFilesTest {

  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private final List<Process> started = new ArrayList<>();
  private Path dir;
  private Path file;

  @Before
  public void setUp() throws IOException {
    assumeTrue("needs Linux /proc", Files.isDirectory(Path.of("/proc/self/fd")));
    dir = tmp.getRoot().toPath();
    file = dir.resolve("data.txt");
    Files.writeString(file, "content\n");
  }

  @After
  public void stopProcesses() throws InterruptedException {
    for (Process p : started) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor();
    }
  }

  /** Runs a shell script that prints "ready" once it holds what it should, then waits. */
  private Process shell(String script) throws IOException {
    Process p = new ProcessBuilder("/bin/sh", "-c", script).redirectErrorStream(true).start();
    started.add(p);
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertEquals("the helper process should report ready", "ready", line);
    return p;
  }

  private static String q(Path p) {
    return "'" + p.toString().replace("'", "'\\''") + "'";
  }

  private static Set<Access> accessesOf(Usage usage, long pid) {
    return usage.holders().stream()
        .filter(h -> h.pid() == pid)
        .map(Holder::access)
        .collect(Collectors.toSet());
  }

  /** Long enough for a loaded machine; only reached when something is wrong. */
  private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(30);

  /** Takes snapshots until {@code condition} holds (an exec may still be settling), at most 30 s. */
  private static Usage awaitUsage(Path path, Predicate<Usage> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE_NANOS;
    Usage usage = OpenFiles.scan().usage(path);
    while (!condition.test(usage) && System.nanoTime() < deadline) {
      Thread.sleep(50); // between polls
      usage = OpenFiles.scan().usage(path);
    }
    return usage;
  }

  @Test
  public void aFileNobodyHoldsIsClosed() {
    Usage usage = OpenFiles.scan().usage(file);
    assertTrue(usage.known());
    assertFalse(usage.isOpen());
    assertFalse(usage.isOpenForWriting());
  }

  @Test
  public void aMissingFileIsClosed() {
    Usage usage = OpenFiles.scan().usage(dir.resolve("absent"));
    assertTrue(usage.known());
    assertFalse(usage.isOpen());
  }

  @Test
  public void aReaderHoldingTheFileIsReadOnly() throws Exception {
    Process p = shell("exec 3<" + q(file) + "; echo ready; exec sleep 60");
    Usage usage = OpenFiles.scan().usage(file);
    assertEquals(Set.of(Access.READ), accessesOf(usage, p.pid()));
    assertTrue(usage.isOpenOnlyForReading());
    assertFalse(usage.isOpenForWriting());
  }

  @Test
  public void anAppenderIsAWriter() throws Exception {
    Process p = shell("exec 3>>" + q(file) + "; echo ready; exec sleep 60");
    Usage usage = OpenFiles.scan().usage(file);
    assertEquals(Set.of(Access.WRITE), accessesOf(usage, p.pid()));
    assertTrue(usage.isOpenForWriting());
    assertFalse(usage.isOpenOnlyForReading());
  }

  @Test
  public void readWriteDescriptorIsSeenAsSuch() throws Exception {
    Process p = shell("exec 3<>" + q(file) + "; echo ready; exec sleep 60");
    Usage usage = OpenFiles.scan().usage(file);
    assertEquals(Set.of(Access.READ_WRITE), accessesOf(usage, p.pid()));
    assertTrue(usage.isOpenForWriting());
  }

  @Test
  public void aWriterAppendingInALoopIsAWriterAndTheFileGrows() throws Exception {
    Process p =
        shell("exec 3>>" + q(file) + "; echo ready; while :; do echo x >&3; sleep 0.05; done");
    long before = Files.size(file);
    Usage usage = OpenFiles.scan().usage(file);
    assertTrue(accessesOf(usage, p.pid()).contains(Access.WRITE));
    long deadline = System.nanoTime() + PATIENCE_NANOS;
    while (Files.size(file) <= before && System.nanoTime() < deadline) {
      Thread.sleep(20); // between polls
    }
    assertTrue("the writer really writes", Files.size(file) > before);
  }

  @Test
  public void aRunningProgramIsExecuting() throws Exception {
    Path program = dir.resolve("held-sleep");
    Files.copy(Path.of("/bin/sleep"), program);
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
    Process p = new ProcessBuilder(program.toString(), "60").start();
    started.add(p);
    Usage usage = awaitUsage(program, u -> accessesOf(u, p.pid()).contains(Access.EXECUTE));
    assertTrue(usage.describe(), accessesOf(usage, p.pid()).contains(Access.EXECUTE));
    assertTrue(usage.isOpenOnlyForReading());
    assertTrue(usage.describe().contains("held-sleep[" + p.pid() + "] execute"));
  }

  @Test
  public void aReadOnlyMappingIsMappedNotWriting() throws Exception {
    assumeTrue("needs python3", Files.isExecutable(Path.of("/usr/bin/python3")));
    Process p =
        new ProcessBuilder(
                "python3",
                "-c",
                "import mmap,sys,time\n"
                    + "f=open(sys.argv[1],'rb')\n"
                    + "m=mmap.mmap(f.fileno(),0,access=mmap.ACCESS_READ)\n"
                    + "f.close()\n"
                    + "print('ready',flush=True)\n"
                    + "time.sleep(60)\n",
                file.toString())
            .start();
    started.add(p);
    String line =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    assertEquals("ready", line);
    Usage usage = OpenFiles.scan().usage(file);
    // Python's mmap keeps a duplicate descriptor of its own besides the mapping.
    assertTrue(usage.describe(), accessesOf(usage, p.pid()).contains(Access.MAPPED));
    assertFalse(accessesOf(usage, p.pid()).stream().anyMatch(Access::writes));
    assertTrue(usage.isOpenOnlyForReading());
  }

  @Test
  public void aSharedWritableMappingIsAWriter() throws Exception {
    assumeTrue("needs python3", Files.isExecutable(Path.of("/usr/bin/python3")));
    Process p =
        new ProcessBuilder(
                "python3",
                "-c",
                "import mmap,sys,time\n"
                    + "f=open(sys.argv[1],'r+b')\n"
                    + "m=mmap.mmap(f.fileno(),0)\n"
                    + "f.close()\n"
                    + "print('ready',flush=True)\n"
                    + "time.sleep(60)\n",
                file.toString())
            .start();
    started.add(p);
    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
        .readLine();
    Usage usage = OpenFiles.scan().usage(file);
    assertTrue(usage.describe(), accessesOf(usage, p.pid()).contains(Access.MAPPED_WRITE));
    assertTrue(usage.isOpenForWriting());
  }

  @Test
  public void aRenamedFileIsStillFoundByIdentity() throws Exception {
    Process p = shell("exec 3<" + q(file) + "; echo ready; exec sleep 60");
    OpenFiles.FileKey key = OpenFiles.FileKey.of(file);
    Path moved = dir.resolve("moved");
    Files.move(file, moved);
    OpenFiles snapshot = OpenFiles.scan();
    assertEquals(Set.of(Access.READ), accessesOf(snapshot.usage(key), p.pid()));
    assertEquals(Set.of(Access.READ), accessesOf(snapshot.usage(moved), p.pid()));
  }

  @Test
  public void theIdentityFromAttributesAlreadyReadIsThePathsIdentity() throws Exception {
    java.nio.file.attribute.BasicFileAttributes attrs = Files.readAttributes(
        file, java.nio.file.attribute.PosixFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    assertEquals(OpenFiles.FileKey.of(file), OpenFiles.FileKey.of(attrs));
    Path other = dir.resolve("other");
    Files.write(other, new byte[] {1});
    assertFalse(OpenFiles.FileKey.of(other).equals(OpenFiles.FileKey.of(attrs)));
  }

  @Test
  public void aSnapshotIsFrozenAndAFreshOneSeesTheClose() throws Exception {
    Process p = shell("exec 3<" + q(file) + "; echo ready; exec sleep 60");
    OpenFiles before = OpenFiles.scan();
    p.destroyForcibly();
    p.waitFor();
    assertTrue(before.usage(file).isOpen());
    assertFalse(OpenFiles.scan().usage(file).isOpen());
  }

  @Test
  public void thisProcessIsLeftOut() throws Exception {
    try (var in = Files.newInputStream(file)) {
      assertFalse(OpenFiles.scan().usage(file).isOpen());
      OpenFiles withSelf = OpenFiles.scan(Path.of("/proc"), -1);
      assertTrue(withSelf.usage(file).holders().stream()
          .anyMatch(h -> h.pid() == ProcessHandle.current().pid() && h.access() == Access.READ));
    }
  }

  @Test
  public void withoutProcEverythingIsUnknown() throws IOException {
    Path fakeProc = tmp.newFolder("not-proc").toPath();
    OpenFiles snapshot = OpenFiles.scan(fakeProc, -1);
    assertFalse(snapshot.available());
    Usage usage = snapshot.usage(file);
    assertFalse(usage.known());
    assertFalse(usage.isOpen());
    assertEquals("unknown", usage.describe());
  }

  @Test
  public void descriptorFlagsGiveTheAccessMode() throws IOException {
    Path info = dir.resolve("fdinfo");
    Files.writeString(info, "pos:\t0\nflags:\t0100000\nmnt_id:\t27\n");
    assertEquals(Access.READ, OpenFiles.descriptorAccess(info));
    Files.writeString(info, "pos:\t0\nflags:\t0102001\n");
    assertEquals(Access.WRITE, OpenFiles.descriptorAccess(info));
    Files.writeString(info, "flags:\t02\n");
    assertEquals(Access.READ_WRITE, OpenFiles.descriptorAccess(info));
    Files.writeString(info, "garbage");
    assertEquals("unreadable flags are taken as the careful answer",
        Access.READ_WRITE, OpenFiles.descriptorAccess(info));
  }

  @Test
  public void mappingLinesParse() {
    OpenFiles.Mapping m =
        OpenFiles.Mapping.parse(
            "562ccf42f000-562ccf434000 r-xp 00002000 fe:00 2155003     /tmp/x y");
    assertEquals(2155003L, m.inode());
    assertEquals(0xfe00L, m.device());
    assertEquals(Access.EXECUTE, m.access());
    assertEquals(Access.MAPPED, OpenFiles.Mapping.parse("1-2 r--s 0 08:01 5 /f").access());
    assertEquals(Access.MAPPED_WRITE, OpenFiles.Mapping.parse("1-2 rw-s 0 08:01 5 /f").access());
    assertEquals(0L, OpenFiles.Mapping.parse("7ffd-7ffe rw-p 00000000 00:00 0  [stack]").inode());
    assertEquals(null, OpenFiles.Mapping.parse("nonsense"));
    assertEquals(
        "major and minor above 8 bits are split as glibc does",
        (0x1234L & 0xff) | (0x103L << 8) | ((0x1234L & ~0xffL) << 12),
        OpenFiles.makedev(0x103, 0x1234));
  }
}
