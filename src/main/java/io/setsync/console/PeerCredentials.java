package io.setsync.console;

import io.setsync.command.Caller;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;
import java.nio.file.attribute.UserPrincipal;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Who is at the other end of a Unix-domain connection, as the kernel says ({@code SO_PEERCRED}):
 * the only identity a local console has, whatever it writes.
 */
public final class PeerCredentials {

  private PeerCredentials() {}

  /** The peer's account and uid; an IOException when the kernel does not tell. */
  public static Caller of(SocketChannel channel) throws IOException {
    UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
    return new Caller(peer.user().getName(), uid(peer.user()));
  }

  /**
   * The JDK names the peer's uid by its account (or by the number when the account has no name),
   * and keeps the number in its own principal class; read it from there, else look the name up.
   */
  static int uid(UserPrincipal user) throws IOException {
    String name = user.getName();
    if (name.matches("\\d{1,10}")) return Integer.parseInt(name);
    try {
      Method uid = user.getClass().getDeclaredMethod("uid");
      uid.setAccessible(true); // java.base/sun.nio.fs is opened to us by the launcher
      return (Integer) uid.invoke(user);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return uidOf(name);
    }
  }

  /** {@code id -u NAME}: the system's own lookup (passwd, LDAP, whatever NSS is set up with). */
  private static int uidOf(String name) throws IOException {
    Process id = new ProcessBuilder("id", "-u", "--", name).redirectErrorStream(true).start();
    try {
      String out = new String(id.getInputStream().readAllBytes()).strip();
      if (id.waitFor() != 0 || !out.matches("\\d{1,10}")) throw new IOException("no uid for account " + name);
      return Integer.parseInt(out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while looking up account " + name, e);
    }
  }
}
