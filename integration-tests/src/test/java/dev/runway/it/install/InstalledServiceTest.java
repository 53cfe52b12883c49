package dev.runway.it.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.JobsApi.JobSubmission;
import dev.runway.server.RunwayServer;
import dev.runway.server.ServerSettings;
import dev.runway.testsupport.NamespacedSystemd;
import dev.runway.testsupport.SystemRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The unit `runway install linux` writes, run by a real systemd (booted in its own PID + mount namespace): it starts
 * the agent, `systemctl status` shows Status: "Healthy", and `systemctl stop` drains: the running job finishes and
 * succeeds before the service stops.
 *
 * <p>Inside the namespace, private tmpfs over /opt, /etc/opt, /var/opt and /var/lib/runway (empty or test-only on the
 * host) carry bind mounts of the installed root's directories, so the installed unit runs unmodified at its own paths
 * and nothing is written to the host's system directories. The unit file goes to /run/systemd/system (the
 * namespace's private /run).
 */
class InstalledServiceTest {
    private NamespacedSystemd systemd;
    private RunwayServer server;
    private Path base;

    @AfterEach
    void shutDown() throws Exception {
        if (systemd != null) {
            systemd.close();
        }
        if (server != null) {
            server.close();
        }
        if (base != null) {
            new Command("rm", "-rf", base.toString()).run();
        }
    }

    @Test
    void theInstalledUnitStartsAHealthyAgentAndStopDrainsTheRunningJob() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "installed-service-test")).toRealPath();
        // under the checkout, which the namespaced systemd keeps visible also when it lies in /tmp
        systemd = NamespacedSystemd.boot(); // skips where a namespaced systemd cannot run (not root, no systemd)
        base = Files.createTempDirectory(work, "run-");
        server = RunwayServer.start(new ServerSettings(base.resolve("server"), "127.0.0.1", 0));
        ManagementClient admin = new ManagementClient(new HttpTransport(server.uri(), Duration.ofSeconds(30)),
                server.adminToken());
        admin.createNamespace("it", "org-it");
        admin.createResourceClass("it/service", "installed service test");
        String token = admin.createToken("it/service", "unit").token();

        Path root = SystemRoot.accounts(base.resolve("root"));
        Path config = base.resolve("launch-agent-config.yaml");
        Files.writeString(config, "api:\n  auth_token: " + token + "\n  url: " + server.uri() + "\n"
                + "runner:\n  name: installed-unit\n  working_directory: /var/opt/runway/workdir/%s\n"
                + "  launcher: systemd\n  max_run_time: 10m\n  grace_period: 5s\n"
                + "logging:\n  file: /var/opt/runway/agent.log\n  level: debug\n");
        Command.Result install = new Command(Command.IMAGE.resolve("bin/runway").toString(), "install", "linux",
                "--root", root.toString(), "--config-from", config.toString()).run();
        assertThat(install.exit()).as(install.all()).isZero();
        assertThat(install.all()).doesNotContain(token);

        String setUp = inNamespace("mount -t tmpfs tmpfs /opt && mkdir /opt/runway && mount --bind " + root.resolve("opt/runway")
                + " /opt/runway && mount -t tmpfs tmpfs /etc/opt && mkdir /etc/opt/runway && mount --bind "
                + root.resolve("etc/opt/runway") + " /etc/opt/runway && mount -t tmpfs tmpfs /var/opt"
                + " && mkdir /var/opt/runway && mount --bind " + root.resolve("var/opt/runway") + " /var/opt/runway"
                + " && mkdir -p /var/lib/runway && mount -t tmpfs tmpfs /var/lib/runway"
                + " && cp " + root.resolve("etc/systemd/system/runway.service") + " /run/systemd/system/runway.service"
                + " && systemctl daemon-reload && systemctl start runway.service && echo started");
        assertThat(setUp).as("mounts and start in the namespace").contains("started");

        awaitStatus("Healthy", root);
        assertThat(inNamespace("systemctl status runway.service --no-pager; true"))
                .contains("Status: \"Healthy\"").contains("Active: active (running)");

        String jobId = admin.submitJob(JobSubmission.ofCommands("it/service", "drain-me", "sleep 5",
                "echo finished")).id();
        // Wait until the job's first step has started: a task claimed but not yet started is given back by a drain.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(stepStarted(admin, jobId)).as(agentLog(root)).isTrue());

        long stopStarted = System.nanoTime();
        String stop = inNamespace("systemctl stop runway.service && echo stopped");
        long stopSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stopStarted);

        assertThat(stop).contains("stopped");
        assertThat(admin.jobStatus(jobId).state()).as(agentLog(root)).isEqualTo(JobState.SUCCESS);
        assertThat(stopSeconds).as("the stop waited for the job").isGreaterThanOrEqualTo(2);
        assertThat(systemd.run("systemctl", "show", "--property=ActiveState,Result", "runway.service"))
                .contains("ActiveState=inactive").contains("Result=success");
        assertThat(inNamespace("systemctl status runway.service --no-pager; true")).doesNotContain(token);
    }

    private static boolean stepStarted(ManagementClient admin, String jobId) throws Exception {
        JobStatus status = admin.jobStatus(jobId);
        return status.state() == JobState.RUNNING && !status.steps().isEmpty()
                && status.steps().get(0).startedAt() != null;
    }

    private String inNamespace(String script) throws Exception {
        return systemd.run("/bin/sh", "-c", script);
    }

    private void awaitStatus(String status, Path root) throws Exception {
        AtomicReference<String> text = new AtomicReference<>("");
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).pollDelay(Duration.ZERO)
                    .until(() -> {
                        text.set(systemd.run("systemctl", "show", "--property=StatusText", "--value",
                                "runway.service").strip());
                        return text.get().equals(status);
                    });
            return;
        } catch (ConditionTimeoutException e) {
            // described below
        }
        throw new AssertionError("StatusText is '" + text + "', not '" + status + "'; "
                + systemd.run("systemctl", "status", "runway.service", "--no-pager") + "\nagent log:\n" + agentLog(root));
    }

    private static String agentLog(Path root) {
        try {
            return Files.readString(root.resolve("var/opt/runway/agent.log"));
        } catch (java.io.IOException e) {
            return "(no agent log: " + e.getMessage() + ")";
        }
    }
}
