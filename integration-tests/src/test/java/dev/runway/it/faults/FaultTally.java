package dev.runway.it.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one run did: faults injected (by kind), jobs and invariants checked, invariants violated (with what was seen),
 * and notes worth reading when something fails. Thread-safe: the proxy and the fault schedule write from their own
 * threads.
 */
final class FaultTally {
    private final Map<String, Integer> injected = new TreeMap<>();
    private final List<String> violations = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private int jobs;
    private int checks;

    synchronized void injected(String fault) {
        injected.merge(fault, 1, Integer::sum);
    }

    synchronized void jobs(int count) {
        jobs += count;
    }

    /** Records one invariant check; a false {@code holds} is a violation described by {@code what}. */
    synchronized void check(boolean holds, String what) {
        checks++;
        if (!holds) {
            violations.add(what);
        }
    }

    synchronized void note(String text) {
        if (notes.size() < 200) {
            notes.add(text);
        }
    }

    synchronized Map<String, Integer> injected() {
        return new TreeMap<>(injected);
    }

    synchronized int injectedTotal() {
        return injected.values().stream().mapToInt(Integer::intValue).sum();
    }

    synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    synchronized int jobs() {
        return jobs;
    }

    synchronized int checks() {
        return checks;
    }

    /** Adds another run's figures to these. */
    synchronized void add(FaultTally other) {
        other.injected().forEach((fault, count) -> injected.merge(fault, count, Integer::sum));
        violations.addAll(other.violations());
        jobs += other.jobs();
        checks += other.checks();
    }

    synchronized String summary() {
        StringBuilder text = new StringBuilder();
        text.append("jobs: ").append(jobs).append(", faults injected: ").append(injectedTotal())
                .append(", invariant checks: ").append(checks).append(", violated: ").append(violations.size())
                .append('\n');
        injected.forEach((fault, count) -> text.append("  ").append(fault).append(": ").append(count).append('\n'));
        violations.forEach(violation -> text.append("  VIOLATED: ").append(violation).append('\n'));
        if (!violations.isEmpty()) {
            notes.forEach(note -> text.append("  note: ").append(note).append('\n'));
        }
        return text.toString();
    }
}
