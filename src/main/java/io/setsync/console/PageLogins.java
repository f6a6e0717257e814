package io.setsync.console;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import io.setsync.command.Caller;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Who may see a node's status page. {@code OPEN PAGE} on a console of this node asks for a login:
 * a random token for the console's caller, whom the kernel named (the console socket's peer
 * credentials), valid once and for {@link #LOGIN_TTL}, as notebook servers do. Its first use turns
 * it into a session (the page's cookie) for that caller, which lasts {@link #SESSION_TTL} after its
 * last use. The page then shows what that caller may see, as the monitor decides for any command.
 *
 * <p>Thread-safe: the console issues, the HTTP server redeems and looks up.
 */
public final class PageLogins implements Extension {

  private static final Id ID = new Id();

  public static PageLogins get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private static final class Id extends ExtensionId<PageLogins> {
    @Override
    public PageLogins createExtension(ActorSystem<?> system) {
      return new PageLogins(System::nanoTime);
    }
  }

  static final Duration LOGIN_TTL = Duration.ofSeconds(60);
  static final Duration SESSION_TTL = Duration.ofHours(12);
  /** Most logins and sessions held at once; past it the oldest goes. */
  static final int MAX_HELD = 1000;

  private record Held(Caller caller, long expiresAtNanos) {}

  private final SecureRandom random = new SecureRandom();
  private final Map<String, Held> logins = new LinkedHashMap<>();
  private final Map<String, Held> sessions = new LinkedHashMap<>();
  private final LongSupplier nanoClock;
  /** Where the page is, once the HTTP server listens: "http://127.0.0.1:7380". */
  private volatile String pageAddress;

  PageLogins(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /** The HTTP server tells where it listens. */
  public void servedAt(String address) {
    this.pageAddress = address;
  }

  /** The URL that logs {@code caller} in once, or empty when this node serves no page. */
  public Optional<String> openFor(Caller caller) {
    String address = pageAddress;
    if (address == null) return Optional.empty();
    return Optional.of(address + "/login?token=" + hold(logins, caller, LOGIN_TTL));
  }

  /** Uses up a login: the new session's id for its caller, or empty (unknown, used, expired). */
  public synchronized Optional<String> redeem(String token) {
    Held login = token == null ? null : logins.remove(token);
    if (login == null || expired(login)) return Optional.empty();
    return Optional.of(hold(sessions, login.caller(), SESSION_TTL));
  }

  /** The caller of a live session, which this use keeps alive; empty for none. */
  public synchronized Optional<Caller> session(String id) {
    Held held = id == null ? null : sessions.get(id);
    if (held == null) return Optional.empty();
    if (expired(held)) {
      sessions.remove(id);
      return Optional.empty();
    }
    sessions.put(id, new Held(held.caller(), nanoClock.getAsLong() + SESSION_TTL.toNanos()));
    return Optional.of(held.caller());
  }

  private synchronized String hold(Map<String, Held> table, Caller caller, Duration ttl) {
    long now = nanoClock.getAsLong();
    table.values().removeIf(this::expired);
    while (table.size() >= MAX_HELD) {
      Iterator<String> oldest = table.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String token = HexFormat.of().formatHex(bytes);
    table.put(token, new Held(caller, now + ttl.toNanos()));
    return token;
  }

  private boolean expired(Held held) {
    return nanoClock.getAsLong() - held.expiresAtNanos() > 0;
  }
}
