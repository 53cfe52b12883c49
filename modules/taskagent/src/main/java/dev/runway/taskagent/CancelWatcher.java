package dev.runway.taskagent;

import dev.runway.client.ApiException;
import dev.runway.client.TaskClient;
import dev.runway.protocol.GoDuration;
import dev.runway.protocol.RunnerApi.HeartbeatResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices cancellation while a step is quiet (output acknowledgements carry it otherwise) by asking the server with
 * a heartbeat every interval, and stops the job at its max run time. The launch agent owns the lease; a heartbeat
 * from here renews it once more, which is harmless (and keeps a task agent started by hand alive).
 */
final class CancelWatcher implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(CancelWatcher.class);

    private final TaskClient client;
    private final CancelSignal cancel;
    private final long intervalMillis;
    private final Duration maxRunTime;
    private final long deadlineNanos;
    private volatile boolean finished;

    CancelWatcher(TaskClient client, CancelSignal cancel, Duration interval, Duration maxRunTime) {
        this.client = client;
        this.cancel = cancel;
        this.intervalMillis = Math.max(1, interval.toMillis());
        this.maxRunTime = maxRunTime;
        this.deadlineNanos = maxRunTime.isZero() ? Long.MAX_VALUE : System.nanoTime() + maxRunTime.toNanos();
    }

    Thread start() {
        Thread thread = new Thread(this, "cancel watcher");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** The job is over: stop asking. */
    void finish() {
        finished = true;
    }

    @Override
    public void run() {
        try {
            while (!finished && !cancel.isCanceled()) {
                long untilDeadline = (deadlineNanos - System.nanoTime()) / 1_000_000;
                if (untilDeadline <= 0) {
                    cancel.cancel(CancelSignal.Reason.MAX_RUN_TIME,
                            "the job ran longer than its max run time (" + GoDuration.format(maxRunTime) + ")");
                    return;
                }
                if (cancel.await(Math.min(intervalMillis, untilDeadline)) || finished) {
                    return;
                }
                askServer();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void askServer() throws InterruptedException {
        try {
            HeartbeatResponse answer = client.heartbeat();
            if (answer.canceled()) {
                cancel.cancel(CancelSignal.Reason.CANCELED, "the job was canceled");
            }
        } catch (ApiException e) {
            if (e.status() == 401 || e.status() == 404 || e.status() == 410) {
                cancel.cancel(CancelSignal.Reason.CANCELED, "the server no longer accepts this task: "
                        + e.getMessage());
            } else {
                LOG.debug("Cancel check failed (the launch agent keeps the lease): {}", e.getMessage());
            }
        }
    }
}
