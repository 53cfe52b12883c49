/**
 * The Launcher SPI: how a launch agent starts a task agent and contains everything it starts. Providers arrive
 * through {@link java.util.ServiceLoader}; this module ships the portable {@code process} provider.
 */
module dev.runway.launcher {
    requires org.slf4j;

    exports dev.runway.launcher;

    uses dev.runway.launcher.LauncherProvider;
    uses dev.runway.launcher.ServiceNotifier;
}
