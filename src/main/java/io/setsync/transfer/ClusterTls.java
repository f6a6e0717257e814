package io.setsync.transfer;

import akka.actor.AbstractActor;
import akka.actor.ActorRef;
import akka.actor.ActorSystem;
import akka.actor.Props;
import akka.event.Logging;
import akka.remote.artery.tcp.SSLEngineProvider;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * Artery's TLS (akka.remote.artery.ssl.ssl-engine-provider, conf/cluster-tls.conf): the cluster
 * port's engines from the same files, protocol and suites as the data plane ({@link NodeTls},
 * reread after ssl-context-cache-ttl), which refuses a peer the cluster does not know with one WARN
 * line. Akka's RotatingKeysSSLEngineProvider refuses the same peers but says nothing.
 *
 * <p>A peer is taken when its certificate chains to the CA (the JDK's PKIX checks, expiry
 * included) and {@link PeerIdentity#clusterPortRefusal} has nothing against it: a node of this
 * cluster, or an administrator's certificate for it (a remote console joins as a member).
 *
 * <p>Where a refused peer is: Artery creates the engine of an inbound connection with its own bind
 * address ({@code createServerSSLEngine(bindHost, bindPort)}, and the session's peer host is the
 * engine's), so nothing the provider is given names the remote end. Only Akka's TCP stage knows it,
 * and says it in a DEBUG line when the connection closes ("Closing connection from ADDR:PORT
 * because downstream cancelled stream without failure", or "Aborting ..."). An inbound engine is
 * {@link Watched}: it tells the handshake's failure (the trust manager's text, or the JDK's for a
 * plaintext peer or a missing certificate), as the session check tells its refusals, to
 * {@link InboundRefusals}, which pairs each with the next such line ({@link Pairing}) and logs the
 * WARN line with the address. An outbound connection's engine has the remote's host and port, and
 * its refusals are logged at once.
 *
 * <p>This provider reads the files with its own {@link NodeTls} (Akka creates it while the
 * ActorSystem starts, before the node's extension exists): the same files, read once more.
 */
public final class ClusterTls implements SSLEngineProvider {

  private static final Logger log = LoggerFactory.getLogger(ClusterTls.class);

  private final NodeTls tls;
  /** Where inbound refusals go to be logged with the peer's address; logs them itself when null. */
  private final ActorRef refusals;
  /** Who the remote consoles this node has connected to are; null in unit tests. */
  private final Admins admins;
  /** A remote console's (an administrator's certificate): it logs no refusals. */
  private final boolean quiet;
  private volatile Built built;

  /** An SSLContext built from one read of the files, the trust manager wrapped. */
  private record Built(NodeTls.Material material, SSLContext context) {}

  /** As Akka instantiates providers (ArteryTcpTransport, by class name). */
  public ClusterTls(ActorSystem system) {
    this(nodeTls(system), system);
  }

  private ClusterTls(NodeTls tls, ActorSystem system) {
    this.tls = tls;
    context(); // unusable files stop the ActorSystem now, with NodeTls's message
    // A remote console (an administrator's certificate) has no strangers to report, and keeps
    // Akka's logging as quiet as it set it.
    this.quiet = tls.own().isAdministrator();
    this.refusals = quiet ? null : InboundRefusals.start(system, bind(system));
    this.admins = ADMINS.get(system);
  }

  /** For unit tests: no ActorSystem, inbound refusals logged without an address. */
  ClusterTls(NodeTls tls) {
    this.tls = tls;
    context();
    this.quiet = false;
    this.refusals = null;
    this.admins = null;
  }

  private static String bind(ActorSystem system) {
    com.typesafe.config.Config c = system.settings().config();
    String host = c.getString("akka.remote.artery.bind.hostname");
    if (host.isEmpty()) host = c.getString("akka.remote.artery.canonical.hostname");
    String port = c.getString("akka.remote.artery.bind.port");
    if (port.isEmpty()) port = c.getString("akka.remote.artery.canonical.port");
    return host + ":" + port;
  }

  /**
   * This node connected to a peer it refused (Artery tries again, and each try is logged). A
   * remote console says nothing: its one line, when no node takes it, says what to check.
   */
  private void refusedOutbound(String peer, String reason) {
    if (quiet) log.debug("cluster port: refused the node at {}: TLS: {}", peer, reason);
    else log.warn("cluster port: refused the node at {}: TLS: {}", peer, reason);
  }

  /** An inbound connection was refused: logged once Akka says from where. */
  private void refusedInbound(String reason) {
    if (refusals != null) refusals.tell(new InboundRefusals.Refused(reason, System.nanoTime()), ActorRef.noSender());
    else if (!quiet) log.warn("cluster port: refused a connection: TLS: {}", reason);
  }

  private static NodeTls nodeTls(ActorSystem system) {
    NodeTls tls = new NodeTls(system.settings().config());
    if (!tls.enabled()) {
      throw new IllegalArgumentException(ClusterTls.class.getName() + " needs setsync.tls.enabled = on");
    }
    return tls;
  }

  // ---------------------------------------------------------------- SSLEngineProvider

  @Override
  public SSLEngine createServerSSLEngine(String hostname, int port) {
    return engine(false, hostname, port);
  }

  @Override
  public SSLEngine createClientSSLEngine(String hostname, int port) {
    return engine(true, hostname, port);
  }

  /** Inbound: the peer connected to us (hostname is our own bind address). */
  @Override
  public Option<Throwable> verifyServerSession(String hostname, SSLSession session) {
    return verify(session, null);
  }

  /** Outbound: we connected to {@code hostname}. */
  @Override
  public Option<Throwable> verifyClientSession(String hostname, SSLSession session) {
    return verify(session, hostname + ":" + session.getPeerPort());
  }

  // ---------------------------------------------------------------- administrators

  /**
   * The administrators' certificates of the remote consoles this node connected to, by the
   * console's cluster address (host:port). Artery connects to a console's canonical address to
   * answer its join, so by the time the console sends a statement its certificate is here; the
   * console's inbound connection cannot be told apart (Artery gives the provider no address), so
   * only the outbound one names it.
   */
  public static final class Admins implements akka.actor.Extension {
    private static final int MAX = 1024; // consoles come and go; their entries are small
    private final java.util.concurrent.ConcurrentHashMap<String, String> byAddress = new java.util.concurrent.ConcurrentHashMap<>();

    void seen(String hostPort, String name) {
      if (byAddress.size() >= MAX) byAddress.clear();
      byAddress.put(hostPort, name);
    }

    /** The administrator's name (the certificate's CN) of the console at host:port, if known. */
    public Optional<String> nameOf(String hostPort) {
      return Optional.ofNullable(byAddress.get(hostPort));
    }
  }

  public static final class AdminsId extends akka.actor.AbstractExtensionId<Admins> {
    @Override
    public Admins createExtension(akka.actor.ExtendedActorSystem system) {
      return new Admins();
    }
  }

  public static final AdminsId ADMINS = new AdminsId();

  // ---------------------------------------------------------------- the pieces

  private SSLEngine engine(boolean client, String hostname, int port) {
    SSLEngine engine = context().createSSLEngine(hostname, port);
    engine.setUseClientMode(client);
    engine.setEnabledProtocols(new String[] {tls.protocol()});
    engine.setEnabledCipherSuites(tls.suites());
    if (client) return engine;
    engine.setNeedClientAuth(true);
    return new Watched(engine, this::refusedInbound);
  }

  private Option<Throwable> verify(SSLSession session, String outboundTo) {
    Optional<String> refusal;
    try {
      if (!(session.getPeerCertificates()[0] instanceof X509Certificate peer)) {
        refusal = Optional.of("the peer presented no X.509 certificate");
      } else {
        PeerIdentity identity = PeerIdentity.of(peer);
        refusal = identity.clusterPortRefusal(tls.own());
        if (refusal.isEmpty() && outboundTo != null && identity.isAdministrator() && admins != null) {
          admins.seen(outboundTo, identity.commonName());
        }
      }
    } catch (SSLPeerUnverifiedException | ArrayIndexOutOfBoundsException e) {
      refusal = Optional.of("the peer presented no certificate");
    }
    if (refusal.isEmpty()) return Option.empty();
    if (outboundTo != null) refusedOutbound(outboundTo, refusal.get());
    else refusedInbound(refusal.get());
    return Option.apply(new SSLPeerUnverifiedException(InboundRefusals.TAG + refusal.get()));
  }

  /** The SSLContext of the files as NodeTls last read them; rebuilt after it rereads them. */
  private SSLContext context() {
    NodeTls.Material material = tls.material();
    Built now = built;
    if (now != null && now.material() == material) return now.context();
    try {
      SSLContext context = SSLContext.getInstance(tls.protocol());
      context.init(material.keyManagers(), new TrustManager[] {new Logged(material.trustManager(), this::refusedOutbound)}, null);
      built = new Built(material, context);
      return context;
    } catch (GeneralSecurityException e) {
      throw new NodeTls.TlsSetupException("TLS: cannot build the cluster port's context from " + tls.files()
          + ": " + e.getMessage(), e);
    }
  }

  /**
   * The JDK's trust manager, whose refusals carry a text that says what was wrong (no path to the
   * CA, expired), marked with {@link InboundRefusals#TAG} so that {@link Watched#reason} finds it
   * in the handshake's exception; logged at once when this node was the one connecting (the
   * engine then has the remote's host and port).
   */
  static final class Logged extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager jdk;
    private final java.util.function.BiConsumer<String, String> refusedOutbound;

    Logged(X509ExtendedTrustManager jdk, java.util.function.BiConsumer<String, String> refusedOutbound) {
      this.jdk = jdk;
      this.refusedOutbound = refusedOutbound;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      try {
        jdk.checkClientTrusted(chain, authType, engine);
      } catch (CertificateException e) {
        throw refused(chain, e, null);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      try {
        jdk.checkServerTrusted(chain, authType, engine);
      } catch (CertificateException e) {
        throw refused(chain, e, engine.getPeerHost() + ":" + engine.getPeerPort());
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      jdk.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      jdk.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      jdk.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      jdk.checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return jdk.getAcceptedIssuers();
    }

    private CertificateException refused(X509Certificate[] chain, CertificateException e, String outboundTo) {
      String who = chain == null || chain.length == 0 ? "no certificate" : "the certificate " + PeerIdentity.of(chain[0]);
      String reason = who + ": " + describe(e);
      if (outboundTo != null) refusedOutbound.accept(outboundTo, reason);
      return new CertificateException(InboundRefusals.TAG + reason, e);
    }

    /**
     * "expired (NotAfter: ...)", "not yet valid (...)", "does not chain to this node's CA (the JDK's
     * innermost reason)", or that reason alone.
     */
    static String describe(Throwable e) {
      Throwable t = e;
      boolean path = false;
      while (true) {
        if (t instanceof java.security.cert.CertificateExpiredException) return "expired (" + t.getMessage() + ")";
        if (t instanceof java.security.cert.CertificateNotYetValidException) return "not yet valid (" + t.getMessage() + ")";
        path |= t instanceof java.security.cert.CertPathValidatorException || t instanceof java.security.cert.CertPathBuilderException;
        if (t.getCause() == null || t.getCause() == t) break;
        t = t.getCause();
      }
      String why = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (path) return "does not chain to this node's CA (" + why + ")";
      return why;
    }
  }

  // ---------------------------------------------------------------- the peer's address

  /**
   * An inbound connection's engine: the JDK's, which says here why a handshake failed (a plaintext
   * peer's bytes, a certificate the trust manager refused, no common suite) so the refusal can be
   * logged with the address Akka gives later ({@link InboundRefusals}). Everything else is the
   * JDK engine's.
   */
  static final class Watched extends SSLEngine {
    private final SSLEngine jdk;
    private final java.util.function.Consumer<String> refused;
    private boolean told;
    /** After the handshake an SSLException is a broken connection, not a refusal: Akka's to handle. */
    private boolean handshaken;

    Watched(SSLEngine jdk, java.util.function.Consumer<String> refused) {
      super(jdk.getPeerHost(), jdk.getPeerPort());
      this.jdk = jdk;
      this.refused = refused;
    }

    private javax.net.ssl.SSLEngineResult seen(javax.net.ssl.SSLEngineResult result) {
      if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) handshaken = true;
      return result;
    }

    private javax.net.ssl.SSLException told(javax.net.ssl.SSLException e) {
      if (!told && !handshaken) {
        told = true;
        refused.accept(reason(e));
      }
      return e;
    }

    /** Our trust manager's text when it refused, else the JDK's (e.g. "Unsupported or unrecognized SSL message"). */
    static String reason(Throwable e) {
      for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
        String m = t.getMessage();
        if (m != null && m.startsWith(InboundRefusals.TAG)) return m.substring(InboundRefusals.TAG.length());
      }
      String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (m.contains("nrecognized SSL message") && !m.contains("plaintext")) return m + " (not TLS: a plaintext peer?)";
      if (m.contains("Empty client certificate chain")) return m + " (the peer presented no certificate)";
      if (m.startsWith("Received fatal alert: certificate") || m.startsWith("Received fatal alert: unknown_ca")
          || m.startsWith("Received fatal alert: bad_certificate")) {
        return "the peer ended the handshake: " + m + " (it does not trust this node's certificate: another CA?)";
      }
      return m;
    }

    @Override
    public javax.net.ssl.SSLEngineResult wrap(java.nio.ByteBuffer[] srcs, int offset, int length, java.nio.ByteBuffer dst)
        throws javax.net.ssl.SSLException {
      try {
        return seen(jdk.wrap(srcs, offset, length, dst));
      } catch (javax.net.ssl.SSLException e) {
        throw told(e);
      }
    }

    @Override
    public javax.net.ssl.SSLEngineResult unwrap(java.nio.ByteBuffer src, java.nio.ByteBuffer[] dsts, int offset, int length)
        throws javax.net.ssl.SSLException {
      try {
        return seen(jdk.unwrap(src, dsts, offset, length));
      } catch (javax.net.ssl.SSLException e) {
        throw told(e);
      }
    }

    @Override public Runnable getDelegatedTask() { return jdk.getDelegatedTask(); }
    @Override public void closeInbound() throws javax.net.ssl.SSLException { jdk.closeInbound(); }
    @Override public boolean isInboundDone() { return jdk.isInboundDone(); }
    @Override public void closeOutbound() { jdk.closeOutbound(); }
    @Override public boolean isOutboundDone() { return jdk.isOutboundDone(); }
    @Override public String[] getSupportedCipherSuites() { return jdk.getSupportedCipherSuites(); }
    @Override public String[] getEnabledCipherSuites() { return jdk.getEnabledCipherSuites(); }
    @Override public void setEnabledCipherSuites(String[] suites) { jdk.setEnabledCipherSuites(suites); }
    @Override public String[] getSupportedProtocols() { return jdk.getSupportedProtocols(); }
    @Override public String[] getEnabledProtocols() { return jdk.getEnabledProtocols(); }
    @Override public void setEnabledProtocols(String[] protocols) { jdk.setEnabledProtocols(protocols); }
    @Override public SSLSession getSession() { return jdk.getSession(); }
    @Override public SSLSession getHandshakeSession() { return jdk.getHandshakeSession(); }
    @Override public void beginHandshake() throws javax.net.ssl.SSLException { jdk.beginHandshake(); }
    @Override public javax.net.ssl.SSLEngineResult.HandshakeStatus getHandshakeStatus() { return jdk.getHandshakeStatus(); }
    @Override public void setUseClientMode(boolean mode) { jdk.setUseClientMode(mode); }
    @Override public boolean getUseClientMode() { return jdk.getUseClientMode(); }
    @Override public void setNeedClientAuth(boolean need) { jdk.setNeedClientAuth(need); }
    @Override public boolean getNeedClientAuth() { return jdk.getNeedClientAuth(); }
    @Override public void setWantClientAuth(boolean want) { jdk.setWantClientAuth(want); }
    @Override public boolean getWantClientAuth() { return jdk.getWantClientAuth(); }
    @Override public void setEnableSessionCreation(boolean flag) { jdk.setEnableSessionCreation(flag); }
    @Override public boolean getEnableSessionCreation() { return jdk.getEnableSessionCreation(); }
    @Override public javax.net.ssl.SSLParameters getSSLParameters() { return jdk.getSSLParameters(); }
    @Override public void setSSLParameters(javax.net.ssl.SSLParameters params) { jdk.setSSLParameters(params); }
    @Override public String getApplicationProtocol() { return jdk.getApplicationProtocol(); }
    @Override public String getHandshakeApplicationProtocol() { return jdk.getHandshakeApplicationProtocol(); }
  }

  /**
   * Logs each inbound refusal with the peer's address: a refusal (from {@link Watched} or the
   * session check) waits here until Akka's TCP stage closes the connection and names its remote
   * end in a DEBUG line ("Closing connection from ADDR:PORT because downstream cancelled stream
   * without failure", or "Aborting ..."), which comes right after the TLS stage fails (the
   * refusal is told before that failure, so it is here first). The oldest waiting refusal is
   * paired with the next such line. Two strangers refused at the same instant might swap
   * addresses, and a member's connection closing in that instant might lend its own; a refusal
   * that no line follows within {@link #WAIT} is logged without an address.
   *
   * <p>Those DEBUG lines reach the event stream only with it at DEBUG and the stage's SLF4J logger
   * at DEBUG (Slf4jLoggingFilter asks both): this sets both, the logger without appenders (its
   * lines reach no file), so every other logger's level is as NodeLogging set it, and no other
   * DEBUG line is written anywhere. (Akka builds almost all of its loggers with that filter; the few
   * that only ask the event stream then publish DEBUG events that Slf4jLogger drops.)
   */
  static final class InboundRefusals extends AbstractActor {
    /** Marks the refusals written here, so they are told from the JDK's own messages. */
    static final String TAG = "setsync refused: ";

    static final java.time.Duration WAIT = java.time.Duration.ofSeconds(5);

    private static final String STAGE_LOGGER = "akka.stream.impl.io.TcpConnectionStage";

    /** "Closing connection from 127.0.0.1:5 because ..." / "Aborting tcp connection to /127.0.0.1:5 because ...". */
    private static final java.util.regex.Pattern LINE = java.util.regex.Pattern.compile(
        "(?:Closing|Aborting) (?:tcp )?connection (?:from|to) /?(\\S+) because");

    /** Told by engines within this JVM only. */
    record Refused(String reason, long atNanos) implements akka.actor.NoSerializationVerificationNeeded {}

    private record Flush() implements akka.actor.NoSerializationVerificationNeeded {}

    private final Pairing pairing;

    private InboundRefusals(String bind) {
      this.pairing = new Pairing(bind, WAIT);
    }

    static ActorRef start(ActorSystem system, String bind) {
      ActorRef listener = ((akka.actor.ExtendedActorSystem) system).systemActorOf(
          Props.create(InboundRefusals.class, () -> new InboundRefusals(bind)), "cluster-tls-refusals");
      ch.qos.logback.classic.Logger stage = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(STAGE_LOGGER);
      stage.setLevel(ch.qos.logback.classic.Level.DEBUG);
      stage.setAdditive(false);
      if (system.eventStream().logLevel() < Logging.DebugLevel()) system.eventStream().setLogLevel(Logging.DebugLevel());
      system.eventStream().subscribe(listener, Logging.Debug.class);
      return listener;
    }

    /** The peer's address in one of the stage's lines, or empty. */
    static Optional<String> address(String line) {
      java.util.regex.Matcher m = LINE.matcher(line);
      return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(Refused.class, r -> {
            pairing.refused(r);
            getContext().getSystem().scheduler().scheduleOnce(
                WAIT.plusMillis(100), getSelf(), new Flush(), getContext().getDispatcher(), ActorRef.noSender());
          })
          .match(Logging.Debug.class, d -> {
            if (d.logClass().getName().startsWith(STAGE_LOGGER)) {
              pairing.closed(String.valueOf(d.message()), System.nanoTime()).forEach(log::warn);
            }
          })
          .match(Flush.class, f -> pairing.expired(System.nanoTime()).forEach(log::warn))
          .build();
    }
  }

  /**
   * The pairing of refusals with the stage's lines, as plain logic: what to log when a refusal
   * comes, when the stage names a closed connection, and when a refusal has waited too long.
   */
  static final class Pairing {
    private final java.util.ArrayDeque<InboundRefusals.Refused> waiting = new java.util.ArrayDeque<>();
    private final String bind;
    private final java.time.Duration wait;

    Pairing(String bind, java.time.Duration wait) {
      this.bind = bind;
      this.wait = wait;
    }

    void refused(InboundRefusals.Refused refusal) {
      waiting.add(refusal);
    }

    /** The lines to log for the stage's {@code line} at {@code now}: the expired refusals', and the oldest one's with the address. */
    java.util.List<String> closed(String line, long now) {
      java.util.List<String> out = new ArrayList<>(expired(now));
      if (waiting.isEmpty()) return out;
      InboundRefusals.address(line).ifPresent(peer ->
          out.add("cluster port " + bind + ": refused a connection from " + peer + ": TLS: " + waiting.poll().reason()));
      return out;
    }

    /** The lines of the refusals that have waited {@code wait} for an address: logged without one. */
    java.util.List<String> expired(long now) {
      java.util.List<String> out = new ArrayList<>();
      while (!waiting.isEmpty() && now - waiting.peek().atNanos() >= wait.toNanos()) {
        out.add("cluster port " + bind + ": refused a connection (Akka named no peer address within " + wait.toSeconds()
            + " s): TLS: " + waiting.poll().reason());
      }
      return out;
    }
  }
}
