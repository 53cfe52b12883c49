package dev.runway.server;

import dev.runway.server.store.RunnerVisit;
import dev.runway.server.store.Store;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Keeps the runner inventory's "last connected" without a database write on every claim: a runner that asks
 * again within {@link #PRECISION_MILLIS} is not written again. Only claims that found nothing come here: a claim
 * that gets a task records its runner in the claim's own transaction instead.
 */
final class RunnerVisits {
    static final long PRECISION_MILLIS = 5_000;
    private final Store store;
    private final Clock clock;
    private final ConcurrentMap<String, Long> lastWritten = new ConcurrentHashMap<>();

    RunnerVisits(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    void record(String resourceClassId, RunnerVisit runner) {
        long now = clock.millis();
        String key = resourceClassId + "/" + runner.name() + "/" + runner.hostname() + "/" + runner.ip() + "/"
                + runner.version();
        Long last = lastWritten.get(key);
        if (last == null || now - last >= PRECISION_MILLIS) {
            store.runners().touch(resourceClassId, runner, now);
            lastWritten.put(key, now);
        }
    }
}
