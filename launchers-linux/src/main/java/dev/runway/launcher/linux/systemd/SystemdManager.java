package dev.runway.launcher.linux.systemd;

import java.util.ArrayList;
import java.util.List;

/** The part of systemd's D-Bus API (org.freedesktop.systemd1) that runs and stops transient task units. */
final class SystemdManager implements AutoCloseable {
    static final String DESTINATION = "org.freedesktop.systemd1";
    private static final String MANAGER_PATH = "/org/freedesktop/systemd1";
    private static final String MANAGER = "org.freedesktop.systemd1.Manager";
    private static final String UNIT = "org.freedesktop.systemd1.Unit";
    private static final String SERVICE = "org.freedesktop.systemd1.Service";
    private static final String PROPERTIES = "org.freedesktop.DBus.Properties";

    private final SystemdBus bus;

    SystemdManager(SystemdBus bus) {
        this.bus = bus;
    }

    static SystemdManager connect(String address) throws BusException {
        return new SystemdManager(SystemdBus.open(address));
    }

    String address() {
        return bus.address();
    }

    /** systemd's version string; also proves that systemd answers on this bus. */
    String version() throws BusException {
        return stringProperty(MANAGER_PATH, MANAGER, "Version");
    }

    /** StartTransientUnit(name, "fail", properties, no auxiliary units). */
    void startTransientUnit(String name, List<UnitProperty> properties) throws BusException {
        bus.call(MANAGER_PATH, MANAGER, "StartTransientUnit", out -> {
            out.string(name).string("fail");
            out.open('a', "(sv)");
            for (UnitProperty property : properties) {
                property.write(out);
            }
            out.close();
            out.open('a', "(sa(sv))").close();
        }, SystemdBus.In::objectPath);
    }

    /** Sends {@code signal} to every process of the unit's cgroup. */
    void killUnit(String name, int signal) throws BusException {
        bus.call(MANAGER_PATH, MANAGER, "KillUnit", out -> out.string(name).string("all").int32(signal), in -> null);
    }

    void stopUnit(String name) throws BusException {
        bus.call(MANAGER_PATH, MANAGER, "StopUnit", out -> out.string(name).string("replace"),
                SystemdBus.In::objectPath);
    }

    void resetFailedUnit(String name) throws BusException {
        bus.call(MANAGER_PATH, MANAGER, "ResetFailedUnit", out -> out.string(name), in -> null);
    }

    /** Takes a reference on the unit for this connection (as AddRef does), so that it is not collected unread. */
    void ref(String name) throws BusException {
        bus.call(UnitNames.objectPath(name), UNIT, "Ref", SystemdBus.ArgumentWriter.NONE, in -> null);
    }

    /** Drops the reference this connection took with AddRef=yes, so that systemd may collect the unit. */
    void unref(String name) throws BusException {
        bus.call(UnitNames.objectPath(name), UNIT, "Unref", SystemdBus.ArgumentWriter.NONE, in -> null);
    }

    /** Names of the loaded units matching {@code pattern}, in any state. */
    List<String> listUnits(String pattern) throws BusException {
        return bus.call(MANAGER_PATH, MANAGER, "ListUnitsByPatterns",
                out -> out.strings(List.of()).strings(List.of(pattern)), in -> {
                    List<String> names = new ArrayList<>();
                    in.enter('a', "(ssssssouso)");
                    while (in.enter('r', "ssssssouso")) {
                        names.add(in.string());
                        in.skip("sssssouso");
                        in.exit();
                    }
                    in.exit();
                    return names;
                });
    }

    String activeState(String name) throws BusException {
        return stringProperty(UnitNames.objectPath(name), UNIT, "ActiveState");
    }

    /** Whether a unit in this ActiveState has stopped: its cgroup is empty. */
    static boolean isEnded(String activeState) {
        return activeState.equals("inactive") || activeState.equals("failed");
    }

    /**
     * The three reads are separate calls, so the start timestamp is read first: read last, it could be set by a start
     * job that ran after ActiveState was read as "inactive", and a unit not yet started would pass as one that ran.
     */
    UnitState state(String name) throws BusException {
        String path = UnitNames.objectPath(name);
        boolean started = uint64Property(path, UNIT, "InactiveExitTimestampMonotonic") != 0;
        return new UnitState(stringProperty(path, UNIT, "ActiveState"), stringProperty(path, UNIT, "SubState"),
                started);
    }

    /** The bus names holding a reference on the unit (AddRef): empty when its launch agent is gone. */
    List<String> refs(String name) throws BusException {
        return property(UnitNames.objectPath(name), UNIT, "Refs", "as", in -> {
            List<String> refs = new ArrayList<>();
            in.enter('a', "s");
            while (!in.atEnd()) {
                refs.add(in.string());
            }
            in.exit();
            return refs;
        });
    }

    /** How the unit's main process ended (or runs): ExecMainCode (CLD_*), ExecMainStatus, ExecMainPID. */
    MainProcess mainProcess(String name) throws BusException {
        String path = UnitNames.objectPath(name);
        return new MainProcess(int32Property(path, SERVICE, "ExecMainCode"),
                int32Property(path, SERVICE, "ExecMainStatus"), uint32Property(path, SERVICE, "ExecMainPID"));
    }

    @Override
    public void close() {
        bus.close();
    }

    private String stringProperty(String path, String iface, String name) throws BusException {
        return property(path, iface, name, "s", SystemdBus.In::string);
    }

    private long uint64Property(String path, String iface, String name) throws BusException {
        return property(path, iface, name, "t", SystemdBus.In::uint64);
    }

    private long uint32Property(String path, String iface, String name) throws BusException {
        return property(path, iface, name, "u", SystemdBus.In::uint32);
    }

    private int int32Property(String path, String iface, String name) throws BusException {
        return property(path, iface, name, "i", SystemdBus.In::int32);
    }

    private <T> T property(String path, String iface, String name, String signature, SystemdBus.ReplyReader<T> reader)
            throws BusException {
        return bus.call(path, PROPERTIES, "Get", out -> out.string(iface).string(name), in -> {
            in.enter('v', signature);
            T value = reader.read(in);
            in.exit();
            return value;
        });
    }

    /** A unit's activation state; {@code started} once it has left its first inactive state. */
    record UnitState(String activeState, String subState, boolean started) {}

    /** ExecMainCode is CLD_EXITED (1), CLD_KILLED (2) or CLD_DUMPED (3); 0 before the process ended. */
    record MainProcess(int code, int status, long pid) {
        static final int CLD_EXITED = 1;

        boolean exited() {
            return code == CLD_EXITED;
        }

        /** ExecMainCode is set once the main process has ended. */
        boolean ended() {
            return code != 0;
        }
    }
}
