/** Linux launchers: systemd transient units over D-Bus (sd-bus through JNA), sd_notify, subreaper. */
module dev.runway.launcher.linux {
    requires dev.runway.launcher;
    requires com.sun.jna;
    requires org.slf4j;
}
