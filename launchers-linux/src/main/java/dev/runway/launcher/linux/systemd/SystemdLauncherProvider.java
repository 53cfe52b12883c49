package dev.runway.launcher.linux.systemd;

import dev.runway.launcher.Availability;
import dev.runway.launcher.LaunchException;
import dev.runway.launcher.Launcher;
import dev.runway.launcher.LauncherProvider;
import dev.runway.launcher.LauncherSettings;
import dev.runway.launcher.linux.jna.LibC;

/**
 * The {@code systemd} launcher: one transient service unit per task, started over the system bus. Available where
 * the agent runs as root and systemd answers on the bus ({@code DBUS_SYSTEM_BUS_ADDRESS}, else the standard socket).
 */
public final class SystemdLauncherProvider implements LauncherProvider {
    static final String ID = "systemd";
    /** Above {@code subreaper} (10) and {@code process} (0). */
    static final int PRIORITY = 20;
    private static final String STANDARD_SYSTEM_BUS = "unix:path=/run/dbus/system_bus_socket";

    private final String busAddress;

    /** The ServiceLoader constructor: the system bus from DBUS_SYSTEM_BUS_ADDRESS or the standard socket. */
    public SystemdLauncherProvider() {
        this(systemBusAddress());
    }

    /** A provider talking to systemd on {@code busAddress} (D-Bus address syntax), e.g. a namespaced test systemd. */
    public SystemdLauncherProvider(String busAddress) {
        this.busAddress = busAddress;
    }

    public static String systemBusAddress() {
        String fromEnvironment = System.getenv("DBUS_SYSTEM_BUS_ADDRESS");
        return fromEnvironment == null || fromEnvironment.isBlank() ? STANDARD_SYSTEM_BUS : fromEnvironment;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public Availability probe() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return Availability.unavailable("systemd runs on Linux only");
        }
        try {
            int uid = LibC.INSTANCE.geteuid();
            if (uid != 0) {
                return Availability.unavailable("starting system units needs root; the agent runs as uid " + uid);
            }
            try (SystemdManager systemd = SystemdManager.connect(busAddress)) {
                systemd.version();
                return Availability.available();
            }
        } catch (BusException e) {
            return Availability.unavailable("systemd does not answer on the system bus " + busAddress + ": "
                    + e.getMessage());
        } catch (LinkageError e) {
            return Availability.unavailable("native access (JNA) is not available: " + e);
        }
    }

    @Override
    public Launcher create(LauncherSettings settings) throws LaunchException {
        try {
            return new SystemdLauncher(SystemdManager.connect(busAddress), settings);
        } catch (BusException e) {
            throw new LaunchException("cannot reach systemd on the system bus " + busAddress + ": " + e.getMessage(),
                    e);
        }
    }
}
