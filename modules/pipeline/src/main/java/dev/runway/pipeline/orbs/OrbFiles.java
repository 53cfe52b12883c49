package dev.runway.pipeline.orbs;

/** Where registry orbs' sources are found; the compiler never reaches the network. */
public interface OrbFiles {
    /** A found orb source: a name for messages (its path) and its bytes. */
    record Found(String file, byte[] bytes) {}

    /** The source of {@code namespace/name@version}, or null when no orb directory holds it. */
    Found find(String namespace, String name, String version);

    /** Where a missing orb's source should be put, in words for the error. */
    String whereToPut(String namespace, String name, String version);
}
