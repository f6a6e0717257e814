package io.setsync.destination;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.setsync.CborSerializable;

/**
 * One replacement at a destination root, all names relative to that root.
 *
 * @param target the name being created or replaced
 * @param temp the complete, fsync'd new object under .setsync/
 * @param saved where the old target is hard-linked before the rename; null when there was none
 */
public record Replacement(String target, String temp, String saved) implements CborSerializable {
  @JsonCreator
  public Replacement {}
}
