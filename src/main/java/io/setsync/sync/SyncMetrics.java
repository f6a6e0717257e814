package io.setsync.sync;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * A node's metrics, in the Prometheus text format ({@link #scrape}): what its syncs did, what its
 * schedulers and journals are doing, and the JVM's own. One registry per actor system, so that
 * several nodes in one JVM (tests) keep theirs apart. Labels stay bounded: a file set's id and a
 * completion status, never a path or a user name, so the page may be shown to anyone who may
 * scrape it.
 */
public final class SyncMetrics implements Extension {

  private static final Id ID = new Id();

  public static SyncMetrics get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private static final class Id extends ExtensionId<SyncMetrics> {
    @Override
    public SyncMetrics createExtension(ActorSystem<?> system) {
      return new SyncMetrics(system.settings().config().getBoolean("setsync.node.cluster"), true);
    }
  }

  /** A one-time sync's file-set label: it has no id. */
  static final String NO_FILE_SET = "none";

  /** Null when off: a one-time `setsync sync` has no one to show metrics to, and skips their cost. */
  private final Instruments on;

  /**
   * {@code enabled}: recorded at all (a clustered node: the node command, the API's cluster);
   * {@code withJvm}: with the JVM's own metrics (memory, threads, GC, classes).
   */
  public SyncMetrics(boolean enabled, boolean withJvm) {
    on = enabled ? new Instruments(withJvm) : null;
  }

  /** The metrics themselves, in a class of their own so that an unused node never loads them. */
  private static final class Instruments {
    final PrometheusRegistry registry = new PrometheusRegistry();
    final Counter started;
    final Counter ended;
    final Counter filesCopied;
    final Counter bytesCopied;
    final Counter filesPurged;
    final Counter warnings;
    final Counter errors;
    final Counter skippedOpen;
    final Histogram duration;
    final Gauge schedulersRunning;
    final Gauge destinationsWaiting;
    final Gauge lastSuccess;
    final Histogram journalWrite;
    final Gauge overdue;

    Instruments(boolean withJvm) {
      started = Counter.builder().name("setsync_syncs_started").help("Synchronizations started on this node")
          .labelNames("fileset").register(registry);
      ended = Counter.builder().name("setsync_syncs_ended")
          .help("Synchronizations ended on this node, by completion status (ok, warnings, errors)")
          .labelNames("fileset", "status").register(registry);
      filesCopied = Counter.builder().name("setsync_files_copied").help("Files created or replaced at destinations")
          .labelNames("fileset").register(registry);
      bytesCopied = Counter.builder().name("setsync_bytes_copied").help("Bytes of the files copied")
          .labelNames("fileset").register(registry);
      filesPurged = Counter.builder().name("setsync_files_purged").help("Names purged at destinations")
          .labelNames("fileset").register(registry);
      warnings = Counter.builder().name("setsync_sync_warnings").help("Warnings of synchronizations, either end")
          .labelNames("fileset").register(registry);
      errors = Counter.builder().name("setsync_sync_errors").help("Errors of synchronizations, either end")
          .labelNames("fileset").register(registry);
      skippedOpen = Counter.builder().name("setsync_files_skipped_open")
          .help("Files not copied because a program had them open for writing").labelNames("fileset").register(registry);
      duration = Histogram.builder().name("setsync_sync_duration_seconds").help("How long synchronizations took")
          .classicOnly().classicUpperBounds(0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600)
          .labelNames("fileset").register(registry);
      schedulersRunning = Gauge.builder().name("setsync_schedulers_running")
          .help("File-set schedulers this node's agent runs").register(registry);
      destinationsWaiting = Gauge.builder().name("setsync_destinations_waiting")
          .help("Schedulers the monitor cannot start because their destination is not available (the monitor's node only)")
          .register(registry);
      lastSuccess = Gauge.builder().name("setsync_last_success_timestamp_seconds")
          .help("When a file set's last sync without errors ended on this node (Unix time)")
          .labelNames("fileset").register(registry);
      journalWrite = Histogram.builder().name("setsync_journal_write_seconds")
          .help("Time for a destination's rename journal to write a batch's record")
          .classicOnly().classicUpperBounds(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5).register(registry);
      overdue = Gauge.builder().name("setsync_file_sets_overdue")
          .help("Active file sets that are overdue (setsync.monitor.overdue; the monitor's node only)").register(registry);
      if (withJvm) JvmMetrics.builder().register(registry);
    }
  }

  private static String label(Long fileSetId) {
    return fileSetId == null ? NO_FILE_SET : Long.toString(fileSetId);
  }

  public void syncStarted(Long fileSetId) {
    if (on == null) return;
    on.started.labelValues(label(fileSetId)).inc();
  }

  /** A warning or error notice of a running sync, either end's. */
  public void noticed(Long fileSetId, SyncNotice notice) {
    if (on == null) return;
    if (notice.kind() == SyncNotice.Kind.ERROR) on.errors.labelValues(label(fileSetId)).inc();
    if (notice.kind() != SyncNotice.Kind.WARNING) return;
    on.warnings.labelValues(label(fileSetId)).inc();
    if (notice.side() == SyncNotice.Side.DESTINATION && OpenFileSkips.isOne(notice.text())) {
      on.skippedOpen.labelValues(label(fileSetId)).inc();
    }
  }

  /** A sync's end, with its counts; a REPORT moved nothing, so its counts are not added. */
  public void syncEnded(Long fileSetId, SyncStatus status, SyncCounts counts, boolean report, Duration took,
      long endedMillis) {
    if (on == null) return;
    String id = label(fileSetId);
    on.ended.labelValues(id, status.label).inc();
    on.duration.labelValues(id).observe(took.toNanos() / 1e9);
    if (!report) {
      on.filesCopied.labelValues(id).inc(counts.copied());
      on.bytesCopied.labelValues(id).inc(counts.bytes());
      on.filesPurged.labelValues(id).inc(counts.purged());
    }
    if (fileSetId != null && status != SyncStatus.ERRORS && !report) on.lastSuccess.labelValues(id).set(endedMillis / 1000.0);
  }

  public void schedulersRunning(int count) {
    if (on != null) on.schedulersRunning.set(count);
  }

  public void destinationsWaiting(int count) {
    if (on != null) on.destinationsWaiting.set(count);
  }

  public void fileSetsOverdue(int count) {
    if (on != null) on.overdue.set(count);
  }

  public void journalWrite(Duration took) {
    if (on != null) on.journalWrite.observe(took.toNanos() / 1e9);
  }

  /** Everything, in the Prometheus text format (version 0.0.4). */
  public String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (on != null) PrometheusTextFormatWriter.create().write(out, on.registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  public static String contentType() {
    return PrometheusTextFormatWriter.CONTENT_TYPE;
  }
}
