package dev.runway.cli.taskagent;

import dev.runway.client.HttpTransport;
import dev.runway.client.ProxySettings;
import dev.runway.client.TaskClient;
import dev.runway.client.TlsTrust;
import dev.runway.cli.logging.Logging;
import dev.runway.config.Secret;
import dev.runway.launcher.TaskProcess;
import dev.runway.protocol.GoDuration;
import dev.runway.protocol.RunnerApi.TaskHandover;
import dev.runway.protocol.RunnerApi.TaskJob;
import dev.runway.protocol.RunnerApi;
import dev.runway.protocol.TaskAgentInvocation;
import dev.runway.protocol.TaskAgentInvocation.MalformedInput;
import dev.runway.protocol.TaskAgentInvocation.StandbyInput;
import dev.runway.protocol.TaskAgentInvocation.TaskInput;
import dev.runway.protocol.TaskWire;
import dev.runway.taskagent.TaskAgent;
import dev.runway.taskagent.TaskAgentSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * The task agent's program, behind {@code runway task-agent} ({@link TaskAgentCommand} says what it does). How it is
 * started and what it reads is {@link TaskAgentInvocation}, the contract that the launch agent writes: its arguments,
 * then on standard input the task token (the first line: never an argument or a variable) and the job, after a
 * standby's handover line. It names no picocli type: {@link dev.runway.cli.Main} runs it straight from the launch
 * agent's arguments ({@link TaskAgentInvocation#parse}), and picocli is loaded only for help and for arguments that it
 * has to answer.
 */
public final class TaskAgentProgram {
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
     * {@code runway task-agent} with {@code options}, read by {@link TaskAgentInvocation#parse}: what a bad option or
     * failure prints goes to standard error, as picocli's answer would; the exit status.
     */
    public static int main(TaskAgentInvocation options) {
        PrintWriter err = new PrintWriter(System.err, true);
        try {
            return new TaskAgentProgram(System.in, System.getenv(), err).run(options);
        } catch (BadOption e) {
            err.println("runway task-agent: " + e.getMessage());
            return TaskAgentInvocation.EXIT_INVALID;
        } catch (IOException e) {
            err.println("runway task-agent: task " + options.taskId() + ": " + e.getMessage());
            return TaskAgentInvocation.EXIT_NOT_REPORTED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("runway task-agent: task " + options.taskId() + ": interrupted");
            return TaskAgentInvocation.EXIT_NOT_REPORTED;
        } catch (RuntimeException e) { // a bug: shown as picocli shows one, and the process still ends with 1
            err.println("runway task-agent: task " + options.taskId() + ": " + e);
            e.printStackTrace(err);
            return TaskAgentInvocation.EXIT_NOT_REPORTED;
        }
    }

    /**
     * Runs the task of {@code options}; the exit status (see {@code runway task-agent --help}).
     *
     * @throws BadOption for an option's value that is not one
     */
    int run(TaskAgentInvocation options) throws IOException, InterruptedException, BadOption {
        Duration grace = duration(TaskAgentInvocation.CANCEL_GRACE_PERIOD, options.cancelGracePeriod());
        URI apiUrl = options.apiUrl();
        if (!"http".equals(apiUrl.getScheme()) && !"https".equals(apiUrl.getScheme())) {
            throw new BadOption(TaskAgentInvocation.API_URL + ": expected an http(s) URL, got " + apiUrl);
        }
        String taskId = options.taskId();
        Duration maxRun;
        Duration exitPause = Duration.ZERO;
        Map<String, String> environment = this.environment;
        TaskInput stdin;
        HttpTransport transport = null;
        try {
            if (options.standby()) {
                // set up while no task is known: what does not depend on it (the HTTP client, the first process start)
                transport = transport(apiUrl, environment);
                if (transport == null) {
                    return TaskAgentInvocation.EXIT_INVALID;
                }
                // warmed up aside: a task handed over while that goes on starts at once, the rest beside it
                TaskAgentWarmUp.forStandbyAside(transport);
                Optional<StandbyInput> handedOver = TaskAgentInvocation.readStandbyInput(tokenSource);
                if (handedOver.isEmpty()) {
                    return TaskAgentInvocation.EXIT_REPORTED; // dismissed: standard input closed without a task
                }
                TaskHandover handover = handedOver.get().handover();
                stdin = handedOver.get().task();
                taskId = handover.taskId();
                maxRun = duration("max_run_time", handover.maxRunTime());
                if (handover.exitPause() != null) {
                    exitPause = duration("exit_pause", handover.exitPause());
                }
                environment = new HashMap<>(environment);
                environment.put(WORKING_DIRECTORY, handover.workingDirectory());
            } else {
                maxRun = duration(TaskAgentInvocation.MAX_RUN_TIME, options.maxRunTime());
                stdin = TaskAgentInvocation.readTaskInput(tokenSource);
            }
        } catch (MalformedInput e) {
            throw new BadOption(e.getMessage());
        }
        String token = stdin.token();
        if (token.isEmpty()) {
            err.println("runway task-agent: no task token on standard input (the launch agent writes it there)");
            return TaskAgentInvocation.EXIT_INVALID;
        }
        Path workingDirectory = TaskAgentSettings.jobDirectory(environment, Path.of("").toAbsolutePath());
        if (!Files.isDirectory(workingDirectory)) {
            err.println("runway task-agent: working directory " + workingDirectory + " does not exist"
                    + " (CIRCLE_WORKING_DIRECTORY)");
            return TaskAgentInvocation.EXIT_INVALID;
        }
        TaskAgentSettings settings = TaskAgentSettings.defaults(workingDirectory, environment, maxRun)
                .withCancelGrace(grace).withCircleciCommand(circleciCommand());
        if (transport == null) {
            transport = transport(apiUrl, environment);
            if (transport == null) {
                return TaskAgentInvocation.EXIT_INVALID;
            }
        }
        TaskClient client = new TaskClient(transport, taskId, token);
        TaskJob handedOver = handedOverJob(stdin.job(), taskId);
        stdin.erase(); // the token, and the job's secrets
        if (handedOver != null) {
            client.useJob(handedOver);
        } else {
            client.prefetchJob(); // fetched while logging is set up (neither waits for the other)
        }
        // the launch agent keeps what the task agent prints; the token is masked should a line ever hold it, by
        // TaskAgentLog (chosen by Main) or by logback (LoggingSetUp, before the task's first line)
        TaskAgentLog.mask(Secret.of(token));
        // before the first class with a static logger (TaskAgent's, then the step and output classes'): a logger taken
        // while slf4j is still being set up on the warm-up thread is a substitute, which slf4j may leave with no
        // delegate, dropping every line of it for the life of the process
        TaskAgentWarmUp.awaitLogging();
        TaskAgent agent = new TaskAgent(client, token, settings, new LoggingSetUp(token));
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
            // the launch agent's slot may take its next task while this process exits (ProcessLauncher reads it)
            long pauseMillis = exitPause.toMillis();
            RunnerApi.TaskResult result = agent.run(() -> {
                sayResultReported();
                pauseBeforeExit(pauseMillis);
            });
            // the launch agent's log names the job's end from this line (TaskAgentInvocation.reportedResult)
            err.println(TaskAgentInvocation.resultLine(result.status().name()));
            err.flush();
            return TaskAgentInvocation.exitStatusFor(result.status());
        } catch (IOException e) { // ApiException included: no server, or a report that could not be delivered
            err.println("runway task-agent: task " + taskId + ": " + e.getMessage());
            return TaskAgentInvocation.EXIT_NOT_REPORTED;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onTerm);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it returns now that the task is finished
            }
        }
    }

    /**
     * The handover's exit pause: the task's slot has gone to the next task, whose first step then gets the CPU
     * before this process's clean-up and exit. A SIGTERM meanwhile waits for it (the task is over).
     */
    private static void pauseBeforeExit(long millis) {
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@link TaskProcess#RESULT_REPORTED_LINE} on standard output, which only the launch agent reads. */
    private static void sayResultReported() {
        System.out.println(TaskProcess.RESULT_REPORTED_LINE);
        System.out.flush();
    }

    /**
     * How the job's {@code circleci} script starts {@code runway circleci}: this JVM's java, with its module or class
     * path, running {@link dev.runway.cli.Main}. The java is the one under {@code java.home} (the image's bin/java),
     * not {@code ProcessHandle.current().info()}: that reads /proc and sets up the JDK's process reaper and its
     * method handles, milliseconds (tens on a busy machine) before every job's first step. Empty when neither
     * {@code java.home} nor its {@code bin/java} exists.
     */
    static List<String> circleciCommand() {
        String javaHome = System.getProperty("java.home");
        if (javaHome == null || javaHome.isEmpty()) {
            return List.of();
        }
        Path java = Path.of(javaHome, "bin", "java");
        if (!Files.isExecutable(java)) {
            return List.of();
        }
        List<String> command = new ArrayList<>(List.of(java.toString(), "-XX:TieredStopAtLevel=1"));
        String modulePath = System.getProperty("jdk.module.path");
        if (modulePath != null && !modulePath.isEmpty()) {
            command.addAll(List.of("-p", modulePath, "-m", "dev.runway.cli/dev.runway.cli.Main"));
        } else {
            command.addAll(List.of("-cp", System.getProperty("java.class.path", ""),
                    "dev.runway.cli.Main"));
        }
        command.add("circleci");
        return command;
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
     * The job handed over after the token's line, when it is this task's; null when there is none or it cannot be
     * read (then it is fetched, as when none was handed over).
     */
    private TaskJob handedOverJob(byte[] json, String taskId) {
        if (json == null) {
            return null;
        }
        try {
            TaskJob job = TaskWire.read(json, TaskJob.class);
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

    /**
     * Waits for slf4j's set-up on the warm-up thread; when slf4j took logback (a test's process, or should it not
     * have loaded TaskAgentLog), logback masks the token too. A class, not a lambda: it is made on the way to the
     * first step, where the JVM's first lambda would cost milliseconds.
     */
    private static final class LoggingSetUp implements TaskAgent.LoggingReady {
        private final String token;

        LoggingSetUp(String token) {
            this.token = token;
        }

        @Override
        public void await() throws InterruptedException {
            TaskAgentWarmUp.awaitLogging();
            if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext) {
                Logging.configure(Logging.DEFAULTS, Secret.of(token));
            }
        }
    }

    private static Duration duration(String option, String value) throws BadOption {
        try {
            return GoDuration.parse(value);
        } catch (IllegalArgumentException e) {
            throw new BadOption(option + ": " + e.getMessage());
        }
    }

    /** An option's value, or standard input, that is not what the task agent takes; its message names which. */
    public static final class BadOption extends Exception {
        private static final long serialVersionUID = 1L;

        BadOption(String message) {
            super(message);
        }
    }
}
