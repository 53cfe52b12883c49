package dev.runway.taskagent;

import dev.runway.client.ApiException;
import dev.runway.protocol.GoDuration;
import dev.runway.protocol.RunnerApi.StepResult;
import dev.runway.protocol.RunnerApi.StepStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running step: its process group, the reader that pumps its output through the secret masker into the ring,
 * and the uploader that streams the ring to the server. {@link #supervise()} watches for cancellation, the no-output
 * timeout and (for background steps) the end of the job, stops the group with the cancel ladder, kills what the step
 * left behind, flushes the last byte and answers the step's result.
 */
final class StepExecution {
    private static final Logger LOG = LoggerFactory.getLogger(StepExecution.class);
    private static final long POLL_MILLIS = 100;

    /** Why the task agent stopped a step before it ended by itself. */
    private enum Stop { CANCELED, NO_OUTPUT, STOPPED_AT_JOB_END }

    private final String label;
    private final StepSettings settings;
    private final CancelSignal cancel;
    private final ProcessGroup group;
    private final SecretMasker masker;
    private final OutputRing ring;
    private final OutputUploader uploader;
    private final Thread reader;
    private final long startNanos = System.nanoTime();
    private volatile long lastOutputNanos = startNanos;
    private volatile boolean writingOutput;
    private volatile boolean jobEnded;
    /** Completed when the reader has seen the end of the step's output (or gave up on it). */
    private final CompletableFuture<Void> outputEnded = new CompletableFuture<>();
    private boolean abandoned; // guarded by masker

    /** What a step needs besides its command: limits and sizes. */
    record StepSettings(long noOutputTimeoutMillis, long cancelGraceMillis, long pipeGraceMillis, int ringBytes,
            int chunkBytes) {}

    private StepExecution(String label, StepSettings settings, CancelSignal cancel, ProcessGroup group,
            Collection<String> secrets, OutputUpload upload) {
        this.label = label;
        this.settings = settings;
        this.cancel = cancel;
        this.group = group;
        this.ring = new OutputRing(settings.ringBytes());
        this.masker = new SecretMasker(secrets, ring);
        this.uploader = new OutputUploader(label + " output", ring, settings.chunkBytes(), upload, cancel);
        this.reader = new Thread(this::pumpOutput, label + " reader");
        this.reader.setDaemon(true);
    }

    /** Starts {@code argv} in its own process group and begins streaming its output. */
    static StepExecution start(String label, List<String> argv, Map<String, String> environment, Path directory,
            StepSettings settings, CancelSignal cancel, Collection<String> secrets, OutputUpload upload)
            throws IOException {
        String trackingId = label.replace(' ', '-') + "-" + UniqueNames.next();
        ProcessGroup group = ProcessGroup.start(argv, environment, directory, trackingId);
        StepExecution step = new StepExecution(label, settings, cancel, group, secrets, upload);
        step.uploader.start();
        step.reader.start();
        return step;
    }

    /** A step that could not start: its output is the explanation, its result a failure. */
    static StepResult failedToStart(String message, CancelSignal cancel, OutputUpload upload, StepSettings settings)
            throws InterruptedException {
        writeOutput(message + "\n", List.of(), cancel, upload, settings);
        return new StepResult(StepStatus.FAILED, null, null, message, 0, Instant.now().toString());
    }

    /**
     * The whole output of a step the task agent does itself (no process: {@code store_test_results},
     * {@code add_ssh_keys}), with the job's secrets masked; returns once it is uploaded.
     */
    static void writeOutput(String text, Collection<String> secrets, CancelSignal cancel, OutputUpload upload,
            StepSettings settings) throws InterruptedException {
        OutputRing ring = new OutputRing(settings.ringBytes());
        OutputUploader uploader = new OutputUploader("step output", ring, settings.chunkBytes(), upload, cancel);
        uploader.start();
        SecretMasker masker = new SecretMasker(secrets, ring);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        long now = System.currentTimeMillis();
        masker.write(bytes, 0, bytes.length, now);
        masker.finish(now);
        ring.close();
        uploader.awaitDrained();
    }

    /** For a background step: the job is over, stop it. */
    void stopAtJobEnd() {
        jobEnded = true;
    }

    /** Runs until the step ends (or is stopped), then cleans up and flushes; answers its result. */
    StepResult supervise() throws InterruptedException {
        try {
            return supervise(result -> { });
        } catch (ApiException e) {
            throw new IllegalStateException("a report that sends nothing failed", e);
        }
    }

    /** Where a step's result goes as soon as it is known ({@link #supervise(ResultReport)}). */
    @FunctionalInterface
    interface ResultReport {
        void send(StepResult result) throws ApiException, InterruptedException;
    }

    /**
     * {@link #supervise()}, handing the result to {@code report} as soon as the step's shell has ended and its output
     * is flushed, while what the step left behind is still being swept (a read of every process in /proc, and the
     * kills): the report's round trip overlaps the sweep. Returns (or throws the report's failure) only once the
     * sweep is over, so nothing of the step outlives this call.
     */
    StepResult supervise(ResultReport report) throws InterruptedException, ApiException {
        Process shell = group.leader();
        Stop stop = null;
        while (shell.isAlive()) {
            Stop due = stopDue();
            if (due != null && stop == null) {
                stop = due;
                LOG.info("Stopping {}: {}", label, due);
                group.terminate(settings.cancelGraceMillis());
            }
            shell.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS);
        }
        // whatever the step left running in its group, or escaped with setsid, is killed beside the output's end
        CompletableFuture<Void> swept = sweepAside();
        try {
            int exitCode = shell.exitValue();
            finishOutput(stop, swept);
            StepResult result = result(stop, exitCode);
            report.send(result);
            return result;
        } finally {
            awaitSwept(swept);
        }
    }

    /** {@link ProcessGroup#killRemaining()} on a thread of its own; completes when it is over. */
    private CompletableFuture<Void> sweepAside() {
        CompletableFuture<Void> swept = new CompletableFuture<>();
        Thread sweeper = new Thread(() -> {
            try {
                group.killRemaining();
                swept.complete(null);
            } catch (InterruptedException | RuntimeException e) {
                swept.completeExceptionally(e);
            }
        }, label + " sweep");
        sweeper.setDaemon(true);
        sweeper.start();
        return swept;
    }

    private static void awaitSwept(CompletableFuture<Void> swept) throws InterruptedException {
        try {
            swept.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            throw new IllegalStateException("sweeping the step's processes failed", e.getCause());
        }
    }

    private Stop stopDue() {
        if (cancel.isCanceled()) {
            return Stop.CANCELED;
        }
        if (jobEnded) {
            return Stop.STOPPED_AT_JOB_END;
        }
        long quietMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastOutputNanos);
        if (!writingOutput && quietMillis >= settings.noOutputTimeoutMillis()) {
            return Stop.NO_OUTPUT;
        }
        return null;
    }

    private void pumpOutput() {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = group.leader().getInputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                lastOutputNanos = System.nanoTime();
                writingOutput = true;
                synchronized (masker) {
                    if (!abandoned) {
                        masker.write(buffer, 0, n, System.currentTimeMillis());
                    }
                }
                writingOutput = false;
                lastOutputNanos = System.nanoTime();
            }
        } catch (IOException e) {
            LOG.debug("{}: output pipe closed: {}", label, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            outputEnded.complete(null);
        }
    }

    /**
     * Waits for the pipe's end (bounded: a leftover may hold it open), adds notes, flushes the last chunk. A pipe
     * still open is waited for until the sweep is over (that kills what holds it), and then for the pipe grace.
     */
    private void finishOutput(Stop stop, CompletableFuture<Void> swept) throws InterruptedException {
        try {
            CompletableFuture.anyOf(outputEnded, swept).get();
        } catch (ExecutionException e) {
            // the sweep failed: that is thrown once the result is out; the pipe gets its grace meanwhile
        }
        if (!outputEnded.isDone() && !swept.isCompletedExceptionally()) {
            awaitSwept(swept);
        }
        reader.join(settings.pipeGraceMillis());
        StringBuilder notes = new StringBuilder();
        if (reader.isAlive()) {
            notes.append("\n[runway] the step ended but a process it started still holds its output open;"
                    + " output after this point is not recorded.\n");
        }
        if (stop == Stop.NO_OUTPUT) {
            notes.append("\nToo long with no output (exceeded ").append(noOutputTimeoutText())
                    .append("): context deadline exceeded\n");
        } else if (stop == Stop.CANCELED) {
            notes.append("\n[runway] step stopped: ").append(cancel.message()).append('\n');
        }
        byte[] bytes = notes.toString().getBytes(StandardCharsets.UTF_8);
        synchronized (masker) {
            abandoned = true;
            long now = System.currentTimeMillis();
            masker.write(bytes, 0, bytes.length, now);
            masker.finish(now);
        }
        ring.close();
        uploader.awaitDrained();
    }

    private StepResult result(Stop stop, int exitCode) {
        long duration = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        String finishedAt = Instant.now().toString();
        // Java reports a shell killed by signal N as exit code 128 + N, the same as a command that exits with that
        // code (git's usage error is 129): a signal is named only when this step was stopped by the task agent.
        Integer signal = stop != null && exitCode > 128 && exitCode < 128 + 65 ? exitCode - 128 : null;
        if (stop == Stop.NO_OUTPUT) {
            return new StepResult(StepStatus.TIMEDOUT, exitCode, signal,
                    "too long with no output (exceeded " + noOutputTimeoutText() + ")", duration, finishedAt);
        }
        if (stop == Stop.CANCELED) {
            StepStatus status = cancel.reason() == CancelSignal.Reason.MAX_RUN_TIME ? StepStatus.TIMEDOUT
                    : cancel.reason() == CancelSignal.Reason.CANCELED ? StepStatus.CANCELED : StepStatus.FAILED;
            return new StepResult(status, exitCode, signal, cancel.message(), duration, finishedAt);
        }
        if (stop == Stop.STOPPED_AT_JOB_END) {
            return new StepResult(StepStatus.SUCCESS, exitCode, signal,
                    "background step stopped at the end of the job", duration, finishedAt);
        }
        String reason = "exited with code " + exitCode + (signal == null ? "" : " (signal " + signal + ")");
        return new StepResult(exitCode == 0 ? StepStatus.SUCCESS : StepStatus.FAILED, exitCode, signal, reason,
                duration, finishedAt);
    }

    private String noOutputTimeoutText() {
        return GoDuration.format(Duration.ofMillis(settings.noOutputTimeoutMillis()));
    }
}
