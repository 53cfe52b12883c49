package dev.runway.it.faults;

import dev.runway.client.ApiException;
import dev.runway.client.ManagementClient;
import dev.runway.it.support.LaunchAgentProcess;
import dev.runway.it.support.ProcFs;
import dev.runway.it.support.ServerProcess;
import dev.runway.it.support.Waits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The real parts a fault run works on: one {@code runway server} process, optionally the chaos proxy in front of it,
 * and launch agents (each starting real task agents through the portable launcher). Every agent carries a marker
 * in its environment that its task agents and jobs inherit, so that /proc shows what the run left behind.
 */
final class FaultCluster implements AutoCloseable {
    static final String NAMESPACE = "faults";
    static final String RESOURCE_CLASS = NAMESPACE + "/linux";
    static final String MARKER_VARIABLE = "RUNWAY_FAULTS_MARKER";
    /** Where the canary lies: files outside every task's directory that jobs link to and cleanup must not touch. */
    static final String CANARY_VARIABLE = "RUNWAY_FAULTS_CANARY";
    /** Lease of the suite's server: short, so that a lost task comes back within the run. */
    static final String LEASE = "20s";

    final Path home;
    final String marker = "rwf-" + UUID.randomUUID();
    final FaultTally tally;
    final List<LaunchAgentProcess> agents = new ArrayList<>();
    ServerProcess server;
    ChaosProxy proxy;
    /** Set for partition runs: the agents and the server live in two namespaces joined by a veth pair. */
    NetworkNamespaces network;
    /** Set for full-disk runs: the tmpfs under the server's data directory, and those under the agents' work. */
    TmpfsMount serverDisk;
    final List<TmpfsMount> workDisks = new ArrayList<>();
    ManagementClient management;
    /** Where the suite itself reaches the server (directly, or through a relay in partition runs). */
    URI managementUri;
    String token;

    /** Files outside every task's directory (jobs link to them); {@link #canaryState} before the run. */
    final Path canary;
    final Map<String, String> canaryBefore;

    FaultCluster(Path home, FaultTally tally) throws IOException {
        this.home = Files.createDirectories(home);
        this.tally = tally;
        this.canary = Files.createDirectories(home.resolve("canary"));
        Files.createDirectories(canary.resolve("sub"));
        for (int i = 0; i < 3; i++) {
            Files.writeString(canary.resolve("file-" + i), "canary " + i + "\n");
            Files.writeString(canary.resolve("sub/file-" + i), "canary sub " + i + "\n");
        }
        this.canaryBefore = canaryState();
    }

    /** Every entry under the canary: its type, mode, size, modification time and content. */
    Map<String, String> canaryState() throws IOException {
        Map<String, String> state = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> entries = Files.walk(canary)) {
            for (Path entry : entries.toList()) {
                java.nio.file.attribute.PosixFileAttributes attributes = Files.readAttributes(entry,
                        java.nio.file.attribute.PosixFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                String content = attributes.isRegularFile() ? Files.readString(entry) : "";
                state.put(canary.relativize(entry).toString(), (attributes.isDirectory() ? "d " : "f ")
                        + java.nio.file.attribute.PosixFilePermissions.toString(attributes.permissions()) + " "
                        + attributes.size() + " " + attributes.lastModifiedTime() + " " + content.strip());
            }
        }
        return state;
    }

    /** Starts the server ({@code prefix}: e.g. {@code ip netns exec NAME}) with its data in {@code dataDir}. */
    void startServer(List<String> prefix, Path dataDir, String host) throws IOException, InterruptedException {
        server = ServerProcess.start(prefix, dataDir, home.resolve("server.log"), host, 0, LEASE);
    }

    /** Connects the management client (through {@code managementUri}) and makes the namespace, class and token. */
    void provision(URI managementUri) throws Exception {
        this.managementUri = managementUri;
        management = server.management(managementUri);
        management.createNamespace(NAMESPACE, UUID.randomUUID().toString());
        management.createResourceClass(RESOURCE_CLASS, "fault injection suite");
        token = management.createToken(RESOURCE_CLASS, "faults").token();
    }

    /** A chaos proxy in front of the server (on loopback). */
    ChaosProxy startProxy(long seed) throws IOException {
        proxy = new ChaosProxy(new InetSocketAddress("127.0.0.1", server.port()), seed, tally);
        return proxy;
    }

    /** Starts a launch agent that reaches the server at {@code apiUrl}. */
    LaunchAgentProcess addAgent(List<String> prefix, Path directory, String name, String apiUrl, int slots)
            throws IOException {
        LaunchAgentProcess agent = LaunchAgentProcess.start(prefix, directory, name, apiUrl, token,
                "cleanup_working_directory: true\nmax_concurrent_tasks: " + slots + "\ngrace_period: 2s\n"
                        + "max_run_time: 4m\nenvironment: [" + MARKER_VARIABLE + ", " + CANARY_VARIABLE + "]\n",
                Map.of(MARKER_VARIABLE, marker, CANARY_VARIABLE, canary.toString()));
        agents.add(agent);
        return agent;
    }

    /** Restarts the server after a kill, as a service manager would (same data directory and port). */
    void restartServer() throws IOException, InterruptedException {
        server.start();
    }

    /** Waits until the server answers a management call (through the management client). */
    boolean awaitServer(Duration timeout) {
        return Waits.within(timeout, Duration.ofMillis(200), () -> {
            try {
                management.unclaimedTasks(RESOURCE_CLASS);
                return true;
            } catch (ApiException e) {
                return false;
            }
        });
    }

    /** Pids of the launch agents themselves (they carry the marker too, and may). */
    List<Long> agentPids() {
        List<Long> pids = new ArrayList<>();
        for (LaunchAgentProcess agent : agents) {
            if (agent.isAlive()) {
                pids.add(agent.pid());
            }
        }
        return pids;
    }

    /** Every log file of the run: the server's, each agent's, and the task-agent logs the agents kept. */
    List<Path> logFiles() throws IOException {
        List<Path> logs = new ArrayList<>();
        logs.add(server.log());
        for (LaunchAgentProcess agent : agents) {
            logs.add(agent.log());
            Path taskLogs = agent.stateDirectory().resolve("logs");
            if (Files.isDirectory(taskLogs)) {
                try (var files = Files.list(taskLogs)) {
                    files.forEach(logs::add);
                }
            }
        }
        return logs;
    }

    String agentLogs() {
        StringBuilder text = new StringBuilder();
        for (LaunchAgentProcess agent : agents) {
            String log = agent.logText();
            text.append("--- ").append(agent.log()).append('\n')
                    .append(log.length() > 20_000 ? log.substring(log.length() - 20_000) : log).append('\n');
        }
        return text.toString();
    }

    @Override
    public void close() throws Exception {
        for (LaunchAgentProcess agent : agents) {
            agent.kill();
        }
        ProcFs.kill(ProcFs.withMarker(marker).stream().map(ProcFs.Snapshot::pid).toList());
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.kill();
        }
        if (network != null) {
            network.close();
        }
        for (TmpfsMount disk : workDisks) {
            disk.close();
        }
        if (serverDisk != null) {
            serverDisk.close();
        }
    }
}
