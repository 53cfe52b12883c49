package dev.runway.it.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.runway.client.ApiException;
import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.JobsApi.JobSubmission;
import dev.runway.server.RunwayServer;
import dev.runway.server.ServerSettings;
import dev.runway.testsupport.NamespacedSystemd;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;

/**
 * End to end on a real systemd: a namespaced systemd, a real server (this JVM, loopback), and the built image's
 * {@code runway launch-agent} running as a Type=notify service inside the namespace with {@code launcher: systemd} and
 * {@code task_user: nobody}. The agent finds the namespace's system bus at the standard path, as on a host. One agent
 * runs at a time, so each job goes to the agent a test watches.
 */
final class SystemdAgentHarness implements AutoCloseable {
    static final Path RUNWAY = Path.of(System.getProperty("runway.image", "../modules/distribution/target/image"))
            .toAbsolutePath().normalize().resolve("bin/runway");
    static final String RESOURCE_CLASS = "systemd-e2e/linux";
    /** A daemon in its own session, a double-forked one, a stopped one, and the step itself blocking. */
    static final String ESCAPING_TREE = "setsid sh -c 'exec sleep 600' &\n"
            + "sh -c 'sh -c \"exec sleep 600\" &' &\n"
            + "sh -c 'kill -STOP $$; exec sleep 600' &\n"
            + "exec sleep 600";
    static final Duration TIMEOUT = Duration.ofSeconds(45);

    final NamespacedSystemd systemd;
    final ManagementClient management;
    private final RunwayServer server;
    private final Path home;
    private final Path config;
    private String agent;

    private SystemdAgentHarness(NamespacedSystemd systemd, RunwayServer server, Path home) throws Exception {
        this.systemd = systemd;
        this.server = server;
        this.home = home;
        management = new ManagementClient(new HttpTransport(server.uri(), Duration.ofSeconds(30)),
                server.adminToken());
        management.createNamespace("systemd-e2e", UUID.randomUUID().toString());
        management.createResourceClass(RESOURCE_CLASS, "systemd end-to-end tests");
        String token = management.createToken(RESOURCE_CLASS, "e2e").token();
        config = home.resolve("launch-agent-config.yaml");
        Files.writeString(config, "api:\n  auth_token: " + token + "\n  url: " + server.uri() + "\n"
                + "runner:\n  name: systemd-e2e\n  launcher: systemd\n  task_user: nobody\n"
                + "  working_directory: " + home.resolve("work") + "/%s\n  cleanup_working_directory: true\n"
                + "  max_run_time: 30s\n  grace_period: 2s\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
    }

    /** Boots systemd (or skips where it cannot), starts the server; no agent yet. */
    static SystemdAgentHarness start() throws Exception {
        NamespacedSystemd systemd = NamespacedSystemd.boot();
        try {
            assertThat(RUNWAY).as("the built image (package modules/distribution first)").isExecutable();
            // Units cannot see this JVM's /tmp: everything the agent and its tasks touch lives under target/.
            Path home = Files.createDirectories(Path.of("target", "systemd-agent-tests", UUID.randomUUID().toString())
                    .toAbsolutePath());
            return new SystemdAgentHarness(systemd,
                    RunwayServer.start(new ServerSettings(home.resolve("server"), "127.0.0.1", 0)), home);
        } catch (Exception | Error e) {
            systemd.close();
            throw e;
        }
    }

    /** The running agent, started on first use. */
    String agent() throws Exception {
        if (agent == null) {
            agent = startAgent();
        }
        return agent;
    }

    /** A new agent unit, as config-samples/linux/runway.service runs it; waits until READY=1 made it active. */
    String startAgent() throws Exception {
        String unit = "runway-agent-" + UUID.randomUUID().toString().substring(0, 8) + ".service";
        String started = systemd.run("systemd-run", "--no-block", "--unit=" + unit, "-p", "Type=notify",
                "-p", "NotifyAccess=main", "-p", "KillMode=mixed", "-p", "StandardOutput=append:" + log(unit),
                "-p", "StandardError=append:" + log(unit), RUNWAY.toString(), "launch-agent", "--config",
                config.toString(), "--state-dir", home.resolve("state").toString());
        assertThat(awaitTrue(() -> systemd.run("systemctl", "is-active", unit).strip().equals("active")))
                .as("agent %s ready (%s): %s", unit, started, agentLog(unit)).isTrue();
        agent = unit;
        return unit;
    }

    /** kill -9 of the agent's processes, as when it crashes; its task units are units of their own and stay. */
    void killAgent() throws Exception {
        String killed = agent;
        agent = null;
        systemd.run("systemctl", "kill", "-s", "KILL", killed);
        assertThat(awaitTrue(() -> !systemd.run("systemctl", "is-active", killed).strip().equals("active")))
                .as("agent %s killed", killed).isTrue();
    }

    String agentLog(String unit) throws Exception {
        return Files.exists(log(unit)) ? Files.readString(log(unit)) : "(no log)";
    }

    /** The one task unit running (the agent has one slot). */
    String awaitTaskUnit() throws Exception {
        assertThat(awaitTrue(() -> taskUnits().size() == 1)).as("one task unit: %s", taskUnits()).isTrue();
        return taskUnits().get(0);
    }

    List<String> taskUnits() throws Exception {
        return systemd.run("systemctl", "list-units", "--all", "--no-legend", "--plain", "runway-task-*").lines()
                .map(line -> line.split("\\s+")[0]).filter(name -> name.startsWith("runway-task-")).toList();
    }

    JobStatus submit(String name, String command) throws Exception {
        return submit(name, command, null);
    }

    JobStatus submit(String name, String command, String maxRunTime) throws Exception {
        return management.submitJob(new JobSubmission(RESOURCE_CLASS, name,
                List.of(JsonNodeFactory.instance.objectNode().put("run", command)), null, null, null, maxRunTime));
    }

    JobStatus awaitFinal(String jobId) throws Exception {
        return awaitJob(jobId, status -> status.state().isFinal());
    }

    private JobStatus awaitJob(String jobId, Predicate<JobStatus> condition) throws Exception {
        try {
            return await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).pollDelay(Duration.ZERO)
                    .until(() -> management.jobStatus(jobId), condition);
        } catch (ConditionTimeoutException e) {
            return management.jobStatus(jobId); // the callers' assertions show it
        }
    }

    String output(String jobId) throws ApiException, InterruptedException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long offset = 0;
        while (true) {
            ManagementClient.OutputChunk chunk = management.jobOutput(jobId, 0, offset, Duration.ZERO);
            bytes.writeBytes(chunk.data());
            if (chunk.data().length == 0 || chunk.nextOffset() == offset) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
            offset = chunk.nextOffset();
        }
    }

    /** A condition that may throw (it reads the bus, /proc, the server). */
    interface Check {
        boolean holds() throws Exception;
    }

    static boolean awaitTrue(Check check) throws Exception {
        try {
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).pollDelay(Duration.ZERO).until(check::holds);
            return true;
        } catch (ConditionTimeoutException e) {
            return check.holds();
        }
    }

    private Path log(String unit) {
        return home.resolve(unit + ".log");
    }

    /** The agents and their tasks die with the namespace. */
    @Override
    public void close() {
        systemd.close();
        server.close();
    }
}
