package io.setsync.fs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * A {@link TreeScanner} that runs ahead on another thread: while the consumer handles one chunk
 * of entries, the next chunk is being read from the disk, so listing (system calls) and whatever
 * the consumer does with the entries (encode, merge) overlap.
 *
 * <p>Only one read runs at a time, so the scanner itself is used by one thread at a time; the
 * warnings it gives are handed to {@code onWarning} on the consumer's thread, with the chunk.
 * {@link #skipChildren} drops the directory's descendants as they come (in pre-order they follow
 * it directly); the scanner may already have read them.
 */
public final class PrefetchingWalk implements Walk {

  static final int CHUNK = 512;

  /** Entries with their {@link TreeScanner#fileKey()}s, same index. */
  private record Chunk(List<FileEntry> entries, List<Object> keys, List<String> warnings) {}

  private final TreeScanner scanner;
  private final Executor executor;
  private final Consumer<String> onWarning;
  /** Warnings of the read in progress; touched only by that read. */
  private List<String> pendingWarnings = new ArrayList<>();

  private List<FileEntry> current = List.of();
  private List<Object> currentKeys = List.of();
  private Object lastKey;
  private int index;
  private CompletableFuture<Chunk> ahead;
  private boolean ended;
  private FileEntry lastReturned;
  private String skippedPrefix;

  private PrefetchingWalk(TreeScanner scanner, Executor executor, Consumer<String> onWarning) {
    this.scanner = scanner;
    this.executor = executor;
    this.onWarning = onWarning;
  }

  /** As {@link TreeScanner#open}; the root is read at once, on the calling thread. */
  public static PrefetchingWalk open(Path root, ExcludeFilter excluded, Consumer<String> onWarning, Executor executor)
      throws IOException {
    // The scanner warns while it reads the root, before the walk exists: those warnings are
    // collected here and given at once; later ones go with the chunk whose read gave them.
    PrefetchingWalk[] self = new PrefetchingWalk[1];
    List<String> rootWarnings = new ArrayList<>();
    TreeScanner scanner = TreeScanner.open(root, excluded,
        text -> (self[0] == null ? rootWarnings : self[0].pendingWarnings).add(text));
    self[0] = new PrefetchingWalk(scanner, executor, onWarning);
    self[0].deliverWarnings(rootWarnings);
    self[0].ahead = self[0].readAhead();
    return self[0];
  }

  private CompletableFuture<Chunk> readAhead() {
    return CompletableFuture.supplyAsync(() -> {
      List<FileEntry> entries = new ArrayList<>(CHUNK);
      List<Object> keys = new ArrayList<>(CHUNK);
      while (entries.size() < CHUNK && scanner.hasNext()) {
        entries.add(scanner.next());
        keys.add(scanner.fileKey());
      }
      List<String> warnings = pendingWarnings;
      pendingWarnings = new ArrayList<>();
      return new Chunk(entries, keys, warnings);
    }, executor);
  }

  private void deliverWarnings(List<String> warnings) {
    warnings.forEach(onWarning);
  }

  @Override
  public boolean hasNext() {
    while (true) {
      while (index < current.size()) {
        FileEntry e = current.get(index);
        if (skippedPrefix != null && e.path().startsWith(skippedPrefix)) {
          index++;
          continue;
        }
        skippedPrefix = null;
        return true;
      }
      if (ended) return false;
      Chunk chunk;
      try {
        chunk = ahead.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
      deliverWarnings(chunk.warnings());
      current = chunk.entries();
      currentKeys = chunk.keys();
      index = 0;
      if (current.isEmpty()) {
        ended = true;
        ahead = null;
      } else {
        ahead = readAhead();
      }
    }
  }

  @Override
  public FileEntry next() {
    if (!hasNext()) throw new NoSuchElementException();
    lastKey = currentKeys.get(index);
    lastReturned = current.get(index++);
    return lastReturned;
  }

  @Override
  public Object fileKey() {
    return lastKey;
  }

  @Override
  public void skipChildren() {
    if (lastReturned == null || lastReturned.type() != EntryType.DIRECTORY) {
      throw new IllegalStateException("last entry returned is not a directory: " + lastReturned);
    }
    skippedPrefix = lastReturned.path() + "/";
  }

  /** Waits for the read in progress (it uses the scanner), then drops the walk. */
  @Override
  public void close() {
    ended = true;
    current = List.of();
    currentKeys = List.of();
    if (ahead != null) {
      ahead.handle((chunk, failure) -> {
        scanner.close();
        return null;
      });
      ahead = null;
    } else {
      scanner.close();
    }
  }
}
