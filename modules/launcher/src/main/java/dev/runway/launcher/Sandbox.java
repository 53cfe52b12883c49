package dev.runway.launcher;

import java.util.Collection;
import java.util.List;

/**
 * How a launcher that can isolate a task (systemd) confines it: no new privileges (setuid and sudo do not elevate),
 * its own /tmp, /usr, /boot and /etc read-only, /home, /root and /run/user read-only, other users' processes
 * invisible in its /proc. Everything by default; {@code runner.sandbox} lists what to relax ({@link #RELAXATIONS}).
 * The task's working directories stay writable.
 */
public record Sandbox(boolean noNewPrivileges, boolean privateTmp, boolean protectSystem, boolean protectHome,
        boolean protectProc) {
    /** Every protection. */
    public static final Sandbox STRICT = new Sandbox(true, true, true, true, true);
    /**
     * The names {@code runner.sandbox} lists: sudo (privileges may rise), tmp (the host's /tmp), system, home, proc
     * (other users' processes visible).
     */
    public static final List<String> RELAXATIONS = List.of("sudo", "tmp", "system", "home", "proc");

    /** {@link #STRICT} without the protections {@code relaxations} names. */
    public static Sandbox relaxing(Collection<String> relaxations) {
        for (String relaxation : relaxations) {
            if (!RELAXATIONS.contains(relaxation)) {
                throw new IllegalArgumentException("runner.sandbox: unknown relaxation \"" + relaxation
                        + "\"; choose from " + String.join(", ", RELAXATIONS));
            }
        }
        return new Sandbox(!relaxations.contains("sudo"), !relaxations.contains("tmp"),
                !relaxations.contains("system"), !relaxations.contains("home"), !relaxations.contains("proc"));
    }
}
