/**
 * The Launcher SPI: how a launch agent starts a task agent and contains everything it starts. Providers arrive
 * through {@link java.util.ServiceLoader}; this module ships the portable {@code process} provider.
 */
module dev.runway.launcher {
    requires org.slf4j;

    exports dev.runway.launcher;
    // The shared process-tree tracker and the portable launcher, reused by the platform launchers.
    exports dev.runway.launcher.tracking to dev.runway.launcher.macos, dev.runway.launcher.linux;
    exports dev.runway.launcher.process to dev.runway.launcher.macos, dev.runway.launcher.linux;

    uses dev.runway.launcher.LauncherProvider;
    uses dev.runway.launcher.ServiceNotifier;

    provides dev.runway.launcher.LauncherProvider with dev.runway.launcher.process.ProcessLauncherProvider;
}
