package dev.runway.cli.taskagent;

import dev.runway.protocol.TaskAgentInvocation;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code runway task-agent}: runs one claimed task. The launch agent starts it in the task's working directory, with
 * CIRCLE_WORKING_DIRECTORY set, and writes the task token to its standard input (never an argument or a variable,
 * so it shows in no process listing or job environment), as the first line. The job's JSON may follow it, fetched by
 * the launch agent while this JVM starts (as GitHub's runner hands its worker the job): the first step then does not
 * wait for this process's first request. Without it, the job is fetched from the server.
 *
 * <p>This class is the command's picocli face (help, and the answers to arguments that are not the launch agent's);
 * {@link dev.runway.cli.Main} runs {@link TaskAgentProgram} without it when the arguments are the launch agent's.
 * The options' names and defaults are {@link TaskAgentInvocation}'s, the contract that the launch agent writes.
 */
@Command(name = TaskAgentInvocation.SUBCOMMAND, mixinStandardHelpOptions = true,
        description = {"Runs one task's job; the launch agent starts one per task.",
                "Runs one task's job: reads the task token from standard input (its first line; the job's JSON may "
                    + "follow), fetches the job when it does not, runs its steps, streams their output and reports the "
                    + "results.",
                "Started by the launch agent, in the task's working directory; or, with --standby, ahead of its "
                    + "task, which then arrives on standard input.",
                "SIGTERM cancels the task: SIGTERM to the running step's processes, the grace period, SIGKILL; then"
                    + " the output is flushed and the task reported.",
                "Exit status, once the task's result was reported: 0 success, 3 failed, 4 canceled; 1 when the task "
                    + "could not be run or its result not reported; 2 for bad arguments or no token."})
public final class TaskAgentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = TaskAgentInvocation.API_URL, required = true, paramLabel = "URL", description = "The Runway server's base URL.")
    URI apiUrl;

    @Option(names = TaskAgentInvocation.TASK_ID, paramLabel = "ID", description = "The claimed task (required without --standby).")
    String taskId;

    @Option(names = TaskAgentInvocation.STANDBY, description = {"Start ahead of the task and wait for it: standard input",
            "then begins with a line of JSON (task_id, max_run_time, working_directory)."})
    boolean standby;

    @Option(names = TaskAgentInvocation.MAX_RUN_TIME, paramLabel = "DURATION",
            defaultValue = TaskAgentInvocation.DEFAULT_MAX_RUN_TIME,
            description = "Stop the job after this long (Go duration, e.g. 5h, 1h0m0s); 0: no limit here.")
    String maxRunTime;

    @Option(names = TaskAgentInvocation.CANCEL_GRACE_PERIOD, paramLabel = "DURATION",
            defaultValue = TaskAgentInvocation.DEFAULT_CANCEL_GRACE_PERIOD,
            description = "From SIGTERM to SIGKILL when a step is stopped (default: ${DEFAULT-VALUE}).")
    String cancelGrace;

    private final InputStream tokenSource;
    private final Map<String, String> environment;

    public TaskAgentCommand() {
        this(System.in, System.getenv());
    }

    TaskAgentCommand(InputStream tokenSource, Map<String, String> environment) {
        this.tokenSource = tokenSource;
        this.environment = environment;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (standby == (taskId != null)) {
            throw new ParameterException(spec.commandLine(), standby
                    ? "--standby takes its task from standard input: no --task-id"
                    : "Missing required option: '--task-id=ID'");
        }
        try {
            return new TaskAgentProgram(tokenSource, environment, spec.commandLine().getErr())
                    .run(new TaskAgentInvocation(apiUrl, taskId, maxRunTime, cancelGrace, standby));
        } catch (TaskAgentProgram.BadOption e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
