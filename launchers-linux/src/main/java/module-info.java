/** Linux launchers: systemd transient units over D-Bus (sd-bus through JNA), sd_notify, subreaper. */
module dev.runway.launcher.linux {
    requires dev.runway.launcher;
    requires com.sun.jna;
    requires org.slf4j;

    provides dev.runway.launcher.LauncherProvider
            with dev.runway.launcher.linux.systemd.SystemdLauncherProvider,
                dev.runway.launcher.linux.subreaper.SubreaperLauncherProvider;
    provides dev.runway.launcher.ServiceNotifier with dev.runway.launcher.linux.notify.SdNotifier;
}
