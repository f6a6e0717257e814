package io.setsync.destination;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import org.junit.Test;

public class ConnectionLimitsTest {

  @Test
  public void limitsPerPeerAndInTotalAndFreesOnClose() throws Exception {
    InetAddress a = InetAddress.getByName("127.0.0.1");
    InetAddress b = InetAddress.getByName("127.0.0.2");
    InetAddress c = InetAddress.getByName("127.0.0.3");
    ConnectionLimits limits = new ConnectionLimits(3, 2);
    assertNull(limits.admit(a));
    assertNull(limits.admit(a));
    String perPeer = limits.admit(a);
    assertTrue(perPeer, perPeer.contains("max-connections-per-peer"));
    assertNull(limits.admit(b));
    String total = limits.admit(c);
    assertTrue(total, total.contains("max-connections"));
    assertEquals("refusals are not counted", 3, limits.openTotal());
    limits.closed(a);
    assertNull(limits.admit(c));
    limits.closed(c);
    limits.closed(c); // not open any more: changes nothing
    assertEquals(2, limits.openTotal());
  }
}
