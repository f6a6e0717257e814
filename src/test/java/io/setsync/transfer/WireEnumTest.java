package io.setsync.transfer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import java.util.List;
import org.junit.Test;

public class WireEnumTest {

  private enum Colour { RED, GREEN, BLUE }

  @Test
  public void numbersFollowTheGivenOrderNotTheDeclaration() {
    WireEnum<Colour> numbers = WireEnum.of(Colour.class, Colour.BLUE, Colour.RED, Colour.GREEN);
    assertEquals(0, numbers.number(Colour.BLUE));
    assertEquals(1, numbers.number(Colour.RED));
    assertEquals(2, numbers.number(Colour.GREEN));
    assertEquals(Colour.GREEN, numbers.constant(2));
    assertNull(numbers.constant(3));
    assertNull(numbers.constant(-1));
    assertEquals(List.of(Colour.BLUE, Colour.RED, Colour.GREEN), numbers.inWireOrder());
  }

  @Test
  public void aConstantWithoutANumberIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> WireEnum.of(Colour.class, Colour.RED, Colour.GREEN));
    assertEquals(true, e.getMessage().contains("every constant needs exactly one wire number"));
    assertThrows(IllegalArgumentException.class, () -> WireEnum.of(Colour.class, Colour.RED, Colour.RED, Colour.BLUE));
  }
}
