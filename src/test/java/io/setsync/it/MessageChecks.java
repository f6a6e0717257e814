package io.setsync.it;

import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The multi-node tests run their nodes with every message checked for serialization: a message
 * that must cross nodes and cannot fails a test, not a user with two machines.
 */
final class MessageChecks {

  /** The JVM option that turns the check on (local-only messages are marked LocalMessage). */
  static final String JAVA_OPTS = "-Dakka.actor.serialize-messages=on";

  /** What Akka logs when the check finds a message it cannot serialize and read back. */
  private static final List<String> FAILURES = List.of("for testing. To avoid this error",
      "No configured serialization-bindings", "Failed to deserialize message");

  private MessageChecks() {}

  /** Fails when a node log under {@code home} reports a message that could not cross nodes. */
  static void assertAllSerializable(Path home) throws IOException {
    Path logs = home.resolve("logs");
    if (!Files.isDirectory(logs)) return;
    try (Stream<Path> files = Files.list(logs)) {
      for (Path log : (Iterable<Path>) files::iterator) {
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
          if (FAILURES.stream().anyMatch(line::contains)) fail("a message could not cross nodes (" + log + "): " + line);
        }
      }
    }
  }
}
