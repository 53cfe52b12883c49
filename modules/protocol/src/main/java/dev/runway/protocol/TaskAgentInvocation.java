package dev.runway.protocol;

import dev.runway.protocol.RunnerApi.TaskHandover;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How a launch agent starts a task agent, and the one place that says so: the launch agent writes it (modules/agent,
 * TaskSupervisor and StandbyTaskAgent), the task agent reads it (modules/cli, dev.runway.cli.taskagent).
 *
 * <p><b>Arguments</b> ({@link #command}, {@link #parse}): {@code runway task-agent --api-url URL --task-id ID
 * --max-run-time DURATION --cancel-grace-period DURATION}. A standby, started before its task, has {@code --standby
 * --api-url URL --cancel-grace-period DURATION}: what only its task can say arrives on standard input.
 *
 * <p><b>Standard input</b> ({@link #taskInput}, {@link #readTaskInput}): the task token as the first line, never an
 * argument or a variable (it would show in process listings and in the job's environment); then the job's JSON, when
 * the launch agent could fetch it and it is at most {@link #MAX_JOB_BYTES} (else the task agent fetches it). A
 * standby's standard input ({@link #standbyInput}, {@link #readStandbyInput}) begins with one more line, the handover
 * ({@link TaskHandover} as JSON: task_id, max_run_time, working_directory, and exit_pause where the task's slot
 * takes the next task before this task agent exits); closed without one, the standby is dismissed.
 *
 * <p>Nothing here uses Jackson or lambdas: the task agent reads this before its first step, where either costs
 * milliseconds of every job's pickup.
 *
 * @param apiUrl the server's base URL
 * @param taskId the claimed task; null for a standby
 * @param maxRunTime a Go duration as written, parsed by the task agent (which names the option when it is bad)
 * @param cancelGracePeriod a Go duration as written: from SIGTERM to SIGKILL when a step is stopped
 * @param standby started ahead of its task, which arrives on standard input
 */
public record TaskAgentInvocation(URI apiUrl, String taskId, String maxRunTime, String cancelGracePeriod,
        boolean standby) {
    /** The subcommand of {@code runway} that runs a task agent. */
    public static final String SUBCOMMAND = "task-agent";
    public static final String API_URL = "--api-url";
    public static final String TASK_ID = "--task-id";
    public static final String MAX_RUN_TIME = "--max-run-time";
    public static final String CANCEL_GRACE_PERIOD = "--cancel-grace-period";
    public static final String STANDBY = "--standby";
    /** No limit from the task agent's side ({@code --max-run-time} left out). */
    public static final String DEFAULT_MAX_RUN_TIME = "0";
    public static final String DEFAULT_CANCEL_GRACE_PERIOD = "10s";

    /** A token is a line; a first line this long is not one. */
    public static final int MAX_TOKEN_BYTES = 64 * 1024;
    /**
     * The largest job a launch agent hands to a task agent on its standard input. A pipe holds it (systemd's launcher
     * fills the pipe before the task starts; Linux grows a pipe up to 1 MiB for anyone). Larger jobs are fetched.
     */
    public static final int MAX_JOB_BYTES = 512 * 1024;
    /** A standby's handover line: an id, a duration and a path; a first line this long is not one. */
    public static final int MAX_HANDOVER_BYTES = 64 * 1024;
    /** The most a task agent's standard input holds: the token's line and a job. */
    public static final int MAX_TASK_INPUT_BYTES = MAX_TOKEN_BYTES + 1 + MAX_JOB_BYTES;
    /** The most a standby's standard input holds: the handover's line, then a task agent's. */
    public static final int MAX_STANDBY_INPUT_BYTES = MAX_HANDOVER_BYTES + 1 + MAX_TASK_INPUT_BYTES;

    /** Exit status: the task succeeded and its result was reported; a dismissed standby. */
    public static final int EXIT_REPORTED = 0;
    /** Exit status: the task could not be run or its result not reported (the launch agent reports it). */
    public static final int EXIT_NOT_REPORTED = 1;
    /** Exit status: bad arguments or standard input, or no token (picocli's usage errors use the same code). */
    public static final int EXIT_INVALID = 2;
    /** Exit status: the task failed (a step failed) and its result was reported. */
    public static final int EXIT_REPORTED_FAILED = 3;
    /** Exit status: the task was canceled and its result was reported. */
    public static final int EXIT_REPORTED_CANCELED = 4;
    /** Exit status: the task timed out (max run time, or a step's no_output_timeout) and its result was reported. */
    public static final int EXIT_REPORTED_TIMEDOUT = 5;

    /**
     * How the last line a task agent prints (to standard error, which the launch agent keeps in the task's output
     * log) begins when it reported a result: this prefix, then the result in lower case ({@link #resultLine}).
     */
    public static final String RESULT_LINE_PREFIX = "runway task-agent result: ";

    private static final Set<String> VALUED = Set.of(API_URL, TASK_ID, MAX_RUN_TIME, CANCEL_GRACE_PERIOD);

    /** The line a task agent prints once it reported {@code status} (success, failed, canceled). */
    public static String resultLine(String status) {
        return RESULT_LINE_PREFIX + status.toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The result the task agent's output (its last 4 KiB) says it reported; empty when it names none (the task agent
     * did not report one, or the output is gone).
     */
    public static Optional<String> reportedResult(java.nio.file.Path outputLog) {
        try (java.nio.channels.SeekableByteChannel file = java.nio.file.Files.newByteChannel(outputLog)) {
            long start = Math.max(0, file.size() - 4096);
            java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate((int) (file.size() - start));
            file.position(start);
            while (tail.hasRemaining() && file.read(tail) > 0) {
                // read the tail whole
            }
            String text = new String(tail.array(), 0, tail.position(), StandardCharsets.UTF_8);
            int at = text.lastIndexOf(RESULT_LINE_PREFIX);
            if (at < 0) {
                return Optional.empty();
            }
            String rest = text.substring(at + RESULT_LINE_PREFIX.length());
            int end = rest.indexOf('\n');
            String status = (end < 0 ? rest : rest.substring(0, end)).strip();
            return status.matches("[a-z_]{1,32}") ? Optional.of(status) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The arguments of a task agent started for its claimed task. */
    public static TaskAgentInvocation forTask(URI apiUrl, String taskId, Duration maxRunTime,
            Duration cancelGracePeriod) {
        return new TaskAgentInvocation(apiUrl, taskId, GoDuration.format(maxRunTime),
                GoDuration.format(cancelGracePeriod), false);
    }

    /** The arguments of a standby: a task agent's, without what only its task can say (id, max_run_time). */
    public static TaskAgentInvocation forStandby(URI apiUrl, Duration cancelGracePeriod) {
        return new TaskAgentInvocation(apiUrl, null, DEFAULT_MAX_RUN_TIME, GoDuration.format(cancelGracePeriod),
                true);
    }

    /** The exit status of a task agent that reported its task with {@code status}. */
    public static int exitStatusFor(RunnerApi.TaskStatus status) {
        switch (status) {
            case SUCCESS:
                return EXIT_REPORTED;
            case CANCELED:
                return EXIT_REPORTED_CANCELED;
            case TIMEDOUT:
                return EXIT_REPORTED_TIMEDOUT;
            default:
                return EXIT_REPORTED_FAILED;
        }
    }

    /** The task's result as told by its task agent's exit status; empty when the task agent reported none. */
    public static Optional<RunnerApi.TaskStatus> reportedStatus(int exitStatus) {
        switch (exitStatus) {
            case EXIT_REPORTED:
                return Optional.of(RunnerApi.TaskStatus.SUCCESS);
            case EXIT_REPORTED_FAILED:
                return Optional.of(RunnerApi.TaskStatus.FAILED);
            case EXIT_REPORTED_CANCELED:
                return Optional.of(RunnerApi.TaskStatus.CANCELED);
            case EXIT_REPORTED_TIMEDOUT:
                return Optional.of(RunnerApi.TaskStatus.TIMEDOUT);
            default:
                return Optional.empty();
        }
    }

    /** The command line that starts this task agent with {@code executable} ({@code bin/runway}). */
    public List<String> command(String executable) {
        List<String> command = new ArrayList<>(10);
        command.add(executable);
        command.add(SUBCOMMAND);
        if (standby) {
            command.add(STANDBY);
        }
        command.add(API_URL);
        command.add(apiUrl.toString());
        if (!standby) {
            command.add(TASK_ID);
            command.add(taskId);
            command.add(MAX_RUN_TIME);
            command.add(maxRunTime);
        }
        command.add(CANCEL_GRACE_PERIOD);
        command.add(cancelGracePeriod);
        return List.copyOf(command);
    }

    /**
     * The arguments in {@code args} from {@code from} (after the subcommand's name) as {@link #command} writes them,
     * by hand: picocli's model of even this one command costs about 100 ms of every task agent's start, and so of
     * every job's pickup. Empty for anything else: the four options with their values ({@code --name value} or
     * {@code --name=value}), each at most once, {@code --api-url} a URI and {@code --task-id} present; or a standby's.
     * Help, an unknown option, a missing value are then left to picocli, which answers them as for every command.
     */
    public static Optional<TaskAgentInvocation> parse(String[] args, int from) {
        Map<String, String> values = new HashMap<>();
        boolean standby = false;
        for (int i = from; i < args.length; i++) {
            String name = args[i];
            if (STANDBY.equals(name) && !standby) {
                standby = true;
                continue;
            }
            String value;
            int equals = name.indexOf('=');
            if (name.startsWith("--") && equals > 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                return Optional.empty();
            }
            if (!VALUED.contains(name) || values.putIfAbsent(name, value) != null) {
                return Optional.empty();
            }
        }
        boolean taskOptions = values.containsKey(TASK_ID) || values.containsKey(MAX_RUN_TIME);
        if (!values.containsKey(API_URL) || (standby ? taskOptions : !values.containsKey(TASK_ID))) {
            return Optional.empty();
        }
        try {
            return Optional.of(new TaskAgentInvocation(new URI(values.get(API_URL)), values.get(TASK_ID),
                    values.getOrDefault(MAX_RUN_TIME, DEFAULT_MAX_RUN_TIME),
                    values.getOrDefault(CANCEL_GRACE_PERIOD, DEFAULT_CANCEL_GRACE_PERIOD), standby));
        } catch (URISyntaxException notAUrl) {
            return Optional.empty();
        }
    }

    /**
     * A task agent's standard input: the token's line, then {@code job} (the server's JSON) when there is one and
     * it is at most {@link #MAX_JOB_BYTES}; a larger job is left out, for the task agent to fetch.
     */
    public static byte[] taskInput(String token, byte[] job) {
        byte[] line = (token + "\n").getBytes(StandardCharsets.UTF_8);
        if (job == null || job.length > MAX_JOB_BYTES) {
            return line;
        }
        byte[] input = Arrays.copyOf(line, line.length + job.length);
        System.arraycopy(job, 0, input, line.length, job.length);
        Arrays.fill(line, (byte) 0);
        return input;
    }

    /**
     * A standby's standard input: the handover's line (what a task agent started for its task has as arguments and
     * environment), then {@code taskInput} ({@link #taskInput}). The caller erases both when written: they hold the
     * token.
     */
    public static byte[] standbyInput(TaskHandover handover, byte[] taskInput) {
        byte[] line = TaskWire.write(handover);
        byte[] input = Arrays.copyOf(line, line.length + 1 + taskInput.length);
        input[line.length] = '\n';
        System.arraycopy(taskInput, 0, input, line.length + 1, taskInput.length);
        return input;
    }

    /**
     * Reads a task agent's standard input to its end (at most {@link #MAX_TASK_INPUT_BYTES}).
     *
     * @throws MalformedInput when it breaks a limit (named, never quoted)
     */
    public static TaskInput readTaskInput(InputStream in) throws IOException, MalformedInput {
        return TaskInput.of(in.readNBytes(MAX_TASK_INPUT_BYTES + 1));
    }

    /**
     * Reads a standby's standard input to its end: empty when it was closed without a task (the standby is
     * dismissed), else its handover and the task agent's input after it.
     *
     * @throws MalformedInput when the handover line is not one or a limit is broken (named, never quoted: the token
     *     follows the handover)
     */
    public static Optional<StandbyInput> readStandbyInput(InputStream in) throws IOException, MalformedInput {
        return readStandbyInput(in.readNBytes(MAX_STANDBY_INPUT_BYTES + 1));
    }

    /** {@link #readStandbyInput(InputStream)} of {@code input}, which is erased. */
    static Optional<StandbyInput> readStandbyInput(byte[] input) throws MalformedInput {
        if (input.length == 0) {
            return Optional.empty();
        }
        try {
            int lineEnd = lineEnd(input);
            TaskHandover handover = handover(input, lineEnd);
            TaskInput task = TaskInput.of(Arrays.copyOfRange(input, Math.min(input.length, lineEnd + 1),
                    input.length));
            return Optional.of(new StandbyInput(handover, task));
        } finally {
            Arrays.fill(input, (byte) 0);
        }
    }

    /** The handover line that a standby's standard input begins with, checked to say all three. */
    private static TaskHandover handover(byte[] input, int lineEnd) throws MalformedInput {
        if (lineEnd > MAX_HANDOVER_BYTES) {
            throw new MalformedInput("standard input: a first line of more than " + MAX_HANDOVER_BYTES
                    + " bytes; expected the standby's handover (task_id, max_run_time, working_directory)");
        }
        TaskHandover handover;
        try {
            handover = TaskWire.read(Arrays.copyOf(input, lineEnd), TaskHandover.class);
        } catch (IOException e) {
            throw new MalformedInput("standard input: the standby's handover line: " + e.getMessage());
        }
        String missing = handover.taskId() == null || handover.taskId().isBlank() ? "task_id"
                : handover.maxRunTime() == null ? "max_run_time"
                : handover.workingDirectory() == null || handover.workingDirectory().isBlank() ? "working_directory"
                : null;
        if (missing != null) {
            throw new MalformedInput("standard input: the standby's handover line has no " + missing);
        }
        return handover;
    }

    private static int lineEnd(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return bytes.length;
    }

    /** A standby's standard input, read: its task, and what a task agent started for that task reads. */
    public record StandbyInput(TaskHandover handover, TaskInput task) {}

    /**
     * A task agent's standard input, read and within its limits: the token's line and the job after it. It holds
     * the token and the job's secrets: {@link #erase} it once they are taken.
     */
    public static final class TaskInput {
        private final byte[] bytes;
        private final int lineEnd;

        private TaskInput(byte[] bytes, int lineEnd) {
            this.bytes = bytes;
            this.lineEnd = lineEnd;
        }

        /** {@code bytes} (kept, not copied) as a task agent's input; erased when they break a limit. */
        static TaskInput of(byte[] bytes) throws MalformedInput {
            int lineEnd = lineEnd(bytes);
            if (lineEnd > MAX_TOKEN_BYTES) {
                Arrays.fill(bytes, (byte) 0);
                throw new MalformedInput("standard input: a first line of more than " + MAX_TOKEN_BYTES
                        + " bytes; expected a task token");
            }
            if (bytes.length > MAX_TASK_INPUT_BYTES) {
                Arrays.fill(bytes, (byte) 0);
                throw new MalformedInput("standard input: more than " + MAX_JOB_BYTES
                        + " bytes after the task token; expected a job");
            }
            return new TaskInput(bytes, lineEnd);
        }

        /** The first line, stripped: "" when there is none. */
        public String token() {
            return new String(bytes, 0, lineEnd, StandardCharsets.UTF_8).strip();
        }

        /** The job's JSON after the token's line; null when nothing but JSON whitespace follows it. */
        public byte[] job() {
            int start = Math.min(bytes.length, lineEnd + 1);
            for (int i = start; i < bytes.length; i++) {
                if (bytes[i] != ' ' && bytes[i] != '\n' && bytes[i] != '\r' && bytes[i] != '\t') {
                    return Arrays.copyOfRange(bytes, start, bytes.length);
                }
            }
            return null;
        }

        /** Overwrites what was read (the token, and the job's secrets). */
        public void erase() {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Standard input that is not what a task agent takes; its message names the part at fault, never quoting it. */
    public static final class MalformedInput extends Exception {
        private static final long serialVersionUID = 1L;

        public MalformedInput(String message) {
            super(message);
        }
    }
}
