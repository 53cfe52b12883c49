package dev.runway.launcher.linux.systemd;

/** A D-Bus call failed: the D-Bus error name (e.g. org.freedesktop.systemd1.NoSuchUnit) and message, or errno. */
public final class BusException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String errorName;

    BusException(String message, String errorName) {
        super(message);
        this.errorName = errorName == null ? "" : errorName;
    }

    public String errorName() {
        return errorName;
    }

    /** The unit or its processes are already gone: nothing left to signal or stop. */
    boolean isGone() {
        return errorName.equals("org.freedesktop.systemd1.NoSuchUnit")
                || errorName.equals("org.freedesktop.systemd1.NoSuchProcess")
                || errorName.equals("org.freedesktop.DBus.Error.UnknownObject");
    }
}
