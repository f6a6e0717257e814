package io.setsync.destination;

import io.setsync.fs.FsIdentity;
import io.setsync.fs.SyncAccount;
import io.setsync.options.OptionException;
import io.setsync.options.OptionText;
import io.setsync.options.SyncOptions;
import io.setsync.transfer.Frame;
import io.setsync.transfer.ProtocolException;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;

/** What a source's Hello asks for, checked: its options, the owner and mode policy, the root. */
record SessionStart(SyncOptions options, FileSecurity security, Path requestedRoot, DestinationRoot root) {

  /** Longest destination root a Hello may name, in characters (Linux's PATH_MAX). */
  static final int MAX_ROOT_CHARS = 4096;

  /** Longest option text and source name a Hello may carry. */
  static final int MAX_OPTIONS_CHARS = 64 * 1024;

  static final int MAX_SOURCE_CHARS = 4096;

  /** Longest ticket a Hello may carry: an issued one is 64 hex digits. */
  static final int MAX_TICKET_CHARS = 128;

  /**
   * What must hold of a Hello before its ticket is even looked at: the version and the lengths.
   *
   * @throws ProtocolException naming what is wrong (without echoing the peer's text)
   */
  static void checkShape(Frame.Hello hello) {
    if (hello.version() != Frame.PROTOCOL_VERSION) {
      throw new ProtocolException(
          "protocol version " + hello.version() + " is not supported (this receiver speaks "
              + Frame.PROTOCOL_VERSION + ")");
    }
    capped("destination root", hello.destinationRoot(), MAX_ROOT_CHARS);
    capped("options", hello.options(), MAX_OPTIONS_CHARS);
    capped("source", hello.source(), MAX_SOURCE_CHARS);
    capped("ticket", hello.ticket(), MAX_TICKET_CHARS);
  }

  private static void capped(String what, String text, int max) {
    if (text.length() > max) {
      throw new ProtocolException(what + " of " + text.length() + " characters is longer than " + max);
    }
  }

  /**
   * Option text in its one canonical spelling, so a ticket and a Hello that say the same options
   * match however either spelled them.
   *
   * @throws ProtocolException if the text is not valid options
   */
  static String normalOptions(String text) {
    try {
      return OptionText.render(OptionText.parse(text));
    } catch (OptionException e) {
      throw new ProtocolException("bad options: " + e.getMessage());
    }
  }

  /**
   * Call only once the Hello's ticket admitted it: may create the root, as {@code account} does
   * every access of the session ({@link SyncAccount#confine}).
   *
   * @throws ProtocolException naming why the session cannot be done; nothing is written then
   */
  static SessionStart of(Frame.Hello hello, SyncAccount account) {
    checkShape(hello);
    FsIdentity identity;
    try {
      identity = account.identity();
    } catch (IOException e) {
      throw new ProtocolException(e.getMessage());
    }
    SyncOptions options;
    try {
      options = OptionText.parse(hello.options());
    } catch (OptionException e) {
      throw new ProtocolException("bad options: " + e.getMessage());
    }
    FileSecurity security;
    try {
      // Refused before the root is even created: nothing is written for a sync that cannot be done.
      security = FileSecurity.of(
          options.secure(), options.keepSecurity(), options.owner(), options.ownerGroup(), identity,
          options.numericIds());
    } catch (IllegalArgumentException e) {
      throw new ProtocolException(e.getMessage());
    }
    Path requested;
    try {
      requested = Paths.get(hello.destinationRoot());
    } catch (InvalidPathException e) {
      throw new ProtocolException("destination is not a valid path: " + e.getMessage());
    }
    if (!requested.isAbsolute()) {
      throw new ProtocolException("destination " + hello.destinationRoot() + " is not an absolute path");
    }
    try {
      // A dry run creates nothing, not even the root or its scratch area.
      Path confined = account.confine(requested);
      DestinationRoot root = options.report() ? DestinationRoot.inspect(confined) : DestinationRoot.open(confined);
      return new SessionStart(options, security, requested, root);
    } catch (IOException e) {
      // The JDK's message is often the path alone ("AccessDeniedException: /srv"): say what failed, for whom.
      throw new ProtocolException("cannot open the destination " + requested + " as account " + account.account()
          + ": " + io.setsync.sync.Failures.describe(e));
    }
  }
}
