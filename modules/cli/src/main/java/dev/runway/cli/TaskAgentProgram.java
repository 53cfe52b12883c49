package dev.runway.cli;

import dev.runway.client.HttpTransport;
import dev.runway.client.ProxySettings;
import dev.runway.client.TaskClient;
import dev.runway.client.TlsTrust;
import dev.runway.config.Secret;
import dev.runway.protocol.GoDuration;
import dev.runway.protocol.RunnerApi.TaskHandover;
import dev.runway.protocol.RunnerApi.TaskJob;
import dev.runway.protocol.TaskWire;
import dev.runway.taskagent.TaskAgent;
import dev.runway.taskagent.TaskAgentSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * The task agent's program, behind {@code runway task-agent} ({@link TaskAgentCommand} says what it does). It names
 * no picocli type: {@link Main} runs it straight from the launch agent's arguments ({@link TaskAgentOptions}), and
 * picocli is loaded only for help and for arguments that it has to answer.
 */
final class TaskAgentProgram {
    /** A token is a line; anything this long is not one. */
    private static final int MAX_TOKEN_BYTES = 64 * 1024;
    private static final int MAX_STDIN_BYTES = MAX_TOKEN_BYTES + 1 + TaskClient.MAX_HANDED_OVER_JOB_BYTES;
    /** A standby's handover line: an id, a duration and a path; anything this long is not one. */
    private static final int MAX_HANDOVER_BYTES = 64 * 1024;

    private static final String WORKING_DIRECTORY = "CIRCLE_WORKING_DIRECTORY";

    private final InputStream tokenSource;
    private final Map<String, String> environment;
    private final PrintWriter err;

    TaskAgentProgram(InputStream tokenSource, Map<String, String> environment, PrintWriter err) {
        this.tokenSource = tokenSource;
        this.environment = environment;
        this.err = err;
    }

    /**
     * {@code runway task-agent} with {@code options}, read by {@link TaskAgentOptions#read}: what a bad option or
     * failure prints goes to standard error, as picocli's answer would; the exit status.
     */
    static int main(TaskAgentOptions options) {
        PrintWriter err = new PrintWriter(System.err, true);
        try {
            return new TaskAgentProgram(System.in, System.getenv(), err).run(options);
        } catch (BadOption e) {
            err.println("runway task-agent: " + e.getMessage());
            return Runway.EXIT_INVALID;
        } catch (IOException e) {
            err.println("runway task-agent: task " + options.taskId() + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("runway task-agent: task " + options.taskId() + ": interrupted");
            return 1;
        } catch (RuntimeException e) { // a bug: shown as picocli shows one, and the process still ends with 1
            err.println("runway task-agent: task " + options.taskId() + ": " + e);
            e.printStackTrace(err);
            return 1;
        }
    }

    /**
     * Runs the task of {@code options}; the exit status (see {@code runway task-agent --help}).
     *
     * @throws BadOption for an option's value that is not one
     */
    int run(TaskAgentOptions options) throws IOException, InterruptedException, BadOption {
        Duration grace = duration("--cancel-grace-period", options.cancelGrace());
        URI apiUrl = options.apiUrl();
        if (!"http".equals(apiUrl.getScheme()) && !"https".equals(apiUrl.getScheme())) {
            throw new BadOption("--api-url: expected an http(s) URL, got " + apiUrl);
        }
        String taskId = options.taskId();
        Duration maxRun;
        Map<String, String> environment = this.environment;
        byte[] stdin;
        HttpTransport transport = null;
        if (options.standby()) {
            // set up while no task is known: what does not depend on it (the HTTP client, the first process start)
            transport = transport(apiUrl, environment);
            if (transport == null) {
                return Runway.EXIT_INVALID;
            }
            TaskAgentWarmUp.forStandby();
            transport.prepareBlockingPath();
            byte[] input = tokenSource.readNBytes(MAX_HANDOVER_BYTES + 1 + MAX_STDIN_BYTES + 1);
            if (input.length == 0) {
                return 0; // dismissed: the launch agent closed standard input without a task
            }
            int handoverEnd = lineEnd(input);
            TaskHandover handover = handover(input, handoverEnd);
            stdin = checkedInput(Arrays.copyOfRange(input, Math.min(input.length, handoverEnd + 1), input.length));
            Arrays.fill(input, (byte) 0);
            taskId = handover.taskId();
            maxRun = duration("max_run_time", handover.maxRunTime());
            environment = new HashMap<>(environment);
            environment.put(WORKING_DIRECTORY, handover.workingDirectory());
        } else {
            maxRun = duration("--max-run-time", options.maxRunTime());
            stdin = checkedInput(tokenSource.readNBytes(MAX_STDIN_BYTES + 1));
        }
        String token = token(stdin);
        if (token.isEmpty()) {
            err.println("runway task-agent: no task token on standard input (the launch agent writes it there)");
            return Runway.EXIT_INVALID;
        }
        Path workingDirectory = TaskAgentSettings.jobDirectory(environment, Path.of("").toAbsolutePath());
        if (!Files.isDirectory(workingDirectory)) {
            err.println("runway task-agent: working directory " + workingDirectory + " does not exist"
                    + " (CIRCLE_WORKING_DIRECTORY)");
            return Runway.EXIT_INVALID;
        }
        TaskAgentSettings settings = TaskAgentSettings.defaults(workingDirectory, environment, maxRun)
                .withCancelGrace(grace);
        if (transport == null) {
            transport = transport(apiUrl, environment);
            if (transport == null) {
                return Runway.EXIT_INVALID;
            }
        }
        TaskClient client = new TaskClient(transport, taskId, token);
        TaskJob handedOver = handedOverJob(stdin, taskId);
        Arrays.fill(stdin, (byte) 0); // the token, and the job's secrets
        if (handedOver != null) {
            client.useJob(handedOver);
        } else {
            client.prefetchJob(); // fetched while logging is set up (neither waits for the other)
        }
        // the launch agent keeps what the task agent prints; the token is masked should a line ever hold it, by
        // TaskAgentLog (chosen by Main) or by logback (a test's process, or should slf4j not have loaded TaskAgentLog)
        TaskAgentWarmUp.awaitLogging(); // before the first logger (TaskAgent's): none of its lines is lost
        TaskAgentLog.mask(Secret.of(token));
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext) {
            Logging.configure(Logging.DEFAULTS, Secret.of(token));
        }
        TaskAgent agent = new TaskAgent(client, token, settings);
        CountDownLatch finished = new CountDownLatch(1);
        Thread onTerm = new Thread(() -> {
            agent.cancel("the task agent received SIGTERM");
            try {
                // let the ladder run, the last output flush and the result go out before the JVM ends
                finished.await(grace.toMillis() + 30_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sigterm");
        Runtime.getRuntime().addShutdownHook(onTerm);
        try {
            agent.run();
            return 0;
        } catch (IOException e) { // ApiException included: no server, or a report that could not be delivered
            err.println("runway task-agent: task " + taskId + ": " + e.getMessage());
            return 1;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onTerm);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it returns now that the task is finished
            }
        }
    }

    /** The client of the API at {@code apiUrl}; null (the reason printed) when the proxy variables are bad. */
    private HttpTransport transport(URI apiUrl, Map<String, String> environment) {
        ProxySettings proxies;
        try {
            proxies = ProxySettings.fromEnvironment(environment);
        } catch (IllegalArgumentException e) {
            err.println("runway task-agent: " + e.getMessage());
            return null;
        }
        return new HttpTransport(apiUrl, Duration.ofSeconds(60), proxies, TlsTrust.fromEnvironment(environment));
    }

    /**
     * The handover line that a standby's standard input begins with.
     *
     * @throws BadOption when it is not one (named, never quoted: the token may follow it)
     */
    private static TaskHandover handover(byte[] input, int lineEnd) throws BadOption {
        if (lineEnd > MAX_HANDOVER_BYTES) {
            Arrays.fill(input, (byte) 0);
            throw new BadOption("standard input: a first line of more than " + MAX_HANDOVER_BYTES
                    + " bytes; expected the standby's handover (task_id, max_run_time, working_directory)");
        }
        TaskHandover handover;
        try {
            handover = TaskWire.read(Arrays.copyOf(input, lineEnd), TaskHandover.class);
        } catch (IOException e) {
            Arrays.fill(input, (byte) 0);
            throw new BadOption("standard input: the standby's handover line: " + e.getMessage());
        }
        String missing = handover.taskId() == null || handover.taskId().isBlank() ? "task_id"
                : handover.maxRunTime() == null ? "max_run_time"
                : handover.workingDirectory() == null || handover.workingDirectory().isBlank() ? "working_directory"
                : null;
        if (missing != null) {
            Arrays.fill(input, (byte) 0);
            throw new BadOption("standard input: the standby's handover line has no " + missing);
        }
        return handover;
    }

    /** What a task agent reads on standard input (the token line, the job), within its limits. */
    private static byte[] checkedInput(byte[] bytes) throws BadOption {
        int lineEnd = lineEnd(bytes);
        if (lineEnd > MAX_TOKEN_BYTES) {
            Arrays.fill(bytes, (byte) 0);
            throw new BadOption("standard input: a first line of more than "
                    + MAX_TOKEN_BYTES + " bytes; expected a task token");
        }
        if (bytes.length > MAX_STDIN_BYTES) {
            Arrays.fill(bytes, (byte) 0);
            throw new BadOption("standard input: more than "
                    + TaskClient.MAX_HANDED_OVER_JOB_BYTES + " bytes after the task token; expected a job");
        }
        return bytes;
    }

    /** The first line of standard input. */
    private static String token(byte[] stdin) {
        return new String(stdin, 0, lineEnd(stdin), StandardCharsets.UTF_8).strip();
    }

    /**
     * The job after the token line, when the launch agent handed one over and it is this task's; null when there is
     * none or it cannot be read (then it is fetched, as when none was handed over).
     */
    private TaskJob handedOverJob(byte[] stdin, String taskId) {
        int start = Math.min(stdin.length, lineEnd(stdin) + 1);
        if (blankFrom(stdin, start)) {
            return null;
        }
        try {
            TaskJob job = TaskWire.read(Arrays.copyOfRange(stdin, start, stdin.length), TaskJob.class);
            if (taskId.equals(job.taskId())) {
                return job;
            }
            err.println("runway task-agent: the job on standard input is another task's; fetching this task's job");
        } catch (IOException unreadable) {
            err.println("runway task-agent: the job on standard input is unreadable (" + unreadable.getMessage()
                    + "); fetching it");
        }
        return null;
    }

    /** Whether nothing but JSON whitespace follows {@code start} (no copy of what may be half a MiB). */
    private static boolean blankFrom(byte[] bytes, int start) {
        for (int i = start; i < bytes.length; i++) {
            if (bytes[i] != ' ' && bytes[i] != '\n' && bytes[i] != '\r' && bytes[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    private static int lineEnd(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return bytes.length;
    }

    private static Duration duration(String option, String value) throws BadOption {
        try {
            return GoDuration.parse(value);
        } catch (IllegalArgumentException e) {
            throw new BadOption(option + ": " + e.getMessage());
        }
    }

    /** An option's value, or standard input, that is not what the task agent takes; its message names which. */
    static final class BadOption extends Exception {
        private static final long serialVersionUID = 1L;

        BadOption(String message) {
            super(message);
        }
    }
}
