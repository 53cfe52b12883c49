package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runway.it.support.DedicatedUser;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task that ends leaves a standby task agent waiting for the next task (runner.standby_timeout): the next task is
 * handed to it, and it runs that task as a task agent started for it would, in the task's directory. The standby for
 * the task after starts while that task runs, and a task's slot takes the next task before its directory is removed.
 */
class StandbyTaskAgentTest {
    private static final Pattern STANDBY_STARTED = Pattern.compile("standby task agent started \\(pid (\\d+)");
    private static final Duration WAIT = Duration.ofSeconds(40);

    @Test
    void theNextTaskIsHandedToTheStandbyAndRunsInItsOwnDirectory(@TempDir Path home) throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            int healthPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                healthPort = socket.getLocalPort();
            }
            AgentProcess agent = harness.launchAgent("standby", "",
                    "health:\n  listen: 127.0.0.1:" + healthPort + "\n");
            assertSucceeds(harness, harness.submit("first", "true"));
            long standby = awaitStandby(agent, 1);

            JobStatus second = harness.submit("second", "pwd", "echo \"$CIRCLE_WORKING_DIRECTORY\"",
                    "readlink /proc/$PPID/cwd");
            assertSucceeds(harness, second);

            assertThat(agent.logText()).contains("handed to the standby task agent (pid " + standby + ") in ");
            String directory = harness.output(second.id(), 0).strip();
            assertThat(Path.of(directory).getParent()).isEqualTo(agent.directory().resolve("work"));
            assertThat(harness.output(second.id(), 1).strip()).isEqualTo(directory);
            assertThat(harness.output(second.id(), 2).strip()).as("the task agent's own directory, renamed")
                    .isEqualTo(directory);
            awaitStandby(agent, 2); // started when the second task went to the first
            assertThat(standbyDirectories(agent)).as("only the next standby's").hasSize(1);
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + healthPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).contains("runway_agent_tasks_handed_to_standby_total 1\n",
                    "runway_agent_tasks_claimed_total 2\n");
        }
    }

    @Test
    void theNextStandbyStartsWhileTheTaskHandedToTheWaitingOneRuns(@TempDir Path home) throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            AgentProcess agent = harness.launchAgent("ahead", "");
            assertSucceeds(harness, harness.submit("first", "true"));
            long waiting = awaitStandby(agent, 1);
            Path release = home.resolve("release");

            JobStatus second = harness.submit("second", "while [ ! -e " + release + " ]; do sleep 0.05; done");
            awaitLog(agent, "handed to the standby task agent (pid " + waiting + ")");
            long next = awaitStandby(agent, 2); // the second task still runs: it waits for the file
            assertThat(harness.status(second.id()).state()).isEqualTo(JobState.RUNNING);
            assertThat(next).isNotEqualTo(waiting);
            Files.createFile(release);
            assertSucceeds(harness, second);

            JobStatus third = harness.submit("third", "echo ran");
            assertSucceeds(harness, third);
            assertThat(agent.logText()).contains("handed to the standby task agent (pid " + next + ") in ");
            assertThat(harness.output(third.id(), 0)).isEqualTo("ran\n");
        }
    }

    @Test
    void aDedicatedTaskUserRunningOneTaskAtATimeGetsItsNextStandbyOnlyOnceItsTaskIsOver(@TempDir Path home)
            throws Exception {
        String user = "rwsb" + UUID.randomUUID().toString().substring(0, 6);
        try (DedicatedUser dedicated = DedicatedUser.create(AgentHarness.runwayForOtherUsers(), user);
                AgentHarness harness = AgentHarness.start(home)) {
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx--x--x"));
            harness.useRunway(AgentHarness.runwayForOtherUsers());
            AgentProcess agent = harness.launchAgent("dedicated", "task_user: " + dedicated.name() + "\n");
            assertSucceeds(harness, harness.submit("first", "true"));
            long waiting = awaitStandby(agent, 1);

            JobStatus second = harness.submit("second", "id -un");
            assertSucceeds(harness, second);
            assertThat(harness.output(second.id(), 0).strip()).isEqualTo(dedicated.name());
            awaitLog(agent, "second ended success");
            long next = awaitStandby(agent, 2);
            String log = agent.logText();
            int handed = log.indexOf("handed to the standby task agent (pid " + waiting + ")");
            int ended = log.indexOf("second ended success");
            Matcher started = STANDBY_STARTED.matcher(log);
            assertThat(started.find() && started.find()).as(log).isTrue();
            assertThat(Long.parseLong(started.group(1))).isEqualTo(next);
            // a standby of the task's own user waiting beside it could be reached by it: it starts after the end
            assertThat(handed).as(log).isPositive();
            assertThat(started.start()).as("the next standby started after the task handed over had ended:\n" + log)
                    .isGreaterThan(ended).isGreaterThan(handed);
            agent.killTree();
        }
    }

    @Test
    void theSlotTakesTheNextTaskWhileThePreviousTasksDirectoryIsRemoved(@TempDir Path home) throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            AgentProcess agent = harness.launchAgent("cleaning", "cleanup_working_directory: true\n");
            // a tree whose removal takes far longer than a claim: the next job is queued before it goes
            JobStatus big = harness.submit("big", "mkdir tree && cd tree && seq -f 'f%05g' 0 59999 | xargs touch");
            JobStatus next = harness.submit("next", "echo ran");
            assertSucceeds(harness, big);
            assertSucceeds(harness, next);

            String log = agent.logText();
            Matcher bigTask = Pattern.compile("\\[task ([^\\]]+)\\] claimed: job big \\(").matcher(log);
            assertThat(bigTask.find()).as(log).isTrue();
            awaitLog(agent, "[task " + bigTask.group(1) + "] removed its working directory");
            log = agent.logText();
            int removed = log.indexOf("[task " + bigTask.group(1) + "] removed its working directory");
            int claimedNext = log.indexOf("claimed: job next (");
            assertThat(claimedNext).as("the next job claimed before the big job's directory was gone:\n" + log)
                    .isPositive().isLessThan(removed);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                try (Stream<Path> left = Files.list(agent.directory().resolve("work"))) {
                    assertThat(left.filter(path -> !path.getFileName().toString().startsWith("runway-standby-")))
                            .as("task directories left").isEmpty();
                }
            });
        }
    }

    @Test
    void theSubreaperLauncherHandsOverToItsStandbyAndTakesTheDaemonItsTaskLeft(@TempDir Path home)
            throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            AgentProcess agent = harness.launchAgent("reaping", "", "",
                    Map.of("LAUNCH_AGENT_RUNNER_LAUNCHER", "subreaper"));
            assertSucceeds(harness, harness.submit("first", "true"));
            long standby = awaitStandby(agent, 1);
            Path pidFile = home.resolve("daemon.pid");

            // a daemon that leaves the task's session and scrubs its environment: only the subreaper finds it
            assertSucceeds(harness, harness.submit("second",
                    "env -i setsid sh -c 'echo $$ > " + pidFile + "; exec sleep 600' > /dev/null 2>&1 &"
                            + " while [ ! -s " + pidFile + " ]; do sleep 0.1; done"));

            assertThat(agent.logText()).contains("launcher subreaper")
                    .contains("handed to the standby task agent (pid " + standby + ") in ");
            awaitGone(Long.parseLong(Files.readString(pidFile).strip()));
        }
    }

    @Test
    void aStoppedAgentDismissesItsStandbyAndLeavesNothingOfIt(@TempDir Path home) throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            AgentProcess agent = harness.launchAgent("stopping", "");
            assertSucceeds(harness, harness.submit("only", "true"));
            long standby = awaitStandby(agent, 1);

            agent.signal("TERM");

            assertThat(agent.awaitExit(WAIT)).as(agent.logText()).isZero();
            assertThat(ProcessHandle.of(standby).map(ProcessHandle::isAlive)).as("the standby")
                    .isNotEqualTo(Optional.of(true));
            assertThat(standbyDirectories(agent)).isEmpty();
            try (Stream<Path> logs = Files.list(agent.directory().resolve("state/logs"))) {
                assertThat(logs).as("task agent logs").isEmpty();
            }
        }
    }

    @Test
    void theStandbyIsDismissedAfterTheTimeoutAndNoneStartsWithoutOne(@TempDir Path home) throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            AgentProcess agent = harness.launchAgent("brief", "standby_timeout: 2s\n");
            assertSucceeds(harness, harness.submit("brief", "true"));
            long standby = awaitStandby(agent, 1);
            awaitLog(agent, "dismissing the standby task agent");
            awaitGone(standby);
            awaitNoStandbyDirectory(agent); // removed once the agent has seen the standby's exit

            harness.useNewResourceClass("never");
            AgentProcess without = harness.launchAgent("never", "standby_timeout: 0\n");
            assertSucceeds(harness, harness.submit("one", "true"));
            assertSucceeds(harness, harness.submit("two", "true"));
            assertThat(without.logText()).doesNotContain("standby");
        }
    }

    @Test
    void aTaskWhoseStandbyDiedGetsATaskAgentOfItsOwn(@TempDir Path home) throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            AgentProcess agent = harness.launchAgent("died", "");
            assertSucceeds(harness, harness.submit("first", "true"));
            long standby = awaitStandby(agent, 1);
            ProcessHandle.of(standby).ifPresent(ProcessHandle::destroyForcibly);
            awaitGone(standby);

            JobStatus second = harness.submit("second", "echo ran");
            assertSucceeds(harness, second);

            assertThat(harness.output(second.id(), 0)).isEqualTo("ran\n");
            assertThat(agent.logText()).containsAnyOf("had exited; the task starts its own",
                    "starting a task agent for it");
        }
    }

    @Test
    void theStandbyOfAKilledAgentEndsByItselfAndTheNextStartRemovesItsDirectory(@TempDir Path home)
            throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            AgentProcess agent = harness.launchAgent("killed", "");
            assertSucceeds(harness, harness.submit("before", "true"));
            long standby = awaitStandby(agent, 1);

            agent.signal("KILL"); // the agent alone: its end of the standby's standard input closes with it
            assertThat(agent.awaitExit(WAIT)).isNotNull();
            awaitGone(standby);
            assertThat(standbyDirectories(agent)).as("left by the killed agent").hasSize(1);

            // a class of its own: the killed agent's last long poll may still be held by the server, which would
            // hand it the next job of the old class (a lost answer that the lease takes back after 60 s)
            harness.useNewResourceClass("after-kill");
            AgentProcess again = harness.launchAgent("killed", "");
            awaitNoStandbyDirectory(again);
            assertSucceeds(harness, harness.submit("after", "true"));
        }
    }

    @Test
    void theSlotTakesTheNextTaskOnceTheResultIsInWhileTheEndedTasksTreeIsStillStopped(@TempDir Path home)
            throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            AgentProcess agent = harness.launchAgent("early", ""); // one slot, a grace period of 10 s
            nextTaskRunsBesideTheEndedTasksTree(harness, home);
            // the second job was queued all along: the agent's claim for the busy slot got it as the server closed
            // the first task, without a heartbeat to confirm what the first task agent said
            assertThat(agent.logText()).contains("] closed on the server; its slot takes the next task while the "
                    + "task agent exits").doesNotContain("result reported; the slot takes the next task");
        }
    }

    @Test
    void withAServerThatTakesNoClaimsForBusySlotsAHeartbeatConfirmsTheResultFirst(@TempDir Path home)
            throws Exception {
        try (AgentHarness harness = AgentHarness.start(home);
                Forwarder olderServer = new Forwarder(harness.port()).dropping("Runway-Claim-Features")) {
            AgentProcess agent = harness.launchAgent("confirming", "", "", Map.of("LAUNCH_AGENT_API_URL",
                    "http://runway-server.invalid:" + harness.port(), "HTTP_PROXY", "http://127.0.0.1:"
                    + olderServer.port()));
            nextTaskRunsBesideTheEndedTasksTree(harness, home);
            assertThat(agent.logText()).contains("result reported; the slot takes the next task while the task "
                    + "agent exits").doesNotContain("closed on the server");
            assertThat(olderServer.requests).as("claims that go through the proxy")
                    .anyMatch(request -> request.endsWith("/runner/claim"));
        }
    }

    /**
     * A first job that leaves a process only the launcher finds (its own session, without the step's tracking id)
     * and that ignores SIGTERM, so that its task's tree is gone only once the grace period has passed; and a second
     * job, queued meanwhile, that finds that process still there.
     */
    private static void nextTaskRunsBesideTheEndedTasksTree(AgentHarness harness, Path home) throws Exception {
        Path pidFile = home.resolve("leftover.pid");
        JobStatus first = harness.submit("first", "env -u RUNWAY_TRACKING_ID setsid sh -c 'trap \"\" TERM; "
                + "echo $$ > " + pidFile + "; exec sleep 600' > /dev/null 2>&1 < /dev/null &"
                + " while [ ! -s " + pidFile + " ]; do sleep 0.05; done");
        JobStatus second = harness.submit("second", "kill -0 \"$(cat " + pidFile + ")\" && echo alive");
        assertSucceeds(harness, first);
        assertSucceeds(harness, second);

        assertThat(harness.output(second.id(), 0)).as("the next task ran before the first one's tree was gone")
                .isEqualTo("alive\n");
        awaitGone(Long.parseLong(Files.readString(pidFile).strip())); // still stopped with its task's tree
    }

    private static void assertSucceeds(AgentHarness harness, JobStatus job) throws Exception {
        assertThat(harness.awaitFinal(job.id(), WAIT).state()).as(harness.agentLogs()).isEqualTo(JobState.SUCCESS);
    }

    /** The pid of the {@code n}th standby the agent started. */
    private static long awaitStandby(AgentProcess agent, int n) {
        long[] pid = new long[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            Matcher started = STANDBY_STARTED.matcher(agent.logText());
            int seen = 0;
            while (seen < n && started.find()) {
                seen++;
                pid[0] = Long.parseLong(started.group(1));
            }
            assertThat(seen).as(() -> "no standby task agent #" + n + "; agent log:\n" + agent.logText())
                    .isEqualTo(n);
        });
        return pid[0];
    }

    private static void awaitLog(AgentProcess agent, String text) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> assertThat(agent.logText())
                .as("the agent log").contains(text));
    }

    private static void awaitGone(long pid) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> assertThat(
                ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid " + pid + " still runs")
                .isFalse());
    }

    private static void awaitNoStandbyDirectory(AgentProcess agent) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(standbyDirectories(agent)).isEmpty());
    }

    private static List<Path> standbyDirectories(AgentProcess agent) throws IOException {
        Path work = agent.directory().resolve("work");
        if (!Files.isDirectory(work)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(work)) {
            return entries.filter(path -> path.getFileName().toString().startsWith("runway-standby-")).toList();
        }
    }
}
