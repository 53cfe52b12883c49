package dev.runway.server;

import dev.runway.protocol.JobDefinitionParser.JobDefinition;
import dev.runway.protocol.JobDefinitionParser;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.JobsApi.StepState;
import dev.runway.protocol.JobsApi;
import dev.runway.server.store.Job;
import dev.runway.server.store.ResourceClass;
import dev.runway.server.store.Store;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Job submission, status, output (with follow) and cancel: reads for any management token whose scope covers the
 * job's namespace, submission and cancel for the admin token or an admin-scope API token.
 */
final class JobRoutes {
    private static final Pattern NUMBER = Pattern.compile("[1-9][0-9]{0,17}");
    private static final long MAX_FOLLOW_MILLIS = 60_000;
    private final Store store;
    private final Auth auth;
    private final ClaimWaiters claims;
    private final OutputWatchers watchers;
    private final StepOutput output;
    private final JobViews views;
    private final SecretsKeys keys;
    private final Executor executor;
    private final Clock clock;
    private final Runnable jobEnded;

    /** {@code jobEnded} runs when a cancel ended a job at once (the pipeline scheduler's wake-up). */
    JobRoutes(Store store, Auth auth, ClaimWaiters claims, OutputWatchers watchers, StepOutput output,
            SecretsKeys keys, Executor executor, Clock clock, Runnable jobEnded) {
        this.jobEnded = jobEnded;
        this.store = store;
        this.auth = auth;
        this.claims = claims;
        this.watchers = watchers;
        this.output = output;
        this.views = new JobViews(store, output);
        this.keys = keys;
        this.executor = executor;
        this.clock = clock;
    }

    void register(Router router) {
        router.limited("POST", JobsApi.JOBS, this::submit)
                .limited("GET", JobsApi.JOBS, this::list)
                .sync("GET", JobsApi.JOBS + "/{id}", this::status)
                .sync("POST", JobsApi.JOBS + "/{id}/cancel", this::cancel)
                .async("GET", JobsApi.JOBS + "/{id}/steps/{step}/output", this::output);
    }

    private Reply submit(Exchange exchange) {
        Auth.Access access = auth.management(exchange).write();
        JobsApi.JobSubmission submission = exchange.json(JobsApi.JobSubmission.class, Limits.JSON_BODY);
        JobDefinition definition;
        try {
            definition = JobDefinitionParser.parse(submission);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        ResourceClass rc = store.management().resourceClassByName(definition.resourceClass().namespace(),
                definition.resourceClass().name()).orElseThrow(() -> ApiError.notFound("resource_class: \""
                        + definition.resourceClass() + "\" does not exist"));
        access.in(rc.namespace());
        StoredJob stored = StoredJob.sealed(definition.steps(), definition.environment(), definition.secrets(),
                definition.checkout(), keys);
        Job job = store.jobs().create(rc.id(), rc.fullName(), definition.name(), stored.toJson(), keys.currentId(),
                definition.maxRunTime().toSeconds(), clock.millis());
        claims.signal(rc.id());
        return Reply.json(201, views.status(job, true));
    }

    /** The job that {id} names: its id, or its number as the CLI shows it ("Job #12"). */
    private Job job(Exchange exchange) {
        String id = exchange.path("id");
        Optional<Job> job = NUMBER.matcher(id).matches() ? store.jobs().findByNumber(Long.parseLong(id))
                : store.jobs().find(id);
        return job.orElseThrow(() -> ApiError.notFound("no job " + id));
    }

    /** The job, when {@code access} covers its namespace (the part of its resource class before the slash). */
    private static Job readable(Auth.Access access, Job job) {
        access.in(job.resourceClass().substring(0, Math.max(0, job.resourceClass().indexOf('/'))));
        return job;
    }

    private Reply status(Exchange exchange) {
        Auth.Access access = auth.management(exchange);
        return Reply.ok(views.status(readable(access, job(exchange)), true));
    }

    private Reply list(Exchange exchange) {
        Auth.Access access = auth.management(exchange);
        String rcName = exchange.query("resource-class");
        String rcId = null;
        if (rcName == null) {
            access.everywhere();
        } else {
            access.in(rcName.indexOf('/') < 0 ? rcName : rcName.substring(0, rcName.indexOf('/')));
            int slash = rcName.indexOf('/');
            rcId = store.management().resourceClassByName(slash < 0 ? rcName : rcName.substring(0, slash),
                    slash < 0 ? "" : rcName.substring(slash + 1)).map(ResourceClass::id)
                    .orElseThrow(() -> ApiError.notFound("resource class \"" + rcName + "\" does not exist"));
        }
        JobState state = null;
        String stateName = exchange.query("state");
        if (stateName != null) {
            try {
                state = JobState.valueOf(stateName.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest("state: \"" + stateName + "\" is not one of queued, running, success, "
                        + "failed, canceled, infrastructure_fail, timedout");
            }
        }
        long limit = exchange.queryLong("limit", 50);
        if (limit < 1 || limit > 1000) {
            throw ApiError.badRequest("limit: must be between 1 and 1000");
        }
        return Reply.ok(new JobsApi.JobList(store.jobs().list(rcId, state, (int) limit).stream()
                .map(job -> views.status(job, false)).collect(Collectors.toList())));
    }

    private Reply cancel(Exchange exchange) {
        Auth.Access access = auth.management(exchange).write();
        Job job = store.jobs().cancel(readable(access, job(exchange)).id(), clock.millis());
        watchers.changed(queuedKey(job.id()));
        if (job.taskId() != null) {
            watchers.changed(job.taskId());
        }
        if (job.state().isFinal()) {
            jobEnded.run();
        }
        return Reply.ok(views.status(job, true));
    }

    private CompletableFuture<Reply> output(Exchange exchange) {
        Auth.Access access = auth.management(exchange);
        Job job = readable(access, job(exchange));
        int step = exchange.intPath("step");
        long offset = exchange.queryLong("offset", 0);
        long wait = Math.min(exchange.queryLong("wait", 0) * 1000, MAX_FOLLOW_MILLIS);
        if (offset < 0) {
            throw ApiError.badRequest("offset: must not be negative");
        }
        JobStatus status = views.status(job, true);
        if (step >= status.steps().size()) {
            throw ApiError.notFound("job " + job.id() + " has " + status.steps().size() + " steps (0 to "
                    + (status.steps().size() - 1) + ")");
        }
        return readOutput(job.id(), step, offset, clock.millis() + wait);
    }

    /** Answers as soon as there are bytes, the step's output is complete, or the deadline passes. */
    private CompletableFuture<Reply> readOutput(String jobId, int step, long offset, long deadline) {
        Job before = store.jobs().find(jobId).orElseThrow();
        // watch first, then look: a change between the two wakes the watch instead of being missed
        CompletableFuture<Void> change = watchers.next(before.taskId() == null ? queuedKey(jobId)
                : before.taskId(), Math.max(0, deadline - clock.millis()));
        Job job = store.jobs().find(jobId).orElseThrow();
        StepState state = views.status(job, true).steps().get(step);
        boolean complete = JobViews.outputComplete(job.state(), state.status());
        byte[] bytes = job.taskId() == null ? new byte[0]
                : output.read(job.taskId(), step, offset, Limits.OUTPUT_READ);
        if (bytes.length > 0 || complete || clock.millis() >= deadline || !sameTask(before, job)) {
            change.complete(null);
            if (!sameTask(before, job)) {
                return readOutput(jobId, step, offset, deadline);
            }
            long next = offset + bytes.length;
            boolean done = complete && next >= state.outputBytes();
            return CompletableFuture.completedFuture(Reply.bytes(bytes, Map.of(JobsApi.NEXT_OFFSET_HEADER,
                    Long.toString(next), JobsApi.COMPLETE_HEADER, Boolean.toString(done))));
        }
        return change.thenComposeAsync(v -> readOutput(jobId, step, offset, deadline), executor);
    }

    private static boolean sameTask(Job a, Job b) {
        return java.util.Objects.equals(a.taskId(), b.taskId());
    }

    /** The watch key of a job that no runner has claimed yet; a claim wakes it. */
    static String queuedKey(String jobId) {
        return "job:" + jobId;
    }
}
