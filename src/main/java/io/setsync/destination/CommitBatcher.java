package io.setsync.destination;

import java.util.ArrayList;
import java.util.List;

/**
 * Complete, durable temps waiting for their two-phase commit, cut into batches of at most
 * {@code files} files or {@code bytes} bytes. One commit runs at a time; the next batch fills
 * meanwhile.
 */
final class CommitBatcher {

  /** A replacement with the bytes its new file holds (counted once it is in place). */
  record Staged(Replacement replacement, long bytes) {}

  private final int files;
  private final long bytes;
  private final List<Staged> staged = new ArrayList<>();
  private long stagedBytes;
  private boolean committing;
  private long nextBatchId;

  CommitBatcher(int files, long bytes) {
    this.files = files;
    this.bytes = bytes;
  }

  /** Batch ids go on from where the journal's last one ended. */
  void startAt(long batchId) {
    nextBatchId = batchId;
  }

  void add(Replacement replacement, long byteCount) {
    staged.add(new Staged(replacement, byteCount));
    stagedBytes += byteCount;
  }

  boolean isEmpty() {
    return staged.isEmpty();
  }

  boolean committing() {
    return committing;
  }

  /** A batch is full and no commit runs: time to begin one. */
  boolean ready() {
    return !committing && full(1);
  }

  /** A commit runs and the next batch is full already: frames must wait. */
  boolean backlog() {
    return committing && full(2);
  }

  private boolean full(int batches) {
    return staged.size() >= (long) batches * files || stagedBytes >= batches * bytes;
  }

  /** Begins a commit of at most one batch's worth, oldest first (writes finish in groups). */
  Batch begin() {
    int count = 0;
    long sum = 0;
    while (count < staged.size() && count < files && sum < bytes) {
      sum += staged.get(count).bytes();
      count++;
    }
    List<Staged> batch = List.copyOf(staged.subList(0, count));
    staged.subList(0, count).clear();
    stagedBytes -= sum;
    committing = true;
    return new Batch(nextBatchId++, batch);
  }

  void committed() {
    committing = false;
  }

  /** What never reached a commit: scratch, to remove when the session ends. */
  List<Staged> staged() {
    return staged;
  }

  record Batch(long id, List<Staged> files) {
    List<Replacement> replacements() {
      return files.stream().map(Staged::replacement).toList();
    }
  }
}
