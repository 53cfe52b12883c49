package dev.runway.cli.taskagent;

import dev.runway.cli.logging.LogLines;
import dev.runway.client.HttpTransport;
import dev.runway.protocol.RunnerApi.StepStart;
import dev.runway.protocol.RunnerApi.TaskJob;
import dev.runway.protocol.TaskWire;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Sets up, on a second thread while the first reads the token and the job from standard input, what a task agent
 * needs before its first step can start: its logging, the job's JSON mapping, the time formats and the JDK's process
 * start. Nothing here reads the token or the network.
 */
public final class TaskAgentWarmUp implements Runnable {
    private static final byte[] SAMPLE_JOB = ("{\"task_id\":\"warm-up\",\"job_id\":\"j\",\"job_name\":\"n\","
            + "\"build_num\":1,\"steps\":[{\"type\":\"run\",\"name\":\"s\",\"command\":\"true\",\"environment\":{},"
            + "\"no_output_timeout_millis\":0,\"background\":false,\"when\":\"on_success\"}],"
            + "\"environment\":{\"A\":\"b\"},\"secret_names\":[],\"checkout\":null}").getBytes(StandardCharsets.UTF_8);

    /** The warm-up of this process, once {@link #start} ran; {@link #awaitLogging} waits on it. */
    static volatile TaskAgentWarmUp started;

    /** Open once slf4j has its provider. */
    private final CountDownLatch loggingReady = new CountDownLatch(1);
    /** Open once everything below is done. */
    final CountDownLatch finished = new CountDownLatch(1);

    TaskAgentWarmUp() {}

    /**
     * Waits until the warm-up thread has set up slf4j, when it was started. A logger taken meanwhile on another
     * thread is one of slf4j's substitutes, and what it logs before slf4j is ready is dropped ("Logging calls during
     * this phase were not honored"): the first line of every task agent was lost that way. The task's first line
     * comes after its first step started (TaskAgent), so neither the step nor, in practice, the line waits here.
     */
    static void awaitLogging() throws InterruptedException {
        TaskAgentWarmUp warmUp = started;
        if (warmUp != null) {
            warmUp.loggingReady.await(10, TimeUnit.SECONDS);
        }
    }

    public static void start() {
        TaskAgentWarmUp warmUp = new TaskAgentWarmUp();
        started = warmUp;
        // a class, not a method reference: the JVM's first lambda sets up method handles for about 10 ms, and that
        // is better done on this thread than on the first, which has the token and the job to read meanwhile
        Thread thread = new Thread(warmUp, "task-agent-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * A standby's warm-up, while it waits for its task: the warm-up thread's work finished, and
     * one real process started (the JDK's first process start sets up its spawn helper), so that the task's first
     * step does not pay for either.
     */
    private static void forStandby() throws InterruptedException {
        TaskAgentWarmUp warmUp = started;
        if (warmUp != null) {
            warmUp.finished.await(10, TimeUnit.SECONDS);
        }
        try {
            new ProcessBuilder("true").redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException noTrue) {
            // only a little slower: the first step pays for it
        }
    }

    /**
     * A standby's warm-up ({@link #forStandby}, then the HTTP client's blocking path) on a thread of its own, while
     * the main thread waits for the task: a task handed over before the warm-up is done does not wait for it (the
     * job after a job shorter than a JVM's start is handed to a standby that may still be warming up), and what is
     * left of it goes on beside the task, which needs the same set-up.
     */
    static void forStandbyAside(HttpTransport transport) {
        // a class, not a lambda: as in start()
        Thread thread = new Thread(new StandbyWarmUp(transport), "standby-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    /** What {@link #forStandbyAside} runs. */
    private static final class StandbyWarmUp implements Runnable {
        private final HttpTransport transport;

        StandbyWarmUp(HttpTransport transport) {
            this.transport = transport;
        }

        @Override
        public void run() {
            try {
                forStandby();
            } catch (InterruptedException e) {
                return;
            }
            transport.prepareBlockingPath();
        }
    }

    @Override
    public void run() {
        try {
            LoggerFactory.getILoggerFactory(); // first: the task agent's classes take their loggers from it
        } finally {
            loggingReady.countDown();
        }
        try {
            warmUp();
        } finally {
            finished.countDown();
        }
    }

    private static void warmUp() {
        try {
            TaskWire.read(SAMPLE_JOB, TaskJob.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the sample is valid: TaskAgentWarmUpTest
        }
        TaskWire.write(new StepStart("warm-up", Instant.now().toString()));
        LogLines.timestamp(System.currentTimeMillis());
        // The JDK's process start: its classes' set-up is most of a JVM's first ProcessBuilder.start() (there is no
        // public way to ask for it without starting a process).
        ProcessHandle.current();
        for (String name : new String[] {"java.lang.ProcessImpl", "java.lang.ProcessImpl$ProcessPipeInputStream",
                "java.lang.ProcessImpl$ProcessPipeOutputStream", "java.lang.ProcessEnvironment"}) {
            try {
                Class.forName(name, true, null);
            } catch (ClassNotFoundException | LinkageError notInThisJdk) {
                // only a little slower
            }
        }
    }
}
