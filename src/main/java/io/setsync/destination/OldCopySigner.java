package io.setsync.destination;

import io.setsync.delta.BlockSignatures;
import io.setsync.transfer.ContentLanes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Signs the old copy of a file on the signing pool, so the source can send a delta against it. The
 * parts of the file are signed in parallel and nothing waits for them: the pool cannot starve.
 */
final class OldCopySigner {

  private OldCopySigner() {}

  /** Completes with the signatures, or exceptionally with why the old copy cannot be signed. */
  static CompletableFuture<BlockSignatures> sign(FileIntake.ToSign old, Executor signing) {
    return CompletableFuture.supplyAsync(() -> open(old), signing)
        .thenCompose(in -> BlockSignatures.sign(in, old.size(), BlockSignatures.blockSizeFor(old.size()),
                Runtime.getRuntime().availableProcessors(), signing)
            .whenComplete((signatures, failure) -> ContentLanes.closeQuietly(in)));
  }

  private static FileChannel open(FileIntake.ToSign old) {
    try {
      return FileChannel.open(old.old(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
