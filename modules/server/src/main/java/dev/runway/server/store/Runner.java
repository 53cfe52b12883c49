package dev.runway.server.store;

/** A runner of the inventory; {@code lastUsed} is null until it took a task. */
public record Runner(String resourceClassId, String name, String hostname, String ip, String version,
        long firstConnected, long lastConnected, Long lastUsed) {}
