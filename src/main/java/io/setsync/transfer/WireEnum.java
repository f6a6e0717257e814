package io.setsync.transfer;

import java.util.Arrays;
import java.util.List;

/**
 * The numbers an enum's constants have on the wire, one byte each, written down once instead of
 * taken from their declaration order: reordering or inserting constants in the enum then cannot
 * change the protocol by accident. Every constant must have a number (a new constant without one
 * fails the codec's class initialization, and so every codec test).
 */
final class WireEnum<E extends Enum<E>> {

  private final E[] byNumber;
  private final int[] numberByOrdinal;

  /** {@code inWireOrder}: the constants by their wire number, from 0. */
  @SafeVarargs
  static <E extends Enum<E>> WireEnum<E> of(Class<E> type, E... inWireOrder) {
    return new WireEnum<>(type, inWireOrder);
  }

  private WireEnum(Class<E> type, E[] inWireOrder) {
    E[] all = type.getEnumConstants();
    if (inWireOrder.length != all.length || inWireOrder.length > 256
        || Arrays.stream(inWireOrder).distinct().count() != all.length) {
      throw new IllegalArgumentException(type.getSimpleName() + ": every constant needs exactly one wire number, "
          + "have " + Arrays.toString(inWireOrder) + " for " + Arrays.toString(all));
    }
    this.byNumber = inWireOrder.clone();
    this.numberByOrdinal = new int[all.length];
    for (int number = 0; number < byNumber.length; number++) numberByOrdinal[byNumber[number].ordinal()] = number;
  }

  int number(E constant) {
    return numberByOrdinal[constant.ordinal()];
  }

  /** The constant with wire number {@code number}, or null if none has it. */
  E constant(int number) {
    return number >= 0 && number < byNumber.length ? byNumber[number] : null;
  }

  int size() {
    return byNumber.length;
  }

  List<E> inWireOrder() {
    return List.of(byNumber);
  }
}
