package io.setsync.transfer;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Certificates made by scripts/certs for tests, and the configuration that uses one of them. */
public final class TestCerts {

  private TestCerts() {}

  static final Path SCRIPT = Paths.get(System.getProperty("basedir", ".")).toAbsolutePath().resolve("scripts/certs");

  /** Runs {@code scripts/certs dir args...}; fails the test when it fails. */
  public static void make(Path dir, String... args) throws IOException, InterruptedException {
    makeForCluster(dir, null, args);
  }

  /**
   * As {@link #make}, with node certificates that carry {@code cluster} as the cluster's name
   * (SETSYNC_TLS_CLUSTER; null: the default): nodes of another cluster under the same CA.
   */
  public static void makeForCluster(Path dir, String cluster, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(SCRIPT.toString(), dir.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (cluster != null) builder.environment().put("SETSYNC_TLS_CLUSTER", cluster);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new AssertionError("scripts/certs " + args[0] + " failed:\n" + out);
    }
  }

  /**
   * A TLS client context that presents {@code dir}'s certificate (scripts/certs' layout; null:
   * none) whatever CAs the server names, and trusts any server: for a test of what the server does
   * with the client's certificate (the JDK's own key manager would send none when its issuer is not
   * among the server's CAs).
   */
  public static javax.net.ssl.SSLContext anyServer(Path dir) throws Exception {
    javax.net.ssl.KeyManager[] keys = dir == null ? null : new javax.net.ssl.KeyManager[] {always(keyManager(dir))};
    javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLSv1.2");
    context.init(keys, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
      @Override
      public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

      @Override
      public java.security.cert.X509Certificate[] getAcceptedIssuers() {
        return new java.security.cert.X509Certificate[0];
      }
    }}, null);
    return context;
  }

  /**
   * A TLS client context as a browser with a client certificate holds one: {@code dir}'s
   * certificate (null: none), offered by the JDK's own rules, and trust in the CA of {@code ca}.
   */
  public static javax.net.ssl.SSLContext trusting(Path dir, Path ca) throws Exception {
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", certificate(ca));
    javax.net.ssl.TrustManagerFactory tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLSv1.2");
    context.init(dir == null ? null : new javax.net.ssl.KeyManager[] {keyManager(dir)}, tmf.getTrustManagers(), null);
    return context;
  }

  /** {@code dir}'s key with its certificate and CA (tls.key, tls.crt, ca.crt), under the alias "k". */
  private static javax.net.ssl.X509KeyManager keyManager(Path dir) throws Exception {
    java.security.PrivateKey key = akka.pki.pem.DERPrivateKeyLoader.load(
        akka.pki.pem.PEMDecoder.decode(java.nio.file.Files.readString(dir.resolve("tls.key"))));
    java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("k", key, "x".toCharArray(),
        new java.security.cert.Certificate[] {certificate(dir.resolve("tls.crt")), certificate(dir.resolve("ca.crt"))});
    javax.net.ssl.KeyManagerFactory kmf =
        javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, "x".toCharArray());
    return (javax.net.ssl.X509KeyManager) kmf.getKeyManagers()[0];
  }

  private static java.security.cert.Certificate certificate(Path file) throws Exception {
    try (var in = java.nio.file.Files.newInputStream(file)) {
      return java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  /** Offers alias "k" to any server, on sockets and engines alike. */
  private static javax.net.ssl.X509ExtendedKeyManager always(javax.net.ssl.X509KeyManager keys) {
    return new javax.net.ssl.X509ExtendedKeyManager() {
      @Override
      public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
        return new String[] {"k"};
      }

      @Override
      public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
        return "k";
      }

      @Override
      public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers,
          javax.net.ssl.SSLEngine engine) {
        return "k";
      }

      @Override
      public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
        return null;
      }

      @Override
      public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
        return null;
      }

      @Override
      public java.security.cert.X509Certificate[] getCertificateChain(String alias) {
        return keys.getCertificateChain(alias);
      }

      @Override
      public java.security.PrivateKey getPrivateKey(String alias) {
        return keys.getPrivateKey(alias);
      }
    };
  }

  /** The node configuration with conf/cluster-tls.conf's TLS settings and {@code nodeDir}'s files. */
  public static Config config(Path nodeDir) {
    return config(nodeDir, ConfigFactory.empty());
  }

  /** As above, with {@code overrides} first. */
  public static Config config(Path nodeDir, Config overrides) {
    Path conf = Paths.get(System.getProperty("basedir", ".")).toAbsolutePath().resolve("conf/cluster-tls.conf");
    return overrides.withFallback(ConfigFactory.parseMap(Map.of("setsync.tls.dir", nodeDir.toString())))
        .withFallback(ConfigFactory.parseFile(conf.toFile()))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }
}
