package dev.runway.server;

import dev.runway.protocol.GitRefs;
import dev.runway.protocol.Json;
import dev.runway.protocol.PipelinesApi;
import dev.runway.protocol.PipelinesApi.Page;
import dev.runway.protocol.TriggersApi;
import dev.runway.server.pipeline.Cron;
import dev.runway.server.pipeline.PipelineTriggers;
import dev.runway.server.pipeline.ProjectSlugs;
import dev.runway.server.store.Pipeline;
import dev.runway.server.store.Project;
import dev.runway.server.store.ProjectPoll;
import dev.runway.server.store.Schedule;
import dev.runway.server.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Polling ({@code /api/v3/projects/{project}/poll}), schedules (CircleCI API v2's {@code /project/{slug}/schedule}
 * and {@code /schedule/{id}}), admin token; and the continuation of a setup pipeline
 * ({@code POST /api/v2/pipeline/continue}), authenticated by its continuation key alone, as CircleCI's is.
 */
final class TriggerRoutes {
    private static final long DEFAULT_POLL_SECONDS = 60;
    private static final int MAX_BRANCHES = 50;
    private static final int MAX_SCHEDULES = 100;
    private static final Pattern SCHEDULE_NAME = Pattern.compile("[^\\p{Cntrl}]{1,100}");
    private final Store store;
    private final Auth auth;
    private final PipelineTriggers triggers;
    private final Clock clock;

    TriggerRoutes(Store store, Auth auth, PipelineTriggers triggers, Clock clock) {
        this.store = store;
        this.auth = auth;
        this.triggers = triggers;
        this.clock = clock;
    }

    void register(Router router) {
        router.sync("PUT", PipelinesApi.PROJECTS + "/{project}/poll", this::setPoll)
                .sync("GET", PipelinesApi.PROJECTS + "/{project}/poll", this::showPoll)
                .sync("DELETE", PipelinesApi.PROJECTS + "/{project}/poll", this::stopPoll)
                .sync("GET", PipelinesApi.V2 + "/schedule/{schedule-id}", this::showSchedule)
                .sync("DELETE", PipelinesApi.V2 + "/schedule/{schedule-id}", this::deleteSchedule)
                .signed("POST", TriggersApi.CONTINUE, this::continuePipeline);
        for (String slug : PipelineRoutes.SLUG_SPELLINGS) {
            router.sync("POST", PipelinesApi.V2 + "/project/" + slug + "/schedule", this::createSchedule)
                    .sync("GET", PipelinesApi.V2 + "/project/" + slug + "/schedule", this::listSchedules);
        }
    }

    private Project project(Exchange exchange) {
        return store.pipelines().project(ProjectSlugs.normalise(exchange.path("project")))
                .orElseThrow(() -> ApiError.notFound("Project not found"));
    }

    // --- polling

    private Reply setPoll(Exchange exchange) {
        auth.requireAdmin(exchange);
        Project project = project(exchange);
        TriggersApi.PollBody body = exchange.json(TriggersApi.PollBody.class, Limits.JSON_BODY);
        List<String> branches = body.branches() == null ? List.of() : body.branches();
        if (branches.isEmpty() || branches.size() > MAX_BRANCHES) {
            throw ApiError.badRequest("branches: give 1 to " + MAX_BRANCHES + " branch names to poll");
        }
        try {
            for (int i = 0; i < branches.size(); i++) {
                GitRefs.branch("branches[" + i + "]", branches.get(i));
                if (branches.get(i).contains(",")) {
                    throw new IllegalArgumentException("branches[" + i + "]: \"" + branches.get(i)
                            + "\" has a comma; give each branch as its own entry");
                }
            }
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        long interval = body.intervalSeconds() == null ? DEFAULT_POLL_SECONDS : body.intervalSeconds();
        if (interval < 1 || interval > 86_400) {
            throw ApiError.badRequest("interval_seconds: " + interval + " is not between 1 and 86400");
        }
        long now = clock.millis();
        store.triggers().setPoll(project.id(), List.copyOf(new java.util.LinkedHashSet<>(branches)), interval, now,
                now);
        return Reply.ok(status(project, store.triggers().poll(project.id()).orElseThrow()));
    }

    private Reply showPoll(Exchange exchange) {
        auth.requireAdmin(exchange);
        Project project = project(exchange);
        ProjectPoll poll = store.triggers().poll(project.id()).orElseThrow(() -> ApiError.notFound(
                "Project " + project.slug() + " is not polled (runway project update " + project.slug()
                        + " --poll BRANCH)"));
        return Reply.ok(status(project, poll));
    }

    private Reply stopPoll(Exchange exchange) {
        auth.requireAdmin(exchange);
        Project project = project(exchange);
        if (!store.triggers().removePoll(project.id())) {
            throw ApiError.notFound("Project " + project.slug() + " is not polled");
        }
        return Reply.ok(new PipelinesApi.Message("Polling of " + project.slug() + " stopped."));
    }

    private TriggersApi.PollStatus status(Project project, ProjectPoll poll) {
        Map<String, String> heads = new LinkedHashMap<>();
        for (String branch : poll.branches()) {
            store.triggers().pollHead(project.id(), branch).ifPresent(head -> heads.put(branch, head));
        }
        return new TriggersApi.PollStatus(poll.branches(), poll.intervalSeconds(), Times.iso(poll.nextPollAt()),
                Times.iso(poll.lastPolledAt()), poll.lastError(), heads);
    }

    // --- schedules

    private Reply createSchedule(Exchange exchange) {
        auth.requireAdmin(exchange);
        Project project = PipelineRoutes.slugProject(store, exchange);
        TriggersApi.ScheduleCreate body = exchange.json(TriggersApi.ScheduleCreate.class, Limits.JSON_BODY);
        if (body.name() == null || !SCHEDULE_NAME.matcher(body.name()).matches()) {
            throw ApiError.badRequest("name: is required, 1 to 100 characters without control characters");
        }
        Map<String, Object> parameters = new LinkedHashMap<>(body.parameters() == null ? Map.of()
                : body.parameters());
        String branch = text(parameters.remove("branch"), "parameters.branch");
        String tag = text(parameters.remove("tag"), "parameters.tag");
        Cron cron;
        try {
            if ((body.cron() == null) == (body.timetable() == null)) {
                throw new IllegalArgumentException("cron or timetable: give one of them (cron: five fields, UTC)");
            }
            cron = body.cron() != null ? Cron.parse("cron", body.cron())
                    : Cron.parse("timetable", Cron.ofTimetable(body.timetable()));
            if (branch != null && tag != null) {
                throw new IllegalArgumentException("parameters: give branch or tag, not both");
            }
            if (branch != null) {
                GitRefs.branch("parameters.branch", branch);
            }
            if (tag != null) {
                GitRefs.branch("parameters.tag", tag);
            }
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        parameters.forEach((key, value) -> {
            if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                throw ApiError.badRequest("parameters." + key + ": expected a string, a number or true or false");
            }
        });
        if (store.triggers().schedules(project.id(), null).size() >= MAX_SCHEDULES) {
            throw ApiError.badRequest("project " + project.slug() + " has " + MAX_SCHEDULES + " schedules already");
        }
        long now = clock.millis();
        Schedule schedule = store.triggers().createSchedule(new Schedule(UUID.randomUUID().toString(), project.id(),
                Schedule.SERVER, body.name(), body.description(), cron.text(), branch == null && tag == null
                        ? project.defaultBranch() : branch, tag, null, Json.writeString(parameters),
                cron.next(Instant.ofEpochMilli(now)).toEpochMilli(), null, null, null, now, now));
        return Reply.json(201, view(schedule, project));
    }

    private static String text(Object value, String field) {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw ApiError.badRequest(field + ": expected a string");
    }

    private Reply listSchedules(Exchange exchange) {
        auth.requireAdmin(exchange);
        Project project = PipelineRoutes.slugProject(store, exchange);
        List<TriggersApi.ScheduleView> items = new ArrayList<>();
        for (Schedule schedule : store.triggers().schedules(project.id(), null)) {
            items.add(view(schedule, project));
        }
        return Reply.ok(new Page<>(items, null));
    }

    private Schedule scheduleOf(Exchange exchange) {
        return store.triggers().schedule(exchange.path("schedule-id"))
                .orElseThrow(() -> ApiError.notFound("Schedule not found"));
    }

    private Reply showSchedule(Exchange exchange) {
        auth.requireAdmin(exchange);
        Schedule schedule = scheduleOf(exchange);
        return Reply.ok(view(schedule, store.pipelines().project(schedule.projectId()).orElseThrow()));
    }

    private Reply deleteSchedule(Exchange exchange) {
        auth.requireAdmin(exchange);
        Schedule schedule = scheduleOf(exchange);
        if (Schedule.CONFIG.equals(schedule.source())) {
            throw ApiError.badRequest("schedule " + schedule.id() + " is workflow " + schedule.workflow()
                    + "'s trigger in " + PipelineTriggers.CONFIG_PATH + " of the default branch: remove it there");
        }
        store.triggers().deleteSchedule(schedule.id());
        return Reply.ok(new PipelinesApi.Message("Schedule deleted."));
    }

    @SuppressWarnings("unchecked")
    private static TriggersApi.ScheduleView view(Schedule schedule, Project project) {
        Map<String, Object> parameters;
        try {
            parameters = new LinkedHashMap<>(Json.mapper().readValue(schedule.parameters(), LinkedHashMap.class));
        } catch (IOException e) {
            throw new UncheckedIOException("stored parameters of schedule " + schedule.id() + " are unreadable", e);
        }
        if (schedule.tag() != null) {
            parameters.put("tag", schedule.tag());
        } else if (schedule.branch() != null) {
            parameters.put("branch", schedule.branch());
        }
        return new TriggersApi.ScheduleView(schedule.id(), schedule.name(), schedule.description(), schedule.cron(),
                project.slug(), parameters, new TriggersApi.ScheduleActor(PipelineViews.userId(
                        dev.runway.server.pipeline.ScheduleRunner.ACTOR), dev.runway.server.pipeline.ScheduleRunner
                        .ACTOR, "Runway scheduler"), schedule.source(), schedule.workflow(),
                Times.iso(schedule.nextRunAt()), Times.iso(schedule.lastRunAt()), schedule.lastPipelineId(),
                schedule.lastError(), Times.iso(schedule.createdAt()), Times.iso(schedule.updatedAt()));
    }

    // --- setup pipelines

    private Reply continuePipeline(Exchange exchange) {
        TriggersApi.ContinueBody body = exchange.json(TriggersApi.ContinueBody.class, Limits.JSON_BODY);
        Map<String, Object> parameters = body.parameters() == null ? Map.of() : body.parameters();
        parameters.forEach((key, value) -> {
            if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                throw ApiError.badRequest("parameters." + key + ": expected a string, a number or true or false");
            }
        });
        try {
            Pipeline pipeline = triggers.continueSetup(body.continuationKey(), body.configuration(), parameters);
            return Reply.ok(new PipelinesApi.Message("Pipeline " + pipeline.number() + " continued."));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }
}
