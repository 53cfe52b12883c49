package dev.runway.server.metrics;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.server.store.JobCount;
import dev.runway.server.store.ResourceClass;
import dev.runway.server.store.Store;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The figures read from the store at each scrape, in one query: queued jobs and the oldest one's age per resource
 * class, running jobs per class, ended jobs by status; and the claims this server holds per class. A store that
 * does not answer makes {@code runway_store_up} 0 and leaves the rest out, so the scrape itself still succeeds.
 */
final class StoreCollector implements MultiCollector {
    private static final Logger LOG = LoggerFactory.getLogger(StoreCollector.class);
    private static final String CLASS = "resource_class";
    private final Store store;
    private final Supplier<Map<String, Integer>> waitingClaims;
    private final Clock clock;

    StoreCollector(Store store, Supplier<Map<String, Integer>> waitingClaims, Clock clock) {
        this.store = store;
        this.waitingClaims = waitingClaims;
        this.clock = clock;
    }

    @Override
    public MetricSnapshots collect() {
        List<JobCount> counts;
        Map<String, Integer> waiting;
        try {
            counts = store.jobs().countsByClassAndState();
            waiting = new TreeMap<>();
            for (Map.Entry<String, Integer> held : waitingClaims.get().entrySet()) {
                String name = store.management().resourceClass(held.getKey()).map(ResourceClass::fullName)
                        .orElse(held.getKey());
                waiting.merge(name, held.getValue(), Integer::sum);
            }
        } catch (RuntimeException e) {
            LOG.warn("metrics: the store does not answer: {}", e.getMessage());
            return MetricSnapshots.of(gauge("runway_store_up", "1 when the store answered this scrape", 0));
        }
        GaugeSnapshot.Builder queued = GaugeSnapshot.builder().name("runway_queue_depth")
                .help("Jobs queued and not yet claimed, by resource class");
        GaugeSnapshot.Builder oldest = GaugeSnapshot.builder().name("runway_queue_oldest_age_seconds")
                .help("Age of the oldest queued job (since its submission), by resource class");
        GaugeSnapshot.Builder running = GaugeSnapshot.builder().name("runway_jobs_running")
                .help("Jobs running now, by resource class");
        Map<String, Long> ended = new TreeMap<>();
        for (JobState state : JobState.values()) {
            if (state.isFinal()) {
                ended.put(state.name().toLowerCase(Locale.ROOT), 0L);
            }
        }
        long now = clock.millis();
        for (JobCount count : counts) {
            Labels labels = Labels.of(CLASS, count.resourceClass());
            if (count.state() == JobState.QUEUED) {
                queued.dataPoint(point(labels, count.count()));
                oldest.dataPoint(point(labels, Math.max(0, now - count.oldestCreatedAt()) / 1000.0));
            } else if (count.state() == JobState.RUNNING) {
                running.dataPoint(point(labels, count.count()));
            } else {
                ended.merge(count.state().name().toLowerCase(Locale.ROOT), count.count(), Long::sum);
            }
        }
        CounterSnapshot.Builder endedJobs = CounterSnapshot.builder().name("runway_jobs_ended")
                .help("Jobs that ended, by status (all of the store's, the same on every replica)");
        ended.forEach((status, n) -> endedJobs.dataPoint(CounterDataPointSnapshot.builder().value(n)
                .labels(Labels.of("status", status)).build()));
        GaugeSnapshot.Builder held = GaugeSnapshot.builder().name("runway_claims_waiting")
                .help("Claims held open by this server (runners connected and waiting for work), by resource class");
        waiting.forEach((name, n) -> held.dataPoint(point(Labels.of(CLASS, name), n)));
        List<io.prometheus.metrics.model.snapshots.MetricSnapshot> all = new ArrayList<>(List.of(queued.build(),
                oldest.build(), running.build(), endedJobs.build(), held.build(),
                gauge("runway_store_up", "1 when the store answered this scrape", 1)));
        return new MetricSnapshots(all);
    }

    private static GaugeDataPointSnapshot point(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help).dataPoint(point(Labels.EMPTY, value)).build();
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of("runway_queue_depth", "runway_queue_oldest_age_seconds", "runway_jobs_running",
                "runway_jobs_ended", "runway_claims_waiting", "runway_store_up");
    }
}
