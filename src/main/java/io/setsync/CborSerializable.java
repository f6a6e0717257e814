package io.setsync;

/** Marker for messages and events serialized with Jackson CBOR (see reference.conf). */
public interface CborSerializable {}
