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
public record PeerIdentity(String commonName, Set<String> dnsNames, Set<String> ipAddresses) {

  public PeerIdentity {
    dnsNames = Set.copyOf(dnsNames);
    ipAddresses = Set.copyOf(ipAddresses);
  }

  /** General-name tags of {@link X509Certificate#getSubjectAlternativeNames()}. */
  private static final int DNS = 2;
  private static final int IP = 7;

  public static PeerIdentity of(X509Certificate certificate) {
    Set<String> dns = new TreeSet<>();
    Set<String> ips = new TreeSet<>();
    try {
      Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
      if (alternatives != null) {
        for (List<?> name : alternatives) {
          if (name.size() < 2 || !(name.get(0) instanceof Integer tag) || !(name.get(1) instanceof String value)) continue;
          if (tag == DNS) dns.add(value.toLowerCase(Locale.ROOT));
          else if (tag == IP) ips.add(normalIp(value));
        }
      }
    } catch (CertificateParsingException e) {
      // no usable alternative names: the common name alone identifies it
    }
    return new PeerIdentity(commonName(certificate), dns, ips);
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

  private Set<String> subjectNames() {
    Set<String> names = new TreeSet<>(dnsNames);
    if (!commonName.isEmpty()) names.add(commonName.toLowerCase(Locale.ROOT));
    return names;
  }

  /** For log lines: "CN=n1 (DNS n1, setsync-cluster; IP 127.0.0.2)". */
  @Override
  public String toString() {
    return "CN=" + commonName + " (DNS " + String.join(", ", new TreeSet<>(dnsNames)) + "; IP "
        + String.join(", ", new TreeSet<>(ipAddresses)) + ")";
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
