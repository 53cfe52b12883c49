package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.client.PipelinesClient;
import dev.runway.it.support.DedicatedUser;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.PipelinesApi;
import dev.runway.protocol.TestsApi;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Test results and test splitting end to end, through the real server and the image's launch agent, task agents and
 * {@code circleci} command: a project's pipeline runs twice. Its parallelism-4 job globs 24 test files of uneven
 * (declared) times, splits them with {@code circleci tests split --split-by=timings} and stores a JUnit report of
 * its share; the second run splits by the timings the first stored, and each node's share is within 20 % of the
 * ideal. Another job stores the real reports of four producers (served back by API v2's /tests route), refuses an
 * XXE attempt in the step's output, runs {@code circleci tests run} and gets the project's SSH key.
 */
class TestSplittingPipelineTest {
    private static final Path REPORTS = Path.of(System.getProperty("runway.repo", "..")).toAbsolutePath().resolve(
            "modules/taskagent/src/test/resources/dev/runway/taskagent/junit/reports");
    /** Declared seconds of tests/t00.test ... t23.test: a few heavy, many light (194 s in all). */
    private static final int[] SECONDS = {30, 25, 20, 18, 15, 12, 10, 9, 8, 7, 6, 5, 5, 4, 4, 3, 3, 2, 2, 2, 1, 1,
            1, 1};
    private static final String CONFIG = """
            version: 2.1
            jobs:
              test:
                machine: true
                resource_class: agent-tests/linux
                parallelism: 4
                steps:
                  - checkout
                  - run:
                      name: Run this node's share
                      command: |
                        circleci tests glob "tests/**/*.test" | circleci tests split --split-by=timings > share.txt
                        mkdir -p results
                        {
                          echo '<testsuites><testsuite name="node">'
                          while read -r f; do
                            echo "<testcase classname=\\"timed\\" name=\\"$f\\" file=\\"$f\\" time=\\"$(cat "$f")\\"/>"
                          done < share.txt
                          echo '</testsuite></testsuites>'
                        } > results/junit.xml
                        echo "node $CIRCLE_NODE_INDEX of $CIRCLE_NODE_TOTAL runs $(wc -l < share.txt) files:" \\
                          "$(awk '{s+=$1} END {print s+0}' /dev/null $(cat share.txt)) s"
                  - store_test_results:
                      path: results
              reports:
                machine: true
                resource_class: agent-tests/linux
                steps:
                  - checkout
                  - store_test_results:
                      path: reports
                  - store_test_results:
                      path: bad
                  - run: circleci tests glob "tests/**/*.test" | circleci tests run --command "xargs echo ran:" --verbose
                  - add_ssh_keys:
                      fingerprints: [FINGERPRINT]
                  - run: |
                      stat -c '%a' $(echo "$GIT_SSH_COMMAND" | sed "s/.*-i '\\([^']*\\)'.*/\\1/")
                      ssh-keygen -l -f $(echo "$GIT_SSH_COMMAND" | sed "s/.*-i '\\([^']*\\)'.*/\\1/")
                      grep -c IdentityFile "$RUNWAY_SSH_CONFIG"
            workflows:
              main:
                jobs: [test, reports]
            """;

    @Test
    void splitsByStoredTimingsAndServesTheReports(@TempDir Path home) throws Exception {
        try (AgentHarness harness = AgentHarness.start(home)) {
            harness.launchAgent("splitter", "max_concurrent_tasks: 4\n");
            PipelinesClient pipelines = harness.pipelines();
            Path key = home.resolve("deploy_key");
            run(home, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "deploy", "-f", key.toString());
            Path repo = repository(home.resolve("repo"));
            PipelinesApi.Project project = pipelines.createProject(new PipelinesApi.ProjectCreate(
                    AgentHarness.NAMESPACE, repo.toString(), "splitting", "main"));
            TestsApi.SshKeyInfo sshKey = pipelines.addSshKey(project.slug(), Files.readString(key));
            assertThat(pipelines.sshKeys(project.slug()).items()).extracting(TestsApi.SshKeyInfo::fingerprint)
                    .containsExactly(sshKey.fingerprint());
            Files.writeString(repo.resolve(".circleci/config.yml"), CONFIG.replace("FINGERPRINT",
                    sshKey.fingerprint()));
            git(repo, "add", "-A");
            git(repo, "commit", "-q", "-m", "ci");

            // first run: no timings yet, every file weighs the same
            Map<String, Long> first = runPipeline(harness, pipelines, project.slug());
            List<Double> firstShares = shares(harness, first.get("test"));
            assertThat(firstShares.stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(194.0);
            // six files a node; the heaviest node has 62 s of them, 28 % over the ideal
            assertThat(firstShares).containsExactly(62.0, 51.0, 43.0, 38.0);

            // second run: split by the timings the first stored
            Map<String, Long> second = runPipeline(harness, pipelines, project.slug());
            List<Double> shares = shares(harness, second.get("test"));
            assertThat(shares.stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(194.0);
            double ideal = 194.0 / 4;
            assertThat(shares).as("each node's share of 194 s (first run: %s)", firstShares)
                    .allSatisfy(share -> assertThat(share).isBetween(ideal * 0.8, ideal * 1.2));
            assertThat(shares).containsExactly(49.0, 49.0, 48.0, 48.0);

            // the /tests route: every node's records of the test job
            List<JsonNode> timed = tests(pipelines, project.slug(), second.get("test"));
            assertThat(timed).hasSize(24).allSatisfy(test -> assertThat(test.path("result").asText())
                    .isEqualTo("success"));

            List<JsonNode> reports = tests(pipelines, project.slug(), second.get("reports"));
            Map<String, Integer> bySource = new HashMap<>();
            reports.forEach(test -> bySource.merge(test.path("source").asText(), 1, Integer::sum));
            assertThat(bySource).containsEntry("jest-junit.xml", 6).containsEntry("pytest.xml", 10)
                    .containsEntry("pytest-xunit1.xml", 5).containsEntry("go-junit-report.xml", 5)
                    .containsEntry("surefire-TEST-dev.runway.taskagent.OutputRingTest.xml", 3)
                    .containsEntry("pulsar-surefire-merged.xml", 808).doesNotContainKey("xxe.xml");
            JsonNode failed = reports.stream().filter(test -> test.path("name").asText().equals("test_fails"))
                    .findFirst().orElseThrow();
            assertThat(failed.path("result").asText()).isEqualTo("failure");
            assertThat(failed.path("file").asText()).isEqualTo("test_sample.py");
            assertThat(failed.path("classname").asText()).isEqualTo("test_sample");
            assertThat(failed.path("message").asText()).startsWith("AssertionError: assert 'runway' == 'circleci'");
            assertThat(failed.has("run_time")).isTrue();

            String reportsJob = nodeJobs(harness, second.get("reports"), 1).get(0);
            assertThat(harness.output(reportsJob, 1)).contains("837 tests in 6 file(s)",
                    "FAILED test_sample test_fails (test_sample.py): AssertionError");
            String bad = harness.output(reportsJob, 2);
            assertThat(bad).contains("xxe.xml: a DOCTYPE is not allowed", "broken.xml: not well-formed XML at line")
                    .doesNotContain("root:");
            assertThat(harness.output(reportsJob, 3)).contains("ran: tests/t00.test").contains("tests/t23.test");
            assertThat(harness.output(reportsJob, 4)).contains("Added SSH key " + sshKey.fingerprint());
            assertThat(harness.output(reportsJob, 5)).contains("600\n", sshKey.fingerprint(), "1\n");
        }
    }

    /** The job's circleci script and its JVM run as the task user (the image staged where that user can reach it). */
    @Test
    void theCircleciCommandRunsForAJobOfAnotherUser(@TempDir Path home) throws Exception {
        String name = "rwc" + java.util.UUID.randomUUID().toString().substring(0, 6);
        try (DedicatedUser user = DedicatedUser.create(AgentHarness.runwayForOtherUsers(), name);
                AgentHarness harness = AgentHarness.start(home)) {
            Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
            harness.useRunway(AgentHarness.runwayForOtherUsers());
            AgentProcess agent = harness.launchAgent("other-user", "task_user: " + name + "\n");
            JobStatus job = harness.submit("split-as-user", "id -un",
                    "mkdir -p t && touch t/a.test t/b.test t/c.test",
                    "circleci tests glob 't/*.test' | CIRCLE_NODE_TOTAL=3 CIRCLE_NODE_INDEX=1 circleci tests split"
                            + " --split-by=timings",
                    "stat -c '%U %a' \"$(command -v circleci)\"");
            JobStatus done = harness.awaitFinal(job.id(), Duration.ofSeconds(90));
            assertThat(done.state()).as(done.reason() + "\n" + agent.logText())
                    .isEqualTo(dev.runway.protocol.JobsApi.JobState.SUCCESS);
            assertThat(harness.output(job.id(), 0)).startsWith(user.name());
            assertThat(harness.output(job.id(), 2)).contains("t/b.test").doesNotContain("t/a.test", "t/c.test");
            assertThat(harness.output(job.id(), 3)).contains(user.name() + " 500");
            agent.killTree();
        }
    }

    private static List<JsonNode> tests(PipelinesClient pipelines, String slug, long number) throws Exception {
        List<JsonNode> items = new ArrayList<>();
        String token = null;
        do {
            JsonNode page = pipelines.jobTests(slug, number, token);
            page.path("items").forEach(items::add);
            token = page.path("next_page_token").isNull() ? null : page.path("next_page_token").asText();
        } while (token != null);
        return items;
    }

    /** Each node's "runs N files: S s" line of its run step. */
    private static List<Double> shares(AgentHarness harness, long number) throws Exception {
        List<Double> shares = new ArrayList<>();
        Pattern line = Pattern.compile("node (\\d) of 4 runs +\\d+ files: ([0-9.]+) s");
        for (String jobId : nodeJobs(harness, number, 4)) {
            Matcher matcher = line.matcher(harness.output(jobId, 1));
            assertThat(matcher.find()).as("output of %s: %s", jobId, harness.output(jobId, 1)).isTrue();
            shares.add(Double.parseDouble(matcher.group(2)));
        }
        return shares;
    }

    /** The job ids of a workflow job's nodes: their build numbers follow its job number. */
    private static List<String> nodeJobs(AgentHarness harness, long number, int nodes) throws Exception {
        List<JobStatus> jobs = new ArrayList<>(harness.management.listJobs(null, null, 1000).items());
        jobs.sort(java.util.Comparator.comparingLong(JobStatus::buildNum));
        List<String> ids = new ArrayList<>();
        for (JobStatus job : jobs) {
            if (job.buildNum() >= number && job.buildNum() < number + nodes) {
                ids.add(job.id());
            }
        }
        assertThat(ids).hasSize(nodes);
        return ids;
    }

    /** Triggers a pipeline, waits for its workflow's end (success); the job numbers by job name. */
    private static Map<String, Long> runPipeline(AgentHarness harness, PipelinesClient pipelines, String slug)
            throws Exception {
        String pipeline = pipelines.trigger(slug, "main", null, Map.of()).id();
        JsonNode workflow = await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(250))
                .until(() -> pipelines.workflows(pipeline).path("items").path(0),
                        node -> !node.isMissingNode() && !List.of("running", "on_hold").contains(
                                node.path("status").asText()));
        Map<String, Long> numbers = new HashMap<>();
        pipelines.workflowJobs(workflow.path("id").asText()).path("items").forEach(job -> numbers.put(
                job.path("name").asText(), job.path("job_number").asLong()));
        assertThat(workflow.path("status").asText()).as("workflow %s; agent logs:\n%s", workflow,
                harness.agentLogs()).isEqualTo("success");
        return numbers;
    }

    private static Path repository(Path repo) throws Exception {
        Files.createDirectories(repo.resolve(".circleci"));
        Files.createDirectories(repo.resolve("tests/deep"));
        for (int i = 0; i < SECONDS.length; i++) {
            Path file = repo.resolve(String.format("tests/t%02d.test", i));
            Files.writeString(file, SECONDS[i] + "\n");
        }
        Files.writeString(repo.resolve("tests/deep/not-a-test.txt"), "ignored by the glob\n");
        Path reports = Files.createDirectories(repo.resolve("reports"));
        try (Stream<Path> files = Files.list(REPORTS)) {
            for (Path file : files.toList()) {
                Files.copy(file, reports.resolve(file.getFileName().toString()));
            }
        }
        Path bad = Files.createDirectories(repo.resolve("bad"));
        Files.writeString(bad.resolve("xxe.xml"), "<?xml version=\"1.0\"?>\n<!DOCTYPE testsuite [<!ENTITY xxe SYSTEM"
                + " \"file:///etc/passwd\">]>\n<testsuite><testcase name=\"&xxe;\"/></testsuite>\n");
        Files.writeString(bad.resolve("broken.xml"), "<testsuite>\n<testcase name=\"cut short\">\n");
        Files.writeString(repo.resolve(".circleci/config.yml"), "version: 2.1\n");
        git(repo, "init", "-q");
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "tests");
        return repo;
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@example.com",
                "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"));
        command.addAll(List.of(args));
        run(dir, command.toArray(String[]::new));
    }

    private static void run(Path dir, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("%s: %s", String.join(" ", command), output).isZero();
    }
}
