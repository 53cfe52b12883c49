package dev.runway.launcher;

/**
 * A way to launch tasks on this platform, found with {@link java.util.ServiceLoader}. {@code runner.launcher: auto}
 * picks the available provider with the highest {@link #priority()}.
 */
public interface LauncherProvider {
    /** The name used in {@code runner.launcher}: process, systemd, subreaper, macos. */
    String id();

    /** Higher wins under {@code auto}. The portable {@code process} provider is 0. */
    int priority();

    /** Whether this provider can work here, and if not why (shown to the operator). Cheap; no side effects. */
    Availability probe();

    /** Creates the launcher. Called only after {@link #probe()} said available. */
    Launcher create(LauncherSettings settings) throws LaunchException;
}
