package io.setsync.schedule;

import static org.junit.Assert.assertEquals;

import io.setsync.options.SyncOptions;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.Test;

/** What a run's request makes of the file set's settings, apart from the actor. */
public class SyncRunRequestTest {

  @Test
  public void aFileSetsIntervalBecomesABareOpenUpdatesQuietWindow() {
    SyncOptions bare = SyncOptions.builder().openUpdate(true, null).build();
    SyncOptions given =
        SyncOptions.builder().openUpdate(true, Duration.ofSeconds(30)).build();
    Duration interval = Duration.ofMinutes(2);
    assertEquals(interval, request(bare, interval).sessionOptions().openUpdateQuiet());
    assertEquals(Duration.ofSeconds(30), request(given, interval).sessionOptions().openUpdateQuiet());
    assertEquals("a one-time sync keeps the session's default", null, request(bare, null).sessionOptions().openUpdateQuiet());
    assertEquals(SyncOptions.DEFAULTS,
        request(SyncOptions.DEFAULTS, interval).sessionOptions());
  }

  @Test
  public void theDestinationIsNamedWithItsNodeWhenTheCallerNamesOne() {
    assertEquals("n:/dst", request(SyncOptions.DEFAULTS, null).destinationName());
    SyncRun.Request bare = new SyncRun.Request(Path.of("/src"), new FileSetScheduler.Destination(null, "h", 1), "/dst",
        SyncOptions.DEFAULTS, null, null, null, null);
    assertEquals("/dst", bare.destinationName());
  }

  private static SyncRun.Request request(SyncOptions options, Duration interval) {
    return new SyncRun.Request(Path.of("/src"), new FileSetScheduler.Destination("n", "h", 1), "/dst",
        options, interval, 1L, null, null);
  }
}
