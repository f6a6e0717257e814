package io.setsync.monitor;

import io.setsync.CborSerializable;
import io.setsync.command.CommandOptions;
import io.setsync.command.Setting;
import io.setsync.command.Statement;
import java.util.List;
import java.util.Objects;

/**
 * A batch id: file sets of one user and destination in the same batch run one after another.
 *
 * @param id the batch's name
 * @param suspended whether the batch's file sets are inactive
 */
public record BatchConfig(String id, boolean suspended) implements CborSerializable {

  public BatchConfig {
    Objects.requireNonNull(id, "id");
    String problem = CommandOptions.nameProblem(id);
    if (problem != null) {
      throw new IllegalArgumentException("bad batch id \"" + id + "\": " + problem);
    }
  }

  /**
   * The batch ADD BATCHID describes.
   *
   * @throws IllegalArgumentException for a {@code NO} setting or an unknown option
   */
  public static BatchConfig create(Statement.AddBatch add) {
    for (Setting s : add.settings()) {
      if (s.negated()) {
        throw new IllegalArgumentException("NO " + s.keyword() + " is only allowed in ALTER");
      }
    }
    return new BatchConfig(add.id(), false).alter(add.settings());
  }

  /** This batch changed by ALTER BATCHID: SUSPEND or {@code NO SUSPEND}. */
  public BatchConfig alter(List<Setting> settings) {
    boolean newSuspended = suspended;
    for (Setting s : settings) {
      if (!s.keyword().equals(CommandOptions.SUSPEND)) {
        throw new IllegalArgumentException("unknown BATCHID option \"" + s.keyword() + "\"");
      }
      newSuspended = !s.negated();
    }
    return new BatchConfig(id, newSuspended);
  }

  /** Canonical option text: {@code SUSPEND} or "". */
  public String optionText() {
    return suspended ? CommandOptions.SUSPEND : "";
  }
}
