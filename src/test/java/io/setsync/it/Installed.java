package io.setsync.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The launcher, its build and the raw console client, copied where any account can run them: the
 * checkout itself may sit under a private directory.
 */
final class Installed {

  private Installed() {}

  /** Copies into {@code copy}; answers the copied scripts/setsync (the raw client is in copy/test-classes). */
  static Path copy(Path copy) throws IOException {
    Path checkout = Launcher.SCRIPT.getParent().getParent();
    List<String> files = new ArrayList<>(List.of("scripts/setsync", "scripts/ensure-tools", "target/setsync.jar"));
    try (var libs = Files.list(checkout.resolve("target/lib"))) {
      libs.forEach(lib -> files.add("target/lib/" + lib.getFileName()));
    }
    String raw = RawConsoleClient.class.getName().replace('.', '/') + ".class";
    Files.setAttribute(copy, "unix:mode", 0755);
    for (String file : files) place(checkout.resolve(file), copy.resolve(file), copy, file.startsWith("scripts/"));
    place(checkout.resolve("target/test-classes").resolve(raw), copy.resolve("test-classes").resolve(raw), copy, false);
    return copy.resolve("scripts/setsync");
  }

  /** Modes set outright: what the checkout and the umask give may be private. */
  private static void place(Path from, Path to, Path copy, boolean executable) throws IOException {
    for (Path dir = to.getParent(); !dir.equals(copy); dir = dir.getParent()) {
      if (!Files.isDirectory(dir)) Files.createDirectories(dir);
    }
    for (Path dir = to.getParent(); !dir.equals(copy); dir = dir.getParent()) Files.setAttribute(dir, "unix:mode", 0755);
    Files.copy(from, to);
    Files.setAttribute(to, "unix:mode", executable ? 0755 : 0644);
  }
}
