package dev.runway.cli;

import dev.runway.client.ApiException;
import dev.runway.client.ManagementClient;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.protocol.JobsApi.StepState;
import dev.runway.protocol.RunnerApi.StepStatus;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Prints a job as it runs: while it is queued, which runners it waits for; a header per step, the step's output
 * live (long-polling the server, no busy loop), then the step's status and duration, and finally the job's result.
 * Interrupted (Ctrl-C) while following, it says that the job goes on and how to cancel it, or cancels it.
 */
final class JobFollower {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** A runner that asked for work this recently counts as online (a claim is held at most 60 s). */
    static final Duration ONLINE = Duration.ofSeconds(90);
    private final ManagementClient client;
    private final PrintWriter out;
    private PrintWriter err;
    private boolean cancelOnInterrupt;
    private String waitingLine;

    JobFollower(ManagementClient client, PrintWriter out) {
        this.client = client;
        this.out = out;
    }

    /**
     * While following, an interrupt (SIGINT: the JVM's shutdown) prints to {@code err} that the job goes on and
     * how to cancel it or, with {@code cancel}, cancels the job.
     */
    JobFollower onInterrupt(PrintWriter err, boolean cancel) {
        this.err = err;
        this.cancelOnInterrupt = cancel;
        return this;
    }

    /** Follows the job to its end (with {@code live}) or prints what it has so far; answers its last status. */
    JobStatus print(String jobId, boolean live) throws ApiException, InterruptedException {
        JobStatus first = client.jobStatus(jobId);
        if (!live || err == null || first.state().isFinal()) {
            return printSteps(first.id(), live);
        }
        Thread hook = new Thread(() -> interrupted(first), "runway-follow-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return printSteps(first.id(), true);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs now
            }
        }
    }

    /** Ctrl-C while following: the job is the server's and goes on, unless --cancel-on-interrupt asked otherwise. */
    private void interrupted(JobStatus job) {
        out.flush();
        String number = Long.toString(job.buildNum());
        if (cancelOnInterrupt) {
            try {
                JobStatus canceled = client.cancelJob(job.id());
                err.println("Interrupted: job #" + number + " " + (canceled.state().isFinal()
                        ? "is " + canceled.state().name().toLowerCase(Locale.ROOT)
                        : "cancel requested; its runner stops it") + ".");
            } catch (ApiException | InterruptedException e) {
                err.println("Interrupted: could not cancel job #" + number + " (" + e.getMessage()
                        + "); cancel it with: runway job cancel " + number);
            }
        } else {
            err.println("Detached: job #" + number + " goes on. Follow it again with: runway job logs -f " + number
                    + "; cancel it with: runway job cancel " + number);
        }
        err.flush();
    }

    private JobStatus printSteps(String jobId, boolean live) throws ApiException, InterruptedException {
        JobStatus status = client.jobStatus(jobId);
        int count = status.steps().size();
        for (int step = 0; step < count; step++) {
            status = live ? awaitStart(jobId, step) : client.jobStatus(jobId);
            StepState state = status.steps().get(step);
            if (state.startedAt() == null && state.outputBytes() == 0) {
                if (status.state().isFinal() || !live) {
                    out.println("--- [" + (step + 1) + "/" + count + "] " + state.name() + ": " + word(state.status()));
                    continue;
                }
            }
            out.println("==> [" + (step + 1) + "/" + count + "] " + state.name());
            out.flush();
            stream(jobId, step, live);
            StepState done = client.jobStatus(jobId).steps().get(step);
            out.println("<== " + done.name() + ": " + word(done.status()) + describe(done));
            out.flush();
        }
        status = client.jobStatus(jobId);
        // the steps are over; the task's result follows within moments
        while (live && !status.state().isFinal()) {
            Thread.sleep(250);
            status = client.jobStatus(jobId);
        }
        if (live) {
            out.println("Job #" + status.buildNum() + " " + status.name() + ": " + status.state().name()
                    .toLowerCase(Locale.ROOT) + " in " + seconds(jobDuration(status))
                    + (status.reason() == null ? "" : " (" + status.reason() + ")"));
            out.flush();
        }
        return status;
    }

    /**
     * Waits (long-polling the step's output) until the step started or the job ended; while the job is queued, says
     * what it waits for (again when that changes).
     */
    private JobStatus awaitStart(String jobId, int step) throws ApiException, InterruptedException {
        while (true) {
            JobStatus status = client.jobStatus(jobId);
            StepState state = status.steps().get(step);
            if (state.startedAt() != null || state.outputBytes() > 0 || status.state().isFinal()
                    || state.status() != StepStatus.PENDING) {
                return status;
            }
            if (status.state() == JobState.QUEUED) {
                String line = waitingLine(status);
                if (!line.equals(waitingLine)) {
                    out.println(line);
                    out.flush();
                    waitingLine = line;
                }
            }
            client.jobOutput(jobId, step, 0, Duration.ofSeconds(5));
        }
    }

    /** "waiting for a runner of ns/rc (N online, M queued before you)". */
    private String waitingLine(JobStatus job) throws ApiException, InterruptedException {
        Instant since = Instant.now().minus(ONLINE);
        long online = client.listRunnersOfResourceClass(job.resourceClass()).items().stream()
                .filter(runner -> runner.lastConnected() != null && Instant.parse(runner.lastConnected())
                        .isAfter(since)).count();
        long before = client.listJobs(job.resourceClass(), JobState.QUEUED, 1000).items().stream()
                .filter(queued -> queued.buildNum() < job.buildNum()).count();
        return "waiting for a runner of " + job.resourceClass() + " (" + online + " online, " + before
                + " queued before you)";
    }

    private void stream(String jobId, int step, boolean live) throws ApiException, InterruptedException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        ByteBuffer pending = ByteBuffer.allocate(0);
        long offset = 0;
        boolean lineStart = true;
        while (true) {
            ManagementClient.OutputChunk chunk = client.jobOutput(jobId, step, offset, live ? WAIT : Duration.ZERO);
            ByteBuffer input = ByteBuffer.allocate(pending.remaining() + chunk.data().length);
            input.put(pending).put(chunk.data()).flip();
            CharBuffer text = CharBuffer.allocate(input.remaining() + 1);
            decoder.decode(input, text, false);
            pending = input.slice();
            text.flip();
            lineStart = printIndented(text, lineStart);
            out.flush();
            offset = chunk.nextOffset();
            if (chunk.complete() || (!live && chunk.data().length == 0)) {
                if (!lineStart) {
                    out.println();
                }
                return;
            }
        }
    }

    private boolean printIndented(CharSequence text, boolean lineStart) {
        boolean atStart = lineStart;
        for (int i = 0; i < text.length(); i++) {
            if (atStart) {
                out.print("    ");
            }
            char c = text.charAt(i);
            out.print(c);
            atStart = c == '\n';
        }
        return atStart;
    }

    private static String describe(StepState step) {
        StringBuilder text = new StringBuilder();
        if (step.durationMillis() != null) {
            text.append(" in ").append(seconds(Duration.ofMillis(step.durationMillis())));
        }
        if (step.exitCode() != null && step.exitCode() != 0) {
            text.append(", exit code ").append(step.exitCode());
        }
        if (step.signal() != null) {
            text.append(", signal ").append(step.signal());
        }
        if (step.reason() != null && !step.reason().isBlank()) {
            text.append(" (").append(step.reason()).append(')');
        }
        return text.toString();
    }

    static String word(StepStatus status) {
        return String.valueOf(status).toLowerCase(Locale.ROOT);
    }

    static Duration jobDuration(JobStatus status) {
        if (status.startedAt() == null) {
            return Duration.ZERO;
        }
        Instant end = status.finishedAt() == null ? Instant.now() : Instant.parse(status.finishedAt());
        return Duration.between(Instant.parse(status.startedAt()), end);
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
