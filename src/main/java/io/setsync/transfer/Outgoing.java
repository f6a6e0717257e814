package io.setsync.transfer;

import io.setsync.fs.FileEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What the source sends next, and the counts of what it sent. Files already read go first, then the
 * steps of a large (or delta) file, then more listing; needed files are read by reader threads
 * meanwhile, a few at a time, and the listing pauses while too many needs wait. The session's
 * thread only: blocking work is started through {@link Work} and comes back through {@link
 * #opened} and {@link #laneDone}.
 */
final class Outgoing implements AutoCloseable {

  /**
   * The work the session starts for it: {@code read} reads needs on a reader thread (the result
   * comes back to {@link #opened}); {@code sendOnLane} sends a file on the lane, marking it so (the
   * end comes back to {@link #laneDone}); {@code openForDelta} opens a file to send as a delta, now.
   */
  record Work(
      Consumer<List<Frame.Need>> read,
      Consumer<OutgoingFile> sendOnLane,
      Function<Frame.NeedDelta, NeededFiles.Opened> openForDelta) {}

  /** Needs one reader task takes: fewer thread hand-overs than one task per file. */
  static final int NEEDS_PER_TASK = 8;

  private final SourceSession.Settings settings;
  private final SourceSession.Observer observer;
  private final Work work;
  private final LaneSender lane;
  private SourceListing listing;
  private final ArrayDeque<Frame.Need> needs = new ArrayDeque<>();
  private final ArrayDeque<Frame.NeedDelta> deltaNeeds = new ArrayDeque<>();
  private final ArrayDeque<Frame> readFrames = new ArrayDeque<>();
  private final ArrayDeque<OutgoingFile> largeFiles = new ArrayDeque<>();
  /** The file whose frames are going out, or null between files. */
  private OutgoingFile sending;
  private int readsInFlight;
  private boolean needsEnded;
  private long entriesListed;
  private long filesSent;
  private long bytesSent;
  private long sourceWarnings;

  Outgoing(SourceSession.Settings settings, SourceSession.Observer observer, Work work, LaneSender lane) {
    this.settings = settings;
    this.observer = observer;
    this.work = work;
    this.lane = lane;
  }

  /** Ready came: the listing goes out from now on. */
  void listFrom(SourceListing listing) {
    this.listing = listing;
  }

  /** Takes what the receiver says it needs; false for any other frame. */
  boolean take(Frame frame) {
    if (frame instanceof Frame.Needs n) {
      need(n.needs());
    } else if (frame instanceof Frame.NeedDelta d) {
      needDelta(d);
    } else if (frame == Frame.NeedsEnd.INSTANCE) {
      needsEnded();
    } else {
      return false;
    }
    return true;
  }

  void need(List<Frame.Need> more) {
    needs.addAll(more);
  }

  void needDelta(Frame.NeedDelta need) {
    deltaNeeds.add(need);
  }

  void needsEnded() {
    needsEnded = true;
  }

  /** A file is being sent: a Stop waits for its end. */
  boolean midFile() {
    return sending != null;
  }

  long sourceWarnings() {
    return sourceWarnings;
  }

  /** The source could not list a name: a warning, counted as skipped. */
  void sourceWarning() {
    sourceWarnings++;
  }

  /** The next frame to send, or null when nothing can go now; DataEnd once everything went. */
  Frame next() {
    if (sending != null) return step(sending.next());
    if (!readFrames.isEmpty()) return leaving(readFrames.poll());
    if (!largeFiles.isEmpty() && !lane.opening()) {
      sending = largeFiles.poll();
      if (lane.takes(sending)) work.sendOnLane().accept(sending);
      return sending.begin();
    }
    if (!deltaNeeds.isEmpty()) return beginDelta(deltaNeeds.poll());
    startReads();
    if (!listing.ended() && needs.size() < settings.needWindow()) return nextListingFrame();
    if (listing.ended() && needsEnded && needs.isEmpty() && largeFiles.isEmpty() && readsInFlight == 0) {
      return Frame.DataEnd.INSTANCE;
    }
    return null;
  }

  private Frame step(OutgoingFile.Step step) {
    bytesSent += step.contentBytes();
    if (step.last()) sending = null;
    if (step.notice() != null) observer.notice(step.notice());
    if (step.frame() instanceof Frame.FileEnd) {
      filesSent++;
      observer.progress(entriesListed, filesSent, bytesSent);
    }
    return step.frame();
  }

  /**
   * A small file counts as sent when its frame goes to the connection, not when it was read: reads
   * run ahead, and progress counted there stood still (at the read-ahead's count) while a slow or
   * throttled link sent the files.
   */
  private Frame leaving(Frame frame) {
    if (frame instanceof Frame.FileWhole whole) {
      filesSent++;
      bytesSent += whole.bytes().length();
      observer.progress(entriesListed, filesSent, bytesSent);
    }
    return frame;
  }

  private Frame beginDelta(Frame.NeedDelta need) {
    NeededFiles.Opened opened = work.openForDelta().apply(need);
    if (opened.large() == null) return opened.frame();
    sending = opened.large();
    return sending.begin();
  }

  private void startReads() {
    while (!needs.isEmpty()
        && readsInFlight + (readFrames.size() + largeFiles.size()) / NEEDS_PER_TASK < settings.parallelReads()) {
      List<Frame.Need> group = new ArrayList<>(NEEDS_PER_TASK);
      while (group.size() < NEEDS_PER_TASK && !needs.isEmpty()) group.add(needs.poll());
      readsInFlight++;
      work.read().accept(group);
    }
  }

  /** What one reader task did with its needs, in order. */
  void opened(List<NeededFiles.Opened> files) {
    readsInFlight--;
    for (NeededFiles.Opened file : files) {
      if (file.notice() != null) observer.notice(file.notice());
      if (file.large() != null) {
        largeFiles.add(file.large());
      } else {
        readFrames.add(file.frame());
      }
    }
    observer.progress(entriesListed, filesSent, bytesSent);
  }

  /** The lane took all of the file being sent; its FileEnd goes next. */
  void laneDone(LaneSender.Sent sent) {
    sending.laneDone(sent.crc32c(), sent.shrank());
    lane.sent(sending);
  }

  private Frame nextListingFrame() {
    List<FileEntry> batch = listing.next(settings.entriesPerFrame());
    entriesListed += batch.size();
    observer.progress(entriesListed, filesSent, bytesSent);
    return batch.isEmpty() ? Frame.ListingEnd.INSTANCE : new Frame.Entries(batch);
  }

  /** The session ended: files still open are closed. */
  @Override
  public void close() {
    if (sending != null) sending.close();
    largeFiles.forEach(OutgoingFile::close);
  }
}
