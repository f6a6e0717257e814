package io.setsync.destination;

import static io.setsync.sync.Failures.describe;

import io.setsync.delta.BlockSignatures;
import io.setsync.delta.DeltaApplier;
import io.setsync.fs.EntryType;
import io.setsync.fs.FileEntry;
import io.setsync.transfer.Frame;
import io.setsync.transfer.ProtocolException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The files a session asks for and their bytes coming in: whole small files (written by writer
 * threads, several per task), files in chunks, deltas against the old copy, and files whose bytes
 * come on the content lane. Each needed file ends {@link Written} into a durable temp, or {@link
 * Failed}; the frames that break the protocol are refused with a {@link ProtocolException}.
 */
final class FileIntake {

  /**
   * A file asked for; {@code basis} is set when it comes as a delta against the old copy, {@code
   * links} when later names of it may be hard links to it.
   */
  record Needed(FileEntry source, FileEntry existing, Basis basis, LinkTargets.Target links) {
    String path() {
      return source.path();
    }

    /** Why the names linked to this file are left as they were. */
    String notReplaced() {
      return "its first name " + source.path() + " was not replaced";
    }
  }

  /** The old copy a delta refers to, as it was signed. */
  record Basis(int blockSize, long length) {}

  /** An old copy to sign before its file is asked for as a delta. */
  record ToSign(int id, Path old, long size) {}

  sealed interface Outcome permits Written, Failed {
    Needed need();
  }

  /** The file's bytes are in {@code temp}, checked and durable. */
  record Written(Needed need, String temp, long bytes) implements Outcome {}

  record Failed(Needed need, String reason) implements Outcome {}

  /** What to ask the source once an old copy is signed (or cannot be), and what to say about it. */
  record SignedAsk(Frame ask, String path, String warning) {}

  /** Small files one writer task takes: fewer thread hand-overs than one task per file. */
  static final int WHOLES_PER_TASK = 32;

  static final int WHOLE_GROUP_BYTES = 1 << 20;

  private final DestinationRoot root;
  private final ScratchNames names;
  private final FileSecurity security;
  private final long deltaThreshold;
  private final Map<Integer, Needed> needed = new HashMap<>();
  /** Ids of needed files a writer thread is busy with. */
  private final Set<Integer> writing = new HashSet<>();
  private final List<Frame.Need> needs = new ArrayList<>();
  private final List<ToSign> toSign = new ArrayList<>();
  private int nextId = 1;
  private int signing;
  private int writesInFlight;
  private boolean laneReading;
  private IncomingFile incoming;
  private FileChannel basis;
  private DeltaApplier applier;
  private String basisFailure;
  /** Old copies of files received as deltas, kept open past their replacement: see {@link #takeRetired}. */
  private final java.util.ArrayDeque<FileChannel> retired = new java.util.ArrayDeque<>();
  private List<WholeFileGroup.Write> group = new ArrayList<>();
  private long groupBytes;
  private LaneFile laneFile;

  /** A file whose bytes a lane thread is to read into {@code target}. */
  record LaneFile(int id, long size, IncomingFile target) {}

  FileIntake(DestinationRoot root, ScratchNames names, FileSecurity security, long deltaThreshold) {
    this.root = root;
    this.names = names;
    this.security = security;
    this.deltaThreshold = deltaThreshold;
  }

  // ---- asking

  /** Asks for a file: as a delta when the old copy is large (once it is signed), else whole. */
  void ask(FileEntry source, FileEntry existing, LinkTargets.Target links) {
    int id = nextId++;
    needed.put(id, new Needed(source, existing, null, links));
    if (deltaCandidate(source, existing)) {
      signing++;
      toSign.add(new ToSign(id, root.resolve(existing.path()), existing.size()));
    } else {
      needs.add(new Frame.Need(id, source.path()));
    }
  }

  private boolean deltaCandidate(FileEntry source, FileEntry existing) {
    return existing != null && existing.type() == EntryType.FILE && source.type() == EntryType.FILE
        && existing.size() >= deltaThreshold && source.size() >= deltaThreshold;
  }

  /** The needs to send now, once. */
  List<Frame.Need> takeNeeds() {
    List<Frame.Need> taken = List.copyOf(needs);
    needs.clear();
    return taken;
  }

  List<ToSign> takeSignings() {
    List<ToSign> taken = List.copyOf(toSign);
    toSign.clear();
    return taken;
  }

  /** Old copies being signed: NeedsEnd waits for them. */
  boolean signing() {
    return signing > 0;
  }

  /**
   * An old copy is signed ({@code signatures}) or cannot be ({@code failure}): the file is asked
   * for as a delta, or whole with a warning. Null when the file is no longer wanted.
   */
  SignedAsk signed(int id, BlockSignatures signatures, Throwable failure) {
    signing--;
    Needed need = needed.get(id);
    if (need == null) return null;
    if (signatures == null) {
      String why = failure == null ? "no signatures" : describe(failure);
      return new SignedAsk(new Frame.Needs(List.of(new Frame.Need(id, need.path()))), need.path(),
          "the old copy cannot be read for a delta (" + why + "); the whole file is asked for");
    }
    needed.put(id, new Needed(need.source(), need.existing(),
        new Basis(signatures.blockSize(), signatures.length()), need.links()));
    return new SignedAsk(new Frame.NeedDelta(id, need.path(), signatures), need.path(), null);
  }

  // ---- files in chunks, as deltas, on the lane

  void begin(Frame.FileBegin begin) throws IOException {
    Needed file = expectNew(begin.id());
    incoming = create(begin.id(), file, begin.mtimeNanos());
    if (file.basis() != null) {
      try {
        basis = FileChannel.open(root.resolve(file.existing().path()), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        applier = new DeltaApplier(basis, file.basis().blockSize(), file.basis().length());
      } catch (IOException e) {
        basisFailure = "the old copy cannot be read: " + describe(e);
      }
    }
  }

  /**
   * A large file's bytes come on the content lane (offered: {@code laneOffered}); the frames
   * behind this one wait until {@link #laneRead}, and its FileEnd then finishes it as any file.
   */
  IncomingFile beginOnLane(Frame.FileOnLane begin, boolean laneOffered) throws IOException {
    if (!laneOffered) throw new ProtocolException("file " + begin.id() + " sent on a lane that was not offered");
    Needed file = expectNew(begin.id());
    if (file.basis() != null) throw new ProtocolException("file " + begin.id() + " was asked for as a delta, not whole");
    if (begin.size() < 0) throw new ProtocolException("file " + begin.id() + " has a negative size");
    incoming = create(begin.id(), file, begin.mtimeNanos());
    laneReading = true;
    laneFile = new LaneFile(begin.id(), begin.size(), incoming);
    return incoming;
  }

  /** The file to read from the lane now, once; null when none. */
  LaneFile takeLaneFile() {
    LaneFile taken = laneFile;
    laneFile = null;
    return taken;
  }

  private static final int LANE_CONNECT_SECONDS = 30;

  /**
   * Runs on a lane thread: waits for the source to open the lane, then reads the file's {@code
   * size} bytes into {@code target}, failing once the lane is silent for {@code idleTimeout}.
   */
  static java.util.concurrent.CompletableFuture<Void> fromLane(
      java.util.concurrent.CompletableFuture<io.setsync.transfer.ContentLanes.Lane> lane, long size, IncomingFile target,
      java.time.Duration idleTimeout, java.util.concurrent.Executor laneThreads) {
    return io.setsync.transfer.ContentLanes.async(laneThreads, () -> {
      io.setsync.transfer.ContentLanes.Lane channel;
      try {
        channel = lane.get(LANE_CONNECT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IOException("the source did not open the content lane within " + LANE_CONNECT_SECONDS + " s");
      }
      io.setsync.transfer.ContentLanes.receive(channel, size, target::write, idleTimeout);
      return null;
    });
  }

  void laneRead() {
    laneReading = false;
  }

  boolean laneReading() {
    return laneReading;
  }

  private Needed expectNew(int id) {
    if (incoming != null) throw new ProtocolException("file " + id + " began inside file " + incoming.id());
    Needed file = needed.get(id);
    if (file == null || writing.contains(id)) throw new ProtocolException("file " + id + " was not asked for");
    return file;
  }

  private IncomingFile create(int id, Needed file, long mtimeNanos) throws IOException {
    String temp = names.temp();
    return IncomingFile.create(id, file.source(), mtimeNanos, root.resolve(temp), temp);
  }

  void data(Frame.FileData data) throws IOException {
    if (incoming == null) throw new ProtocolException("file data outside a file");
    for (ByteBuffer buffer : data.bytes().getByteBuffers()) incoming.write(buffer);
  }

  /** Old blocks of the current file: only for a file asked for as a delta. */
  void copy(Frame.FileCopy copy) throws IOException {
    if (incoming == null) throw new ProtocolException("file copy outside a file");
    Needed file = needed.get(incoming.id());
    if (file.basis() == null) throw new ProtocolException("file copy in file " + incoming.id() + ", which has no old copy");
    if (basisFailure != null) return; // the file fails at its end
    try {
      applier.copy(copy.first(), copy.count(), incoming::write);
    } catch (IllegalArgumentException e) {
      throw new ProtocolException("file " + incoming.id() + ": " + e.getMessage());
    } catch (IOException e) {
      basisFailure = "the old copy changed during the transfer";
    }
  }

  Outcome end(Frame.FileEnd end) throws IOException {
    if (incoming == null || incoming.id() != end.id()) {
      throw new ProtocolException("end of file " + end.id() + " that was not being sent");
    }
    IncomingFile file = incoming;
    incoming = null;
    Needed need = needed.remove(end.id());
    String failure = basisFailure;
    FileChannel old = basis;
    basis = null;
    closeBasis();
    boolean written = false;
    try {
      if (failure != null) {
        file.discard();
        return new Failed(need, failure);
      }
      if (!file.finish(end.crc32c(), security)) return new Failed(need, CHECKSUM_MISMATCH);
      written = true;
    } finally {
      // Only a copy about to be replaced is worth keeping open; a failed one stays where it is.
      if (written && old != null) {
        retire(old);
      } else {
        closeQuietly(old);
      }
    }
    return new Written(need, file.tempName(), file.bytesWritten());
  }

  /** Old copies kept open at most: each holds its replaced file's space until it is closed. */
  static final int RETIRED_MAX = 16;

  /**
   * The rename that replaces a file frees its old copy's blocks when no descriptor holds it: for a
   * 1 GiB file on tmpfs that took 0.25 s, inside the commit and before the session could end. Kept
   * open, the old copy is freed when {@link #takeRetired} hands it to be closed off the session's
   * thread once its batch is committed.
   */
  private void retire(FileChannel old) {
    retired.add(old);
    if (retired.size() > RETIRED_MAX) closeQuietly(retired.poll());
  }

  /** The old copies kept open so far, to close now that their batch went (or the session ends). */
  List<FileChannel> takeRetired() {
    List<FileChannel> taken = List.copyOf(retired);
    retired.clear();
    return taken;
  }

  static void closeQuietly(FileChannel channel) {
    if (channel == null) return;
    try {
      channel.close();
    } catch (IOException ignored) {
      // read-only
    }
  }

  static final String CHECKSUM_MISMATCH = "checksum mismatch in transfer";

  // ---- whole small files

  /**
   * A small file is written, checked and fsync'ed by a writer thread, several at once; it is
   * written when its group is, so every file a batch names is durable before the batch is.
   * Returns whether the group waiting for a writer is full.
   */
  boolean whole(Frame.FileWhole whole) {
    Needed file = needed.get(whole.id());
    if (file == null || writing.contains(whole.id())) {
      throw new ProtocolException("file " + whole.id() + " was not asked for");
    }
    if (incoming != null && incoming.id() == whole.id()) {
      throw new ProtocolException("file " + whole.id() + " sent whole while being sent in chunks");
    }
    String temp = names.temp();
    writing.add(whole.id());
    group.add(new WholeFileGroup.Write(whole, file.source(), root.resolve(temp), temp));
    groupBytes += whole.bytes().length();
    return groupFull();
  }

  /** Enough small files wait for one writer task. */
  boolean groupFull() {
    return group.size() >= WHOLES_PER_TASK || groupBytes >= WHOLE_GROUP_BYTES;
  }

  /** The small files waiting, for a writer thread; null when none wait. */
  WholeFileGroup takeGroup() {
    if (group.isEmpty()) return null;
    WholeFileGroup taken = new WholeFileGroup(List.copyOf(group), security);
    group = new ArrayList<>();
    groupBytes = 0;
    writesInFlight++;
    return taken;
  }

  int writesInFlight() {
    return writesInFlight;
  }

  /** A writer thread wrote {@code written}: each file's bytes, or -1 on a checksum mismatch. */
  List<Outcome> written(WholeFileGroup written, long[] bytes) {
    writesInFlight--;
    List<Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < written.writes().size(); i++) {
      WholeFileGroup.Write w = written.writes().get(i);
      writing.remove(w.whole().id());
      Needed need = needed.remove(w.whole().id());
      outcomes.add(bytes[i] < 0 ? new Failed(need, CHECKSUM_MISMATCH) : new Written(need, w.temp(), bytes[i]));
    }
    return outcomes;
  }

  /** A writer thread failed, or the session ended meanwhile: the group's temps go. */
  void abandon(WholeFileGroup written) {
    writesInFlight--;
    for (WholeFileGroup.Write w : written.writes()) writing.remove(w.whole().id());
    written.discard();
  }

  // ---- the end

  Needed unavailable(Frame.FileUnavailable gone) {
    if (writing.contains(gone.id())) throw new ProtocolException("file " + gone.id() + " is already being written");
    Needed need = needed.remove(gone.id());
    if (need == null) throw new ProtocolException("file " + gone.id() + " was not asked for");
    if (incoming != null && incoming.id() == gone.id()) {
      incoming.discard();
      incoming = null;
      closeBasis();
    }
    return need;
  }

  /** The source says it sent every file: only those being written may still be open. */
  void dataEnd() {
    if (incoming != null) throw new ProtocolException("data ended inside file " + incoming.id());
    if (needed.size() > writing.size()) {
      throw new ProtocolException(
          "data ended with " + (needed.size() - writing.size()) + " needed file(s) never sent");
    }
  }

  /** The source stops at a file boundary: needed files it never sent come at the next sync. */
  void stopped() {
    if (incoming != null) throw new ProtocolException("the source stopped inside file " + incoming.id());
  }

  /** The session ends: whatever was being received goes. */
  void discard() {
    if (incoming != null) incoming.discard();
    incoming = null;
    closeBasis();
    takeRetired().forEach(FileIntake::closeQuietly);
  }

  private void closeBasis() {
    closeQuietly(basis);
    basis = null;
    applier = null;
    basisFailure = null;
  }
}
