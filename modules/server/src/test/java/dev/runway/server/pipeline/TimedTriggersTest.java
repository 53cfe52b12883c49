package dev.runway.server.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.server.store.Pipeline;
import dev.runway.server.store.Project;
import dev.runway.server.store.Schedule;
import dev.runway.server.store.Store;
import dev.runway.server.store.Workflow;
import dev.runway.server.store.h2.H2Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Polling and schedules against a real store and real git repositories, with a clock the test moves: no waiting
 * for minutes. Two pollers or schedule runners on one store stand for two server replicas sharing a database.
 */
class TimedTriggersTest {
    static final String CONFIG = """
            version: 2.1
            jobs:
              build:
                machine: true
                resource_class: acme/linux
                steps: [{run: echo build}]
            workflows:
              push:
                jobs: [build]
              nightly:
                triggers:
                  - schedule:
                      cron: "0 3 * * *"
                      filters: {branches: {only: [main, release]}}
                jobs: [build]
            """;

    @TempDir
    Path temp;

    /** A clock the test sets. */
    static final class TestClock extends Clock {
        volatile Instant now;

        TestClock(String instant) {
            now = Instant.parse(instant);
        }

        void set(String instant) {
            now = Instant.parse(instant);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static void git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@example.com",
                "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("git %s: %s", String.join(" ", args), output).isZero();
    }

    static Path repository(Path dir, String config) throws Exception {
        Files.createDirectories(dir.resolve(".circleci"));
        Files.writeString(dir.resolve(".circleci/config.yml"), config);
        git(dir, "init", "-q");
        git(dir, "add", "-A");
        git(dir, "commit", "-q", "-m", "config");
        git(dir, "branch", "release");
        return dir;
    }

    static void commit(Path repo, String message) throws Exception {
        git(repo, "commit", "-q", "--allow-empty", "-m", message);
    }

    static String head(Path repo, String branch) throws Exception {
        Process process = new ProcessBuilder("git", "rev-parse", branch).directory(repo.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor()).isZero();
        return out;
    }

    private Project project(Store store, Path repo) {
        return store.pipelines().createProject(new Project(UUID.randomUUID().toString(), "gh/acme/app", "app",
                "acme", repo.toString(), "main", 0));
    }

    private PipelineTriggers triggers(Store store, String mirrors, Clock clock) {
        return new PipelineTriggers(store, new GitRepositories(temp.resolve(mirrors)), PipelineSettings.defaults(),
                () -> { }, clock);
    }

    private ProjectPoller poller(Store store, String mirrors, Clock clock) {
        GitRepositories git = new GitRepositories(temp.resolve(mirrors));
        return new ProjectPoller(store, git, new PipelineTriggers(store, git, PipelineSettings.defaults(), () -> { },
                clock), clock);
    }

    private static List<Pipeline> pipelines(Store store, Project project) {
        List<Pipeline> newestFirst = new ArrayList<>(store.pipelines().pipelines(project.id(), null, 0, 100));
        java.util.Collections.reverse(newestFirst);
        return newestFirst;
    }

    @Test
    void aPolledBranchBuildsEachNewHeadOnceAcrossRestarts() throws Exception {
        Path repo = repository(Files.createDirectories(temp.resolve("repo")), CONFIG);
        TestClock clock = new TestClock("2026-12-07T10:00:00Z");
        Project project;
        try (Store store = H2Store.open(temp.resolve("data"))) {
            project = project(store, repo);
            store.triggers().setPoll(project.id(), List.of("main", "gone"), 60, clock.millis(), clock.millis());
            ProjectPoller poller = poller(store, "mirrors", clock);

            poller.runOnce();
            List<Pipeline> first = pipelines(store, project);
            assertThat(first).hasSize(1);
            assertThat(first.get(0).triggerType()).isEqualTo("poll");
            assertThat(first.get(0).actor()).isEqualTo("poller");
            assertThat(first.get(0).branch()).isEqualTo("main");
            assertThat(first.get(0).revision()).isEqualTo(head(repo, "main"));
            assertThat(store.triggers().poll(project.id()).orElseThrow().lastError())
                    .as("a branch the remote lacks is reported").contains("no branch gone");

            commit(repo, "second");
            poller.runOnce();
            assertThat(pipelines(store, project)).as("not due before its interval").hasSize(1);
            clock.set("2026-12-07T10:01:00Z");
            poller.runOnce();
            List<Pipeline> second = pipelines(store, project);
            assertThat(second).hasSize(2);
            assertThat(second.get(1).revision()).isEqualTo(head(repo, "main"));
            clock.set("2026-12-07T10:02:00Z");
            poller.runOnce();
            assertThat(pipelines(store, project)).as("the same head again builds nothing").hasSize(2);
        }
        // a restart: a new store and poller on the same data read the heads seen
        try (Store store = H2Store.open(temp.resolve("data"))) {
            ProjectPoller poller = poller(store, "mirrors-2", clock);
            clock.set("2026-12-07T10:03:00Z");
            poller.runOnce();
            assertThat(pipelines(store, project)).hasSize(2);
            assertThat(store.triggers().poll(project.id()).orElseThrow().lastPolledAt())
                    .isEqualTo(clock.millis());
            commit(repo, "third");
            clock.set("2026-12-07T10:04:00Z");
            poller.runOnce();
            assertThat(pipelines(store, project)).hasSize(3);
        }
    }

    @Test
    void aFirstPollDoesNotRebuildTheCommitAPipelineHasAlready() throws Exception {
        Path repo = repository(Files.createDirectories(temp.resolve("repo")), CONFIG);
        TestClock clock = new TestClock("2026-12-07T10:00:00Z");
        try (Store store = H2Store.open(temp.resolve("data"))) {
            Project project = project(store, repo);
            triggers(store, "mirrors", clock).trigger(project, TriggerRequest.api("main", null, null, "admin"));
            store.triggers().setPoll(project.id(), List.of("main"), 60, clock.millis(), clock.millis());
            poller(store, "mirrors", clock).runOnce();
            assertThat(pipelines(store, project)).hasSize(1);
            assertThat(store.triggers().pollHead(project.id(), "main")).contains(head(repo, "main"));
        }
    }

    @Test
    void replicasSharingTheDatabasePollATickOnce() throws Exception {
        Path repo = repository(Files.createDirectories(temp.resolve("repo")), CONFIG);
        TestClock clock = new TestClock("2026-12-07T10:00:00Z");
        try (Store store = H2Store.open(temp.resolve("data"))) {
            Project project = project(store, repo);
            store.triggers().setPoll(project.id(), List.of("main"), 60, clock.millis(), clock.millis());
            List<ProjectPoller> replicas = List.of(poller(store, "a", clock), poller(store, "b", clock),
                    poller(store, "c", clock));
            together(replicas.stream().<Runnable>map(poller -> poller::runOnce).toList());
            assertThat(pipelines(store, project)).hasSize(1);
            commit(repo, "second");
            clock.set("2026-12-07T10:01:00Z");
            together(replicas.stream().<Runnable>map(poller -> poller::runOnce).toList());
            assertThat(pipelines(store, project)).hasSize(2);
        }
    }

    @Test
    void serverSchedulesRunAtTheirMinuteOncePerTickAcrossReplicas() throws Exception {
        Path repo = repository(Files.createDirectories(temp.resolve("repo")), CONFIG);
        TestClock clock = new TestClock("2026-12-07T02:58:30Z");
        try (Store store = H2Store.open(temp.resolve("data"))) {
            Project project = project(store, repo);
            long now = clock.millis();
            store.triggers().createSchedule(new Schedule("s1", project.id(), Schedule.SERVER, "nightly", null,
                    "0 3 * * *", "release", null, null, "{\"deploy\": true}", Cron.parse("cron", "0 3 * * *")
                    .next(clock.instant()).toEpochMilli(), null, null, null, now, now));
            List<ScheduleRunner> replicas = List.of(new ScheduleRunner(store, triggers(store, "a", clock), clock),
                    new ScheduleRunner(store, triggers(store, "b", clock), clock));
            together(replicas.stream().<Runnable>map(runner -> runner::runOnce).toList());
            assertThat(pipelines(store, project)).as("not yet 03:00").isEmpty();

            clock.set("2026-12-07T03:00:10Z");
            together(replicas.stream().<Runnable>map(runner -> runner::runOnce).toList());
            List<Pipeline> ran = pipelines(store, project);
            assertThat(ran).hasSize(1);
            assertThat(ran.get(0).triggerType()).isEqualTo("scheduled_pipeline");
            assertThat(ran.get(0).branch()).isEqualTo("release");
            assertThat(ran.get(0).parameters()).contains("\"deploy\":true");
            assertThat(ran.get(0).state()).as("the config has no parameter deploy").isEqualTo("errored");
            Schedule after = store.triggers().schedule("s1").orElseThrow();
            assertThat(after.nextRunAt()).isEqualTo(Instant.parse("2026-12-08T03:00:00Z").toEpochMilli());
            assertThat(after.lastPipelineId()).isEqualTo(ran.get(0).id());

            clock.set("2026-12-07T03:00:50Z");
            together(replicas.stream().<Runnable>map(runner -> runner::runOnce).toList());
            assertThat(pipelines(store, project)).as("once per minute").hasSize(1);
            // down for two days: the missed runs make one pipeline, not two
            clock.set("2026-12-09T12:00:00Z");
            together(replicas.stream().<Runnable>map(runner -> runner::runOnce).toList());
            assertThat(pipelines(store, project)).hasSize(2);
        }
    }

    @Test
    void aConfigsScheduledWorkflowRunsOnItsScheduleOnly() throws Exception {
        Path repo = repository(Files.createDirectories(temp.resolve("repo")), CONFIG);
        TestClock clock = new TestClock("2026-12-07T02:00:00Z");
        try (Store store = H2Store.open(temp.resolve("data"))) {
            Project project = project(store, repo);
            PipelineTriggers triggers = triggers(store, "a", clock);
            Pipeline push = triggers.trigger(project, TriggerRequest.api("main", null, null, "admin"));
            assertThat(store.pipelines().workflows(push.id())).extracting(Workflow::name).containsExactly("push");

            List<Schedule> schedules = store.triggers().schedules(project.id(), Schedule.CONFIG);
            assertThat(schedules).extracting(Schedule::branch).containsExactlyInAnyOrder("main", "release");
            assertThat(schedules).allSatisfy(schedule -> {
                assertThat(schedule.workflow()).isEqualTo("nightly");
                assertThat(schedule.cron()).isEqualTo("0 3 * * *");
            });
            // the same config again keeps its schedules (and their next runs) as they are
            triggers.trigger(project, TriggerRequest.api("main", null, null, "admin"));
            assertThat(store.triggers().schedules(project.id(), Schedule.CONFIG)).extracting(Schedule::id)
                    .containsExactlyInAnyOrderElementsOf(schedules.stream().map(Schedule::id).toList());

            clock.set("2026-12-07T03:00:00Z");
            new ScheduleRunner(store, triggers, clock).runOnce();
            List<Pipeline> all = pipelines(store, project);
            assertThat(all).hasSize(4);
            for (Pipeline scheduled : all.subList(2, 4)) {
                assertThat(scheduled.triggerType()).isEqualTo("scheduled_pipeline");
                assertThat(store.pipelines().workflows(scheduled.id())).extracting(Workflow::name)
                        .containsExactly("nightly");
            }
            assertThat(all.subList(2, 4)).extracting(Pipeline::branch).containsExactlyInAnyOrder("main", "release");

            // the schedule trigger removed from the default branch: its schedules go at the next pipeline
            Files.writeString(repo.resolve(".circleci/config.yml"), CONFIG.substring(0, CONFIG.indexOf(
                    "  nightly:")));
            git(repo, "commit", "-q", "-am", "no nightly");
            triggers.trigger(project, TriggerRequest.api("main", null, null, "admin"));
            assertThat(store.triggers().schedules(project.id(), Schedule.CONFIG)).isEmpty();
        }
    }

    private static void together(List<Runnable> passes) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(passes.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (Runnable pass : passes) {
                done.add(threads.submit(() -> {
                    start.await();
                    pass.run();
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            threads.shutdown();
        }
    }
}
