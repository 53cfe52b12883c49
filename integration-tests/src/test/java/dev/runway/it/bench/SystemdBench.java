package dev.runway.it.bench;

import dev.runway.it.support.Waits;
import dev.runway.testsupport.NamespacedSystemd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.opentest4j.TestAbortedException;

/**
 * Pickup with the systemd launcher: the image's launch agent runs as a Type=notify service of a systemd booted in a
 * PID + mount namespace (the integration tests' fixture) and starts each task agent as a transient unit. Its floor
 * swaps bash for {@code systemd-run --wait true} through the same systemd.
 */
final class SystemdBench implements AutoCloseable {
    private final Options options;
    private NamespacedSystemd systemd;
    private String unavailable;

    SystemdBench(Options options) {
        this.options = options;
    }

    /** The namespaced systemd, booted on first use; empty with the reason where it cannot boot (not root, ...). */
    NamespacedSystemd systemd() throws Exception {
        if (systemd == null && unavailable == null) {
            try {
                systemd = NamespacedSystemd.boot();
            } catch (TestAbortedException e) {
                unavailable = e.getMessage();
            }
        }
        return systemd;
    }

    String unavailableReason() {
        return unavailable;
    }

    /**
     * Pickups through a launch agent that is a service of the namespaced systemd, with its defaults (a standby task
     * agent after each task, in a unit of its own), and beside them the same without a standby (INFO).
     */
    List<Row> pickup(Cluster cluster, PickupBench pickup, StartupBench startup) throws Exception {
        if (systemd() == null) {
            return List.of(Row.skipped("pickup p50, systemd launcher", "<= 1.3x floor", unavailable));
        }
        List<Row> rows = new ArrayList<>(agentPickups(cluster, pickup, startup, "pickup-systemd", "", true));
        for (Row cold : agentPickups(cluster, pickup, startup, "pickup-systemd-cold", "  standby_timeout: 0\n",
                false)) {
            rows.add(cold.asInfo(cold.figure().replace("pickup", "pickup without a standby"),
                    "standby_timeout: 0"));
        }
        return rows;
    }

    private List<Row> agentPickups(Cluster cluster, PickupBench pickup, StartupBench startup, String name,
            String runnerYaml, boolean withFloorPart) throws Exception {
        // Units cannot see this JVM's /tmp: the agent's config, state and work live under the work directory.
        Path directory = Files.createDirectories(options.work().resolve(name));
        String token = cluster.resourceClassToken(name);
        Path config = directory.resolve("launch-agent-config.yaml");
        Files.writeString(config, "api:\n  auth_token: " + token + "\n  url: " + cluster.apiUrl() + "\n"
                + "runner:\n  name: bench-" + name + "\n  launcher: systemd\n  working_directory: "
                + directory.resolve("work") + "/%s\n" + runnerYaml);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        Path log = directory.resolve("agent.log");
        String unit = "runway-bench-agent-" + UUID.randomUUID().toString().substring(0, 8) + ".service";
        systemd.run("systemd-run", "--no-block", "--unit=" + unit, "-p", "Type=notify", "-p", "NotifyAccess=main",
                "-p", "KillMode=mixed", "-p", "StandardOutput=append:" + log, "-p", "StandardError=append:" + log,
                options.runway().toString(), "launch-agent", "--config", config.toString(), "--state-dir",
                directory.resolve("state").toString());
        awaitActive(unit, log);
        try {
            JobDriver jobs = new JobDriver(cluster, Cluster.resourceClass(name), directory.resolve("markers"),
                    () -> PickupBench.tail(read(log)));
            List<Double> systemdRuns = new ArrayList<>();
            List<Row> rows = new ArrayList<>(pickup.pickupRows("systemd launcher", jobs, () -> {
                double run = Processes.timeMillis("nsenter", "-t", Long.toString(systemd.pid()), "-m", "-p", "--",
                        "systemd-run", "--wait", "--quiet", "true");
                systemdRuns.add(run);
                return startup.taskAgentJvmMillis() + run;
            }, "task agent JVM alone + systemd-run --wait true"));
            if (withFloorPart) {
                rows.add(Row.info("floor part: systemd-run --wait true (namespaced systemd)", "ms",
                        Stats.of(systemdRuns), "through nsenter into the namespace, so it includes nsenter's own"
                                + " start"));
            }
            return rows;
        } finally {
            systemd.run("systemctl", "kill", "-s", "KILL", unit);
        }
    }

    private void awaitActive(String unit, Path log) {
        if (!Waits.within(Duration.ofSeconds(60), Duration.ofMillis(100),
                () -> systemd.run("systemctl", "is-active", unit).strip().equals("active"))) {
            throw new IllegalStateException("launch agent " + unit + " not active after 60 s:\n" + read(log));
        }
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (java.io.IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (systemd != null) {
            systemd.close();
        }
    }
}
