package dev.runway.server;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.JobsApi.StepState;
import dev.runway.protocol.RunnerApi.StepResult;
import dev.runway.protocol.RunnerApi.StepSpec;
import dev.runway.protocol.RunnerApi.StepStatus;
import dev.runway.server.store.Job;
import dev.runway.server.store.Step;
import dev.runway.server.store.Store;
import dev.runway.server.store.Task;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds the {@link JobStatus} a person sees: the job, its current attempt's steps, how much output each has. */
final class JobViews {
    private final Store store;
    private final StepOutput output;

    JobViews(Store store, StepOutput output) {
        this.store = store;
        this.output = output;
    }

    JobStatus status(Job job, boolean withSteps) {
        String runner = job.taskId() == null ? null : store.tasks().find(job.taskId()).map(Task::runnerName)
                .orElse(null);
        return new JobStatus(job.id(), job.buildNum(), job.name(), job.resourceClass(), job.state(), job.reason(),
                job.cancelRequested(), job.attempts(), runner, Times.iso(job.createdAt()), Times.iso(job.startedAt()),
                Times.iso(job.finishedAt()), withSteps ? steps(job) : null);
    }

    private List<StepState> steps(Job job) {
        List<StepSpec> specs = StoredJob.fromJson(job.definition()).steps();
        Map<Integer, Step> reported = new HashMap<>();
        if (job.taskId() != null) {
            store.tasks().steps(job.taskId()).forEach(step -> reported.put(step.index(), step));
        }
        List<StepState> states = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            Step step = reported.get(i);
            StepResult result = step == null ? null : step.result();
            StepStatus status = settled(job.state(), result == null ? StepStatus.PENDING : result.status());
            boolean finished = result != null && result.finishedAt() != null;
            long bytes = job.taskId() == null ? 0 : output.length(job.taskId(), i);
            states.add(new StepState(i, step != null && step.name() != null ? step.name() : specs.get(i).name(),
                    specs.get(i).type().name().toLowerCase(java.util.Locale.ROOT), status,
                    result == null ? null : result.exitCode(), result == null ? null : result.signal(),
                    result == null ? null : result.reason(), finished ? result.durationMillis() : null,
                    step == null ? null : Times.iso(step.startedAt()), finished ? result.finishedAt() : null,
                    bytes));
        }
        return states;
    }

    /** Once the job is over, a step that never reported an end did not (or will not) finish on its own. */
    private static StepStatus settled(JobState job, StepStatus step) {
        if (!job.isFinal()) {
            return step;
        }
        if (step == StepStatus.PENDING) {
            return StepStatus.SKIPPED;
        }
        if (step == StepStatus.RUNNING) {
            return job == JobState.CANCELED ? StepStatus.CANCELED
                    : job == JobState.TIMEDOUT ? StepStatus.TIMEDOUT : StepStatus.FAILED;
        }
        return step;
    }

    /** Whether no more output can come for the step. */
    static boolean outputComplete(JobState job, StepStatus step) {
        return job.isFinal() || (step != StepStatus.PENDING && step != StepStatus.RUNNING);
    }
}
