package dev.runway.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** Wire records of the runner half of the protocol: the claim, then everything a task token may do. */
public final class RunnerApi {
    private RunnerApi() {}

    /**
     * What a launch agent says about itself when it asks for work. {@code waitSeconds}: how long to hold the poll.
     * {@code afterTasks} (null when a slot is free): the agent has no free slot, and asks for a task for the slot of
     * whichever of these tasks of its own the server closes first; only to a server whose claim answers list
     * {@link #AFTER_TASKS} in {@link #CLAIM_FEATURES_HEADER}.
     */
    public record ClaimRequest(String name, String hostname, String version, String os, String arch, int freeSlots,
            int waitSeconds, List<String> afterTasks) {
        public ClaimRequest(String name, String hostname, String version, String os, String arch, int freeSlots,
                int waitSeconds) {
            this(name, hostname, version, os, arch, freeSlots, waitSeconds, null);
        }
    }

    /** Header of every claim answer: the comma-separated claim features this server knows. */
    public static final String CLAIM_FEATURES_HEADER = "Runway-Claim-Features";

    /** Claim feature: {@link ClaimRequest#afterTasks}, answered with {@link ClaimResponse#replacesTask}. */
    public static final String AFTER_TASKS = "after-tasks";

    /**
     * A claimed task. {@code taskToken} is scoped to this task only; {@code allocation} is the per-task value a
     * runner substitutes for {@code %s}; the lease must be renewed by heartbeat within {@code leaseSeconds}.
     * {@code replacesTask}: to a claim with {@link ClaimRequest#afterTasks}, the one of them the server has closed,
     * whose slot this task takes (null otherwise).
     */
    public record ClaimResponse(String taskId, String allocation, String taskToken, String jobId, String jobName,
            long maxRunTimeSeconds, long leaseSeconds, String replacesTask) {
        public ClaimResponse(String taskId, String allocation, String taskToken, String jobId, String jobName,
                long maxRunTimeSeconds, long leaseSeconds) {
            this(taskId, allocation, taskToken, jobId, jobName, maxRunTimeSeconds, leaseSeconds, null);
        }

        @Override
        public String toString() {
            return "ClaimResponse[taskId=" + taskId + ", allocation=" + allocation + ", taskToken=********, jobId="
                    + jobId + ", jobName=" + jobName + ", maxRunTimeSeconds=" + maxRunTimeSeconds + ", leaseSeconds="
                    + leaseSeconds + ", replacesTask=" + replacesTask + "]";
        }
    }

    public record HeartbeatResponse(boolean canceled, long leaseSeconds) {}

    /** What the task agent runs. {@code secretNames}: environment names whose values are masked in output. */
    public record TaskJob(String taskId, String jobId, String jobName, long buildNum, List<StepSpec> steps,
            Map<String, String> environment, List<String> secretNames, Checkout checkout) {}

    /**
     * Where {@code checkout} gets the source: any URL or path git can clone, a revision and a branch name. With a
     * {@code credential} (a pipeline's job, as the server hands it to its task), {@code repository} is the server's
     * path of the task's project mirror ({@link ApiPaths#gitMirror}), read with that credential while the task runs.
     */
    public record Checkout(String repository, String revision, String branch,
            @JsonInclude(JsonInclude.Include.NON_NULL) String credential) {
        /** A source read with whatever the runner host may read (a job submitted with its own repository). */
        public Checkout(String repository, String revision, String branch) {
            this(repository, revision, branch, null);
        }

        @Override
        public String toString() {
            return "Checkout[repository=" + repository + ", revision=" + revision + ", branch=" + branch
                    + (credential == null ? "" : ", credential=********") + "]";
        }
    }

    public enum StepType {
        @JsonProperty("run") RUN,
        @JsonProperty("checkout") CHECKOUT,
        /** The task agent parses JUnit XML under {@code command} (a file or directory) and sends the records. */
        @JsonProperty("store_test_results") STORE_TEST_RESULTS,
        /** The task agent writes the project's SSH keys whose fingerprints {@code command} lists (one a line). */
        @JsonProperty("add_ssh_keys") ADD_SSH_KEYS,
        @JsonProperty("save_cache") SAVE_CACHE,
        @JsonProperty("restore_cache") RESTORE_CACHE,
        @JsonProperty("persist_to_workspace") PERSIST_TO_WORKSPACE,
        @JsonProperty("attach_workspace") ATTACH_WORKSPACE,
        @JsonProperty("store_artifacts") STORE_ARTIFACTS
    }

    public enum When {
        @JsonProperty("on_success") ON_SUCCESS,
        @JsonProperty("on_fail") ON_FAIL,
        @JsonProperty("always") ALWAYS
    }

    /**
     * One test case of a stored JUnit report, as CircleCI's API v2 {@code /tests} lists it. {@code result}: success,
     * failure, skipped or error; {@code runTime} in seconds; {@code source}: the report file, relative to the step's
     * path.
     */
    public record TestRecord(String name, String classname, String file, String result, double runTime,
            String message, String source) {}

    /** The test records of one {@code store_test_results} step (body of {@link ApiPaths#testResults}). */
    public record TestResults(List<TestRecord> tests) {}

    /**
     * Answer of {@link ApiPaths#testTimings}: the records stored by the most recent earlier run of the same job (same
     * project, same job name), empty when there is none.
     */
    public record TestTimings(List<TestRecord> tests) {}

    /** One private key of the project, as {@code add_ssh_keys} writes it for the job user. */
    public record SshKey(String fingerprint, String privateKey) {
        @Override
        public String toString() {
            return "SshKey[fingerprint=" + fingerprint + ", privateKey=********]";
        }
    }

    /** Answer of {@link ApiPaths#sshKeys}: the project's keys with the asked fingerprints. */
    public record SshKeys(List<SshKey> keys) {}

    /**
     * One step, normalised from CircleCI's step shapes. For {@code store_test_results} {@code command} holds the path,
     * for {@code add_ssh_keys} the fingerprints (one a line; none: every key). {@code shell} null means the default
     * ({@code /bin/bash -eo pipefail}); {@code noOutputTimeoutMillis} 0 means the default (10 minutes).
     * {@code maxAutoReruns}: a step that fails runs again at most this many times (0: never), after
     * {@code autoRerunDelayMillis}; both are left out of the JSON when 0, so a task agent of a release without
     * reruns still reads every other step. {@code storage}: what a cache, workspace or artifact step keeps or fetches
     * (null for the other steps).
     */
    public record StepSpec(StepType type, String name, String command, String shell, Map<String, String> environment,
            String workingDirectory, long noOutputTimeoutMillis, boolean background, When when,
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) Integer maxAutoReruns,
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) Long autoRerunDelayMillis, Storage storage) {
        /** What JSON is read with; missing or null reruns are none (jobs stored before reruns have neither). */
        @com.fasterxml.jackson.annotation.JsonCreator
        public StepSpec {
            maxAutoReruns = maxAutoReruns == null ? 0 : maxAutoReruns;
            autoRerunDelayMillis = autoRerunDelayMillis == null ? 0L : autoRerunDelayMillis;
        }

        /** A step that is not rerun when it fails and keeps nothing ({@code run}, {@code checkout}). */
        public StepSpec(StepType type, String name, String command, String shell, Map<String, String> environment,
                String workingDirectory, long noOutputTimeoutMillis, boolean background, When when) {
            this(type, name, command, shell, environment, workingDirectory, noOutputTimeoutMillis, background, when,
                    0, 0L, null);
        }

        /** A step that may be rerun when it fails ({@code run}). */
        public StepSpec(StepType type, String name, String command, String shell, Map<String, String> environment,
                String workingDirectory, long noOutputTimeoutMillis, boolean background, When when,
                Integer maxAutoReruns, Long autoRerunDelayMillis) {
            this(type, name, command, shell, environment, workingDirectory, noOutputTimeoutMillis, background, when,
                    maxAutoReruns, autoRerunDelayMillis, null);
        }

        /** A storage step (caches, workspaces, artifacts). */
        public StepSpec(StepType type, String name, String command, String shell, Map<String, String> environment,
                String workingDirectory, long noOutputTimeoutMillis, boolean background, When when, Storage storage) {
            this(type, name, command, shell, environment, workingDirectory, noOutputTimeoutMillis, background, when,
                    0, 0L, storage);
        }
    }

    /**
     * The arguments of the storage steps, as CircleCI names them: {@code keys} ({@code save_cache}: its one key
     * template; {@code restore_cache}: the templates in order of preference), {@code paths} ({@code save_cache},
     * {@code persist_to_workspace}; globs for the latter), {@code root} ({@code persist_to_workspace}'s root,
     * {@code attach_workspace}'s {@code at}, {@code store_artifacts}' {@code path}) and {@code destination}
     * ({@code store_artifacts}).
     */
    public record Storage(List<String> keys, List<String> paths, String root, String destination) {}

    public record StepStart(String name, String startedAt) {}

    public record OutputAck(long nextOffset, boolean canceled) {}

    /** Body of a 409 answer to an output chunk that does not start where the stored output ends. */
    public record OffsetMismatch(String message, long expectedOffset) {}

    public enum StepStatus {
        @JsonProperty("pending") PENDING,
        @JsonProperty("running") RUNNING,
        @JsonProperty("success") SUCCESS,
        @JsonProperty("failed") FAILED,
        @JsonProperty("timedout") TIMEDOUT,
        @JsonProperty("canceled") CANCELED,
        @JsonProperty("skipped") SKIPPED
    }

    /** {@code exitCode} or {@code signal} (null when not applicable) and a reason a person can read. */
    public record StepResult(StepStatus status, Integer exitCode, Integer signal, String reason, long durationMillis,
            String finishedAt) {}

    /** A task's end; {@code timedout}: it reached its max run time, or a step its {@code no_output_timeout}. */
    public enum TaskStatus {
        @JsonProperty("success") SUCCESS,
        @JsonProperty("failed") FAILED,
        @JsonProperty("canceled") CANCELED,
        @JsonProperty("timedout") TIMEDOUT
    }

    public record TaskResult(TaskStatus status, String reason) {}

    /** The runner could not run the task: exit status of the task agent and the last lines it printed. */
    public record InfraFailure(String reason, Integer exitStatus, String lastOutput) {}

    /**
     * Between the launch agent and a standby task agent (one started before its task, waiting on its standard
     * input): the first line of that input, what a task agent started for its task has as arguments and environment.
     * The token and the job follow on the next lines, as for every task agent.
     *
     * @param maxRunTime Go duration
     * @param workingDirectory the task's working directory (CIRCLE_WORKING_DIRECTORY)
     * @param exitPause Go duration, or null for none: how long the task agent waits, once its task's result is in,
     *     before it cleans up and exits; given where the task's slot takes the next task before this exit
     */
    public record TaskHandover(String taskId, String maxRunTime, String workingDirectory, String exitPause) {}

    /** Error body of every 4xx/5xx answer, as CircleCI's API. */
    public record ErrorBody(String message) {}
}
