package io.setsync.node;

import akka.NotUsed;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.Member;
import akka.cluster.typed.Cluster;
import akka.http.javadsl.marshalling.sse.EventStreamMarshalling;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpCharsets;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.Uri;
import akka.http.javadsl.model.headers.HttpCookie;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.model.headers.SameSite;
import akka.http.javadsl.model.headers.TlsSessionInfo;
import akka.http.javadsl.model.sse.ServerSentEvent;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.stream.javadsl.Source;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.setsync.command.Caller;
import io.setsync.command.Statement;
import io.setsync.console.PageLogins;
import io.setsync.console.ResultJson;
import io.setsync.monitor.Monitor;
import io.setsync.monitor.Result;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The node's read-only status page: static files from the jar ({@code web/}), and the JSON they
 * read, each as the visitor's caller may see it. A visitor gets in only with a login from {@code
 * OPEN PAGE} ({@link PageLogins}); the page then asks the monitor as that caller, so it shows what
 * STATUS and INFO would show them at a console, and nothing more. Live: {@code /api/stream} sends
 * the status every second as server-sent events.
 */
final class StatusPage extends AllDirectives {

  static final String COOKIE = "setsync_session";
  /** How often the stream sends the status. */
  static final Duration TICK = Duration.ofSeconds(1);
  static final Duration ASK = Duration.ofSeconds(10);
  /** The most log records the page asks for at once. */
  static final int MAX_LOG = 1000;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ActorSystem<?> system;
  private final ActorRef<Monitor.Command> monitor;
  private final PageLogins logins;
  private final boolean https;
  private final RecentRuns recent = new RecentRuns();
  private final java.nio.file.Path eventsFile;

  StatusPage(ActorSystem<?> system, ActorRef<Monitor.Command> monitor, boolean https) {
    this.system = system;
    this.monitor = monitor;
    this.logins = PageLogins.get(system);
    this.https = https;
    this.eventsFile = java.nio.file.Path.of(system.settings().config().getString("setsync.home"), "logs", "events.jsonl");
  }

  Route routes() {
    return respondWithHeaders(List.of(
            RawHeader.create("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"),
            RawHeader.create("X-Content-Type-Options", "nosniff"),
            RawHeader.create("Referrer-Policy", "no-referrer"),
            RawHeader.create("Cache-Control", "no-store")),
        () -> concat(
            path("login", () -> get(() -> parameterOptional("token", this::login))),
            visitor(caller -> concat(files(), api(caller)))));
  }

  /** The page itself: static files from the jar, no build step. */
  private Route files() {
    return concat(
        pathSingleSlash(() -> get(() -> getFromResource("web/index.html", ContentTypes.TEXT_HTML_UTF8))),
        path("app.js", () -> get(() -> getFromResource("web/app.js", utf8(MediaTypes.APPLICATION_JAVASCRIPT)))),
        path("app.css", () -> get(() -> getFromResource("web/app.css", utf8(MediaTypes.TEXT_CSS)))));
  }

  private static akka.http.javadsl.model.ContentType utf8(akka.http.javadsl.model.MediaType.WithOpenCharset type) {
    return ContentTypes.create(type, HttpCharsets.UTF_8);
  }

  private Route api(Caller caller) {
    return pathPrefix("api", () -> concat(
        path("status", () -> get(() -> onSuccess(status(caller), this::json))),
        path("log", () -> get(() -> parameter("fileSet", id -> parameterOptional("last",
            last -> onSuccess(log(caller, id, last.orElse("100")), this::json))))),
        path("stream", () -> get(() -> completeOK(stream(caller), EventStreamMarshalling.toEventStream()))),
        path("events", () -> get(() -> onSuccess(events(caller), body -> body == null
            ? complete(StatusCodes.FORBIDDEN, "the events are shown to administrators\n")
            : complete(HttpEntities.create(ContentTypes.APPLICATION_JSON, body)))))));
  }

  /**
   * The page and its data only for a session from a login, or (TLS on) for the holder of an
   * administrator's certificate of this cluster, who sees what the node's own account sees, as a
   * remote console does; anyone else gets one line.
   */
  private Route visitor(Function<Caller, Route> inner) {
    return optionalCookie(COOKIE, cookie -> optionalHeaderValueByType(TlsSessionInfo.class, tls -> {
      java.util.Optional<Caller> caller = cookie.flatMap(c -> logins.session(c.value()));
      if (caller.isEmpty() && tls.isPresent() && administrator(tls.get().getSession())) {
        caller = java.util.Optional.of(Caller.thisProcess());
      }
      if (caller.isPresent()) return inner.apply(caller.get());
      return complete(StatusCodes.UNAUTHORIZED, "no login: run scripts/setsync console \"OPEN PAGE\" on this node's"
          + " machine and open the address it prints" + (https ? ", or present an administrator's certificate" : "")
          + "\n");
    }));
  }

  /** Whether the TLS client presented an administrator's certificate of this cluster (the CA already checked it). */
  private boolean administrator(javax.net.ssl.SSLSession session) {
    try {
      java.security.cert.Certificate[] chain = session.getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof java.security.cert.X509Certificate x509)) return false;
      io.setsync.transfer.PeerIdentity peer = io.setsync.transfer.PeerIdentity.of(x509);
      return peer.administers(io.setsync.transfer.NodeTls.get(system).own());
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      return false; // no client certificate: only a login admits
    }
  }

  private Route login(java.util.Optional<String> token) {
    java.util.Optional<String> session = token.flatMap(logins::redeem);
    if (session.isEmpty()) {
      return complete(StatusCodes.FORBIDDEN, "this login is unknown, used or expired: run scripts/setsync console"
          + " \"OPEN PAGE\" again\n");
    }
    HttpCookie cookie = HttpCookie.create(COOKIE, session.get()).withPath("/").withHttpOnly(true)
        .withSameSite(SameSite.Strict).withSecure(https);
    return setCookie(cookie, () -> redirect(Uri.create("/"), StatusCodes.SEE_OTHER));
  }

  private Route json(String body) {
    return complete(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
  }

  private Source<ServerSentEvent, NotUsed> stream(Caller caller) {
    return Source.tick(Duration.ZERO, TICK, "tick")
        .mapMaterializedValue(c -> NotUsed.getInstance())
        .mapAsync(1, t -> status(caller))
        .map(ServerSentEvent::create);
  }

  // ---------------------------------------------------------------- what the page reads

  private CompletionStage<Result> ask(Caller caller, Statement statement) {
    return AskPattern.<Monitor.Command, Result>ask(monitor,
            replyTo -> new Monitor.Execute(statement, caller, caller.account(), replyTo), ASK, system.scheduler())
        .exceptionally(e -> Result.Done.error("the monitor did not answer within " + ASK.toSeconds() + " s"));
  }

  /** The cluster's nodes, the caller's file sets (overdue first) and running syncs, and their recent runs. */
  private CompletionStage<String> status(Caller caller) {
    return ask(caller, new Statement.Status(Statement.StatusObject.SYNCFILESET, null, true)).thenApply(result -> {
      ObjectNode page = JSON.createObjectNode();
      page.put("caller", caller.account());
      page.put("time", System.currentTimeMillis());
      page.set("nodes", nodes());
      Set<Long> visible = new TreeSet<>();
      if (result instanceof Result.Status s) {
        for (Result.FileSetView f : s.fileSets()) {
          visible.add(f.id());
          recent.saw(f.id(), f.last());
        }
      }
      page.set("status", tree(ResultJson.of(result)));
      page.set("recent", recentOf(visible));
      return page.toString();
    }).exceptionally(e -> {
      // One bad tick must not end the page's stream: it says so, and the next tick tries again.
      system.log().warn("status page: {}", e.toString());
      ObjectNode page = JSON.createObjectNode();
      page.put("caller", caller.account());
      page.put("time", System.currentTimeMillis());
      page.set("nodes", JSON.createArrayNode());
      page.set("status", tree(ResultJson.error("the page could not read the status: " + e.getMessage())));
      return page.toString();
    });
  }

  private ObjectNode recentOf(Set<Long> visible) {
    ObjectNode out = JSON.createObjectNode();
    recent.of(visible).forEach((id, runs) -> {
      ArrayNode list = out.putArray(Long.toString(id));
      for (RecentRuns.Run r : runs) {
        list.addObject().put("endedMillis", r.endedMillis()).put("seconds", r.seconds()).put("bytes", r.bytes())
            .put("files", r.files()).put("code", r.code());
      }
    });
    return out;
  }

  /** INFO SYNCFILESET id, LOG LAST n as the caller: the monitor refuses another user's file set. */
  private CompletionStage<String> log(Caller caller, String id, String last) {
    long fileSet;
    int n;
    try {
      fileSet = Long.parseLong(id);
      n = Integer.parseInt(last);
    } catch (NumberFormatException e) {
      return CompletableFuture.completedFuture(ResultJson.error("fileSet and last must be whole numbers"));
    }
    if (fileSet < 1 || n < 1 || n > MAX_LOG) {
      return CompletableFuture.completedFuture(ResultJson.error("fileSet must be at least 1, last from 1 to " + MAX_LOG));
    }
    return ask(caller, new Statement.InfoFileSet(fileSet, n)).thenApply(ResultJson::of);
  }

  /** The most recent events the page shows. */
  static final int EVENTS_SHOWN = 200;

  /**
   * This node's last events (its events file), to administrators only: they name every user and
   * path. Null for anyone else. The monitor says who is an administrator (ENV's role).
   */
  private CompletionStage<String> events(Caller caller) {
    return ask(caller, Statement.Env.INSTANCE).thenApplyAsync(result -> {
      String role = result instanceof Result.Env env ? env.values().getOrDefault("role", "") : "";
      if (!role.equals("administrator") && !role.equals("authorizer")) return null;
      ArrayNode events = JSON.createArrayNode();
      for (String line : io.setsync.log.Events.lastLines(eventsFile, EVENTS_SHOWN)) {
        try {
          events.add(JSON.readTree(line));
        } catch (java.io.IOException e) {
          // a line cut by rotation: left out
        }
      }
      return events.toString();
    }, system.dispatchers().lookup(akka.actor.typed.DispatcherSelector.fromConfig("setsync.io-dispatcher")));
  }

  /** The cluster's members as this node sees them: address, status, reachability, roles. */
  private ArrayNode nodes() {
    ArrayNode nodes = JSON.createArrayNode();
    akka.cluster.ClusterEvent.CurrentClusterState state = Cluster.get(system).state();
    Set<Member> unreachable = state.getUnreachable();
    for (Member m : state.getMembers()) {
      ObjectNode n = nodes.addObject();
      n.put("address", m.address().getHost().orElse("?") + ":" + m.address().getPort().orElse(0));
      n.put("status", m.status().toString());
      n.put("reachable", !unreachable.contains(m));
      ArrayNode roles = n.putArray("roles");
      m.getRoles().stream().filter(r -> !r.startsWith("dc-")).forEach(roles::add);
    }
    return nodes;
  }

  private static com.fasterxml.jackson.databind.JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("a result's JSON did not read back", e);
    }
  }
}
