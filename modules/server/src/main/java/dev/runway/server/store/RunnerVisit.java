package dev.runway.server.store;

/** A runner as it describes itself when it claims, and where it called from. */
public record RunnerVisit(String name, String hostname, String ip, String version) {}
