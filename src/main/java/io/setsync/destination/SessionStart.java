package io.setsync.destination;

import io.setsync.fs.Ownership;
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

  /** @throws ProtocolException naming why the session cannot be done; nothing is written then */
  static SessionStart of(Frame.Hello hello) {
    if (hello.version() != Frame.PROTOCOL_VERSION) {
      throw new ProtocolException(
          "protocol version " + hello.version() + " is not supported (this receiver speaks "
              + Frame.PROTOCOL_VERSION + ")");
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
          options.secure(), options.keepSecurity(), options.owner(), options.ownerGroup(), Ownership.runningAsRoot(),
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
      DestinationRoot root = options.report() ? DestinationRoot.inspect(requested) : DestinationRoot.open(requested);
      return new SessionStart(options, security, requested, root);
    } catch (IOException e) {
      throw new ProtocolException(e.getMessage());
    }
  }
}
