package dev.runway.server.metrics;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM's and the process's metrics (Prometheus' JVM instrumentation) in a registry of their own, so that a JVM
 * whose management beans cannot start does not stop the server or fail the scrape: JDK 17 throws from
 * {@code ManagementFactory} where it cannot read its cgroup (seen under a sandboxing systemd unit in a nested
 * namespace). Then those metrics are left out and a warning says why, once.
 */
final class JvmCollector implements MultiCollector {
    private static final Logger LOG = LoggerFactory.getLogger(JvmCollector.class);
    private final PrometheusRegistry jvm = new PrometheusRegistry();
    private final AtomicBoolean warned = new AtomicBoolean();

    JvmCollector() {
        try {
            JvmMetrics.builder().register(jvm);
        } catch (RuntimeException e) {
            warn(e);
        }
    }

    @Override
    public MetricSnapshots collect() {
        try {
            return jvm.scrape();
        } catch (RuntimeException e) {
            warn(e);
            return MetricSnapshots.of();
        }
    }

    private void warn(RuntimeException e) {
        if (warned.compareAndSet(false, true)) {
            LOG.warn("metrics: the JVM's management beans do not answer ({}); JVM and process metrics are left out",
                    e.toString());
        }
    }
}
