package dev.runway.taskagent;

import dev.runway.client.ApiException;
import dev.runway.client.TaskClient;
import dev.runway.protocol.GoDuration;
import dev.runway.protocol.RunnerApi.OutputAck;
import dev.runway.protocol.RunnerApi.StepResult;
import dev.runway.protocol.RunnerApi.StepSpec;
import dev.runway.protocol.RunnerApi.StepStart;
import dev.runway.protocol.RunnerApi.StepStatus;
import dev.runway.protocol.RunnerApi.StepType;
import dev.runway.protocol.RunnerApi.TaskJob;
import dev.runway.protocol.RunnerApi.TaskResult;
import dev.runway.protocol.RunnerApi.TaskStatus;
import dev.runway.protocol.RunnerApi.When;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one task: fetches its job, runs the steps in order (CircleCI's {@code when} semantics: after the first failure
 * only {@code on_fail} and {@code always} steps run), streams each step's output, reports each step's result and then
 * the task's. Background steps run alongside the later steps and are stopped at the end of the job.
 *
 * <p>Its process is started by the launch agent as {@code runway task-agent}, whose start-up (modules/cli,
 * dev.runway.cli.taskagent.TaskAgentProgram) reads the task token and the job from standard input, as
 * {@link dev.runway.protocol.TaskAgentInvocation} lays them out, and hands them here.
 */
public final class TaskAgent {
    private static final Logger LOG = LoggerFactory.getLogger(TaskAgent.class);

    private final TaskClient client;
    private final String taskToken;
    private final TaskAgentSettings settings;
    private final CancelSignal cancel = new CancelSignal();
    private final LoggingReady loggingReady;

    /** {@code taskToken} is only used to mask it, should a step ever print it. */
    public TaskAgent(TaskClient client, String taskToken, TaskAgentSettings settings) {
        this(client, taskToken, settings, () -> { });
    }

    /**
     * As above; {@code loggingReady} is waited for before the task's first log line, which comes once its first step
     * has started: the process's logging may still be being set up on another thread meanwhile (TaskAgentProgram's
     * warm-up), and the first step does not wait for it.
     */
    public TaskAgent(TaskClient client, String taskToken, TaskAgentSettings settings, LoggingReady loggingReady) {
        this.client = client;
        this.taskToken = taskToken;
        this.settings = settings;
        this.loggingReady = loggingReady;
    }

    /** Waits until a log line can be written (none is lost); called before the task's first line. */
    @FunctionalInterface
    public interface LoggingReady {
        void await() throws InterruptedException;
    }

    /** Stops the task (the cancel ladder on running steps); {@link #run()} then reports it canceled. */
    public void cancel(String why) {
        cancel.cancel(CancelSignal.Reason.CANCELED, why);
    }

    /**
     * Runs the task to its end and reports its result. Throws when the job cannot be fetched or a result cannot be
     * reported (after the client's retries): then the launch agent reports the task as an infrastructure failure.
     */
    public TaskResult run() throws ApiException, InterruptedException, IOException {
        return run(() -> { });
    }

    /**
     * {@link #run()}, calling {@code reported} as soon as the server has the task's result: what is left then (the
     * scratch directory's removal, the process's exit) no longer holds up the launch agent's next task.
     */
    public TaskResult run(Runnable reported) throws ApiException, InterruptedException, IOException {
        TaskJob job = client.job();
        Path scratch = createScratchDirectory();
        CancelWatcher watcher = new CancelWatcher(client, cancel, settings.cancelCheckInterval(),
                settings.maxRunTime());
        watcher.start();
        try {
            JobRun run = new JobRun(job, scratch);
            TaskResult result = run.execute();
            watcher.finish();
            client.taskFinished(result);
            reported.run();
            LOG.info("Task {}: {}{}", client.taskId(), result.status(),
                    result.reason() == null ? "" : " (" + result.reason() + ")");
            return result;
        } finally {
            watcher.finish();
            deleteRecursively(scratch);
        }
    }

    /** The state of one job while it runs. */
    private final class JobRun {
        private final TaskJob job;
        private final Path scratch;
        private final Map<String, String> environment;
        private final List<String> secrets = new ArrayList<>();
        private final List<BackgroundStep> background = new ArrayList<>();
        private final StorageSteps storage;
        private String firstFailure;
        private boolean announced;
        /** Whether the first failure was a step that timed out (its no_output_timeout, or the max run time). */
        private boolean firstFailureTimedOut;

        JobRun(TaskJob job, Path scratch) throws IOException, ApiException, InterruptedException {
            this.job = job;
            this.scratch = scratch;
            Path bashEnv = Files.createFile(scratch.resolve("bash_env"));
            this.environment = JobEnvironment.forJob(settings.environment(), job, settings.workingDirectory(),
                    bashEnv);
            JobTools.prepare(client, job, scratch, settings.circleciCommand(), environment);
            if (job.secretNames() != null && job.environment() != null) {
                for (String name : job.secretNames()) {
                    secrets.add(job.environment().get(name));
                }
            }
            secrets.add(taskToken);
            this.storage = new StorageSteps(client, job, settings.workingDirectory().toAbsolutePath().normalize(),
                    settings.home());
            if (job.checkout() != null && job.checkout().credential() != null) {
                secrets.add(job.checkout().credential());
            }
        }

        TaskResult execute() throws ApiException, InterruptedException {
            List<StepSpec> steps = job.steps() == null ? List.of() : job.steps();
            try {
                for (int index = 0; index < steps.size(); index++) {
                    StepSpec step = steps.get(index);
                    String skipped = skipReason(step);
                    if (skipped != null) {
                        announce();
                        client.stepFinished(index, new StepResult(StepStatus.SKIPPED, null, null, skipped, 0,
                                Instant.now().toString()));
                        continue;
                    }
                    StepResult result = runStep(index, step);
                    if (result != null && result.status() != StepStatus.SUCCESS && firstFailure == null) {
                        firstFailure = describe(index, step) + ": " + result.reason();
                        firstFailureTimedOut = result.status() == StepStatus.TIMEDOUT;
                    }
                }
            } finally {
                stopBackgroundSteps(); // also when a report failed: nothing the job started outlives it
            }
            announce(); // a job without steps
            collectBackgroundResults();
            return taskResult();
        }

        /**
         * The task's first log line, once: after its first step's process started (or before a step that starts
         * none), so that neither the line nor the wait for logging's set-up comes before the job's first command.
         */
        private void announce() throws InterruptedException {
            if (!announced) {
                announced = true;
                loggingReady.await();
                LOG.info("Task {}: job {} ({}), {} steps", client.taskId(), job.jobName(), job.jobId(),
                        job.steps() == null ? 0 : job.steps().size());
            }
        }

        private String skipReason(StepSpec step) {
            if (cancel.isCanceled()) {
                return "not run: " + cancel.message();
            }
            When when = step.when() == null ? When.ON_SUCCESS : step.when();
            if (when == When.ON_SUCCESS && firstFailure != null) {
                return "not run: an earlier step failed";
            }
            if (when == When.ON_FAIL && firstFailure == null) {
                return "not run: no earlier step failed (when: on_fail)";
            }
            return null;
        }

        /** Runs a step in the foreground and answers its result, or starts it in the background (null). */
        private StepResult runStep(int index, StepSpec step) throws ApiException, InterruptedException {
            StepStart started = new StepStart(stepName(step), Instant.now().toString());
            // The step starts while its start is reported (a round trip less before the job's first command); its
            // output waits for that report: the server takes a step's output once the step has started.
            CountDownLatch reported = new CountDownLatch(1);
            AtomicLong outputEnd = new AtomicLong();
            OutputUpload upload = uploadFrom(index, 0, reported, outputEnd);
            long noOutputTimeout = step.noOutputTimeoutMillis() > 0 ? step.noOutputTimeoutMillis()
                    : TaskAgentSettings.DEFAULT_NO_OUTPUT_TIMEOUT_MILLIS;
            StepExecution.StepSettings stepSettings = new StepExecution.StepSettings(noOutputTimeout,
                    settings.cancelGrace().toMillis(), settings.pipeGrace().toMillis(), settings.ringBytes(),
                    settings.chunkBytes());
            if (step.type() == StepType.STORE_TEST_RESULTS || step.type() == StepType.ADD_SSH_KEYS
                    || StorageSteps.handles(step.type())) {
                announce();
            }
            if (step.type() == StepType.STORE_TEST_RESULTS || step.type() == StepType.ADD_SSH_KEYS) {
                return runInAgent(index, step, started, reported, upload, stepSettings);
            }
            if (StorageSteps.handles(step.type())) {
                reportStart(index, started, reported);
                StepResult result = runStorageStep(step, stepSettings, upload);
                client.stepFinished(index, result);
                return result;
            }
            StepExecution execution;
            try {
                execution = start(index, step, stepSettings, upload);
            } catch (IOException | IllegalArgumentException e) {
                announce();
                reportStart(index, started, reported);
                StepResult failed = StepExecution.failedToStart("The step could not start: " + e.getMessage(), cancel,
                        upload, stepSettings);
                client.stepFinished(index, failed);
                return failed;
            }
            // Should the report fail for good, the exception ends the task agent; the launcher then removes the
            // step's processes with the rest of the task's tree.
            reportStart(index, started, reported);
            announce();
            if (step.background()) {
                background.add(new BackgroundStep(index, step, execution));
                return null;
            }
            if (step.maxAutoReruns() == 0) {
                // reported while what the step left behind is swept; the next step starts once the sweep is over
                return execution.supervise(result -> client.stepFinished(index, result));
            }
            StepResult result = execution.supervise();
            // max_auto_reruns: a step that failed runs again, its output following the earlier attempts'
            for (int rerun = 1; rerun <= step.maxAutoReruns() && rerunnable(result); rerun++) {
                String notice = "\n[runway] the step " + (result.status() == StepStatus.TIMEDOUT ? "timed out"
                        : "failed") + "; rerunning it (" + rerun + " of " + step.maxAutoReruns() + ")"
                        + (step.autoRerunDelayMillis() > 0 ? " in " + GoDuration.format(java.time.Duration.ofMillis(
                                step.autoRerunDelayMillis())) : "") + "\n";
                byte[] text = notice.getBytes(StandardCharsets.UTF_8);
                outputEnd.set(client.appendOutput(index, outputEnd.get(), text, text.length,
                        System.currentTimeMillis()).nextOffset());
                if (step.autoRerunDelayMillis() > 0 && cancel.await(step.autoRerunDelayMillis())) {
                    break; // canceled (or out of time) while waiting: the last attempt's result stands
                }
                try {
                    execution = start(index, step, stepSettings, uploadFrom(index, outputEnd.get(), reported,
                            outputEnd));
                } catch (IOException | IllegalArgumentException e) {
                    result = StepExecution.failedToStart("The step could not start again: " + e.getMessage(),
                            cancel, uploadFrom(index, outputEnd.get(), reported, outputEnd), stepSettings);
                    break;
                }
                result = execution.supervise();
            }
            client.stepFinished(index, result);
            return result;
        }

        /** A step the task agent does itself: its output is what it did, its result success unless it could not. */
        private StepResult runInAgent(int index, StepSpec step, StepStart started, CountDownLatch reported,
                OutputUpload upload, StepExecution.StepSettings stepSettings)
                throws ApiException, InterruptedException {
            reportStart(index, started, reported);
            long start = System.nanoTime();
            String output;
            StepStatus status = StepStatus.SUCCESS;
            String reason = null;
            try {
                if (step.type() == StepType.STORE_TEST_RESULTS) {
                    Path path = JobEnvironment.resolveDirectory(step.command() == null ? "" : step.command(),
                            JobEnvironment.resolveDirectory(step.workingDirectory(), settings.workingDirectory(),
                                    settings.home()), settings.home());
                    output = StoreTestResults.run(client, index, path);
                } else {
                    output = AddSshKeys.run(client, step.command(), scratch, environment);
                }
            } catch (IOException e) {
                status = StepStatus.FAILED;
                reason = e.getMessage();
                output = "The step failed: " + e.getMessage() + "\n";
            }
            StepExecution.writeOutput(output, secrets, cancel, upload, stepSettings);
            StepResult result = new StepResult(status, null, null, reason,
                    java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                    Instant.now().toString());
            client.stepFinished(index, result);
            return result;
        }

        /** A step that failed or went quiet too long is rerun; one the job's cancel or max run time stopped is not. */
        private boolean rerunnable(StepResult result) {
            return (result.status() == StepStatus.FAILED || result.status() == StepStatus.TIMEDOUT)
                    && !cancel.isCanceled();
        }

        /**
         * Uploads an attempt's output, which counts from 0, at {@code base} of the step's output (after the earlier
         * attempts'); {@code end} follows where the step's output ends.
         */
        private OutputUpload uploadFrom(int index, long base, CountDownLatch reported, AtomicLong end) {
            return (offset, data, length, at) -> {
                reported.await();
                OutputAck ack = client.appendOutput(index, base + offset, data, length, at);
                end.accumulateAndGet(ack.nextOffset(), Math::max);
                return new OutputAck(ack.nextOffset() - base, ack.canceled());
            };
        }

        /** A cache, workspace or artifact step, run here; its failure's reason is its last line of output. */
        private StepResult runStorageStep(StepSpec step, StepExecution.StepSettings stepSettings,
                OutputUpload upload) throws ApiException, InterruptedException {
            long started = System.nanoTime();
            StepStatus status = StepStatus.SUCCESS;
            String reason = null;
            StepLog log = new StepLog(upload, cancel, stepSettings, secrets);
            try {
                Path directory = JobEnvironment.resolveDirectory(step.workingDirectory(), settings.workingDirectory(),
                        settings.home());
                storage.run(step, directory, JobEnvironment.forStep(environment, step), log);
            } catch (IOException | IllegalArgumentException e) { // ApiException included: the server refused
                status = StepStatus.FAILED;
                reason = e.getMessage();
                log.line("Error: " + reason);
            } finally {
                log.close();
            }
            return new StepResult(status, status == StepStatus.SUCCESS ? 0 : 1, null, reason,
                    (System.nanoTime() - started) / 1_000_000, Instant.now().toString());
        }

        private void reportStart(int index, StepStart started, CountDownLatch reported)
                throws ApiException, InterruptedException {
            try {
                client.stepStarted(index, started);
            } finally {
                reported.countDown();
            }
        }

        private StepExecution start(int index, StepSpec step, StepExecution.StepSettings stepSettings,
                OutputUpload upload) throws IOException {
            Map<String, String> env = JobEnvironment.forStep(environment, step);
            String script;
            String shell = step.shell();
            if (step.type() == StepType.CHECKOUT) {
                if (job.checkout() == null || job.checkout().repository() == null) {
                    throw new IllegalArgumentException("the job has no checkout source (repository)");
                }
                if (job.checkout().credential() == null) {
                    env.putAll(CheckoutScript.environment(job.checkout()));
                } else {
                    env.putAll(CheckoutScript.mirrorEnvironment(job.checkout(), client.serverUri(), env,
                            scratch.resolve("checkout-" + (index + 1) + ".gitconfig")));
                }
                script = CheckoutScript.TEXT;
                shell = null;
            } else {
                if (step.command() == null || step.command().isBlank()) {
                    throw new IllegalArgumentException("step " + (index + 1) + " has no command");
                }
                script = step.command();
            }
            Path directory = JobEnvironment.resolveDirectory(step.workingDirectory(), settings.workingDirectory(),
                    settings.home());
            Files.createDirectories(directory); // CircleCI creates a missing working_directory
            Path scriptFile = scratch.resolve("step-" + (index + 1));
            Files.writeString(scriptFile, script.endsWith("\n") ? script : script + "\n", StandardCharsets.UTF_8);
            return StepExecution.start("step " + (index + 1), Shells.argv(shell, scriptFile), env, directory,
                    stepSettings, cancel, secrets, upload);
        }

        private void stopBackgroundSteps() throws InterruptedException {
            for (BackgroundStep step : background) {
                step.execution.stopAtJobEnd();
            }
            for (BackgroundStep step : background) {
                step.thread.join();
            }
        }

        private void collectBackgroundResults() throws ApiException {
            for (BackgroundStep step : background) {
                if (step.failure != null) {
                    throw step.failure;
                }
                StepResult result = step.result;
                if (result != null && result.status() != StepStatus.SUCCESS && firstFailure == null) {
                    firstFailure = describe(step.index, step.spec) + ": " + result.reason();
                    firstFailureTimedOut = result.status() == StepStatus.TIMEDOUT;
                }
            }
        }

        private TaskResult taskResult() {
            if (cancel.reason() == CancelSignal.Reason.CANCELED) {
                return new TaskResult(TaskStatus.CANCELED, cancel.message());
            }
            if (cancel.reason() == CancelSignal.Reason.MAX_RUN_TIME) {
                return new TaskResult(TaskStatus.TIMEDOUT, cancel.message());
            }
            if (cancel.isCanceled()) {
                return new TaskResult(TaskStatus.FAILED, cancel.message());
            }
            if (firstFailure != null) {
                // a step's no_output_timeout ends the job timedout, as CircleCI shows it
                return new TaskResult(firstFailureTimedOut ? TaskStatus.TIMEDOUT : TaskStatus.FAILED, firstFailure);
            }
            return new TaskResult(TaskStatus.SUCCESS, null);
        }
    }

    /** A background step: supervised on its own thread, its result reported as soon as it ends. */
    private final class BackgroundStep {
        final int index;
        final StepSpec spec;
        final StepExecution execution;
        final Thread thread;
        volatile StepResult result;
        volatile ApiException failure;

        BackgroundStep(int index, StepSpec spec, StepExecution execution) {
            this.index = index;
            this.spec = spec;
            this.execution = execution;
            this.thread = new Thread(this::supervise, "step " + (index + 1) + " (background)");
            this.thread.setDaemon(true);
            this.thread.start();
        }

        private void supervise() {
            try {
                result = execution.supervise();
                client.stepFinished(index, result);
            } catch (ApiException e) {
                failure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The name CircleCI shows: the step's name, else its command's first line; "Checkout code" for checkout. */
    static String stepName(StepSpec step) {
        if (step.name() != null && !step.name().isBlank()) {
            return step.name();
        }
        if (step.type() == StepType.CHECKOUT) {
            return "Checkout code";
        }
        if (step.type() == StepType.STORE_TEST_RESULTS) {
            return "Uploading test results";
        }
        if (step.type() == StepType.ADD_SSH_KEYS) {
            return "Install additional SSH keys";
        }
        String command = step.command() == null ? "" : step.command().strip();
        int newline = command.indexOf('\n');
        return newline < 0 ? command : command.substring(0, newline);
    }

    private static String describe(int index, StepSpec step) {
        return "step " + (index + 1) + " (" + stepName(step) + ")";
    }

    /**
     * Scripts and BASH_ENV live outside the working directory (a checkout needs it empty), readable by us only. Not
     * Files.createTempDirectory: its random names come from a SecureRandom whose set-up costs a task agent's start
     * tens of milliseconds. A name that exists already (whatever it is, a symlink included) is never used.
     */
    private static Path createScratchDirectory() throws IOException {
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        for (int attempt = 0; ; attempt++) {
            Path directory = temp.resolve("runway-task-" + UniqueNames.next());
            try {
                try {
                    return Files.createDirectory(directory, java.nio.file.attribute.PosixFilePermissions
                            .asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
                } catch (UnsupportedOperationException e) {
                    return Files.createDirectory(directory);
                }
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt == 100) {
                    throw e;
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("Could not remove {}: {}", dir, e.getMessage());
        }
    }
}
