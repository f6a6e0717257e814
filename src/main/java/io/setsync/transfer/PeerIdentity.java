package io.setsync.transfer;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Who a TLS peer is, as its (already CA-verified) certificate says: the common name (a node's
 * name, from scripts/certs), the DNS names and the IP addresses of its subject alternative names.
 * Pure: built from a certificate, compared with names.
 *
 * @param commonName the subject's CN, or "" when it has none
 * @param dnsNames DNS subject alternative names, lower case
 * @param ipAddresses IP subject alternative names, as the JDK writes them
 */
public record PeerIdentity(String commonName, Set<String> dnsNames, Set<String> ipAddresses, Set<String> uris) {

  public PeerIdentity {
    dnsNames = Set.copyOf(dnsNames);
    ipAddresses = Set.copyOf(ipAddresses);
    uris = Set.copyOf(uris);
  }

  public PeerIdentity(String commonName, Set<String> dnsNames, Set<String> ipAddresses) {
    this(commonName, dnsNames, ipAddresses, Set.of());
  }

  /**
   * The URI subject alternative name that scripts/certs --admin gives an administrator's
   * certificate: {@code setsync-admin:CLUSTER}. A URI, not a DNS name, so that no host name (a
   * node's address goes into its DNS names) can look like it, and Akka's own subject check (CN and
   * DNS names only) never sees it.
   */
  public static final String ADMIN_URI_PREFIX = "setsync-admin:";

  /** General-name tags of {@link X509Certificate#getSubjectAlternativeNames()}. */
  private static final int DNS = 2;
  private static final int IP = 7;
  private static final int URI = 6;

  public static PeerIdentity of(X509Certificate certificate) {
    Set<String> dns = new TreeSet<>();
    Set<String> ips = new TreeSet<>();
    Set<String> uris = new TreeSet<>();
    try {
      Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
      if (alternatives != null) {
        for (List<?> name : alternatives) {
          if (name.size() < 2 || !(name.get(0) instanceof Integer tag) || !(name.get(1) instanceof String value)) continue;
          if (tag == DNS) dns.add(value.toLowerCase(Locale.ROOT));
          else if (tag == IP) ips.add(normalIp(value));
          else if (tag == URI) uris.add(value);
        }
      }
    } catch (CertificateParsingException e) {
      // no usable alternative names: the common name alone identifies it
    }
    return new PeerIdentity(commonName(certificate), dns, ips, uris);
  }

  private static String commonName(X509Certificate certificate) {
    try {
      for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) return String.valueOf(rdn.getValue());
      }
    } catch (InvalidNameException e) {
      // an unparsable subject has no common name
    }
    return "";
  }

  /**
   * Whether this certificate names {@code host} (a DNS name or an IP address literal): how a ticket
   * issued to the node at a cluster address is matched with the certificate of a data connection.
   */
  public boolean names(String host) {
    if (host == null || host.isEmpty()) return false;
    if (looksLikeIp(host)) return ipAddresses.contains(normalIp(host));
    String lower = host.toLowerCase(Locale.ROOT);
    return dnsNames.contains(lower) || commonName.equalsIgnoreCase(host);
  }

  /**
   * Whether the two share a subject name (CN or DNS name): Akka's rule for Artery
   * (PeerSubjectVerifier), which setsync applies on the data plane too, so that only a certificate
   * carrying the cluster's name (scripts/certs: DNS:setsync-cluster) is taken for a node's.
   */
  public boolean sharesNameWith(PeerIdentity other) {
    Set<String> mine = subjectNames();
    for (String name : other.subjectNames()) {
      if (mine.contains(name)) return true;
    }
    return false;
  }

  /**
   * The cluster this is an administrator's certificate for (its {@code setsync-admin:CLUSTER} URI
   * name), or empty for a node's certificate.
   */
  public java.util.Optional<String> administeredCluster() {
    for (String uri : uris) {
      if (uri.regionMatches(true, 0, ADMIN_URI_PREFIX, 0, ADMIN_URI_PREFIX.length())
          && uri.length() > ADMIN_URI_PREFIX.length()) {
        return java.util.Optional.of(uri.substring(ADMIN_URI_PREFIX.length()).toLowerCase(Locale.ROOT));
      }
    }
    return java.util.Optional.empty();
  }

  /** An administrator's certificate (scripts/certs --admin): never a node's, whatever names it has. */
  public boolean isAdministrator() {
    return administeredCluster().isPresent();
  }

  /**
   * Whether this administrator's certificate is for the cluster {@code node} belongs to: its
   * cluster name is one of the node certificate's subject names (scripts/certs gives every node
   * certificate DNS:CLUSTER).
   */
  public boolean administers(PeerIdentity node) {
    return !node.isAdministrator() && administeredCluster().map(node.subjectNames()::contains).orElse(false);
  }

  /**
   * Why this (CA-verified) certificate may not talk to {@code own} on the cluster port, or empty
   * when it may. A node takes a node of its cluster (a shared subject name, Akka's rule) or an
   * administrator of its cluster (a remote console joins as a member); a console, holding an
   * administrator's certificate for cluster C, takes the nodes of C (DNS:C) and C's other
   * administrators (two consoles at once are members that heartbeat each other). On the data plane
   * only nodes are taken ({@link NodeTls}).
   */
  public java.util.Optional<String> clusterPortRefusal(PeerIdentity own) {
    java.util.Optional<String> ownCluster = own.administeredCluster();
    java.util.Optional<String> peerCluster = administeredCluster();
    if (peerCluster.isPresent()) {
      boolean ours = ownCluster.map(peerCluster.get()::equals).orElseGet(() -> administers(own));
      return ours ? java.util.Optional.empty()
          : java.util.Optional.of("the administrator's certificate " + this + " is for cluster " + peerCluster.get()
              + ", not this one (" + own + ")");
    }
    boolean ours = ownCluster.map(subjectNames()::contains).orElseGet(() -> sharesNameWith(own));
    return ours ? java.util.Optional.empty()
        : java.util.Optional.of("the certificate " + this + " is not a node certificate of this cluster: it shares"
            + " no subject name with " + own);
  }

  private Set<String> subjectNames() {
    Set<String> names = new TreeSet<>(dnsNames);
    if (!commonName.isEmpty()) names.add(commonName.toLowerCase(Locale.ROOT));
    return names;
  }

  /** For log lines: "CN=n1 (DNS n1, setsync-cluster; IP 127.0.0.2)". */
  @Override
  public String toString() {
    return "CN=" + commonName + " (DNS " + String.join(", ", new TreeSet<>(dnsNames)) + "; IP "
        + String.join(", ", new TreeSet<>(ipAddresses))
        + (uris.isEmpty() ? "" : "; URI " + String.join(", ", new TreeSet<>(uris))) + ")";
  }

  private static boolean looksLikeIp(String host) {
    return host.indexOf(':') >= 0 || host.matches("[0-9.]+");
  }

  /** IPv6 literals have several spellings; the JDK's parse gives one (no lookup: it is a literal). */
  private static String normalIp(String ip) {
    String bare = ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
    if (!looksLikeIp(bare)) return bare;
    try {
      return java.net.InetAddress.getByName(bare).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return bare;
    }
  }
}
