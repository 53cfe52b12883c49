package dev.runway.it.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What to measure and how often. The documented run uses the defaults; {@code --quick} shortens every figure
 * (fewer runs, 10 s idle window) for a first look.
 */
record Options(int runs, int pickupJobs, int pipelines, int concurrentJobs, int idleSeconds, int outputMiB,
        long graceMillis, int startupRuns, int idlePolls, int claimAgents, int claimJobs, Set<String> only,
        Path image, Path work, Path json, String taskAgentClassPath, int storageScale) {

    static final Set<String> SECTIONS = Set.of("startup", "pickup", "systemd", "jobs", "idle", "output", "server",
            "kill", "pipeline", "workflow", "dashboard", "replicas", "storage", "claims-h2");

    static Options parse(String[] args) {
        int runs = 3;
        int pickupJobs = 50;
        int pipelines = 20;
        int concurrentJobs = 24;
        int idleSeconds = 60;
        int outputMiB = 256;
        long graceMillis = 2000;
        int startupRuns = 20;
        int claimJobs = 1000;
        int storageScale = 1;
        Set<String> only = new LinkedHashSet<>(SECTIONS);
        Path image = Path.of(System.getProperty("runway.image", "../modules/distribution/target/image"));
        Path work = Path.of("target/work");
        Path json = Path.of("target/benchmarks.json");
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--quick" -> {
                    runs = 2;
                    pickupJobs = 10;
                    pipelines = 5;
                    concurrentJobs = 8;
                    idleSeconds = 10;
                    outputMiB = 64;
                    startupRuns = 6;
                    claimJobs = 300;
                    storageScale = 8;
                }
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--jobs" -> pickupJobs = Integer.parseInt(args[++i]);
                case "--pipelines" -> pipelines = Integer.parseInt(args[++i]);
                case "--idle-seconds" -> idleSeconds = Integer.parseInt(args[++i]);
                case "--mib" -> outputMiB = Integer.parseInt(args[++i]);
                case "--storage-scale" -> {
                    storageScale = Integer.parseInt(args[++i]);
                    if (storageScale < 1) {
                        throw new IllegalArgumentException("--storage-scale takes a divisor of 1 or more, not "
                                + storageScale);
                    }
                }
                case "--only" -> {
                    only = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
                    if (!SECTIONS.containsAll(only)) {
                        throw new IllegalArgumentException("--only takes a comma list of " + SECTIONS);
                    }
                }
                case "--image" -> image = Path.of(args[++i]);
                case "--json" -> json = Path.of(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + arg + "; known: --quick, --runs N, "
                        + "--jobs N, --pipelines N, --idle-seconds S, --mib M, --storage-scale D, --only " + String.join(",", SECTIONS)
                        + ", --image DIR, --json FILE, --work DIR");
            }
        }
        // a directory per run: servers' data, agents' state and logs of earlier runs stay apart (and can be read)
        Path runDirectory = work.resolve("run-" + java.time.Instant.now().getEpochSecond());
        return new Options(runs, pickupJobs, pipelines, concurrentJobs, idleSeconds, outputMiB, graceMillis,
                startupRuns, 1000, 200, claimJobs, only, image.toAbsolutePath().normalize(),
                runDirectory.toAbsolutePath().normalize(), json.toAbsolutePath().normalize(), System.getProperty("bench.taskagent.classpath", ""),
                storageScale);
    }

    Path runway() {
        return image.resolve("bin/runway");
    }

    Path java() {
        return image.resolve("bin/java");
    }

    boolean wants(String section) {
        return only.contains(section);
    }
}
