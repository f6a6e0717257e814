package io.setsync.destination;

import io.setsync.delta.BlockSignatures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** Signs the old copy of a file on {@code io}, so the source can send a delta against it. */
final class OldCopySigner {

  private OldCopySigner() {}

  /** Completes with the signatures, or exceptionally with why the old copy cannot be signed. */
  static CompletableFuture<BlockSignatures> sign(FileIntake.ToSign old, Executor io) {
    return CompletableFuture.supplyAsync(() -> {
      try (FileChannel in = FileChannel.open(old.old(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
        return BlockSignatures.of(in, old.size(), BlockSignatures.blockSizeFor(old.size()),
            Runtime.getRuntime().availableProcessors(), io);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, io);
  }
}
