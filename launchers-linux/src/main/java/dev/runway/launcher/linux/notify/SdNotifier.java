package dev.runway.launcher.linux.notify;

import com.sun.jna.LastErrorException;
import dev.runway.launcher.ServiceNotifier;
import dev.runway.launcher.linux.jna.LibC;
import dev.runway.launcher.linux.jna.UnixSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * systemd's sd_notify protocol: one datagram per state change to the AF_UNIX socket named by NOTIFY_SOCKET (a path,
 * or an abstract name starting with '@'). Java's own channels have no AF_UNIX datagrams, hence libc through JNA.
 */
public final class SdNotifier implements ServiceNotifier {
    private static final Logger LOG = LoggerFactory.getLogger(SdNotifier.class);

    private final String socket;
    private final Duration watchdogInterval;

    /** The ServiceLoader constructor: reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID. */
    public SdNotifier() {
        this(System.getenv(), ProcessHandle.current().pid());
    }

    /** From an environment as systemd sets it for the service whose main process is {@code pid}. */
    public SdNotifier(Map<String, String> environment, long pid) {
        String notifySocket = environment.get("NOTIFY_SOCKET");
        this.socket = notifySocket == null || notifySocket.isEmpty() ? null : notifySocket;
        this.watchdogInterval = watchdog(environment, pid);
    }

    @Override
    public boolean isActive() {
        return socket != null;
    }

    /** How often systemd expects WATCHDOG=1 (WatchdogSec=), when it expects it from this process. */
    @Override
    public Optional<Duration> watchdogInterval() {
        return Optional.ofNullable(watchdogInterval);
    }

    @Override
    public void ready() {
        send("READY=1");
    }

    @Override
    public void status(String status) {
        send("STATUS=" + status.replace('\n', ' '));
    }

    @Override
    public void watchdog() {
        if (watchdogInterval != null) {
            send("WATCHDOG=1");
        }
    }

    @Override
    public void stopping() {
        send("STOPPING=1");
    }

    /** Sends one datagram; a lost notification is logged, never fatal (the agent's work goes on). */
    void send(String state) {
        if (socket == null) {
            return;
        }
        LibC libc = LibC.INSTANCE;
        byte[] message = state.getBytes(StandardCharsets.UTF_8);
        try {
            UnixSocketAddress address = UnixSocketAddress.of(socket);
            int fd = libc.socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
            try {
                libc.sendto(fd, message, message.length, 0, address.bytes(), address.length());
            } finally {
                libc.close(fd);
            }
        } catch (LastErrorException | IllegalArgumentException e) {
            LOG.warn("Cannot notify the service manager through NOTIFY_SOCKET={} ({}): {}", socket, state,
                    e.getMessage());
        }
    }

    private static Duration watchdog(Map<String, String> environment, long pid) {
        String usec = environment.get("WATCHDOG_USEC");
        String watchdogPid = environment.get("WATCHDOG_PID");
        if (usec == null || (watchdogPid != null && !watchdogPid.equals(Long.toString(pid)))) {
            return null; // no watchdog, or it watches another process
        }
        try {
            long micros = Long.parseLong(usec.trim());
            return micros > 0 ? Duration.ofNanos(micros * 1000) : null;
        } catch (NumberFormatException e) {
            LOG.warn("Ignoring WATCHDOG_USEC={}: not a number of microseconds", usec);
            return null;
        }
    }
}
