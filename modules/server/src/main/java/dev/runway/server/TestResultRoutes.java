package dev.runway.server;

import dev.runway.protocol.ApiPaths;
import dev.runway.protocol.RunnerApi.SshKey;
import dev.runway.protocol.RunnerApi.SshKeys;
import dev.runway.protocol.RunnerApi.TestRecord;
import dev.runway.protocol.RunnerApi.TestResults;
import dev.runway.protocol.RunnerApi.TestTimings;
import dev.runway.protocol.TestsApi;
import dev.runway.server.store.Job;
import dev.runway.server.store.NodeJob;
import dev.runway.server.store.Project;
import dev.runway.server.store.Store;
import dev.runway.server.store.StoreRefusal;
import dev.runway.server.store.Task;
import dev.runway.server.store.TestResultRepository.SshKeyRow;
import dev.runway.server.store.WorkflowJob;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Test results and project SSH keys. A task, with its token: the records of its {@code store_test_results} steps, the
 * timings of its job's earlier run, and its project's SSH keys for {@code add_ssh_keys}. The admin: CircleCI API v2's
 * {@code GET /project/{slug}/{job-number}/tests} (every node's records), and a project's keys
 * ({@code /api/v3/projects/{project}/ssh-keys}: added, listed by fingerprint only, deleted), sealed at rest with the
 * server's secrets key ({@link SecretsKeys}).
 */
final class TestResultRoutes {
    private static final String TASK = ApiPaths.BASE + "/runner/tasks/{task}";
    private static final int PAGE_SIZE = 100;
    private static final Set<String> RESULTS = Set.of("success", "failure", "error", "skipped");
    private static final int MAX_TEXT = 16 * 1024;
    private final Store store;
    private final Auth auth;
    private final SecretsKeys keys;
    private final Clock clock;

    TestResultRoutes(Store store, Auth auth, SecretsKeys keys, Clock clock) {
        this.store = store;
        this.auth = auth;
        this.keys = keys;
        this.clock = clock;
    }

    /** Registered before {@link PipelineRoutes}: its {@code /project/{vcs}/{org}/{repo}} would take the v2 path. */
    void register(Router router) {
        router.sync("POST", TASK + "/steps/{step}/tests", this::storeTests)
                .sync("GET", TASK + "/test-timings", this::timings)
                .sync("GET", TASK + "/ssh-keys", this::taskSshKeys)
                .sync("POST", TestsApi.sshKeys("{project}"), this::addSshKey)
                .sync("GET", TestsApi.sshKeys("{project}"), this::listSshKeys)
                .sync("DELETE", TestsApi.sshKeys("{project}"), this::deleteSshKey);
        for (String slug : PipelineRoutes.SLUG_SPELLINGS) {
            router.sync("GET", dev.runway.protocol.PipelinesApi.V2 + "/project/" + slug + "/{job-number}/tests",
                    this::jobTests);
        }
    }

    // --- the task's side

    private Reply storeTests(Exchange exchange) {
        Task task = auth.requireTask(exchange, exchange.path("task"));
        Job job = store.jobs().find(task.jobId()).orElseThrow(() -> ApiError.notFound("the job of task " + task.id()
                + " is gone"));
        int steps = StoredJob.fromJson(job.definition()).steps().size();
        int step = exchange.intPath("step");
        if (step >= steps) {
            throw ApiError.notFound("step " + step + " does not exist: the job has " + steps + " steps");
        }
        long first = exchange.queryLong("first", 0);
        if (first < 0 || first > Integer.MAX_VALUE) {
            throw ApiError.badRequest("first: must be a record number (0 or more)");
        }
        TestResults body = exchange.json(TestResults.class, Limits.LARGEST_BODY);
        List<TestRecord> tests = body.tests() == null ? List.of() : body.tests();
        List<TestRecord> checked = new ArrayList<>(tests.size());
        for (int i = 0; i < tests.size(); i++) {
            checked.add(checked(tests.get(i), "tests[" + i + "]"));
        }
        store.testResults().storeTests(job.id(), step, (int) first, checked, clock.millis());
        return Reply.ok(java.util.Map.of());
    }

    private static TestRecord checked(TestRecord record, String at) {
        if (record == null) {
            throw ApiError.badRequest(at + ": must be an object");
        }
        if (record.result() == null || !RESULTS.contains(record.result())) {
            throw ApiError.badRequest(at + ".result: must be one of success, failure, error, skipped");
        }
        if (!Double.isFinite(record.runTime()) || record.runTime() < 0) {
            throw ApiError.badRequest(at + ".run_time: must be a number of seconds, 0 or more");
        }
        return new TestRecord(cut(record.name()), cut(record.classname()), cut(record.file()), record.result(),
                record.runTime(), cut(record.message()), cut(record.source()));
    }

    private static String cut(String text) {
        return text == null ? "" : text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text;
    }

    private Reply timings(Exchange exchange) {
        Task task = auth.requireTask(exchange, exchange.path("task"));
        Optional<String[]> workflowJob = store.testResults().workflowJobOf(task.jobId());
        if (workflowJob.isEmpty()) {
            return Reply.ok(new TestTimings(List.of())); // a submitted job has no earlier run to learn from
        }
        String[] of = workflowJob.get();
        // what a split needs: names and times, not the failure messages
        return Reply.ok(new TestTimings(store.testResults().latestTests(of[2], of[1], of[0]).stream()
                .map(test -> new TestRecord(test.name(), test.classname(), test.file(), test.result(), test.runTime(),
                        "", test.source())).toList()));
    }

    private Reply taskSshKeys(Exchange exchange) {
        Task task = auth.requireTask(exchange, exchange.path("task"));
        Optional<String[]> workflowJob = store.testResults().workflowJobOf(task.jobId());
        if (workflowJob.isEmpty()) {
            return Reply.ok(new SshKeys(List.of()));
        }
        List<String> wanted = exchange.queryAll("fingerprint").stream().map(SshPrivateKeys::normalise).toList();
        List<SshKey> found = new ArrayList<>();
        for (SshKeyRow row : store.testResults().sshKeys(workflowJob.get()[2])) {
            if (wanted.isEmpty() || wanted.contains(row.fingerprint()) || wanted.contains(row.md5Fingerprint())) {
                found.add(new SshKey(row.fingerprint(), keys.open(row.sealedKey())));
            }
        }
        return Reply.ok(new SshKeys(found));
    }

    // --- the admin's side

    private Reply jobTests(Exchange exchange) {
        auth.requireReader(exchange);
        if (exchange.path("project-slug") != null && !exchange.path("job-number").matches("[0-9]+")) {
            // GET /project/{vcs}/{org}/tests: the project of a repository named "tests", not a job's tests
            String slug = exchange.path("project-slug") + "/" + exchange.path("job-number") + "/tests";
            return Reply.ok(new PipelineViews(store).project(store.pipelines().project(
                    dev.runway.server.pipeline.ProjectSlugs.normalise(slug))
                    .orElseThrow(() -> ApiError.notFound("Project not found"))));
        }
        Project project = PipelineRoutes.slugProject(store, exchange);
        long number = jobNumber(exchange.path("job-number"));
        WorkflowJob job = store.pipelines().workflowJobByNumber(project.id(), number)
                .orElseThrow(() -> ApiError.notFound("Job not found"));
        List<String> jobIds = store.pipelines().nodes(job.id()).stream().map(NodeJob::job).map(Job::id).toList();
        int offset = offset(exchange.query("page-token"));
        List<TestRecord> page = store.testResults().tests(jobIds, offset, PAGE_SIZE + 1);
        String next = page.size() > PAGE_SIZE ? Base64.getUrlEncoder().withoutPadding().encodeToString(
                Integer.toString(offset + PAGE_SIZE).getBytes(StandardCharsets.UTF_8)) : null;
        List<TestsApi.Test> items = page.stream().limit(PAGE_SIZE).map(test -> new TestsApi.Test(test.message(),
                test.source(), test.runTime(), test.file(), test.result(), test.name(), test.classname())).toList();
        return Reply.ok(new TestsApi.TestList(items, next));
    }

    private static long jobNumber(String value) {
        try {
            long number = Long.parseLong(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.notFound("job-number \"" + value + "\" is not a number");
    }

    private static int offset(String token) {
        if (token == null || token.isEmpty()) {
            return 0;
        }
        try {
            int offset = Integer.parseInt(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
            if (offset >= 0) {
                return offset;
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw ApiError.badRequest("page-token: not a token this server gave");
    }

    private Reply addSshKey(Exchange exchange) {
        auth.requireAdmin(exchange);
        Project project = PipelineRoutes.projectByIdOrSlug(store, exchange.path("project"));
        TestsApi.SshKeyAdd body = exchange.json(TestsApi.SshKeyAdd.class, Limits.JSON_BODY);
        SshPrivateKeys.Described key;
        try {
            key = SshPrivateKeys.describe(body.privateKey());
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        SshKeyRow row = new SshKeyRow(key.sha256Fingerprint(), key.md5Fingerprint(), key.keyType(),
                keys.seal(body.privateKey()), clock.millis());
        try {
            store.testResults().addSshKey(project.id(), row);
        } catch (StoreRefusal e) {
            throw new ApiError(409, e.getMessage());
        }
        return Reply.json(201, info(row));
    }

    private Reply listSshKeys(Exchange exchange) {
        auth.requireAdmin(exchange);
        Project project = PipelineRoutes.projectByIdOrSlug(store, exchange.path("project"));
        return Reply.ok(new TestsApi.SshKeyList(store.testResults().sshKeys(project.id()).stream()
                .map(TestResultRoutes::info).toList()));
    }

    private Reply deleteSshKey(Exchange exchange) {
        auth.requireAdmin(exchange);
        Project project = PipelineRoutes.projectByIdOrSlug(store, exchange.path("project"));
        String fingerprint = exchange.query("fingerprint");
        if (fingerprint == null || fingerprint.isBlank()) {
            throw ApiError.badRequest("fingerprint: is required (a query parameter)");
        }
        if (!store.testResults().deleteSshKey(project.id(), SshPrivateKeys.normalise(fingerprint))) {
            throw ApiError.notFound("the project has no key " + fingerprint);
        }
        return Reply.ok(new dev.runway.protocol.PipelinesApi.Message("Key " + fingerprint + " deleted."));
    }

    private static TestsApi.SshKeyInfo info(SshKeyRow row) {
        return new TestsApi.SshKeyInfo(row.fingerprint(), row.md5Fingerprint(), row.keyType(),
                Times.iso(row.createdAt()));
    }
}
