package dev.runway.server;

import dev.runway.server.store.Store;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How many steps each job has, remembered so the output route does not parse the job's definition (JSON) for every
 * chunk. A definition never changes once stored, so a remembered count cannot go stale; after a restart the cache is
 * empty and the count is read from the store again. Only the most recently used jobs are kept.
 */
final class StepCounts {
    private static final int KEPT = 4096;
    private final Store store;
    private final Map<String, Integer> counts = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > KEPT;
        }
    };

    StepCounts(Store store) {
        this.store = store;
    }

    /** The number of steps of the job; empty when the job is gone. */
    Optional<Integer> of(String jobId) {
        synchronized (counts) {
            Integer known = counts.get(jobId);
            if (known != null) {
                return Optional.of(known);
            }
        }
        Optional<Integer> count = store.jobs().find(jobId)
                .map(job -> StoredJob.fromJson(job.definition()).steps().size());
        count.ifPresent(value -> {
            synchronized (counts) {
                counts.put(jobId, value);
            }
        });
        return count;
    }
}
