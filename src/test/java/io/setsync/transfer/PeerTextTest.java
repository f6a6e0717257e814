package io.setsync.transfer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class PeerTextTest {

  @Test
  public void controlCharactersAreEscapedSoNoLineCanBeForged() {
    String shown = PeerText.of("/dst\n2026-01-01 INFO forged line\r\u001b[31m\u0085\u2028");
    assertFalse(shown, shown.chars().anyMatch(c -> c < 0x20 || c == 0x85 || c == 0x2028));
    assertEquals("/dst\\u000a2026-01-01 INFO forged line\\u000d\\u001b[31m\\u0085\\u2028", shown);
  }

  @Test
  public void longTextIsCutAndSaysByHowMuch() {
    String shown = PeerText.of("x".repeat(1_000_000));
    assertTrue(shown.length() < PeerText.MAX_CHARS + 40);
    assertTrue(shown, shown.endsWith("...(" + (1_000_000 - PeerText.MAX_CHARS) + " more chars)"));
  }

  @Test
  public void plainTextStaysAsItIsAndBackslashesAreDoubled() {
    assertEquals("/srv/ü 日本", PeerText.of("/srv/ü 日本"));
    assertEquals("a\\\\u000a", PeerText.of("a\\u000a"));
    assertEquals("null", PeerText.of(null));
  }
}
