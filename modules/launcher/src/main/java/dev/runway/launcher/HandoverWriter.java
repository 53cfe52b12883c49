package dev.runway.launcher;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What every launcher's {@link StandbyProcess#handOver} does around its own write: the write runs on another thread,
 * so that a standby that does not read cannot hold its task for longer than {@link #TIMEOUT}; a standby that cannot
 * take its task is killed.
 */
public final class HandoverWriter {
    /** A standby reads its input at once; one that does not within this long is broken. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** One write of the task to a standby's standard input, closing it after. */
    @FunctionalInterface
    public interface Write {
        void run() throws Exception;
    }

    private HandoverWriter() {}

    /**
     * Runs {@code write} on {@code writer} and waits for it at most {@link #TIMEOUT}.
     *
     * @throws LaunchException when it failed or did not end in time; {@code standby} has been killed then
     */
    public static void write(StandbyProcess standby, Write write, ExecutorService writer) throws LaunchException {
        Future<?> written = writer.submit(() -> {
            write.run();
            return null;
        });
        try {
            written.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            standby.kill();
            throw new LaunchException("launch " + standby.launchId() + ": could not hand the task to the standby task"
                    + " agent (" + e.getCause().getMessage() + ")", e.getCause());
        } catch (TimeoutException e) {
            written.cancel(true);
            standby.kill();
            throw new LaunchException("launch " + standby.launchId() + ": the standby task agent did not read its task"
                    + " within " + TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            standby.kill();
            throw new LaunchException("launch " + standby.launchId() + ": interrupted while handing the task over", e);
        }
    }
}
