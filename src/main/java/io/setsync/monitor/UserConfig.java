package io.setsync.monitor;

import io.setsync.CborSerializable;
import io.setsync.command.CommandOptions;
import io.setsync.command.Setting;
import io.setsync.command.Statement;
import io.setsync.fs.SyncAccount;
import io.setsync.schedule.FileSetConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A sync user: the owner of file sets, confined to its roots.
 *
 * @param name the user's name
 * @param account the OS account whose rights the user's syncs have and who may act for the user;
 *     null (an event from before accounts) means the same as the name
 * @param roots absolute, normalized directories; a file set of this user must have its source and
 *     its destination under one of them. Empty: no restriction. Duplicates are dropped.
 * @param suspended whether the user's file sets are inactive
 */
public record UserConfig(String name, String account, List<String> roots, boolean suspended)
    implements CborSerializable {

  @com.fasterxml.jackson.annotation.JsonCreator
  public UserConfig {
    Objects.requireNonNull(name, "name");
    String problem = CommandOptions.nameProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException("bad user name \"" + name + "\": " + problem);
    }
    if (account == null) {
      account = name;
    }
    String accountProblem = CommandOptions.nameProblem(account);
    if (accountProblem != null) {
      throw new IllegalArgumentException("bad account \"" + account + "\": " + accountProblem);
    }
    Set<String> normalized = new LinkedHashSet<>();
    for (String root : roots) {
      normalized.add(CommandOptions.normalizePath(root));
    }
    roots = List.copyOf(normalized);
  }

  /** Whom this user's syncs are done as: the account, held to the roots. */
  public SyncAccount syncAccount() {
    return new SyncAccount(account, roots);
  }

  /** A user whose OS account has the user's name. */
  public UserConfig(String name, List<String> roots, boolean suspended) {
    this(name, name, roots, suspended);
  }

  /**
   * The user ADD SYNCUSER describes.
   *
   * @throws IllegalArgumentException for a {@code NO} setting or an unknown option
   */
  public static UserConfig create(Statement.AddUser add) {
    for (Setting s : add.settings()) {
      if (s.negated()) {
        throw new IllegalArgumentException("NO " + s.keyword() + " is only allowed in ALTER");
      }
    }
    return new UserConfig(add.name(), List.of(), false).alter(add.settings());
  }

  /**
   * This user changed by ALTER SYNCUSER: ROOT options given replace the whole list of roots, {@code
   * NO ROOT} empties it, ACCOUNT names the OS account ({@code NO ACCOUNT}: the user's name), SUSPEND and {@code NO SUSPEND} set the state.
   */
  public UserConfig alter(List<Setting> settings) {
    List<String> newRoots = null;
    String newAccount = account;
    boolean newSuspended = suspended;
    for (Setting s : settings) {
      switch (s.keyword()) {
        case CommandOptions.ROOT -> {
          if (newRoots == null || s.negated()) {
            newRoots = new ArrayList<>();
          }
          if (!s.negated()) {
            if (s.value() == null) {
              throw new IllegalArgumentException("option ROOT needs a value /path");
            }
            newRoots.add(s.value());
          }
        }
        case CommandOptions.ACCOUNT -> newAccount = s.negated() ? name : s.value();
        case CommandOptions.SUSPEND -> newSuspended = !s.negated();
        default -> throw new IllegalArgumentException(
            "unknown SYNCUSER option \"" + s.keyword() + "\"");
      }
    }
    return new UserConfig(name, newAccount, newRoots == null ? roots : newRoots, newSuspended);
  }

  /**
   * Whether {@code path} (absolute) lies under one of the roots, comparing whole components: with
   * the root /data, /data and /data/x are allowed but /data2 is not. Always true without roots;
   * false for a path that is not absolute or has "." or ".." components.
   */
  public boolean allows(String path) {
    return roots.isEmpty() || CommandOptions.isUnder(path, roots);
  }

  /** Whether both the source and the destination of {@code fileSet} lie under the roots. */
  public boolean allows(FileSetConfig fileSet) {
    return allows(fileSet.source()) && allows(fileSet.destination());
  }

  /** Canonical option text, e.g. {@code ROOT /data, ROOT "/my files", SUSPEND}; "" for none. */
  public String optionText() {
    List<String> parts = new ArrayList<>();
    if (!account.equals(name)) {
      parts.add(CommandOptions.ACCOUNT + " " + account);
    }
    for (String root : roots) {
      parts.add(CommandOptions.ROOT + " " + FileSetConfig.word(root));
    }
    if (suspended) {
      parts.add(CommandOptions.SUSPEND);
    }
    return String.join(", ", parts);
  }
}
