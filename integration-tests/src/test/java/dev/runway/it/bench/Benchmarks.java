package dev.runway.it.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark suite of issue 9: every figure of the table, each beside its floor measured in the same run,
 * printed as one table and written as JSON. Not a test (nothing here runs in {@code ./mvnw verify}); run it with
 * {@code bench/run.sh} (docs/benchmarks.md). A section that fails becomes a row saying why, the others still run.
 */
public final class Benchmarks {
    private final Options options;
    private final Map<String, Object> machine;
    private final List<Row> rows = new ArrayList<>();

    private Benchmarks(Options options, Map<String, Object> machine) {
        this.options = options;
        this.machine = machine;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        if (!Files.isExecutable(options.runway())) {
            System.err.println("no built image at " + options.image() + ": run ./mvnw -B -o -DskipTests package first");
            System.exit(2);
        }
        System.setProperty("runway.image", options.image().toString()); // the shared fixtures start this image
        Files.createDirectories(options.work());
        Map<String, Object> machine = machine(options);
        List<Row> rows = new Benchmarks(options, machine).run();
        machine.put("load average after", Processes.loadAverage());
        machine.put("finished", Instant.now().toString());
        Report.print(System.out, machine, rows);
        Report.writeJson(options.json(), machine, rows);
        System.out.println("JSON: " + options.json());
        System.exit(0);
    }

    private List<Row> run() throws Exception {
        StartupBench startup = new StartupBench(options);
        PickupBench pickup = new PickupBench(options, startup);
        try (SystemdBench systemd = new SystemdBench(options)) {
            section("startup", "runway --version", () -> List.of(startup.version(),
                    Row.info("floor part: task agent JVM alone (runway task-agent, no token)", "ms",
                            startup.taskAgentJvm(), "")));
            if (options.wants("pickup") || options.wants("jobs") || options.wants("idle")
                    || options.wants("systemd") || options.wants("workflow")) {
                try (Cluster cluster = Cluster.start(options.work().resolve("cluster"))) {
                    section("pickup", "pickup, process launcher", () -> pickup.processLauncher(cluster));
                    section("workflow", "pipelines and workflows, process launcher",
                            () -> new WorkflowBench(options, startup, pickup).measure(cluster));
                    section("systemd", "pickup, systemd launcher", () -> systemd.pickup(cluster, pickup, startup));
                    section("jobs", "jobs/s", () -> pickup.jobsPerSecond(cluster));
                    section("idle", "idle launch agent", () -> new IdleAgentBench(options).measure(cluster));
                }
            }
            section("output", "output throughput", () -> new OutputBench(options).measure());
            section("pipeline", "pipeline config compile", () -> new PipelineBench(options).measure());
            section("dashboard", "dashboard page load and live log", () -> new DashboardBench(options).measure());
            if (options.wants("storage")) {
                try (StorageBench storage = StorageBench.start(options)) {
                    section("storage", "save_cache and restore_cache", storage::caches);
                    section("storage", "artifact upload and download", storage::artifacts);
                    section("storage", "server RSS, 8 jobs uploading at once", storage::memory);
                }
            }
            ServerBench server = new ServerBench(options);
            section("server", "server RSS", () -> List.of(server.idlePollsRss()));
            section("server", "server claims/s", () -> List.of(server.claimsPerSecond()));
            ReplicaBench replicas = new ReplicaBench(options);
            section("replicas", "claims/s on H2 and PostgreSQL", replicas::claims);
            if (!options.wants("replicas")) { // the replicas section measures the H2 row too
                section("claims-h2", "claims/s on H2", () -> List.of(replicas.h2Claims()));
            }
            section("replicas", "replicas: wake-ups and idle long-polls", replicas::idleAndWakeups);
            KillBench kill = new KillBench(options);
            section("kill", "kill, process launcher", () -> List.of(kill.processLauncher()));
            section("kill", "kill, systemd launcher", () -> List.of(kill.systemdLauncher(systemd)));
        }
        return rows;
    }

    private interface Section {
        List<Row> measure() throws Exception;
    }

    private void section(String name, String figure, Section section) {
        if (!options.wants(name)) {
            return;
        }
        System.out.println("[" + Instant.now() + "] " + figure + " (load " + Processes.loadAverage() + ")");
        try {
            List<Row> measured = section.measure();
            measured.forEach(row -> System.out.println("    " + row));
            rows.addAll(measured);
        } catch (Exception | AssertionError e) {
            e.printStackTrace(System.out);
            rows.add(new Row(figure, "", null, null, null, 0, "", null, null, "", "ERROR",
                    e.getClass().getSimpleName() + ": " + firstLine(e.getMessage())));
        }
        try {
            Report.writeJson(options.json(), machine, rows); // what is measured so far survives an interrupted run
        } catch (java.io.IOException e) {
            System.out.println("cannot write " + options.json() + ": " + e);
        }
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    private static Map<String, Object> machine(Options options) throws Exception {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("started", Instant.now().toString());
        machine.put("cores (nproc)", Runtime.getRuntime().availableProcessors());
        machine.put("memory", Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " "));
        machine.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        machine.put("image JDK", Processes.run(List.of(options.java().toString(), "-version"), Map.of(), 60)
                .lines().skip(1).findFirst().orElse("?"));
        machine.put("load average before", Processes.loadAverage());
        machine.put("runs", options.runs());
        machine.put("image", options.image().toString());
        return machine;
    }
}
