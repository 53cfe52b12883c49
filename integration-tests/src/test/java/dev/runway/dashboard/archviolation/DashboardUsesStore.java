package dev.runway.dashboard.archviolation;

/** Planted violation for ArchitectureTests: proves the rules fail when broken. Never used. */
@SuppressWarnings("unused")
final class DashboardUsesStore {
    private dev.runway.server.store.Store store;
}
