package dev.runway.server.pipeline;

import dev.runway.pipeline.CompiledPipeline;
import dev.runway.protocol.Json;
import dev.runway.server.store.Pipeline;
import dev.runway.server.store.Project;
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
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs due schedules: a server schedule triggers a pipeline of its branch or tag with its parameters; a config
 * schedule (a workflow's {@code triggers: - schedule:} on the default branch) triggers a pipeline of its branch that
 * runs that workflow alone. Both are of trigger type {@code scheduled_pipeline}. A schedule is due at its cron's next
 * minute (UTC); a server that was down runs a missed schedule once when it is back, not once per missed minute.
 */
public final class ScheduleRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleRunner.class);
    /** Who scheduled pipelines name as their actor. */
    public static final String ACTOR = "scheduler";
    private final Store store;
    private final PipelineTriggers triggers;
    private final Clock clock;

    public ScheduleRunner(Store store, PipelineTriggers triggers, Clock clock) {
        this.store = store;
        this.triggers = triggers;
        this.clock = clock;
    }

    /** Runs every schedule that is due now (tests call it directly). */
    public void runOnce() {
        long now = clock.millis();
        for (Schedule schedule : store.triggers().dueSchedules(now)) {
            long next = Cron.parse("cron", schedule.cron()).next(Instant.ofEpochMilli(now)).toEpochMilli();
            // Several servers may share the database and read this row as due at once: only the one whose
            // conditional UPDATE ... WHERE next_run_at = (the value read) moves it to the next minute runs it.
            if (store.triggers().claimSchedule(schedule.id(), schedule.nextRunAt(), next)) {
                run(schedule, now);
            }
        }
    }

    private void run(Schedule schedule, long now) {
        Optional<Project> project = store.pipelines().project(schedule.projectId());
        if (project.isEmpty()) {
            return;
        }
        try {
            Pipeline pipeline = triggers.trigger(project.get(), new TriggerRequest(schedule.branch(), schedule.tag(),
                    null, parameters(schedule), TriggerRequest.SCHEDULED, ACTOR, schedule.workflow(), null,
                    schedule.name()));
            store.triggers().scheduleRan(schedule.id(), now, pipeline.id(), null);
            LOG.info("schedule {} of {}: pipeline #{}", schedule.name(), project.get().slug(), pipeline.number());
        } catch (IllegalArgumentException | GitRepositories.GitException e) {
            store.triggers().scheduleRan(schedule.id(), now, null, e.getMessage());
            LOG.warn("schedule {} of {}: {}", schedule.name(), project.get().slug(), e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parameters(Schedule schedule) {
        try {
            return Json.mapper().readValue(schedule.parameters(), LinkedHashMap.class);
        } catch (IOException e) {
            throw new UncheckedIOException("stored parameters of schedule " + schedule.id() + " are unreadable", e);
        }
    }

    /**
     * The schedules a compiled config declares: one per scheduled workflow and branch of its
     * {@code filters: branches: only:} (none given: the project's default branch), named after the workflow.
     * A cron the compiler let through but that is not valid is logged and left out.
     */
    static List<Schedule> configSchedules(Project project, CompiledPipeline compiled, long now) {
        List<Schedule> schedules = new ArrayList<>();
        for (CompiledPipeline.Workflow workflow : compiled.workflows()) {
            for (Object trigger : workflow.triggers()) {
                if (!(trigger instanceof Map<?, ?> map) || !(map.get("schedule") instanceof Map<?, ?> schedule)) {
                    continue;
                }
                Cron cron;
                try {
                    cron = Cron.parse("workflows." + workflow.name() + ".triggers.schedule.cron",
                            String.valueOf(schedule.get("cron")));
                } catch (IllegalArgumentException e) {
                    LOG.warn("{}: {}", PipelineTriggers.CONFIG_PATH, e.getMessage());
                    continue;
                }
                long next = cron.next(Instant.ofEpochMilli(now)).toEpochMilli();
                for (String branch : branches(schedule.get("filters"), project.defaultBranch())) {
                    // the id follows from what the schedule is: two servers registering it at once make one row
                    String id = UUID.nameUUIDFromBytes(String.join("\n", project.id(), workflow.name(), cron.text(),
                            branch).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
                    schedules.add(new Schedule(id, project.id(), Schedule.CONFIG,
                            workflow.name(), "workflow " + workflow.name() + " of " + PipelineTriggers.CONFIG_PATH,
                            cron.text(), branch, null, workflow.name(), "{}", next, null, null, null, now, now));
                }
            }
        }
        return schedules;
    }

    private static List<String> branches(Object filters, String defaultBranch) {
        if (filters instanceof Map<?, ?> map && map.get("branches") instanceof Map<?, ?> branches) {
            Object only = branches.get("only");
            if (only instanceof List<?> list && !list.isEmpty()) {
                return list.stream().map(String::valueOf).toList();
            }
            if (only != null) {
                return List.of(String.valueOf(only));
            }
        }
        return List.of(defaultBranch);
    }
}
