package dev.runway.launcher.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runway.launcher.ExitStatus;
import dev.runway.launcher.LaunchSpec;
import dev.runway.launcher.Launcher;
import dev.runway.launcher.LauncherSettings;
import dev.runway.launcher.Limits;
import dev.runway.launcher.TaskProcess;
import dev.runway.launcher.process.ProcessLauncherProvider;
import dev.runway.testsupport.NamespacedSystemd;
import dev.runway.testsupport.ProcessScan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** config-samples/linux/launch-task: checked everywhere, and run for real against a namespaced systemd. */
@EnabledOnOs(OS.LINUX)
class LaunchTaskScriptTest {
    static final Path SCRIPT = Path.of("../../config-samples/linux/launch-task").toAbsolutePath().normalize();

    private static Process script(Map<String, String> environment, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(SCRIPT.toString()));
        argv.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().remove("CIRCLECI_LAUNCH_ID");
        builder.environment().putAll(environment);
        return builder.start();
    }

    private static String outputOf(Process process) throws Exception {
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void isExecutableBashThatParses() throws Exception {
        assertThat(Files.isExecutable(SCRIPT)).isTrue();
        assertThat(Files.readAllLines(SCRIPT).get(0)).isEqualTo("#!/bin/bash");
        Process check = new ProcessBuilder("bash", "-n", SCRIPT.toString()).redirectErrorStream(true).start();
        assertThat(outputOf(check)).isEmpty();
        assertThat(check.exitValue()).isZero();
    }

    @Test
    void refusesToRunWithoutALaunchId() throws Exception {
        Process run = script(Map.of(), "true");
        assertThat(outputOf(run)).contains("CIRCLECI_LAUNCH_ID is not set");
        assertThat(run.exitValue()).isEqualTo(2);
    }

    @Test
    void namesAMissingTaskUser() throws Exception {
        Process run = script(Map.of("CIRCLECI_LAUNCH_ID", "x", "RUNWAY_TASK_USER", "no-such-user-xyz"), "true");
        assertThat(outputOf(run)).contains("task user 'no-such-user-xyz' does not exist");
        assertThat(run.exitValue()).isEqualTo(2);
    }

    /** The script against a real systemd: one boot for all of these. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class UnderSystemd {
        private NamespacedSystemd systemd;
        private Path dir;
        private final String token = ProcessScan.uniqueSleep();

        @BeforeAll
        void boot() throws Exception {
            // Outside /tmp: inside the namespace /tmp is a private tmpfs.
            Files.createDirectories(Path.of("target/launch-task-it").toAbsolutePath());
            systemd = NamespacedSystemd.boot(); // skips where it cannot
        }

        @BeforeEach
        void workDirectory() throws Exception {
            dir = Files.createTempDirectory(Path.of("target/launch-task-it").toAbsolutePath(), "task");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        }

        @AfterAll
        void shutDown() throws Exception {
            ProcessScan.killAll(token);
            if (systemd != null) {
                systemd.close();
            }
        }

        private Launcher launcher() throws Exception {
            // The prefix enters the namespace, then runs launch-task: the agent's view of a host with systemd.
            List<String> prefix = systemd.insideIn(dir, SCRIPT.toString());
            return new ProcessLauncherProvider().create(new LauncherSettings(prefix, null, Duration.ofSeconds(8)));
        }

        private LaunchSpec spec(String launchId, String script, byte[] stdin) {
            return new LaunchSpec(launchId, List.of("sh", "-c", script),
                    Map.of("CIRCLECI_LAUNCH_ID", launchId, "RUNWAY_TASK_USER", "nobody", "RUNWAY_STOP_TIMEOUT", "2s"),
                    dir, stdin, dir.resolve("task.log"), Limits.NONE);
        }

        @Test
        void runsTheTaskInItsOwnUnitAsTheTaskUserPassingStdinOutputAndExitCode() throws Exception {
            byte[] secret = "the-task-token".getBytes(StandardCharsets.UTF_8);
            try (Launcher launcher = launcher()) {
                TaskProcess task = launcher.start(spec("it-1", "cat > got; id -un; echo \"cwd $PWD\";"
                        + " echo \"id $CIRCLECI_LAUNCH_ID\"; grep -h '^0::' /proc/self/cgroup; exit 7", secret));
                assertThat(task.onExit().get(60, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(7));
            }
            assertThat(Files.readAllBytes(dir.resolve("got"))).isEqualTo(secret);
            assertThat(Files.readString(dir.resolve("task.log"))).contains("nobody\n", "cwd " + dir, "id it-1\n",
                    "0::/system.slice/circleci-it-1.service");
        }

        @Test
        void theUnitTakesEverythingTheTaskLeftWithIt() throws Exception {
            // launch-task alone, without the agent's tracker: the cgroup is what must catch the escapes.
            ProcessBuilder builder = new ProcessBuilder(systemd.insideIn(dir, SCRIPT.toString(), "sh", "-c",
                    escapes() + " sleep 2; exit 0"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile());
            builder.environment().putAll(Map.of("CIRCLECI_LAUNCH_ID", "it-2", "RUNWAY_TASK_USER", "nobody"));
            Process run = builder.start();
            ProcessScan.awaitCount(token, 3);
            assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(run.exitValue()).as(Files.readString(dir.resolve("out"))).isZero();
            awaitNoneWith(token);
            assertThat(systemd.run("systemctl", "is-active", "circleci-it-2.service").strip()).isNotEqualTo("active");
        }

        @Test
        void sigtermToTheScriptStopsTheUnitAndItsWholeTree() throws Exception {
            ProcessBuilder builder = new ProcessBuilder(systemd.insideIn(dir, SCRIPT.toString(), "sh", "-c",
                    "trap '' TERM; " + escapes() + " sleep " + token))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile());
            builder.environment().putAll(Map.of("CIRCLECI_LAUNCH_ID", "it-3", "RUNWAY_TASK_USER", "nobody",
                    "RUNWAY_STOP_TIMEOUT", "2s"));
            Process run = builder.start();
            ProcessScan.awaitCount(token, 4);
            // nsenter's child is the script (nsenter forks to enter the PID namespace).
            ProcessHandle launchTask = run.toHandle().children().findFirst().orElseThrow();
            launchTask.destroy();

            assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
            awaitNoneWith(token);
            assertThat(systemd.run("systemctl", "is-active", "circleci-it-3.service").strip()).isNotEqualTo("active");
        }

        /** Three ways out of a process group; the token is literal since a unit gets only the task's variables. */
        private String escapes() {
            return "setsid sleep " + token + " & (sleep " + token + " &) & nohup sleep " + token + " >/dev/null 2>&1 &";
        }

        private void awaitNoneWith(String marker) {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(
                    () -> assertThat(ProcessScan.pidsWith(marker)).as("processes left").isEmpty());
        }
    }
}
