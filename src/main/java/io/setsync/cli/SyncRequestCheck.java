package io.setsync.cli;

import io.setsync.command.SyncPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

/**
 * Checks the SRC and DEST of a one-time sync before anything starts, so that bad input changes
 * nothing: both absolute, the source an existing readable directory, the destination's parent
 * existing, and neither inside the other.
 */
public final class SyncRequestCheck {

  /** Bad input, with a message that names the problem. */
  public static final class BadRequest extends Exception {
    public BadRequest(String message) {
      super(message);
    }
  }

  private SyncRequestCheck() {}

  public record Checked(Path source, Path destination) {}

  public static Checked check(String src, String dest) throws BadRequest {
    Path source = absolute("SRC", src);
    Path destination = absolute("DEST", dest);
    if (!Files.exists(source)) throw new BadRequest("source " + source + " does not exist");
    if (!Files.isDirectory(source)) throw new BadRequest("source " + source + " is not a directory");
    if (!Files.isReadable(source)) throw new BadRequest("source " + source + " is not readable");
    Path parent = destination.getParent();
    if (parent == null) throw new BadRequest("destination " + destination + " cannot be the file-system root");
    if (!Files.isDirectory(parent)) {
      throw new BadRequest("destination parent " + parent + " does not exist or is not a directory");
    }
    if (Files.exists(destination) && !Files.isDirectory(destination)) {
      throw new BadRequest("destination " + destination + " exists and is not a directory");
    }
    Path realSource = real(source);
    Path realDestination = Files.exists(destination) ? real(destination) : real(parent).resolve(destination.getFileName());
    Optional<String> nesting = SyncPaths.nestingProblem(realSource, realDestination);
    if (nesting.isPresent()) throw new BadRequest(nesting.get());
    return new Checked(source, destination);
  }

  private static Path absolute(String what, String text) throws BadRequest {
    if (text.isEmpty()) throw new BadRequest(what + " is empty");
    if (text.indexOf('\0') >= 0) throw new BadRequest(what + " contains a NUL character");
    Path path = Paths.get(text);
    if (!path.isAbsolute()) throw new BadRequest(what + " must be an absolute path, got \"" + text + "\"");
    return path.normalize();
  }

  private static Path real(Path path) throws BadRequest {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      throw new BadRequest("cannot resolve " + path + ": " + e.getMessage());
    }
  }
}
