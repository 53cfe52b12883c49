package dev.runway.server;

import dev.runway.protocol.ApiPaths;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.Names;
import dev.runway.protocol.RunnerApi;
import dev.runway.protocol.RunnerApi.Checkout;
import dev.runway.protocol.RunnerApi.ClaimRequest;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import dev.runway.protocol.RunnerApi.HeartbeatResponse;
import dev.runway.protocol.RunnerApi.InfraFailure;
import dev.runway.protocol.RunnerApi.OutputAck;
import dev.runway.protocol.RunnerApi.StepResult;
import dev.runway.protocol.RunnerApi.StepStart;
import dev.runway.protocol.RunnerApi.TaskJob;
import dev.runway.protocol.RunnerApi.TaskResult;
import dev.runway.server.metrics.ServerMetrics;
import dev.runway.server.store.Claim;
import dev.runway.server.store.Job;
import dev.runway.server.store.RunnerVisit;
import dev.runway.server.store.Store;
import dev.runway.server.store.Task;
import dev.runway.server.store.TaskState;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner protocol (docs/architecture.md, "Processes and what crosses between them"): the long-poll claim with a
 * resource-class token, then everything a task token may do to its own task.
 */
final class RunnerRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(RunnerRoutes.class);
    private static final String TASK = ApiPaths.BASE + "/runner/tasks/{task}";
    /** What every claim answer says this server takes ({@link RunnerApi#CLAIM_FEATURES_HEADER}). */
    private static final Map<String, String> CLAIM_FEATURES = Map.of(RunnerApi.CLAIM_FEATURES_HEADER,
            RunnerApi.AFTER_TASKS);
    /** At most this many {@link ClaimRequest#afterTasks}: a launch agent's slots. */
    static final int MAX_AFTER_TASKS = 1024;
    private final Store store;
    private final Auth auth;
    private final ClaimWaiters claims;
    private final DispatchPauses pauses;
    private final OutputWatchers watchers;
    private final StepOutput output;
    private final SecretsKeys keys;
    private final ServerSettings settings;
    private final Executor executor;
    private final Clock clock;
    private final RunnerVisits visits;
    private final StepCounts stepCounts;
    private final Consumer<String> jobEnded;
    private final ServerMetrics metrics;

    /**
     * {@code jobEnded} gets the job of a task whose result or failure is stored, before the answer goes out (the
     * pipeline scheduler moves its workflow on).
     */
    RunnerRoutes(Store store, Auth auth, ClaimWaiters claims, OutputWatchers watchers, StepOutput output,
            SecretsKeys keys, ServerSettings settings, DispatchPauses pauses, Executor executor, Clock clock,
            ServerMetrics metrics, Consumer<String> jobEnded) {
        this.pauses = pauses;
        this.jobEnded = jobEnded;
        this.metrics = metrics;
        this.store = store;
        this.auth = auth;
        this.claims = claims;
        this.watchers = watchers;
        this.output = output;
        this.keys = keys;
        this.settings = settings;
        this.executor = executor;
        this.clock = clock;
        this.visits = new RunnerVisits(store, clock);
        this.stepCounts = new StepCounts(store);
    }

    void register(Router router) {
        router.async("POST", ApiPaths.CLAIM, this::claim)
                .sync("GET", TASK + "/job", this::job)
                .sync("POST", TASK + "/heartbeat", this::heartbeat)
                .sync("POST", TASK + "/steps/{step}/start", this::stepStart)
                .sync("POST", TASK + "/steps/{step}/output", this::stepOutput)
                .sync("POST", TASK + "/steps/{step}/result", this::stepResult)
                .sync("POST", TASK + "/result", this::taskResult)
                .sync("POST", TASK + "/unclaim", this::unclaim)
                .sync("POST", TASK + "/fail", this::fail);
    }

    private long leaseMillis() {
        return settings.lease().toMillis();
    }

    private long leaseSeconds() {
        return Math.max(1, settings.lease().toSeconds());
    }

    /** A claim's lease until the runner's first heartbeat extends it to the full lease. */
    private long firstLeaseMillis() {
        return settings.effectiveFirstLease().toMillis();
    }

    private long firstLeaseSeconds() {
        return Math.max(1, settings.effectiveFirstLease().toSeconds());
    }

    private CompletableFuture<Reply> claim(Exchange exchange) {
        Auth.RunnerIdentity identity = auth.requireResourceClass(exchange);
        ClaimRequest request = exchange.json(ClaimRequest.class, Limits.JSON_BODY);
        try {
            Names.runnerName("name", request.name());
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        if (request.waitSeconds() < 0) {
            throw ApiError.badRequest("wait_seconds: must not be negative");
        }
        List<String> afterTasks = checkedAfterTasks(request.afterTasks());
        RunnerVisit runner = new RunnerVisit(request.name(), request.hostname(),
                exchange.remoteAddress(), request.version());
        long deadline = clock.millis() + Math.min(request.waitSeconds() * 1000L, settings.maxClaimWait().toMillis());
        CompletableFuture<Reply> reply = afterTasks == null
                ? attempt(identity, runner, deadline, exchange::clientGone, true, null)
                : attemptAfter(identity, runner, afterTasks, deadline, exchange::clientGone, true);
        return reply.thenApply(answer -> answer.withHeaders(CLAIM_FEATURES));
    }

    private static List<String> checkedAfterTasks(List<String> afterTasks) {
        if (afterTasks == null) {
            return null;
        }
        if (afterTasks.isEmpty() || afterTasks.size() > MAX_AFTER_TASKS) {
            throw ApiError.badRequest("after_tasks: must list 1 to " + MAX_AFTER_TASKS + " task ids, not "
                    + afterTasks.size());
        }
        try {
            for (String taskId : afterTasks) {
                Names.id("after_tasks", taskId);
            }
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        return List.copyOf(new java.util.LinkedHashSet<>(afterTasks));
    }

    /**
     * A claim for a busy slot ({@link ClaimRequest#afterTasks}): held, no thread waiting, until one of those tasks of
     * this runner is closed here (its result, its failure, its lapse or its unclaim: {@link #closedKey}), then a claim
     * like any other, whose answer names the closed task. The launch agent gives that task's slot to the new task as
     * soon as the answer comes, without waiting to hear from the ending task agent and confirming it with a heartbeat.
     */
    private CompletableFuture<Reply> attemptAfter(Auth.RunnerIdentity identity, RunnerVisit runner,
            List<String> afterTasks, long deadline, BooleanSupplier clientGone, boolean first) {
        long remaining = deadline - clock.millis();
        // watched before the look, so that a task closed between the two still wakes this claim
        List<CompletableFuture<Void>> closes = remaining <= 0 ? List.of()
                : afterTasks.stream().map(taskId -> watchers.next(closedKey(taskId), remaining)).toList();
        Optional<String> closed;
        try {
            closed = firstClosed(identity, runner, afterTasks);
        } catch (RuntimeException e) {
            closes.forEach(close -> close.complete(null));
            throw e;
        }
        if (closed.isPresent()) {
            closes.forEach(close -> close.complete(null));
            return attempt(identity, runner, deadline, clientGone, first, closed.get());
        }
        if (first) {
            visits.record(identity.resourceClass().id(), runner);
        }
        if (remaining <= 0 || claims.isClosed()) {
            closes.forEach(close -> close.complete(null));
            return CompletableFuture.completedFuture(Reply.noContent());
        }
        return CompletableFuture.anyOf(closes.toArray(CompletableFuture[]::new)).thenComposeAsync(woken -> {
            closes.forEach(close -> close.complete(null));
            if (clientGone.getAsBoolean() || claims.isClosed()) { // the server stops: the runner asks again later
                return CompletableFuture.completedFuture(Reply.noContent());
            }
            return attemptAfter(identity, runner, afterTasks, deadline, clientGone, false);
        }, executor);
    }

    /** The first of {@code afterTasks} that is no longer running (or is gone); each must be this runner's. */
    private Optional<String> firstClosed(Auth.RunnerIdentity identity, RunnerVisit runner, List<String> afterTasks) {
        String closed = null;
        for (String taskId : afterTasks) {
            Optional<Task> task = store.tasks().find(taskId);
            if (task.isPresent() && !heldBy(task.get(), identity, runner)) {
                throw ApiError.badRequest("after_tasks: task " + taskId + " is not one that runner " + runner.name()
                        + " of " + identity.resourceClass().fullName() + " holds");
            }
            if (closed == null && (task.isEmpty() || task.get().state() != TaskState.RUNNING)) {
                closed = taskId;
            }
        }
        return Optional.ofNullable(closed);
    }

    /** Whether {@code task} was claimed by this runner of this resource class (a task whose job is gone counts). */
    private boolean heldBy(Task task, Auth.RunnerIdentity identity, RunnerVisit runner) {
        return task.runnerName().equals(runner.name()) && store.jobs().find(task.jobId())
                .map(job -> job.resourceClassId().equals(identity.resourceClass().id())).orElse(true);
    }

    /** The key a task's close is signalled under ({@link OutputWatchers}, so it reaches every replica). */
    static String closedKey(String taskId) {
        return "closed:" + taskId;
    }

    /** The task is no longer running: a claim held for its slot may go on ({@link #attemptAfter}). */
    private void closed(Task task) {
        watchers.changed(closedKey(task.id()));
    }

    /**
     * Tries to claim; else waits for a signal of the class (no thread held) and tries again until the deadline. A
     * held claim whose client closed its connection meanwhile (a draining agent) takes nothing: the task it was woken
     * for goes to the next waiting claim instead of to a socket nobody reads. A claim that takes a task records its
     * runner's visit in the claim's own transaction; one that finds nothing at its {@code first} look records it
     * apart ({@link RunnerVisits}), so that a claim writes the runner's row at most once.
     */
    private CompletableFuture<Reply> attempt(Auth.RunnerIdentity identity, RunnerVisit runner,
            long deadline, BooleanSupplier clientGone, boolean first, String replacesTask) {
        String rcId = identity.resourceClass().id();
        long seen = claims.version(rcId);
        Optional<Reply> claimed = tryClaim(identity, runner, replacesTask);
        if (claimed.isPresent()) {
            return CompletableFuture.completedFuture(claimed.get());
        }
        if (first) {
            visits.record(rcId, runner);
        }
        long remaining = deadline - clock.millis();
        if (remaining <= 0) {
            return CompletableFuture.completedFuture(Reply.noContent());
        }
        return claims.await(rcId, seen, remaining).thenComposeAsync(woken -> {
            if (clientGone.getAsBoolean()) {
                LOG.info("runner {}: its held claim's connection closed; nothing claimed for it", runner.name());
                if (woken) {
                    claims.signal(rcId); // the task this claim was woken for: to the next waiting claim
                }
                return CompletableFuture.completedFuture(Reply.noContent());
            }
            if (!woken) {
                // one last look: the wait ended, but a task may have arrived right at the end
                return CompletableFuture.completedFuture(tryClaim(identity, runner, replacesTask)
                        .orElse(Reply.noContent()));
            }
            try {
                return attempt(identity, runner, deadline, clientGone, false, replacesTask);
            } catch (RuntimeException e) {
                // this claim cannot take the task it was woken for (e.g. its token was deleted): pass it on
                claims.signal(rcId);
                throw e;
            }
        }, executor);
    }

    private Optional<Reply> tryClaim(Auth.RunnerIdentity identity, RunnerVisit runner, String replacesTask) {
        String rcId = identity.resourceClass().id();
        if (pauses.paused(rcId)) {
            return Optional.empty(); // an operator paused dispatch: held as if nothing were queued
        }
        long now = clock.millis();
        String taskToken = Tokens.generateTaskToken(now);
        Optional<Claim> claim = store.tasks().claimNext(rcId, identity.tokenHash(), runner, Tokens.hash(taskToken), now,
                now + firstLeaseMillis());
        if (claim.isEmpty()) {
            return Optional.empty();
        }
        Task task = claim.get().task();
        Job job = claim.get().job();
        watchers.changed(JobRoutes.queuedKey(job.id()));
        metrics.claimed(identity.resourceClass().fullName());
        LOG.info("task {} (job #{} {}, attempt {}) claimed by runner {} of {}", task.id(), job.buildNum(),
                job.name(), task.attempt(), runner.name(), identity.resourceClass().fullName());
        ClaimResponse response = new ClaimResponse(task.id(), allocation(task), taskToken, job.id(), job.name(),
                job.maxRunTimeSeconds(), firstLeaseSeconds(), replacesTask);
        return Optional.of(Reply.ok(response).onLost(() -> {
            LOG.info("task {}: the runner went away before it got the claim; back to the queue", task.id());
            store.tasks().unclaim(task.id(), clock.millis());
            claims.signal(rcId);
            closed(task);
        }));
    }

    /** A per-task value safe as a directory name: the task id is lowercase hex and dashes. */
    static String allocation(Task task) {
        return task.id();
    }

    /** The live task of the presented token: an ended task's token answers 410 on every route. */
    private Task runningTask(Exchange exchange) {
        return auth.requireTask(exchange, exchange.path("task"));
    }

    private Job jobOf(Task task) {
        return store.jobs().find(task.jobId()).orElseThrow(() -> jobGone(task));
    }

    private static ApiError jobGone(Task task) {
        return ApiError.notFound("the job of task " + task.id() + " is gone");
    }

    private int stepIndex(Exchange exchange, Job job) {
        return checkedStep(exchange, StoredJob.fromJson(job.definition()).steps().size());
    }

    private int checkedStep(Exchange exchange, int count) {
        int step = exchange.intPath("step");
        if (step >= count) {
            throw ApiError.notFound("step " + step + " does not exist: the job has " + count + " steps (0 to "
                    + (count - 1) + ")");
        }
        return step;
    }

    private Reply job(Exchange exchange) {
        Task task = runningTask(exchange);
        Job job = jobOf(task);
        StoredJob stored = StoredJob.fromJson(job.definition());
        Map<String, String> secrets = stored.openSecrets(keys);
        Map<String, String> environment = new LinkedHashMap<>(stored.environment());
        environment.putAll(secrets);
        return Reply.ok(new TaskJob(task.id(), job.id(), job.name(), job.buildNum(), stored.steps(), environment,
                List.copyOf(secrets.keySet()), checkout(task, stored.checkout())));
    }

    /**
     * A pipeline job checks out from this server's mirror of its project, with a read credential of this task alone
     * (kept hashed; {@link GitMirrorMount}); a submitted job's repository is left as it was given.
     */
    private Checkout checkout(Task task, Checkout stored) {
        if (stored == null || store.testResults().workflowJobOf(task.jobId()).isEmpty()) {
            return stored;
        }
        String credential = Tokens.generate();
        store.tasks().addCheckoutCredential(task.id(), Tokens.hash(credential));
        return new Checkout(ApiPaths.gitMirror(task.id()), stored.revision(), stored.branch(), credential);
    }

    private Reply heartbeat(Exchange exchange) {
        // a task that is no longer this runner's answers 410: its agents stop it
        Task task = runningTask(exchange);
        store.tasks().renewLease(task.id(), clock.millis() + leaseMillis());
        return Reply.ok(new HeartbeatResponse(jobOf(task).cancelRequested(), leaseSeconds()));
    }

    private Reply stepStart(Exchange exchange) {
        Task task = runningTask(exchange);
        int step = stepIndex(exchange, jobOf(task));
        StepStart start = exchange.json(StepStart.class, Limits.JSON_BODY);
        store.tasks().startStep(task.id(), step, start.name(), clock.millis());
        watchers.changed(task.id());
        return Reply.ok(Map.of());
    }

    /** Per chunk: no read of the job's definition (the step count is remembered, the cancel flag read alone). */
    private Reply stepOutput(Exchange exchange) {
        Task task = runningTask(exchange);
        int step = checkedStep(exchange, stepCounts.of(task.jobId()).orElseThrow(() -> jobGone(task)));
        if (exchange.query("offset") == null) {
            throw ApiError.badRequest("query parameter offset is required");
        }
        long offset = exchange.queryLong("offset", 0);
        long at = exchange.queryLong("at", clock.millis());
        byte[] data = exchange.body(Limits.OUTPUT_CHUNK);
        long next = output.append(task.id(), step, offset, data, at);
        watchers.changed(task.id());
        // read after the append, so a cancel asked while the chunk was written is in this answer; the bytes are
        // stored, so a job gone meanwhile is answered as "stop", not as an error
        boolean canceled = store.jobs().cancelRequested(task.jobId()).orElse(true);
        return Reply.ok(new OutputAck(next, canceled));
    }

    private Reply stepResult(Exchange exchange) {
        Task task = runningTask(exchange);
        int step = stepIndex(exchange, jobOf(task));
        StepResult result = exchange.json(StepResult.class, Limits.JSON_BODY);
        if (result.status() == null) {
            throw ApiError.badRequest("status: is required");
        }
        String finishedAt = result.finishedAt() != null ? result.finishedAt() : Times.iso(clock.millis());
        store.tasks().finishStep(task.id(), step, null, new StepResult(result.status(), result.exitCode(),
                result.signal(), result.reason(), result.durationMillis(), finishedAt));
        watchers.changed(task.id());
        return Reply.ok(Map.of());
    }

    private Reply taskResult(Exchange exchange) {
        Task task = runningTask(exchange);
        TaskResult result = exchange.json(TaskResult.class, Limits.JSON_BODY);
        if (result.status() == null) {
            throw ApiError.badRequest("status: is required");
        }
        JobState state;
        switch (result.status()) {
            case SUCCESS:
                state = JobState.SUCCESS;
                break;
            case CANCELED:
                state = JobState.CANCELED;
                break;
            case TIMEDOUT:
                state = JobState.TIMEDOUT;
                break;
            default:
                state = JobState.FAILED;
                break;
        }
        store.tasks().finish(task.id(), TaskState.FINISHED, state, result.reason(), clock.millis());
        watchers.changed(task.id());
        jobEnded.accept(task.jobId());
        closed(task); // after its workflow moved on: a claim held for its slot finds the job requiring it queued
        LOG.info("task {} finished: {}", task.id(), result.status());
        return Reply.ok(Map.of());
    }

    private Reply unclaim(Exchange exchange) {
        Task task = runningTask(exchange);
        Job job = jobOf(task);
        store.tasks().unclaim(task.id(), clock.millis());
        watchers.changed(task.id());
        claims.signal(job.resourceClassId());
        closed(task);
        return Reply.ok(Map.of());
    }

    private Reply fail(Exchange exchange) {
        Task task = runningTask(exchange);
        InfraFailure failure = exchange.json(InfraFailure.class, Limits.JSON_BODY);
        StringBuilder reason = new StringBuilder("infrastructure failure: ")
                .append(failure.reason() == null ? "no reason given" : failure.reason());
        if (failure.exitStatus() != null) {
            reason.append(" (task agent exit status ").append(failure.exitStatus()).append(')');
        }
        if (failure.lastOutput() != null && !failure.lastOutput().isBlank()) {
            String last = failure.lastOutput().strip();
            reason.append("; last output: ").append(last.length() > 2000 ? "..." + last.substring(last.length()
                    - 2000) : last);
        }
        store.tasks().finish(task.id(), TaskState.FAILED, JobState.INFRASTRUCTURE_FAIL, reason.toString(),
                clock.millis());
        watchers.changed(task.id());
        jobEnded.accept(task.jobId());
        closed(task);
        LOG.info("task {} failed: {}", task.id(), failure.reason());
        return Reply.ok(Map.of());
    }
}
