package io.setsync.node;

import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The class loader of a node without a cluster ({@code setsync sync}): it loads every class as its
 * parent does, but leaves out the {@code reference.conf} of the modules only a clustered node uses
 * (remoting, cluster, distributed data, HTTP). A one-time sync then parses about half the
 * configuration text at start, and Akka creates none of those modules' serializers, which it does
 * for every serializer configured, used or not.
 */
final class LocalReference extends ClassLoader {

  static final String REFERENCE = "reference.conf";

  /** Jar name prefixes of the modules a node without a cluster never starts. */
  static final List<String> CLUSTER_ONLY = List.of(
      "akka-remote_", "akka-cluster_", "akka-cluster-tools_", "akka-cluster-typed_", "akka-distributed-data_",
      "akka-coordination_", "akka-http_", "akka-http-core_", "akka-parsing_");

  LocalReference(ClassLoader parent) {
    super("setsync-local", parent);
  }

  static {
    registerAsParallelCapable();
  }

  @Override
  public Enumeration<URL> getResources(String name) throws IOException {
    Enumeration<URL> all = super.getResources(name);
    if (!name.equals(REFERENCE)) return all;
    List<URL> kept = new ArrayList<>();
    for (URL url : Collections.list(all)) {
      if (!fromClusterModule(url.toString())) kept.add(url);
    }
    return Collections.enumeration(kept);
  }

  /** Whether a resource URL lies in the jar of a module only a clustered node uses. */
  static boolean fromClusterModule(String url) {
    int bang = url.lastIndexOf("!/");
    if (bang < 0) return false; // a directory on the class path: ours or a test's
    String jar = url.substring(url.lastIndexOf('/', bang - 1) + 1, bang);
    for (String prefix : CLUSTER_ONLY) {
      if (jar.startsWith(prefix)) return true;
    }
    return false;
  }
}
