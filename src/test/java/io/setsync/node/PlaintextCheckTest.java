package io.setsync.node;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.Test;

public class PlaintextCheckTest {

  private static Config config(String settings) {
    return ConfigFactory.parseString(settings).withFallback(ConfigFactory.defaultReference()).resolve();
  }

  @Test
  public void loopbackIsLoopbackAndWildcardsAreNot() {
    assertTrue(PlaintextCheck.loopback("127.0.0.1"));
    assertTrue(PlaintextCheck.loopback("127.0.0.3"));
    assertTrue(PlaintextCheck.loopback("::1"));
    assertFalse(PlaintextCheck.loopback("0.0.0.0"));
    assertFalse(PlaintextCheck.loopback("::"));
    assertFalse(PlaintextCheck.loopback("10.0.0.2"));
  }

  @Test
  public void theDefaultsExposeNothing() {
    assertEquals(List.of(), PlaintextCheck.exposed(config(""), true));
  }

  @Test
  public void plaintextOnARoutableAddressIsNamedBySetting() {
    Config c = config("setsync.node.host = \"10.0.0.2\", setsync.endpoint.host = \"0.0.0.0\"");
    assertEquals(List.of("setsync.node.host = 10.0.0.2", "setsync.endpoint.host = 0.0.0.0"), PlaintextCheck.exposed(c, true));
    assertEquals("the cluster port only counts on a clustered node",
        List.of("setsync.endpoint.host = 0.0.0.0"), PlaintextCheck.exposed(c, false));
    assertTrue(PlaintextCheck.message(PlaintextCheck.exposed(c, true), false).startsWith("refusing to listen without TLS"));
    assertTrue(PlaintextCheck.message(PlaintextCheck.exposed(c, true), true).startsWith("listening without TLS"));
  }

  @Test
  public void withTlsOnBothPlanesNothingIsExposed() {
    Config c = config("setsync.node.host = \"10.0.0.2\", setsync.endpoint.host = \"10.0.0.2\","
        + " setsync.tls.enabled = on, akka.remote.artery.transport = tls-tcp");
    assertEquals(List.of(), PlaintextCheck.exposed(c, true));
    assertNull(PlaintextCheck.message(List.of(), false));
  }
}
