package io.setsync.monitor;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import io.setsync.command.CommandParser;
import io.setsync.command.Setting;
import io.setsync.command.Statement;
import java.util.List;
import org.junit.Test;

public class BatchConfigTest {

  @Test
  public void createAlterRender() {
    BatchConfig b = BatchConfig.create((Statement.AddBatch) CommandParser.parse("ADD BATCHID nightly"));
    assertEquals(new BatchConfig("nightly", false), b);
    assertEquals("", b.optionText());
    BatchConfig s =
        BatchConfig.create((Statement.AddBatch) CommandParser.parse("ADD BATCHID nightly, SUSPEND"));
    assertEquals(new BatchConfig("nightly", true), s);
    assertEquals("SUSPEND", s.optionText());
    assertEquals(b, s.alter(List.of(Setting.no("SUSPEND"))));
    assertEquals(s, b.alter(((Statement.AlterBatch) CommandParser.parse("ALTER BATCHID x, SUSPEND")).settings()));
  }

  @Test
  public void badInputIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new BatchConfig("", false));
    assertThrows(IllegalArgumentException.class, () -> new BatchConfig("a b", false));
    assertEquals(
        "unknown BATCHID option \"PURGE\"",
        assertThrows(
                IllegalArgumentException.class,
                () -> new BatchConfig("a", false).alter(List.of(Setting.of("PURGE"))))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> BatchConfig.create(new Statement.AddBatch("a", List.of(Setting.no("SUSPEND")))));
  }
}
