/** macOS launcher: libproc process table, process-tree tracking and kill, user switch. */
module dev.runway.launcher.macos {
    requires dev.runway.launcher;
    requires com.sun.jna;
    requires org.slf4j;
}
