package dev.runway.launcher.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The sampler reads the process table only while some task is tracked: an idle agent does not wake for it. */
class ProcessSamplerTest {
    /** A table with no processes that counts its snapshots. */
    private static final class CountingTable implements ProcessTable {
        final AtomicInteger snapshots = new AtomicInteger();

        @Override
        public List<ProcessInfo> snapshot() {
            snapshots.incrementAndGet();
            return List.of();
        }

        @Override
        public Optional<ProcessInfo> process(long pid) {
            return Optional.empty();
        }

        @Override
        public Optional<String> environmentVariable(long pid, String name) {
            return Optional.empty();
        }

        @Override
        public Optional<String> commandLine(long pid) {
            return Optional.empty();
        }
    }

    /** The sampler's clock, moved by hand: each {@link #tick} is one interval, running the rounds then due. */
    private static final class HandSchedule implements ProcessSampler.Schedule {
        private Runnable round; // null while stopped

        @Override
        public synchronized Runnable repeat(Runnable round, Duration interval) {
            this.round = round;
            return () -> {
                synchronized (this) {
                    this.round = null;
                }
            };
        }

        synchronized void tick(int intervals) {
            for (int i = 0; i < intervals && round != null; i++) {
                round.run();
            }
        }
    }

    @Test
    void samplesOnlyWhileATrackerIsRegistered() throws Exception {
        CountingTable table = new CountingTable();
        HandSchedule schedule = new HandSchedule();
        try (ProcessSampler sampler = new ProcessSampler(table, Duration.ofMillis(10), schedule)) {
            schedule.tick(10);
            assertThat(table.snapshots.get()).as("no tracker yet").isZero();
            assertThat(sampler.isSampling()).isFalse();

            TreeTracker first = TreeTracker.forMarker(table, (signal, targets) -> { }, Map.of("M", "1"));
            TreeTracker second = TreeTracker.forMarker(table, (signal, targets) -> { }, Map.of("M", "2"));
            int before = table.snapshots.get(); // forMarker takes a snapshot of its own
            sampler.register(first);
            sampler.register(second);
            schedule.tick(15);
            assertThat(table.snapshots.get() - before).as("sampled while tracking").isGreaterThan(2);

            sampler.unregister(first);
            assertThat(sampler.isSampling()).as("one tracker left").isTrue();
            sampler.unregister(second);
            assertThat(sampler.isSampling()).isFalse();
            int stopped = table.snapshots.get();
            schedule.tick(10);
            assertThat(table.snapshots.get()).as("no tracker left").isEqualTo(stopped);

            sampler.register(first);
            schedule.tick(10);
            assertThat(table.snapshots.get()).as("sampling again").isGreaterThan(stopped);
        }
    }

    @Test
    void itsOwnTimerThreadSamplesWhileATrackerIsRegistered() {
        CountingTable table = new CountingTable();
        try (ProcessSampler sampler = new ProcessSampler(table, Duration.ofMillis(10))) {
            TreeTracker tracker = TreeTracker.forMarker(table, (signal, targets) -> { }, Map.of("M", "1"));
            int before = table.snapshots.get();
            sampler.register(tracker);
            await().atMost(Duration.ofSeconds(10)).until(() -> table.snapshots.get() - before > 2);
            sampler.unregister(tracker);
            assertThat(sampler.isSampling()).isFalse();
        }
    }
}
