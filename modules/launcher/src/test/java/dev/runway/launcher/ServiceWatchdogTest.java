package dev.runway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ServiceWatchdogTest {
    /** Counts its pings; expects them every {@code interval}, or none when it is null. */
    private static final class CountingNotifier implements ServiceNotifier {
        final AtomicInteger pings = new AtomicInteger();
        final CountDownLatch pinged = new CountDownLatch(3);
        private final Duration interval;
        private final boolean failing;

        CountingNotifier(Duration interval, boolean failing) {
            this.interval = interval;
            this.failing = failing;
        }

        @Override
        public boolean isActive() {
            return true;
        }

        @Override
        public void ready() {}

        @Override
        public void status(String status) {}

        @Override
        public void watchdog() {
            pings.incrementAndGet();
            pinged.countDown();
            if (failing) {
                throw new IllegalStateException("socket gone");
            }
        }

        @Override
        public void stopping() {}

        @Override
        public Optional<Duration> watchdogInterval() {
            return Optional.ofNullable(interval);
        }
    }

    @Test
    void pingsOnlyTheNotifiersThatExpectPings() throws Exception {
        CountingNotifier watched = new CountingNotifier(Duration.ofMillis(200), false);
        CountingNotifier unwatched = new CountingNotifier(null, false);

        try (ServiceWatchdog watchdog = ServiceWatchdog.start(List.of(unwatched, watched), () -> true)) {
            assertThat(watchdog.isRunning()).isTrue();
            assertThat(watched.pinged.await(10, TimeUnit.SECONDS)).as("three pings").isTrue();
        }
        assertThat(unwatched.pings).hasValue(0);
    }

    @Test
    void startsNoThreadWhenNobodyExpectsPings() {
        try (ServiceWatchdog watchdog = ServiceWatchdog.start(List.of(new CountingNotifier(null, false)),
                () -> true)) {
            assertThat(watchdog.isRunning()).isFalse();
        }
    }

    @Test
    void sendsNoPingWhileTheProcessIsNotAlive() throws Exception {
        CountingNotifier watched = new CountingNotifier(Duration.ofMillis(200), false);
        CountDownLatch asked = new CountDownLatch(3);

        try (ServiceWatchdog watchdog = ServiceWatchdog.start(List.of(watched), () -> {
            asked.countDown();
            return false;
        })) {
            assertThat(asked.await(10, TimeUnit.SECONDS)).as("asked three times").isTrue();
        }
        assertThat(watched.pings).hasValue(0);
    }

    @Test
    void aFailingPingDoesNotEndTheSchedule() throws Exception {
        CountingNotifier failing = new CountingNotifier(Duration.ofMillis(200), true);

        try (ServiceWatchdog watchdog = ServiceWatchdog.start(List.of(failing), () -> true)) {
            assertThat(failing.pinged.await(10, TimeUnit.SECONDS)).as("pinged again after a failure").isTrue();
        }
    }

    @Test
    void closingStopsThePings() {
        ServiceWatchdog watchdog = ServiceWatchdog.start(
                List.of(new CountingNotifier(Duration.ofMillis(200), false)), () -> true);

        watchdog.close();

        assertThat(watchdog.isRunning()).isFalse();
    }
}
