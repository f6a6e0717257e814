package io.setsync.options;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.attribute.PosixFilePermissions;
import org.junit.Test;

public class SecureModeTest {

  @Test
  public void symbolicModesGiveTheirBits() {
    assertEquals(0750, SecureMode.bits("rwxr-x---"));
    assertEquals(0644, SecureMode.bits("rw-r--r--"));
    assertEquals(0, SecureMode.bits("---------"));
    assertEquals(0777, SecureMode.bits("rwxrwxrwx"));
  }

  @Test
  public void agreesWithTheJdkForEveryMode() {
    for (int bits = 0; bits <= 0777; bits++) {
      String text = SecureMode.symbolic(bits);
      assertEquals(text, PosixFilePermissions.toString(PosixFilePermissions.fromString(text)));
      assertEquals(bits, SecureMode.bits(text));
      assertEquals(bits, SecureMode.bits(String.format("%03o", bits)));
    }
  }

  @Test
  public void octalIsAcceptedAndCanonicalizedToSymbolic() {
    assertEquals(0750, SecureMode.bits("750"));
    assertEquals("rwxr-x---", SecureMode.canonical("750"));
    assertEquals("rw-------", SecureMode.canonical("rw-------"));
  }

  @Test
  public void aLetterInTheWrongPlaceIsNamed() {
    String problem = SecureMode.problem("rwxr-w---");
    assertTrue(problem, problem.contains("character 6 (group) must be 'x' or '-', got 'w'"));
    assertTrue(SecureMode.problem("rwsr-x---").contains("character 3 (owner)"));
  }

  @Test
  public void theWrongLengthIsNamed() {
    assertTrue(SecureMode.problem("rwx").contains("got 3 characters"));
    assertTrue(SecureMode.problem("").contains("got 0 characters"));
    assertTrue(SecureMode.problem("0750").contains("got 4 characters"));
    assertTrue(SecureMode.problem("789").contains("nine characters"));
  }

  @Test
  public void badModesThrowWithTheValue() {
    OptionException e = assertThrows(OptionException.class, () -> SecureMode.bits("rwxrwxrw"));
    assertTrue(e.getMessage(), e.getMessage().startsWith("bad SECURE mode \"rwxrwxrw\":"));
    assertNull(SecureMode.problem("r--r--r--"));
  }
}
