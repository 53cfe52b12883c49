package dev.runway.server.metrics;

import dev.runway.server.store.Store;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What {@code GET /metrics} shows, in one registry per server (several servers in one JVM, as in the tests, do not
 * share counters). Counters of this process: claims, lapsed leases, requeues, stored output bytes, request
 * latencies by route template. Read from the store at each scrape ({@link StoreCollector}): queue depth and age,
 * running and ended jobs; those are the same on every replica of one database.
 */
public final class ServerMetrics {
    /** Latency buckets (seconds): a route answers in milliseconds, a held claim in up to a minute. */
    private static final double[] LATENCY_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
        2.5, 5, 10, 30, 60};
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusScrapeHandler scrapes;
    private final Counter claims;
    private final Counter leasesExpired;
    private final Counter requeues;
    private final Histogram requests;

    /**
     * {@code waitingClaims}: claims held now by resource class id; {@code outputBytes}: output bytes stored since
     * the start; {@code version}: this build's version (the {@code runway_build_info} label).
     */
    public ServerMetrics(Store store, Supplier<Map<String, Integer>> waitingClaims, LongSupplier outputBytes,
            String version, Clock clock) {
        claims = Counter.builder().name("runway_claims").help("Tasks claimed through this server, by resource class")
                .labelNames("resource_class").register(registry);
        leasesExpired = Counter.builder().name("runway_leases_expired")
                .help("Running tasks whose lease lapsed without a heartbeat (found by this server)").register(registry);
        requeues = Counter.builder().name("runway_requeues")
                .help("Jobs put back in the queue after their task's lease lapsed (by this server)").register(registry);
        requests = Histogram.builder().name("runway_http_request_duration_seconds")
                .help("Time from a request's arrival to its answer, by route template (a held claim waits here)")
                .unit(Unit.SECONDS).labelNames("method", "route", "status").classicOnly()
                .classicUpperBounds(LATENCY_BUCKETS).register(registry);
        CounterWithCallback.builder().name("runway_output_bytes").help("Step output bytes stored by this server")
                .unit(Unit.BYTES).callback(callback -> callback.call(outputBytes.getAsLong())).register(registry);
        Info build = Info.builder().name("runway_build_info").help("This server's build").labelNames("version")
                .register(registry);
        build.setLabelValues(version);
        registry.register(new StoreCollector(store, waitingClaims, clock));
        registry.register(new JvmCollector());
        scrapes = new PrometheusScrapeHandler(registry);
    }

    /** A task of the class (its {@code namespace/name}) was claimed. */
    public void claimed(String resourceClass) {
        claims.labelValues(resourceClass).inc();
    }

    /** A running task's lease lapsed; {@code requeued}: its job went back to the queue (else it failed). */
    public void leaseExpired(boolean requeued) {
        leasesExpired.inc();
        if (requeued) {
            requeues.inc();
        }
    }

    /** A request answered: {@code route} is the matched template, or {@code "unmatched"}. */
    public void answered(String method, String route, int status, long nanos) {
        requests.labelValues(method, route, Integer.toString(status)).observe(nanos / 1e9);
    }

    /** A scrape's answer: status, headers (the content type the client asked for) and body. */
    public record Scrape(int status, Map<String, String> headers, byte[] body) {}

    /**
     * Writes every metric in the format the request's {@code Accept} asks for (Prometheus text by default,
     * OpenMetrics on request), gzipped if asked, filtered by {@code name[]} query parameters.
     */
    public Scrape scrape(String method, String path, String query, Map<String, List<String>> headers) {
        ScrapeExchange exchange = new ScrapeExchange(method, path, query, headers);
        try {
            scrapes.handleRequest(exchange);
        } catch (IOException e) {
            throw new UncheckedIOException("writing the metrics", e);
        }
        return exchange.answer();
    }
}
