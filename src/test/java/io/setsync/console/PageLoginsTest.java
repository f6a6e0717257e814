package io.setsync.console;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.setsync.command.Caller;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

/** A page login works once and briefly; its session is its caller's, and lapses when unused. */
public class PageLoginsTest {

  private final AtomicLong clock = new AtomicLong();
  private final PageLogins logins = new PageLogins(clock::get);
  private final Caller alice = new Caller("alice", 1000);

  private String token() {
    String url = logins.openFor(alice).orElseThrow();
    return url.substring(url.indexOf("token=") + 6);
  }

  @Test
  public void noPageNoLogin() {
    assertEquals(Optional.empty(), logins.openFor(alice));
  }

  @Test
  public void aLoginWorksOnceForItsCaller() {
    logins.servedAt("http://127.0.0.1:7380");
    String url = logins.openFor(alice).orElseThrow();
    assertTrue(url, url.matches("http://127\\.0\\.0\\.1:7380/login\\?token=[0-9a-f]{64}"));
    String token = url.substring(url.indexOf("token=") + 6);
    String session = logins.redeem(token).orElseThrow();
    assertEquals(Optional.of(alice), logins.session(session));
    assertEquals("used up", Optional.empty(), logins.redeem(token));
    assertEquals(Optional.empty(), logins.redeem("ab".repeat(32)));
    assertEquals(Optional.empty(), logins.session(token));
  }

  @Test
  public void aLoginExpiresAfterAMinuteAndASessionWhenUnused() {
    logins.servedAt("http://h:1");
    String late = token();
    clock.addAndGet(PageLogins.LOGIN_TTL.toNanos() + 1);
    assertEquals(Optional.empty(), logins.redeem(late));
    String session = logins.redeem(token()).orElseThrow();
    clock.addAndGet(PageLogins.SESSION_TTL.toNanos() / 2);
    assertTrue("kept alive by its use", logins.session(session).isPresent());
    clock.addAndGet(PageLogins.SESSION_TTL.toNanos() / 2 + 1);
    assertTrue("used half a TTL ago", logins.session(session).isPresent());
    clock.addAndGet(PageLogins.SESSION_TTL.toNanos() + 1);
    assertEquals(Optional.empty(), logins.session(session));
  }
}
