package io.setsync.destination;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class CommitBatcherTest {

  private static Replacement r(int i) {
    return new Replacement("f" + i, ".setsync/T" + i, null);
  }

  @Test
  public void batchesFillByFilesAndCommitOneAtATime() {
    CommitBatcher batcher = new CommitBatcher(2, 1000);
    batcher.startAt(7);
    batcher.add(r(1), 1);
    assertFalse(batcher.ready());
    batcher.add(r(2), 1);
    batcher.add(r(3), 1);
    assertTrue(batcher.ready());
    CommitBatcher.Batch first = batcher.begin();
    assertEquals(7, first.id());
    assertEquals(2, first.files().size());
    assertEquals(r(1), first.replacements().get(0));
    assertTrue(batcher.committing());
    batcher.add(r(4), 1);
    assertFalse("one commit at a time", batcher.ready());
    assertFalse(batcher.backlog());
    batcher.add(r(5), 1);
    batcher.add(r(6), 1);
    assertTrue("two batches wait while one commits", batcher.backlog());
    batcher.committed();
    assertTrue(batcher.ready());
    assertEquals(8, batcher.begin().id());
    assertEquals(2, batcher.staged().size());
  }

  @Test
  public void batchesFillByBytesAndTakeAtMostOneBatchsWorth() {
    CommitBatcher batcher = new CommitBatcher(100, 10);
    batcher.add(r(1), 6);
    assertFalse(batcher.ready());
    batcher.add(r(2), 6);
    batcher.add(r(3), 6);
    assertTrue(batcher.ready());
    CommitBatcher.Batch batch = batcher.begin();
    assertEquals("files up to the byte limit", 2, batch.files().size());
    assertEquals(6, batch.files().get(0).bytes());
    assertEquals(1, batcher.staged().size());
    batcher.committed();
    assertFalse(batcher.ready());
  }
}
