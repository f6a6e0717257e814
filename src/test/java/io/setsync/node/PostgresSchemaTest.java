package io.setsync.node;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.Test;

/**
 * scripts/postgres carries its own copy of akka-persistence-jdbc's PostgreSQL schema, made safe to
 * run twice; it must stay that schema, or the journal fails at its first write on a table the
 * plugin does not expect.
 */
public class PostgresSchemaTest {

  private static final Path SCRIPT = Paths.get(System.getProperty("basedir", ".")).toAbsolutePath().resolve("scripts/postgres");

  @Test
  public void theScriptsSchemaIsThePluginsWithIndexesCreatedOnlyWhenMissing() throws Exception {
    String script = Files.readString(SCRIPT, StandardCharsets.UTF_8);
    int begin = script.indexOf("-- schema begin\n");
    int end = script.indexOf("-- schema end\n");
    assertTrue("scripts/postgres has no schema between its markers", begin >= 0 && end > begin);
    String ours = script.substring(begin + "-- schema begin\n".length(), end);

    String plugins;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("schema/postgres/postgres-create-schema.sql")) {
      assertNotNull("akka-persistence-jdbc's PostgreSQL schema is not on the class path", in);
      plugins = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    for (String index : ours.split("\n")) {
      if (index.startsWith("CREATE") && index.contains("INDEX")) {
        assertTrue("a second start must not fail on an existing index: " + index, index.contains("INDEX IF NOT EXISTS "));
      }
    }
    assertEquals(normalized(plugins), normalized(ours.replace("INDEX IF NOT EXISTS ", "INDEX ")));
  }

  /** Whitespace apart, and CONCURRENTLY, which only matters on a table already full of rows. */
  private static String normalized(String sql) {
    return sql.replace("INDEX CONCURRENTLY ", "INDEX ").replaceAll("\\s+", " ").trim();
  }
}
