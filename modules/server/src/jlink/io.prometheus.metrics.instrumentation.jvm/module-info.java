// The module descriptor jlink needs for a Prometheus Java client jar, which ships as an automatic module (jlink
// refuses those). The distribution build compiles it against the jar and adds it (modules/distribution/build-image.sh).
// Written from `jdeps` of release 1.10.0: what the jar reads, and what its API hands out (requires transitive).
// java.management and jdk.management: the JVM's and the process's figures come from the platform MXBeans.
module io.prometheus.metrics.instrumentation.jvm {
    requires transitive io.prometheus.metrics.core;
    requires java.management;
    requires jdk.management;

    exports io.prometheus.metrics.instrumentation.jvm;
}
