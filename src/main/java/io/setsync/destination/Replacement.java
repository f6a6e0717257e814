package io.setsync.destination;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.setsync.CborSerializable;

/**
 * One replacement at a destination root, all names relative to that root.
 *
 * @param target the name being created or replaced (journaled as bytes when it is not UTF-8)
 * @param temp the complete, fsync'd new object under .setsync/
 * @param saved where the old target is hard-linked before the rename; null when there was none
 */
public record Replacement(
    @JsonSerialize(using = JournalName.Writer.class) @JsonDeserialize(using = JournalName.Reader.class) String target,
    @JsonSerialize(using = JournalName.Writer.class) @JsonDeserialize(using = JournalName.Reader.class) String temp,
    @JsonSerialize(using = JournalName.Writer.class) @JsonDeserialize(using = JournalName.Reader.class) String saved)
    implements CborSerializable {
  @JsonCreator
  public Replacement {}
}
