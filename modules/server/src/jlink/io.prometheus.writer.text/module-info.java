// The module descriptor jlink needs for a Prometheus Java client jar, which ships as an automatic module (jlink
// refuses those). The distribution build compiles it against the jar and adds it (modules/distribution/build-image.sh).
// Written from `jdeps` of release 1.10.0: what the jar reads, and what its API hands out (requires transitive).
// The protobuf format's writer (io.prometheus.metrics.expositionformats.internal, another jar) is looked up by name;
// the image leaves it out, so scrapes answer in the text formats.
module io.prometheus.writer.text {
    requires transitive io.prometheus.metrics.config;
    requires transitive io.prometheus.metrics.model;

    exports io.prometheus.metrics.expositionformats;
}
