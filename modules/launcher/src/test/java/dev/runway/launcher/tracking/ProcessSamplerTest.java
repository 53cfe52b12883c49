package dev.runway.launcher.tracking;

import static org.assertj.core.api.Assertions.assertThat;

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

    @Test
    void samplesOnlyWhileATrackerIsRegistered() throws Exception {
        CountingTable table = new CountingTable();
        try (ProcessSampler sampler = new ProcessSampler(table, Duration.ofMillis(10))) {
            Thread.sleep(100);
            assertThat(table.snapshots.get()).as("no tracker yet").isZero();
            assertThat(sampler.isSampling()).isFalse();

            TreeTracker first = TreeTracker.forMarker(table, (signal, targets) -> { }, Map.of("M", "1"));
            TreeTracker second = TreeTracker.forMarker(table, (signal, targets) -> { }, Map.of("M", "2"));
            int before = table.snapshots.get(); // forMarker takes a snapshot of its own
            sampler.register(first);
            sampler.register(second);
            Thread.sleep(150);
            assertThat(table.snapshots.get() - before).as("sampled while tracking").isGreaterThan(2);

            sampler.unregister(first);
            assertThat(sampler.isSampling()).as("one tracker left").isTrue();
            sampler.unregister(second);
            assertThat(sampler.isSampling()).isFalse();
            Thread.sleep(30); // a round under way may still finish
            int stopped = table.snapshots.get();
            Thread.sleep(100);
            assertThat(table.snapshots.get()).as("no tracker left").isEqualTo(stopped);

            sampler.register(first);
            Thread.sleep(100);
            assertThat(table.snapshots.get()).as("sampling again").isGreaterThan(stopped);
        }
    }
}
