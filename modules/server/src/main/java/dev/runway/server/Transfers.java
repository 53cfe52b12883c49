package dev.runway.server;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * The threads of blocking transfers: blob uploads and downloads, and git's upload-pack for checkouts. Each holds a
 * thread for as long as its client's network takes, so they run here and never on the request threads that claims,
 * heartbeats and the API need (a heartbeat that cannot get through lets a running task's lease lapse). Past
 * {@link #MAX} at once a transfer is refused with 503 and Retry-After, which runners retry. A bean of the Jetty
 * server: its threads are stopped with it.
 */
final class Transfers extends AbstractLifeCycle implements Executor {
    /** Transfers at once; an idle thread goes after a minute. */
    static final int MAX = 512;
    private final ThreadPoolExecutor threads;
    private final int max;

    Transfers() {
        this(MAX);
    }

    Transfers(int max) {
        this.max = max;
        AtomicInteger count = new AtomicInteger();
        threads = new ThreadPoolExecutor(0, max, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
            Thread thread = new Thread(task, "runway-transfer-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Runs {@code transfer} on a thread of its own; an {@link ApiError} 503 when the most are under way. */
    @Override
    public void execute(Runnable transfer) {
        try {
            threads.execute(transfer);
        } catch (RejectedExecutionException full) {
            throw new ApiError(503, "the server has " + max + " transfers under way; retry shortly")
                    .withHeader("Retry-After", "5");
        }
    }

    @Override
    protected void doStop() {
        threads.shutdownNow();
    }
}
