package io.setsync.fs;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;

/**
 * Users and groups of this machine, by name or number, and who owns a file. Names are resolved by
 * the operating system (so NSS sources such as LDAP count); a decimal number stands for that id
 * even when no account has it. Links are never followed.
 */
public final class Ownership {

  private static final UserPrincipalLookupService LOOKUP =
      FileSystems.getDefault().getUserPrincipalLookupService();

  private Ownership() {}

  /** Whether this process runs with user id 0, the only one allowed to give files away. */
  public static boolean runningAsRoot() {
    return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
  }

  /** The effective user name of this process ("root", "alice"). */
  public static String currentUser() {
    return new com.sun.security.auth.module.UnixSystem().getUsername();
  }

  /**
   * What is wrong with {@code name} as a user or group name or number (without quoting it), or
   * null when it may be looked up. Existence is not checked: the name is resolved on the machine
   * that uses it.
   */
  public static String nameProblem(String name) {
    if (name.isEmpty()) return "empty name";
    if (name.length() > 256) return "name longer than 256 characters";
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c) || c == ':' || c == '/') {
        return "a user or group name has no white space, control characters, ':' or '/'";
      }
    }
    return null;
  }

  /**
   * The user with this name or number.
   *
   * @throws IllegalArgumentException naming the user when this machine does not know it
   */
  public static UserPrincipal user(String nameOrId) {
    checkName(nameOrId, "user");
    try {
      return LOOKUP.lookupPrincipalByName(nameOrId);
    } catch (UserPrincipalNotFoundException e) {
      throw new IllegalArgumentException("no user \"" + nameOrId + "\" on this machine");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot look up user \"" + nameOrId + "\": " + e);
    }
  }

  /**
   * The group with this name or number.
   *
   * @throws IllegalArgumentException naming the group when this machine does not know it
   */
  public static GroupPrincipal group(String nameOrId) {
    checkName(nameOrId, "group");
    try {
      return LOOKUP.lookupPrincipalByGroupName(nameOrId);
    } catch (UserPrincipalNotFoundException e) {
      throw new IllegalArgumentException("no group \"" + nameOrId + "\" on this machine");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot look up group \"" + nameOrId + "\": " + e);
    }
  }

  private static void checkName(String name, String what) {
    String problem = nameProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException("bad " + what + " name \"" + name + "\": " + problem);
    }
  }

  private static final java.lang.invoke.MethodHandle PRINCIPAL_UID = principalId("uid");
  private static final java.lang.invoke.MethodHandle PRINCIPAL_GID = principalId("gid");

  /** The JDK's number behind a user or group principal; null when sun.nio.fs is closed. */
  private static java.lang.invoke.MethodHandle principalId(String name) {
    try {
      Class<?> user = Class.forName("sun.nio.fs.UnixUserPrincipals$User");
      java.lang.reflect.Method m = user.getDeclaredMethod(name);
      m.setAccessible(true);
      return java.lang.invoke.MethodHandles.lookup().unreflect(m)
          .asType(java.lang.invoke.MethodType.methodType(int.class, Object.class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** The number of this machine's user of that name, or -1 when it has none (or cannot tell). */
  public static int uidOf(String name) {
    return idOf(name, false);
  }

  /** The number of this machine's group of that name, or -1 when it has none (or cannot tell). */
  public static int gidOf(String name) {
    return idOf(name, true);
  }

  private static int idOf(String name, boolean group) {
    java.lang.invoke.MethodHandle id = group ? PRINCIPAL_GID : PRINCIPAL_UID;
    if (id == null || nameProblem(name) != null) return -1;
    try {
      Object principal = group ? LOOKUP.lookupPrincipalByGroupName(name) : LOOKUP.lookupPrincipalByName(name);
      return (int) id.invokeExact(principal);
    } catch (IOException e) {
      return -1;
    } catch (Throwable t) {
      return -1;
    }
  }

  /**
   * Gives {@code path} itself (never a link's target) these numbers; -1 leaves that part as it
   * is. Changing the owner clears setuid/setgid bits, so set modes after.
   */
  public static void setOwnerIds(Path path, int uid, int gid) throws IOException {
    if (uid >= 0) Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    if (gid >= 0) Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
  }

  /** Whether {@code user} owns {@code path} itself (a link's own owner, not its target's). */
  public static boolean ownedBy(Path path, UserPrincipal user) throws IOException {
    return user.equals(Files.getOwner(path, LinkOption.NOFOLLOW_LINKS));
  }

  /**
   * Gives {@code path} itself (never a link's target) to {@code user} and/or {@code group}; a null
   * leaves that part as it is. Changing the owner clears setuid/setgid bits, so set modes after.
   */
  public static void setOwner(Path path, UserPrincipal user, GroupPrincipal group)
      throws IOException {
    PosixFileAttributeView view =
        Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    if (user != null) view.setOwner(user);
    if (group != null) view.setGroup(group);
  }
}
