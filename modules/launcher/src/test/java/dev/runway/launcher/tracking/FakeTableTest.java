package dev.runway.launcher.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Identity rules that real processes cannot stage on demand (pid reuse), with a scripted process table. */
class FakeTableTest {
    private final FakeTable table = new FakeTable();
    /** The trackers' clock, in nanoseconds: moved by hand. */
    private final AtomicLong now = new AtomicLong();
    private final List<ProcessId> signalled = new ArrayList<>();
    private final Signaller recorder = (signal, targets) -> {
        targets.forEach(t -> signalled.add(t.id()));
        targets.forEach(t -> table.remove(t.pid())); // every signal is fatal in this world
    };

    @Test
    void aRecycledPidIsNeverTakenForAMember() {
        table.put(proc(100, 1, 100, 100, 5));
        table.put(proc(101, 100, 100, 100, 6));
        TreeTracker tracker = TreeTracker.forRoot(table, recorder, 100, Map.of());
        assertThat(tracker.members()).extracting(ProcessInfo::pid).containsExactlyInAnyOrder(100L, 101L);

        // 101 exits and its pid goes to an unrelated process (later start, other session, re-parented nowhere near).
        table.remove(101);
        table.put(proc(101, 1, 900, 900, 9));
        tracker.terminate(Duration.ZERO);

        assertThat(signalled).contains(new ProcessId(100, 5)).doesNotContain(new ProcessId(101, 9));
        assertThat(table.process(101)).isPresent();
    }

    @Test
    void aSessionIdIsForgottenOnceTheSessionIsEmpty() {
        table.put(proc(100, 1, 100, 100, 5));
        table.put(proc(102, 1, 100, 100, 7)); // double-forked daemon, found by session
        TreeTracker tracker = TreeTracker.forRoot(table, recorder, 100, Map.of(), now::get);
        assertThat(tracker.members()).hasSize(2);

        table.remove(100);
        table.remove(102);
        tracker.refresh();
        now.addAndGet(Duration.ofMillis(1100).toNanos()); // the tracker forgets a group only after a second empty
        tracker.refresh();
        // Pid 100 recycled: a stranger that becomes a session leader must not be adopted.
        table.put(proc(100, 1, 100, 100, 20));
        table.put(proc(103, 100, 100, 100, 21));

        assertThat(tracker.refresh()).isEmpty();
        assertThat(tracker.terminate(Duration.ZERO)).isFalse();
        assertThat(signalled).isEmpty();
    }

    @Test
    void aChildThatStartedBeforeItsSupposedParentIsNotAdopted() {
        table.put(proc(100, 1, 100, 100, 5));
        table.put(proc(50, 100, 50, 50, 3)); // older than the root: its parent pid was another, recycled, process
        TreeTracker tracker = TreeTracker.forRoot(table, recorder, 100, Map.of());
        assertThat(tracker.members()).extracting(ProcessInfo::pid).containsExactly(100L);
    }

    @Test
    void markedProcessesAreFoundWithoutARoot() {
        table.put(proc(300, 1, 300, 300, 40));
        table.put(proc(301, 300, 300, 300, 41));
        table.put(proc(400, 1, 400, 400, 42));
        table.environment.put(300L, Map.of("RUNWAY_LAUNCH_ID", "a"));
        table.environment.put(400L, Map.of("RUNWAY_LAUNCH_ID", "b"));

        TreeTracker tracker = TreeTracker.forMarker(table, recorder, Map.of("RUNWAY_LAUNCH_ID", "a"));

        assertThat(tracker.members()).extracting(ProcessInfo::pid).containsExactlyInAnyOrder(300L, 301L);
    }

    @Test
    void aMarkedProcessSeenMidExecWithAnEmptyEnvironmentIsFoundOnTheNextLook() {
        table.put(proc(500, 1, 500, 500, 50)); // escaped (own session, re-parented), its environment not readable yet
        TreeTracker tracker = TreeTracker.forMarker(table, recorder, Map.of("RUNWAY_LAUNCH_ID", "a"));
        assertThat(tracker.members()).isEmpty();

        table.environment.put(500L, Map.of("RUNWAY_LAUNCH_ID", "a")); // the exec is over
        assertThat(tracker.refresh()).extracting(ProcessInfo::pid).containsExactly(500L);
    }

    @Test
    void aProcessWithoutTheMarkerIsSettledAfterTwoLooks() {
        table.put(proc(600, 1, 600, 600, 60));
        TreeTracker tracker = TreeTracker.forMarker(table, recorder, Map.of("RUNWAY_LAUNCH_ID", "a"));
        tracker.refresh();
        assertThat(tracker.members()).isEmpty();

        // settled as not ours: a marker that appears later (it cannot, short of a new process) is not looked for
        table.environment.put(600L, Map.of("RUNWAY_LAUNCH_ID", "a"));
        assertThat(tracker.refresh()).isEmpty();
    }

    private static ProcessInfo proc(long pid, long ppid, long pgid, long sid, long start) {
        return new ProcessInfo(pid, ppid, pgid, sid, 1000, start, ProcessState.SLEEPING);
    }

    private static final class FakeTable implements ProcessTable {
        private final Map<Long, ProcessInfo> processes = new HashMap<>();
        final Map<Long, Map<String, String>> environment = new HashMap<>();

        synchronized void put(ProcessInfo p) {
            processes.put(p.pid(), p);
        }

        synchronized void remove(long pid) {
            processes.remove(pid);
            environment.remove(pid);
        }

        @Override
        public synchronized List<ProcessInfo> snapshot() {
            return List.copyOf(processes.values());
        }

        @Override
        public synchronized Optional<ProcessInfo> process(long pid) {
            return Optional.ofNullable(processes.get(pid));
        }

        @Override
        public synchronized Optional<String> environmentVariable(long pid, String name) {
            return Optional.ofNullable(environment.getOrDefault(pid, Map.of()).get(name));
        }

        @Override
        public Optional<String> commandLine(long pid) {
            return Optional.empty();
        }
    }

}
