/** macOS launcher: libproc process table, process-tree tracking and kill, user switch. */
module dev.runway.launcher.macos {
    requires dev.runway.launcher;
    requires com.sun.jna;
    requires org.slf4j;

    // JNA reflects on the struct's fields and proxies the library interface.
    opens dev.runway.launcher.macos.jna to com.sun.jna;
    exports dev.runway.launcher.macos.jna to com.sun.jna;

    provides dev.runway.launcher.LauncherProvider with dev.runway.launcher.macos.MacLauncherProvider;
}
