package io.setsync.node;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.Test;

/** A node without a cluster reads the configuration of the modules it starts, and only those. */
public class LocalReferenceTest {

  @Test
  public void clusterModulesAreKnownByTheirJarNames() {
    assertTrue(LocalReference.fromClusterModule(
        "jar:file:/opt/setsync/lib/akka-remote_2.13-2.6.21.jar!/reference.conf"));
    assertTrue(LocalReference.fromClusterModule(
        "jar:file:/home/u/.m2/repository/com/typesafe/akka/akka-cluster-typed_2.13/2.6.21/"
            + "akka-cluster-typed_2.13-2.6.21.jar!/reference.conf"));
    assertTrue(LocalReference.fromClusterModule("jar:file:/lib/akka-http-core_2.13-10.2.10.jar!/reference.conf"));
  }

  @Test
  public void theModulesALocalNodeUsesAndDirectoriesAreKept() {
    assertFalse(LocalReference.fromClusterModule("jar:file:/lib/akka-actor_2.13-2.6.21.jar!/reference.conf"));
    assertFalse(LocalReference.fromClusterModule(
        "jar:file:/lib/akka-persistence_2.13-2.6.21.jar!/reference.conf"));
    assertFalse(LocalReference.fromClusterModule("jar:file:/lib/akka-stream_2.13-2.6.21.jar!/reference.conf"));
    // A directory named like a cluster module is not its jar: only the jar's own name counts.
    assertFalse(LocalReference.fromClusterModule("file:/work/akka-remote_x/target/classes/reference.conf"));
    assertFalse(LocalReference.fromClusterModule(
        "jar:file:/lib/akka-remote_2.13/setsync-1.0.jar!/reference.conf"));
  }

  @Test
  public void aLocalNodesConfigurationHasNoClusterSettingsButAllItUses() {
    Config config = ConfigFactory.load(new LocalReference(getClass().getClassLoader()));
    assertFalse("cluster module's settings are left out", config.hasPath("akka.cluster.seed-node-timeout"));
    assertFalse("remoting's settings are left out", config.hasPath("akka.remote.artery.advanced"));
    assertTrue(config.hasPath("akka.actor.default-dispatcher"));
    assertTrue(config.hasPath("akka.persistence.journal.leveldb.dir"));
    assertTrue(config.hasPath("akka.stream.materializer"));
    assertTrue(config.hasPath("setsync.node.cluster"));
    // The full configuration still has them, so the filter is what removes them.
    assertTrue(ConfigFactory.load().hasPath("akka.cluster.seed-node-timeout"));
  }
}
