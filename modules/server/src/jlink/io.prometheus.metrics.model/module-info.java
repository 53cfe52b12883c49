// The module descriptor jlink needs for a Prometheus Java client jar, which ships as an automatic module (jlink
// refuses those). The distribution build compiles it against the jar and adds it (modules/distribution/build-image.sh).
// Written from `jdeps` of release 1.10.0: what the jar reads, and what its API hands out (requires transitive).
module io.prometheus.metrics.model {
    requires transitive io.prometheus.metrics.config;

    exports io.prometheus.metrics.model.registry;
    exports io.prometheus.metrics.model.snapshots;
}
