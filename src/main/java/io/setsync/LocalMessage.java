package io.setsync;

/**
 * A message that never leaves its node (an actor's own timers, stream and watch notices, asks
 * between a node's own actors). The multi-node tests run with {@code akka.actor.serialize-messages
 * = on}, which checks every other message: one that should cross nodes and cannot fails there.
 */
public interface LocalMessage extends akka.actor.NoSerializationVerificationNeeded {}
