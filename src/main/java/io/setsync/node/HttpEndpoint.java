package io.setsync.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import io.setsync.command.Statement;
import io.setsync.console.JournalReachability;
import io.setsync.monitor.Monitor;
import io.setsync.monitor.Result;
import io.setsync.sync.SyncMetrics;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The node's HTTP server (setsync.http, loopback by default): {@code /metrics} in the Prometheus
 * text format, {@code /alive} (the node answers HTTP) and {@code /ready} (its monitor, wherever it
 * runs, answers a STATUS, and no journal failure is known). None of them shows a path or a user
 * name: the metrics' labels are file-set ids and statuses, the health answers one line.
 */
public final class HttpEndpoint extends AllDirectives {

  /** How long /ready waits for the monitor: a monitor slower than this is not ready. */
  static final Duration READY_WAIT = Duration.ofSeconds(3);

  private static final akka.http.javadsl.model.ContentType METRICS_TYPE = ContentTypes.parse(SyncMetrics.contentType());

  private final ActorSystem<?> system;
  private final ActorRef<Monitor.Command> monitor;
  private final SyncMetrics metrics;

  private final StatusPage page;

  private HttpEndpoint(ActorSystem<?> system, ActorRef<Monitor.Command> monitor, boolean https) {
    this.system = system;
    this.monitor = monitor;
    this.metrics = SyncMetrics.get(system);
    this.page = new StatusPage(system, monitor, https);
  }

  /** Listens on {@code host:port} (0: any free port); the binding says where, or the bind fails. */
  public static ServerBinding start(ActorSystem<?> system, ActorRef<Monitor.Command> monitor, String host, int port,
      Duration timeout) throws Exception {
    io.setsync.transfer.NodeTls tls = io.setsync.transfer.NodeTls.get(system);
    HttpEndpoint endpoint = new HttpEndpoint(system, monitor, tls.enabled());
    akka.http.javadsl.ServerBuilder server = Http.get(system).newServerAt(host, port);
    if (tls.enabled()) server = server.enableHttps(akka.http.javadsl.ConnectionContext.httpsServer(tls::httpsEngine));
    ServerBinding binding =
        server.bind(endpoint.routes()).toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    // A stopping node ends the page's streams and unbinds, rather than leaving it to the system's end.
    binding.addToCoordinatedShutdown(Duration.ofSeconds(2), system);
    InetSocketAddress bound = binding.localAddress();
    io.setsync.console.PageLogins.get(system).servedAt((tls.enabled() ? "https://" : "http://") + describe(bound));
    return binding;
  }

  Route routes() {
    return concat(
        path("metrics", () -> get(() -> complete(HttpResponse.create().withEntity(
            HttpEntities.create(METRICS_TYPE, akka.util.ByteString.fromString(metrics.scrape())))))),
        path("alive", () -> get(() -> complete(StatusCodes.OK, "alive\n"))),
        path("ready", () -> get(() -> onSuccess(ready(), problem -> problem == null
            ? complete(StatusCodes.OK, "ready\n")
            : complete(StatusCodes.SERVICE_UNAVAILABLE, "not ready: " + problem + "\n")))),
        page.routes());
  }

  /** Null when ready, else why not (in words that name no path or user). */
  private CompletionStage<String> ready() {
    String journal = JournalReachability.of(system).problem().orElse(null);
    if (journal != null) return CompletableFuture.completedFuture("the monitor's journal database cannot be reached");
    CompletionStage<Result> answer = AskPattern.ask(monitor,
        replyTo -> new Monitor.Execute(new Statement.Status(Statement.StatusObject.AUTOSYNC, null, false), "setsync",
            replyTo),
        READY_WAIT, system.scheduler());
    return answer.handle((result, failure) -> {
      if (failure != null) return "the monitor did not answer within " + READY_WAIT.toSeconds() + " s";
      if (result instanceof Result.Done done && done.code() != 0) return "the monitor answered with an error";
      return null;
    });
  }

  static String describe(InetSocketAddress address) {
    return address.getHostString() + ":" + address.getPort();
  }
}
