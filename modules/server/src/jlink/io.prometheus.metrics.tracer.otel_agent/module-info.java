// The module descriptor jlink needs for a Prometheus Java client jar, which ships as an automatic module (jlink
// refuses those). The distribution build compiles it against the jar and adds it (modules/distribution/build-image.sh).
// Written from `jdeps` of release 1.10.0: what the jar reads, and what its API hands out (requires transitive).
// The OpenTelemetry Java agent's shaded API is looked up the same way; the image has none.
module io.prometheus.metrics.tracer.otel_agent {
    requires transitive io.prometheus.metrics.tracer.common;

    exports io.prometheus.metrics.tracer.agent;
}
