package io.setsync.transfer;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import akka.stream.TLSClosing;
import akka.stream.TLSProtocol;
import akka.stream.javadsl.BidiFlow;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.TLS;
import akka.stream.javadsl.Tcp;
import akka.util.ByteString;
import com.typesafe.config.Config;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS with mutual authentication on the data plane (sessions and content lanes), from the same
 * PEM files, protocol and cipher suites as Artery's engines ({@link ClusterTls}, which builds them
 * from this class's {@link #material()}): the settings under
 * {@code akka.remote.artery.ssl.rotating-keys-engine} configure both planes, so a node has one
 * certificate and one place to say how it is used (conf/cluster-tls.conf).
 *
 * <p>Like Akka's provider, the files are read again once {@code ssl-context-cache-ttl} has passed,
 * so certificates rotate without a restart; a reread that fails keeps the previous ones (and says
 * so). A peer is taken for a node only if its certificate chains to the node's CA (the JDK's PKIX
 * checks, expiry included) and shares a subject name with this node's own certificate (Akka's
 * PeerSubjectVerifier rule: scripts/certs gives every node certificate the cluster's name); a
 * source also checks that the destination's certificate names the host it connected to.
 *
 * <p>Off ({@code setsync.tls.enabled = off}): every method that connects or accepts is plain TCP.
 */
public final class NodeTls implements Extension {

  private static final Logger log = LoggerFactory.getLogger(NodeTls.class);

  private static final Id ID = new Id();

  public static NodeTls get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private static final class Id extends ExtensionId<NodeTls> {
    @Override
    public NodeTls createExtension(ActorSystem<?> system) {
      return new NodeTls(system.settings().config());
    }
  }

  /** The node's TLS files cannot be used; the message names the file and the reason. */
  public static final class TlsSetupException extends RuntimeException {
    TlsSetupException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * What one read of the files gave, for Artery's provider ({@link ClusterTls}), which builds its
   * own SSLContext from them so that it can wrap the trust manager: the same key, certificate and
   * CA as this plane's. A new instance after every successful reread.
   */
  public record Material(KeyManager[] keyManagers, X509ExtendedTrustManager trustManager, PeerIdentity own) {}

  /** What one read of the files gave. */
  private record Loaded(SSLContext context, X509Certificate certificate, PeerIdentity own, Material material,
      long readAtNanos) {}

  /** Artery's engine settings, whose files, protocol and suites this plane uses too. */
  private static final String ENGINE = "akka.remote.artery.ssl.rotating-keys-engine";

  private final boolean enabled;
  private final Path keyFile;
  private final Path certFile;
  private final Path caFile;
  private final String protocol;
  private final String[] suites;
  private final Duration reread;
  private final boolean verifyEndpointHost;
  /** The common names of the IPHOST source nodes this node accepts (setsync.iphost.accept). */
  private final java.util.Set<String> ipHostSources;
  private final SecureRandom random = new SecureRandom();
  private volatile Loaded loaded;

  /** {@code config}: the whole configuration (setsync.tls and Artery's rotating-keys-engine). */
  public NodeTls(Config config) {
    this.enabled = config.getBoolean("setsync.tls.enabled");
    if (enabled || config.hasPath(ENGINE)) {
      Config files = config.getConfig(ENGINE);
      this.keyFile = Path.of(files.getString("key-file"));
      this.certFile = Path.of(files.getString("cert-file"));
      this.caFile = Path.of(files.getString("ca-cert-file"));
      this.protocol = files.getString("protocol");
      this.suites = files.getStringList("enabled-algorithms").toArray(String[]::new);
      this.reread = files.getDuration("ssl-context-cache-ttl");
    } else {
      // A node without a cluster and without TLS does not load Artery's configuration at all.
      this.keyFile = null;
      this.certFile = null;
      this.caFile = null;
      this.protocol = null;
      this.suites = new String[0];
      this.reread = Duration.ZERO;
    }
    this.verifyEndpointHost = config.getBoolean("setsync.tls.verify-endpoint-host");
    this.ipHostSources = config.getConfigList("setsync.iphost.accept").stream()
        .map(source -> source.getString("node")).collect(java.util.stream.Collectors.toUnmodifiableSet());
    if (enabled) loaded = load(); // a node with unusable files does not start
  }

  public boolean enabled() {
    return enabled;
  }

  /** This node's own certificate's identity (TLS on). */
  public PeerIdentity own() {
    return current().own();
  }

  /** This node's certificate as last read (it changes when the files are rotated). */
  public X509Certificate ownCertificate() {
    return current().certificate();
  }

  /** The key, certificate and CA as last read (they change when the files are rotated); TLS on. */
  public Material material() {
    return current().material();
  }

  /** The one protocol both planes speak (conf/cluster-tls.conf says why TLSv1.2). */
  public String protocol() {
    return protocol;
  }

  /** The cipher suites both planes allow. */
  public String[] suites() {
    return suites.clone();
  }

  /** The files that configure it, for messages. */
  public String files() {
    return keyFile + ", " + certFile + ", " + caFile;
  }

  // ---------------------------------------------------------------- the session connection

  /** The source's connection to a destination's endpoint: TLS when on, else plain TCP. */
  public Flow<ByteString, ByteString, CompletionStage<Tcp.OutgoingConnection>> connect(
      ActorSystem<?> system, String host, int port) {
    return connect(system, host, port, false);
  }

  /**
   * As above; {@code outsideCluster}: to an IPHOST node, which is not of this cluster: its
   * certificate, from the same CA, must name {@code host} instead of sharing the cluster's name.
   */
  public Flow<ByteString, ByteString, CompletionStage<Tcp.OutgoingConnection>> connect(
      ActorSystem<?> system, String host, int port, boolean outsideCluster) {
    if (!enabled) return Tcp.get(system).outgoingConnection(host, port);
    return Tcp.get(system).outgoingConnectionWithTls(
        InetSocketAddress.createUnresolved(host, port),
        () -> engine(true, host, port),
        Optional.empty(),
        List.of(),
        Optional.empty(),
        Optional.empty(),
        session -> {
          try {
            verify(session, host, outsideCluster);
            return Optional.empty();
          } catch (SSLPeerUnverifiedException e) {
            return Optional.of(e);
          }
        },
        TLSClosing.eagerClose());
  }

  /**
   * An accepted connection's bytes through TLS (when on): {@code peer} completes with the client's
   * identity once the handshake has verified it, before any of its bytes come through.
   */
  public Flow<ByteString, ByteString, NotUsed> accept(
      Flow<ByteString, ByteString, NotUsed> tcp, CompletableFuture<PeerIdentity> peer) {
    if (!enabled) return tcp;
    return tlsOver(tcp, peer).mapMaterializedValue(kill -> NotUsed.getInstance());
  }

  /**
   * As above, and a handshake not verified within {@code deadline} aborts the TCP connection
   * beneath. Without it, a peer that starts a handshake and goes silent, or never starts one, kept
   * its socket open after its receiver had given up: Akka's TLS stage does not close TCP while a
   * handshake is pending, and the endpoint stops counting the connection once its receiver stops.
   */
  public Flow<ByteString, ByteString, NotUsed> accept(
      Flow<ByteString, ByteString, NotUsed> tcp, CompletableFuture<PeerIdentity> peer, ActorSystem<?> system,
      Duration deadline) {
    if (!enabled) return tcp;
    return tlsOver(tcp, peer).mapMaterializedValue(kill -> {
      system.scheduler().scheduleOnce(deadline, () -> {
        if (!peer.isDone()) {
          kill.abort(new javax.net.ssl.SSLHandshakeException("no TLS handshake within " + deadline.toMillis() + " ms"));
        }
      }, system.executionContext());
      return NotUsed.getInstance();
    });
  }

  private Flow<ByteString, ByteString, akka.stream.UniqueKillSwitch> tlsOver(
      Flow<ByteString, ByteString, NotUsed> tcp, CompletableFuture<PeerIdentity> peer) {
    BidiFlow<TLSProtocol.SslTlsOutbound, ByteString, ByteString, TLSProtocol.SslTlsInbound, NotUsed> tls =
        TLS.create(() -> engine(false, null, -1), session -> {
          try {
            peer.complete(verify(session, null));
          } catch (SSLPeerUnverifiedException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
          }
        }, TLSClosing.eagerClose());
    BidiFlow<ByteString, TLSProtocol.SslTlsOutbound, TLSProtocol.SslTlsInbound, ByteString, NotUsed> plain =
        BidiFlow.fromFlows(
            Flow.<ByteString>create().map(bytes -> (TLSProtocol.SslTlsOutbound) TLSProtocol.SendBytes$.MODULE$.apply(bytes)),
            Flow.<TLSProtocol.SslTlsInbound>create()
                .filter(in -> in instanceof TLSProtocol.SessionBytes)
                .map(in -> ((TLSProtocol.SessionBytes) in).bytes()));
    return plain.atop(tls)
        .atop(BidiFlow.fromGraph(akka.stream.KillSwitches.<ByteString, ByteString>singleBidi()), akka.stream.javadsl.Keep.<NotUsed, akka.stream.UniqueKillSwitch>right())
        .join(tcp, akka.stream.javadsl.Keep.<akka.stream.UniqueKillSwitch, NotUsed>left());
  }

  // ---------------------------------------------------------------- the content lane

  /** The source's lane: a TLS client over {@code channel} (connected, blocking), handshaken and verified. */
  public SSLSocket laneClient(SocketChannel channel, String host, int port) throws IOException {
    return laneClient(channel, host, port, false);
  }

  /** As above; {@code outsideCluster}: to an IPHOST node, as {@link #connect(ActorSystem, String, int, boolean)}. */
  public SSLSocket laneClient(SocketChannel channel, String host, int port, boolean outsideCluster) throws IOException {
    SSLSocket socket = (SSLSocket) current().context().getSocketFactory().createSocket(channel.socket(), host, port, true);
    configure(socket, true);
    socket.startHandshake();
    verify(socket.getSession(), host, outsideCluster);
    return socket;
  }

  /** The receiver's lane: a TLS server over an accepted {@code channel}, handshaken and verified. */
  public SSLSocket laneServer(SocketChannel channel) throws IOException {
    SSLSocket socket = (SSLSocket) current().context().getSocketFactory().createSocket(channel.socket(), null, true);
    configure(socket, false);
    socket.startHandshake();
    verify(socket.getSession(), null);
    return socket;
  }

  /**
   * An engine for the node's HTTPS server: the node's certificate, protocol and suites. A client
   * certificate is asked for but not required: /metrics and the health answers name no path or
   * user, and an administrator's certificate (checked against the CA here) admits to the page.
   */
  public SSLEngine httpsEngine() {
    SSLEngine engine = current().context().createSSLEngine();
    engine.setUseClientMode(false);
    engine.setEnabledProtocols(new String[] {protocol});
    engine.setEnabledCipherSuites(suites);
    engine.setWantClientAuth(true);
    return engine;
  }

  // ---------------------------------------------------------------- engines and verification

  private SSLEngine engine(boolean client, String host, int port) {
    SSLEngine engine = host == null ? current().context().createSSLEngine() : current().context().createSSLEngine(host, port);
    engine.setUseClientMode(client);
    engine.setEnabledProtocols(new String[] {protocol});
    engine.setEnabledCipherSuites(suites);
    if (!client) engine.setNeedClientAuth(true);
    return engine;
  }

  private void configure(SSLSocket socket, boolean client) {
    socket.setUseClientMode(client);
    socket.setEnabledProtocols(new String[] {protocol});
    socket.setEnabledCipherSuites(suites);
    if (!client) socket.setNeedClientAuth(true);
  }

  /**
   * The peer's identity, once its certificate (already chained to the CA by the trust manager) is
   * a node certificate of this cluster and, for a source ({@code host} given), names the host it
   * connected to.
   */
  PeerIdentity verify(SSLSession session, String host) throws SSLPeerUnverifiedException {
    return verify(session, host, false);
  }

  /**
   * As above. A destination outside the cluster ({@code outsideCluster}, IPHOST) need not carry
   * the cluster's name but must name the host connected to; a client outside the cluster is let
   * through here when its common name is one of setsync.iphost.accept's source nodes (which roots
   * it may write is the endpoint's decision, at its Hello).
   */
  PeerIdentity verify(SSLSession session, String host, boolean outsideCluster) throws SSLPeerUnverifiedException {
    Certificate[] chain = session.getPeerCertificates(); // throws when the peer presented none
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate x509)) {
      throw new SSLPeerUnverifiedException("the peer presented no X.509 certificate");
    }
    PeerIdentity peer = PeerIdentity.of(x509);
    if (host != null && outsideCluster) {
      if (!peer.names(host)) {
        throw new SSLPeerUnverifiedException("the IPHOST destination's certificate " + peer + " does not name " + host
            + ", the host connected to");
      }
      return peer;
    }
    if (host == null && ipHostSources.contains(peer.commonName())) return peer;
    PeerIdentity own = current().own();
    if (peer.isAdministrator()) {
      // Whatever names it has (an administrator may be called like a node), it runs consoles only.
      throw new SSLPeerUnverifiedException("the peer's certificate " + peer + " is an administrator's, not a node"
          + " certificate of this cluster: it may run a remote console, not send or receive files");
    }
    if (!peer.sharesNameWith(own)) {
      if (host == null && !ipHostSources.isEmpty()) {
        // Short, so that the log line keeps it whole: the common names say enough here.
        throw new SSLPeerUnverifiedException("the peer's certificate CN=" + peer.commonName() + " is neither of this"
            + " cluster (no subject name in common with CN=" + own.commonName() + ") nor an IPHOST source this node"
            + " accepts (setsync.iphost.accept)");
      }
      throw new SSLPeerUnverifiedException("the peer's certificate " + peer + " is not a node certificate of this"
          + " cluster: it shares no subject name with this node's " + own);
    }
    if (host != null && verifyEndpointHost && !peer.names(host)) {
      throw new SSLPeerUnverifiedException("the destination's certificate " + peer + " does not name " + host
          + ", the host connected to (setsync.tls.verify-endpoint-host)");
    }
    return peer;
  }

  // ---------------------------------------------------------------- the files

  private Loaded current() {
    Loaded now = loaded;
    if (now == null) throw new IllegalStateException("TLS is off (setsync.tls.enabled)");
    if (System.nanoTime() - now.readAtNanos() < reread.toNanos()) return now;
    synchronized (this) {
      if (loaded != now) return loaded;
      try {
        loaded = load();
        log.debug("TLS: reread {}", files());
      } catch (TlsSetupException e) {
        // The previous certificates stay in use; the next connection after another ttl tries again.
        log.warn("TLS: {}; the certificates read before stay in use", e.getMessage());
        loaded = new Loaded(now.context(), now.certificate(), now.own(), now.material(), System.nanoTime());
      }
      return loaded;
    }
  }

  private Loaded load() {
    try {
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      X509Certificate ca = (X509Certificate) certificate(x509, caFile);
      X509Certificate cert = (X509Certificate) certificate(x509, certFile);
      PrivateKey key = privateKey(keyFile);
      // As Akka's PemManagersProvider builds them, so both planes accept and present the same.
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      char[] password = "setsync".toCharArray(); // in memory only: the store never reaches a disk
      keys.setKeyEntry("node", key, password, new Certificate[] {cert, ca});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, password);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance(protocol);
      context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), random);
      X509ExtendedTrustManager trustManager = null;
      for (TrustManager m : tmf.getTrustManagers()) {
        if (m instanceof X509ExtendedTrustManager x) trustManager = x;
      }
      if (trustManager == null) throw new GeneralSecurityException("the JDK has no X509ExtendedTrustManager");
      PeerIdentity own = PeerIdentity.of(cert);
      return new Loaded(context, cert, own, new Material(kmf.getKeyManagers(), trustManager, own), System.nanoTime());
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      if (e instanceof TlsSetupException t) throw t;
      throw new TlsSetupException("TLS: cannot use " + files() + ": " + e.getMessage(), e);
    }
  }

  private static Certificate certificate(CertificateFactory factory, Path file) {
    try (var in = Files.newInputStream(file)) {
      return factory.generateCertificate(in);
    } catch (IOException | GeneralSecurityException e) {
      throw new TlsSetupException("TLS: cannot read the certificate " + file + ": " + describe(e), e);
    }
  }

  /** PKCS#8 or PKCS#1 RSA, read by Akka's own PEM reader, as Artery reads the same file. */
  private static PrivateKey privateKey(Path file) {
    try {
      String pem = Files.readString(file, StandardCharsets.US_ASCII);
      return akka.pki.pem.DERPrivateKeyLoader.load(akka.pki.pem.PEMDecoder.decode(pem));
    } catch (IOException | RuntimeException e) {
      throw new TlsSetupException("TLS: cannot read the private key " + file + ": " + describe(e), e);
    }
  }

  private static String describe(Exception e) {
    if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
    if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
