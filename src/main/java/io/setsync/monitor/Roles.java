package io.setsync.monitor;

import io.setsync.command.Caller;
import io.setsync.options.SyncOptions;
import io.setsync.schedule.FileSetConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * AutoSYNC's roles, decided by the caller as the node knows it and never by what the caller says:
 * the authorizer (root, the account {@code setsync.security.authorizer} names, or the node's own
 * account), the administrators the authorizer named, and users, who act only for the sync users
 * whose ACCOUNT is theirs. {@code --user} only chooses among the sync users a caller may act for.
 */
final class Roles {

  enum Role {
    AUTHORIZER,
    ADMINISTRATOR,
    USER
  }

  /** A refusal on the caller's rights: answered as an error and logged with the caller. */
  static final class Refused extends IllegalArgumentException {
    Refused(String message) {
      super(message);
    }
  }

  private final String authorizer;
  private final Caller node;

  /**
   * @param authorizer the account named by {@code setsync.security.authorizer}; empty or null: root
   *     alone (and the node's own account)
   * @param node the node's own process, whose account every sync runs as when it is not root
   */
  Roles(String authorizer, Caller node) {
    this.authorizer = authorizer == null ? "" : authorizer;
    this.node = node;
  }

  Role of(MonitorState state, Caller caller) {
    if (caller.isRoot() || caller.uid() == node.uid() || caller.account().equals(authorizer)) {
      return Role.AUTHORIZER;
    }
    return state.administrators.contains(caller.account()) ? Role.ADMINISTRATOR : Role.USER;
  }

  boolean isAdministrator(MonitorState state, Caller caller) {
    return of(state, caller) != Role.USER;
  }

  /** The authorizer's account as INFO ADMINISTRATOR shows it. */
  String authorizerText() {
    List<String> names = new ArrayList<>(List.of("root"));
    if (!authorizer.isEmpty() && !authorizer.equals("root")) names.add(authorizer);
    if (!node.isRoot() && !names.contains(node.account())) names.add(node.account() + " (the node's own account)");
    return String.join(", ", names);
  }

  void requireAuthorizer(MonitorState state, Caller caller, String what) {
    if (of(state, caller) != Role.AUTHORIZER) {
      throw new Refused(what + " is for the authorizer only; " + caller + " is not");
    }
  }

  void requireAdministrator(MonitorState state, Caller caller, String what) {
    if (!isAdministrator(state, caller)) {
      throw new Refused(what + " is for administrators only; " + caller + " is not one");
    }
  }

  /** Whether {@code caller} may act for the sync user {@code user} (an administrator for any). */
  boolean mayActFor(MonitorState state, Caller caller, String user) {
    if (isAdministrator(state, caller)) return true;
    UserConfig u = state.users.get(user);
    return u != null && u.account().equals(caller.account());
  }

  void requireActFor(MonitorState state, Caller caller, String user, String what) {
    if (!mayActFor(state, caller, user)) {
      throw new Refused(what + " belongs to SYNCUSER " + user + "; " + caller + " may not act for it");
    }
  }

  /**
   * The sync user a command acts for: {@code chosen} (the console's {@code --user} or SET USER)
   * when the caller may act for it; for a user without a choice, the sync user named after their
   * account, or else their only one. Null for an administrator who chose none.
   *
   * @throws Refused when the caller may not act for {@code chosen}, or a user has no sync user
   */
  String actingUser(MonitorState state, Caller caller, String chosen) {
    if (chosen != null && io.setsync.command.CommandOptions.nameProblem(chosen) != null) {
      // The choice is the caller's own text: refused before it reaches a message or a log line.
      throw new Refused("bad user name (" + io.setsync.command.CommandOptions.nameProblem(chosen) + ")");
    }
    if (isAdministrator(state, caller)) return chosen;
    if (chosen != null) {
      if (!mayActFor(state, caller, chosen)) {
        throw new Refused(caller + " may not act for SYNCUSER " + chosen);
      }
      return chosen;
    }
    List<String> own = ownUsers(state, caller);
    if (own.contains(caller.account())) return caller.account();
    if (own.size() == 1) return own.get(0);
    throw new Refused(own.isEmpty()
        ? "no SYNCUSER has ACCOUNT " + caller.account() + "; an administrator must add one"
        : caller + " acts for SYNCUSER " + String.join(", ", own) + "; choose one with --user or SET USER");
  }

  /** The sync users {@code caller} may act for, by name. */
  List<String> ownUsers(MonitorState state, Caller caller) {
    List<String> own = new ArrayList<>();
    state.users.values().forEach(u -> {
      if (mayActFor(state, caller, u.name())) own.add(u.name());
    });
    return own;
  }

  /** Whether {@code caller} may see or change file set {@code f}. */
  boolean mayUse(MonitorState state, Caller caller, FileSetConfig f) {
    return mayActFor(state, caller, f.user());
  }

  /**
   * Refuses options only an administrator may give: OWNER and OWNERGROUP give files away,
   * KEEPSECURITY keeps setuid and setgid bits.
   */
  void requireOptionsAllowed(MonitorState state, Caller caller, SyncOptions o, String what) {
    if (isAdministrator(state, caller)) return;
    List<String> named = new ArrayList<>();
    if (o.owner() != null) named.add("OWNER");
    if (o.ownerGroup() != null) named.add("OWNERGROUP");
    if (o.keepSecurity()) named.add("KEEPSECURITY");
    if (!named.isEmpty()) {
      throw new Refused(what + " has " + String.join(", ", named) + ", which only an administrator may set; "
          + caller + " is not one");
    }
  }

  /**
   * A node that does not run as root can run syncs only as its own account: why it cannot run
   * {@code user}'s, or null.
   */
  String nodeCannotRunAs(MonitorState state, String user) {
    if (node.isRoot()) return null;
    UserConfig u = state.users.get(user);
    String account = u == null ? user : u.account();
    return account.equals(node.account()) ? null
        : "the node runs as " + node + ", not as root, so it cannot sync as account " + account
            + " (SYNCUSER " + user + ")";
  }
}
