package dev.runway.launcher.linux.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.launcher.ServiceNotifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SdNotifierTest {
    private static final long PID = ProcessHandle.current().pid();

    @Test
    void sendsEachStateToAFileSystemSocket() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "notify-test"));
        Path socket = dir.resolve(UUID.randomUUID().toString().substring(0, 8) + ".sock").toAbsolutePath();
        try (DatagramListener listener = new DatagramListener(socket.toString())) {
            SdNotifier notifier = new SdNotifier(Map.of("NOTIFY_SOCKET", socket.toString()), PID);

            assertThat(notifier.isActive()).isTrue();
            notifier.ready();
            notifier.status("Healthy");
            notifier.status("Unhealthy: claim failed\nsecond line");
            notifier.stopping();

            assertThat(listener.received()).containsExactly("READY=1", "STATUS=Healthy",
                    "STATUS=Unhealthy: claim failed second line", "STOPPING=1");
        } finally {
            Files.deleteIfExists(socket);
        }
    }

    @Test
    void reachesAnAbstractSocket() {
        String name = "@runway-notify-test-" + UUID.randomUUID();
        try (DatagramListener listener = new DatagramListener(name)) {
            new SdNotifier(Map.of("NOTIFY_SOCKET", name), PID).status("Healthy");

            assertThat(listener.received()).containsExactly("STATUS=Healthy");
        }
    }

    @Test
    void sendsWatchdogPingsOnlyWhenTheWatchdogWatchesThisProcess() {
        String name = "@runway-notify-test-" + UUID.randomUUID();
        try (DatagramListener listener = new DatagramListener(name)) {
            SdNotifier watched = new SdNotifier(
                    Map.of("NOTIFY_SOCKET", name, "WATCHDOG_USEC", "5000000", "WATCHDOG_PID", Long.toString(PID)), PID);
            SdNotifier otherProcess = new SdNotifier(
                    Map.of("NOTIFY_SOCKET", name, "WATCHDOG_USEC", "5000000", "WATCHDOG_PID", "1"), PID);
            SdNotifier noWatchdog = new SdNotifier(Map.of("NOTIFY_SOCKET", name), PID);

            watched.watchdog();
            otherProcess.watchdog();
            noWatchdog.watchdog();

            assertThat(watched.watchdogInterval()).contains(Duration.ofSeconds(5));
            assertThat(otherProcess.watchdogInterval()).isEmpty();
            assertThat(listener.received()).containsExactly("WATCHDOG=1");
        }
    }

    @Test
    void isInactiveWithoutNotifySocketAndNeverFailsTheCaller() {
        SdNotifier none = new SdNotifier(Map.of(), PID);
        assertThat(none.isActive()).isFalse();
        none.ready();

        SdNotifier nobodyListens = new SdNotifier(Map.of("NOTIFY_SOCKET", "/nonexistent/notify.sock"), PID);
        nobodyListens.status("Healthy"); // logged, not thrown
        assertThat(nobodyListens.isActive()).isTrue();
    }

    @Test
    void isFoundByServiceLoader() {
        assertThat(ServiceLoader.load(ServiceNotifier.class).stream().map(ServiceLoader.Provider::type))
                .contains(SdNotifier.class);
    }
}
