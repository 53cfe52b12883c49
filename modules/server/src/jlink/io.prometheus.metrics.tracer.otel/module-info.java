// The module descriptor jlink needs for a Prometheus Java client jar, which ships as an automatic module (jlink
// refuses those). The distribution build compiles it against the jar and adds it (modules/distribution/build-image.sh).
// Written from `jdeps` of release 1.10.0: what the jar reads, and what its API hands out (requires transitive).
// OpenTelemetry's API is looked up when exemplars are sampled; without it (as in the image) the lookup fails and
// no trace ids are attached.
module io.prometheus.metrics.tracer.otel {
    requires transitive io.prometheus.metrics.tracer.common;

    exports io.prometheus.metrics.tracer.otel;
}
