package dev.runway.server.archviolation;

/** Planted violation for ArchitectureTests: proves the rules fail when broken. Never used. */
@SuppressWarnings("unused")
final class RouteUsesPrometheus {
    private io.prometheus.metrics.core.metrics.Counter counter;
}
