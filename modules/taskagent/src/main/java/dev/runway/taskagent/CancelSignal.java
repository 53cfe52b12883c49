package dev.runway.taskagent;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Why and whether the task must stop early: the server canceled it, the task agent got SIGTERM, the job ran past its
 * max run time, or its output cannot reach the server. The first reason wins.
 */
final class CancelSignal {
    enum Reason { CANCELED, MAX_RUN_TIME, SERVER_UNREACHABLE }

    private final CountDownLatch fired = new CountDownLatch(1);
    private volatile Reason reason;
    private volatile String message;

    void cancel(Reason why, String text) {
        synchronized (this) {
            if (reason != null) {
                return;
            }
            message = text;
            reason = why;
        }
        fired.countDown();
    }

    boolean isCanceled() {
        return reason != null;
    }

    /** Null until canceled. */
    Reason reason() {
        return reason;
    }

    String message() {
        return message;
    }

    /** Waits up to {@code millis} for a cancellation; answers whether there is one. */
    boolean await(long millis) throws InterruptedException {
        return fired.await(millis, TimeUnit.MILLISECONDS);
    }
}
