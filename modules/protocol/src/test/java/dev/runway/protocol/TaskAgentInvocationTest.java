package dev.runway.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runway.protocol.RunnerApi.TaskHandover;
import dev.runway.protocol.TaskAgentInvocation.MalformedInput;
import dev.runway.protocol.TaskAgentInvocation.StandbyInput;
import dev.runway.protocol.TaskAgentInvocation.TaskInput;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TaskAgentInvocationTest {
    private static final String TOKEN = "ttk_0123456789abcdef";

    /** The launch agent counts a task by the result its task agent's exit status tells, so each must come back. */
    @Test
    void theExitStatusTellsTheReportedResult() {
        for (RunnerApi.TaskStatus status : RunnerApi.TaskStatus.values()) {
            assertThat(TaskAgentInvocation.reportedStatus(TaskAgentInvocation.exitStatusFor(status)))
                    .contains(status);
        }
        assertThat(TaskAgentInvocation.reportedStatus(TaskAgentInvocation.EXIT_NOT_REPORTED)).isEmpty();
        assertThat(TaskAgentInvocation.reportedStatus(TaskAgentInvocation.EXIT_INVALID)).isEmpty();
        assertThat(TaskAgentInvocation.reportedStatus(137)).isEmpty();
    }

    @Test
    void readsTheArgumentsTheLaunchAgentWrites() {
        Optional<TaskAgentInvocation> options = TaskAgentInvocation.parse(new String[] {"task-agent", "--api-url",
                "http://127.0.0.1:8080", "--task-id", "t-1", "--max-run-time", "5h0m0s", "--cancel-grace-period",
                "30s"}, 1);

        assertThat(options).contains(new TaskAgentInvocation(URI.create("http://127.0.0.1:8080"), "t-1", "5h0m0s",
                "30s", false));
    }

    @Test
    void takesTheEqualsFormAndPicocliDefaults() {
        Optional<TaskAgentInvocation> options = TaskAgentInvocation.parse(new String[] {"task-agent",
                "--task-id=t=2", "--api-url=https://runway.example.com/base"}, 1);

        assertThat(options).contains(new TaskAgentInvocation(URI.create("https://runway.example.com/base"), "t=2",
                TaskAgentInvocation.DEFAULT_MAX_RUN_TIME, TaskAgentInvocation.DEFAULT_CANCEL_GRACE_PERIOD, false));
    }

    @Test
    void readsAStandbysArguments() {
        // the task's id and max run time arrive on standard input
        Optional<TaskAgentInvocation> options = TaskAgentInvocation.parse(new String[] {"task-agent", "--standby",
                "--api-url", "http://127.0.0.1:8080", "--cancel-grace-period", "30s"}, 1);

        assertThat(options).contains(new TaskAgentInvocation(URI.create("http://127.0.0.1:8080"), null,
                TaskAgentInvocation.DEFAULT_MAX_RUN_TIME, "30s", true));
    }

    /** Anything else goes to picocli, which answers it as it answers every command (help, usage errors). */
    @ParameterizedTest
    @ValueSource(strings = {
            "--help",
            "--api-url http://h --task-id t --help",
            "--api-url http://h --task-id t -V",
            "--api-url http://h",
            "--task-id t",
            "--api-url http://h --task-id",
            "--api-url http://h --task-id t --task-id u",
            "--api-url http://h --task-id t --unknown x",
            "--api-url http://h --task-id t extra",
            "--api-url h^t://x --task-id t",
            "--standby --api-url http://h --task-id t",
            "--standby --api-url http://h --max-run-time 5h",
            "--standby --standby --api-url http://h",
            "--standby",
    })
    void leavesEverythingElseToPicocli(String arguments) {
        assertThat(TaskAgentInvocation.parse(("task-agent " + arguments).split(" "), 1)).isEmpty();
    }

    @Test
    void aTaskAgentsCommandReadsBackAsWritten() {
        TaskAgentInvocation written = TaskAgentInvocation.forTask(URI.create("https://ci.example.com:8443/base"),
                "task-7", Duration.ofMinutes(90), Duration.ofSeconds(45));

        List<String> command = written.command("/opt/runway/bin/runway");

        assertThat(command).containsExactly("/opt/runway/bin/runway", "task-agent", "--api-url",
                "https://ci.example.com:8443/base", "--task-id", "task-7", "--max-run-time", "1h30m0s",
                "--cancel-grace-period", "45s");
        assertThat(TaskAgentInvocation.parse(command.toArray(String[]::new), 2)).contains(written);
    }

    @Test
    void aStandbysCommandReadsBackAsWrittenAndSaysNothingOfATask() {
        TaskAgentInvocation written = TaskAgentInvocation.forStandby(URI.create("http://127.0.0.1:7733"),
                Duration.ofSeconds(10));

        List<String> command = written.command("runway");

        assertThat(command).containsExactly("runway", "task-agent", "--standby", "--api-url", "http://127.0.0.1:7733",
                "--cancel-grace-period", "10s");
        assertThat(TaskAgentInvocation.parse(command.toArray(String[]::new), 2)).contains(written);
        assertThat(written.taskId()).isNull();
    }

    @Test
    void theTokenAndTheJobReadBackAsWritten() throws Exception {
        byte[] job = "{\"task_id\":\"t-1\"}".getBytes(StandardCharsets.UTF_8);

        TaskInput read = TaskAgentInvocation.readTaskInput(new ByteArrayInputStream(
                TaskAgentInvocation.taskInput(TOKEN, job)));

        assertThat(read.token()).isEqualTo(TOKEN);
        assertThat(read.job()).isEqualTo(job);
    }

    @Test
    void withoutAJobOnlyTheTokenIsWrittenAndNoJobIsRead() throws Exception {
        byte[] written = TaskAgentInvocation.taskInput(TOKEN, null);

        assertThat(new String(written, StandardCharsets.UTF_8)).isEqualTo(TOKEN + "\n");
        TaskInput read = TaskAgentInvocation.readTaskInput(new ByteArrayInputStream(written));
        assertThat(read.token()).isEqualTo(TOKEN);
        assertThat(read.job()).isNull();
    }

    @Test
    void aJobOverTheLimitIsLeftOutForTheTaskAgentToFetch() {
        byte[] largest = new byte[TaskAgentInvocation.MAX_JOB_BYTES];
        Arrays.fill(largest, (byte) ' ');

        assertThat(TaskAgentInvocation.taskInput(TOKEN, largest)).hasSize(TOKEN.length() + 1 + largest.length);
        assertThat(TaskAgentInvocation.taskInput(TOKEN, Arrays.copyOf(largest, largest.length + 1)))
                .hasSize(TOKEN.length() + 1);
    }

    @Test
    void aStandbysInputReadsBackAsWritten() throws Exception {
        TaskHandover handover = new TaskHandover("t-9", "2h0m0s", "/work/t-9", "300ms");
        byte[] job = "{\"task_id\":\"t-9\"}".getBytes(StandardCharsets.UTF_8);

        Optional<StandbyInput> read = TaskAgentInvocation.readStandbyInput(new ByteArrayInputStream(
                TaskAgentInvocation.standbyInput(handover, TaskAgentInvocation.taskInput(TOKEN, job))));

        assertThat(read).isPresent();
        assertThat(read.get().handover()).isEqualTo(handover);
        assertThat(read.get().task().token()).isEqualTo(TOKEN);
        assertThat(read.get().task().job()).isEqualTo(job);
    }

    @Test
    void aStandbysInputClosedWithoutATaskDismissesIt() throws Exception {
        assertThat(TaskAgentInvocation.readStandbyInput(new ByteArrayInputStream(new byte[0]))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not json | standard input: the standby's handover line: ",
            "{\"task_id\":\"t\",\"max_run_time\":\"1h\"} | the standby's handover line has no working_directory",
            "{\"task_id\":\" \",\"max_run_time\":\"1h\",\"working_directory\":\"/w\"} | has no task_id",
            "{\"task_id\":\"t\",\"working_directory\":\"/w\"} | has no max_run_time",
            "{\"task_id\":\"t\",\"secret\":\"x\"} | secret: unknown field",
    })
    void aMalformedHandoverLineIsNamedAndTheTokenNeverQuoted(String line, String expected) {
        byte[] input = (line + "\n" + TOKEN + "\n").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> TaskAgentInvocation.readStandbyInput(input)).isInstanceOf(MalformedInput.class)
                .hasMessageContaining(expected).message().doesNotContain(TOKEN);
        assertThat(input).containsOnly(0); // erased: it held the token
    }

    @Test
    void aFirstLineTooLongForAHandoverIsRefused() {
        byte[] input = ("x".repeat(TaskAgentInvocation.MAX_HANDOVER_BYTES + 1) + "\n" + TOKEN)
                .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> TaskAgentInvocation.readStandbyInput(input)).isInstanceOf(MalformedInput.class)
                .hasMessage("standard input: a first line of more than 65536 bytes; expected the standby's handover"
                        + " (task_id, max_run_time, working_directory)");
    }

    @Test
    void aFirstLineTooLongForATokenIsRefused() {
        byte[] input = ("x".repeat(TaskAgentInvocation.MAX_TOKEN_BYTES + 1) + "\n{}").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> TaskAgentInvocation.readTaskInput(new ByteArrayInputStream(input)))
                .isInstanceOf(MalformedInput.class)
                .hasMessage("standard input: a first line of more than 65536 bytes; expected a task token");
    }

    @Test
    void aJobOverTheLimitOnStandardInputIsRefused() throws Exception {
        byte[] job = new byte[TaskAgentInvocation.MAX_JOB_BYTES];
        Arrays.fill(job, (byte) ' ');
        byte[] largest = TaskAgentInvocation.taskInput(TOKEN.repeat(4000).substring(0,
                TaskAgentInvocation.MAX_TOKEN_BYTES), job);
        assertThat(largest).hasSize(TaskAgentInvocation.MAX_TASK_INPUT_BYTES);
        assertThat(TaskAgentInvocation.readTaskInput(new ByteArrayInputStream(largest)).job()).isNull();

        byte[] tooLarge = Arrays.copyOf(largest, largest.length + 1);
        tooLarge[largest.length] = '}';
        assertThatThrownBy(() -> TaskAgentInvocation.readTaskInput(new ByteArrayInputStream(tooLarge)))
                .isInstanceOf(MalformedInput.class)
                .hasMessage("standard input: more than 524288 bytes after the task token; expected a job");
    }

    @Test
    void erasingOverwritesTheToken() throws Exception {
        TaskInput read = TaskAgentInvocation.readTaskInput(new ByteArrayInputStream(
                TaskAgentInvocation.taskInput(TOKEN, "{}".getBytes(StandardCharsets.UTF_8))));

        read.erase();

        assertThat(read.token()).doesNotContain(TOKEN);
        assertThat(read.job()).containsOnly(0);
    }
}
