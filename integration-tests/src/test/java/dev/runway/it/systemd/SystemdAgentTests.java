package dev.runway.it.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.client.ApiException;
import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.JobsApi.JobSubmission;
import dev.runway.server.RunwayServer;
import dev.runway.server.ServerSettings;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end on a real systemd: a real server (this JVM, loopback), the built image's {@code runway launch-agent}
 * running as a Type=notify service inside the namespace with {@code launcher: systemd} and {@code task_user: nobody},
 * real jobs. The agent finds the namespace's system bus at the standard path, as it would on a host.
 */
class SystemdAgentTests {
    private static final Path RUNWAY = Path.of(System.getProperty("runway.image", "../modules/distribution/target/image"))
            .toAbsolutePath().normalize().resolve("bin/runway");
    private static final String RESOURCE_CLASS = "systemd-e2e/linux";
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(45);

    private static NamespacedSystemd systemd;
    private static RunwayServer server;
    private static ManagementClient management;
    private static Path home;
    private static Path config;
    private static String agent;

    @BeforeAll
    static void start() throws Exception {
        systemd = NamespacedSystemd.boot();
        assertThat(RUNWAY).as("the built image (package modules/distribution first)").isExecutable();
        // Units cannot see this JVM's /tmp: everything the agent and its tasks touch lives under target/.
        home = Files.createDirectories(Path.of("target", "systemd-agent-tests", UUID.randomUUID().toString())
                .toAbsolutePath());
        server = RunwayServer.start(new ServerSettings(home.resolve("server"), "127.0.0.1", 0));
        management = new ManagementClient(new HttpTransport(server.uri(), Duration.ofSeconds(30)),
                server.adminToken());
        management.createNamespace("systemd-e2e", UUID.randomUUID().toString());
        management.createResourceClass(RESOURCE_CLASS, "systemd end-to-end tests");
        String token = management.createToken(RESOURCE_CLASS, "e2e").token();
        config = home.resolve("launch-agent-config.yaml");
        Files.writeString(config, "api:\n  auth_token: " + token + "\n  url: " + server.uri() + "\n"
                + "runner:\n  name: systemd-e2e\n  launcher: systemd\n  task_user: nobody\n"
                + "  working_directory: " + home.resolve("work") + "/%s\n  cleanup_working_directory: true\n"
                + "  max_run_time: 20s\n  grace_period: 2s\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
    }

    @AfterAll
    static void stop() {
        if (systemd != null) {
            systemd.close(); // the agents and their tasks die with the namespace
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aJobRunsAsTheTaskUserInItsOwnUnitAndTheAgentReportsHealthToSystemd() throws Exception {
        String agent = agent();
        JobStatus job = submit("whoami", "echo \"uid=$(id -u)\"; cat /proc/self/cgroup");

        JobStatus done = awaitJob(job.id(), s -> s.state().isFinal());

        assertThat(done.state()).as(agentLog(agent)).isEqualTo(JobState.SUCCESS);
        assertThat(output(job.id())).contains("uid=65534")
                .containsPattern("(?m)^0::/system\\.slice/runway-task-[A-Za-z0-9_.:-]+\\.service$");
        String shown = systemd.run("systemctl", "show", "-p", "ActiveState", "-p", "StatusText", agent);
        assertThat(shown).as("READY=1 made the Type=notify unit active; STATUS= is shown")
                .contains("ActiveState=active", "StatusText=Healthy");
    }

    @Test
    void cancelKillsATreeThatEscapedWithSetsidDoubleForkAndSigstop() throws Exception {
        agent();
        JobStatus job = submit("escapes", "setsid sh -c 'exec sleep 600' &\n"
                + "sh -c 'sh -c \"exec sleep 600\" &' &\n"
                + "sh -c 'kill -STOP $$; exec sleep 600' &\n"
                + "exec sleep 600");
        String unit = awaitTaskUnit();
        assertThat(awaitTrue(() -> NamespacedSystemd.processesOfUnit(unit).size() >= 5))
                .as("the job's tree runs in %s", unit).isTrue();

        management.cancelJob(job.id());
        JobStatus done = awaitJob(job.id(), s -> s.state().isFinal());

        assertThat(done.state()).isEqualTo(JobState.CANCELED);
        assertThat(awaitTrue(() -> NamespacedSystemd.processesOfUnit(unit).isEmpty())).isTrue();
        assertThat(awaitTrue(() -> !taskUnits().contains(unit))).as("unit %s collected", unit).isTrue();
    }

    @Test
    void anAgentKilledMidTaskLeavesNothingOnceRestartedAndTheTaskIsReported() throws Exception {
        String first = agent();
        JobStatus job = submit("orphaned", "exec sleep 600");
        String unit = awaitTaskUnit();

        // Killed while busy (its one slot taken), it has no claim pending that the server could answer.
        kill(first);
        assertThat(NamespacedSystemd.processesOfUnit(unit)).as("the task outlives its killed agent").isNotEmpty();
        agent = startAgent();

        JobStatus done = awaitJob(job.id(), s -> s.state().isFinal());
        assertThat(done.state()).as(agentLog(agent)).isNotEqualTo(JobState.SUCCESS);
        assertThat(awaitTrue(() -> NamespacedSystemd.processesOfUnit(unit).isEmpty())).isTrue();
        assertThat(awaitTrue(() -> !taskUnits().contains(unit))).as("unit %s removed", unit).isTrue();
    }

    /** The running agent, started on first use; one at a time, so each job goes to the agent a test watches. */
    private static String agent() throws Exception {
        if (agent == null) {
            agent = startAgent();
        }
        return agent;
    }

    /** The agent as a Type=notify service of the namespaced systemd, as config-samples/linux/runway.service runs it. */
    private static String startAgent() throws Exception {
        String unit = "runway-agent-" + UUID.randomUUID().toString().substring(0, 8) + ".service";
        String started = systemd.run("systemd-run", "--no-block", "--unit=" + unit, "-p", "Type=notify",
                "-p", "NotifyAccess=main", "-p", "KillMode=mixed", "-p", "StandardOutput=append:" + log(unit),
                "-p", "StandardError=append:" + log(unit), RUNWAY.toString(), "launch-agent", "--config",
                config.toString(), "--state-dir", home.resolve("state").toString());
        assertThat(awaitTrue(() -> systemd.run("systemctl", "is-active", unit).strip().equals("active")))
                .as("agent %s ready (%s): %s", unit, started, agentLog(unit)).isTrue();
        return unit;
    }

    /** kill -9 of the agent's processes, as when it crashes; its task units are units of their own and stay. */
    private static void kill(String agent) throws Exception {
        systemd.run("systemctl", "kill", "-s", "KILL", agent);
        assertThat(awaitTrue(() -> !systemd.run("systemctl", "is-active", agent).strip().equals("active")))
                .as("agent %s killed", agent).isTrue();
    }

    /** The one task unit running (each test's agent runs one task at a time). */
    private static String awaitTaskUnit() throws Exception {
        assertThat(awaitTrue(() -> taskUnits().size() == 1)).as("one task unit: %s", taskUnits()).isTrue();
        return taskUnits().get(0);
    }

    private static Path log(String unit) {
        return home.resolve(unit + ".log");
    }

    private static String agentLog(String unit) throws Exception {
        return Files.exists(log(unit)) ? Files.readString(log(unit)) : "(no log)";
    }

    private static List<String> taskUnits() throws Exception {
        return systemd.run("systemctl", "list-units", "--all", "--no-legend", "--plain", "runway-task-*").lines()
                .map(line -> line.split("\\s+")[0]).filter(name -> name.startsWith("runway-task-")).toList();
    }

    private static JobStatus submit(String name, String command) throws Exception {
        return management.submitJob(JobSubmission.ofCommands(RESOURCE_CLASS, name, command));
    }

    private static JobStatus awaitJob(String jobId, Predicate<JobStatus> condition) throws Exception {
        Instant deadline = Instant.now().plus(JOB_TIMEOUT);
        JobStatus status = management.jobStatus(jobId);
        while (!condition.test(status) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            status = management.jobStatus(jobId);
        }
        return status;
    }

    private static String output(String jobId) throws ApiException, InterruptedException {
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

    private interface Check {
        boolean holds() throws Exception;
    }

    private static boolean awaitTrue(Check check) throws Exception {
        Instant deadline = Instant.now().plus(JOB_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (check.holds()) {
                return true;
            }
            Thread.sleep(100);
        }
        return check.holds();
    }
}
