package dev.runway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TaskAgentOptionsTest {
    @Test
    void readsTheArgumentsTheLaunchAgentWrites() {
        // as TaskSupervisor writes them
        Optional<TaskAgentOptions> options = TaskAgentOptions.read(new String[] {"task-agent", "--api-url",
                "http://127.0.0.1:8080", "--task-id", "t-1", "--max-run-time", "5h0m0s", "--cancel-grace-period",
                "30s"}, 1);

        assertThat(options).contains(new TaskAgentOptions(URI.create("http://127.0.0.1:8080"), "t-1", "5h0m0s",
                "30s"));
    }

    @Test
    void takesTheEqualsFormAndPicocliDefaults() {
        Optional<TaskAgentOptions> options = TaskAgentOptions.read(new String[] {"task-agent",
                "--task-id=t=2", "--api-url=https://runway.example.com/base"}, 1);

        assertThat(options).contains(new TaskAgentOptions(URI.create("https://runway.example.com/base"), "t=2",
                TaskAgentOptions.DEFAULT_MAX_RUN_TIME, TaskAgentOptions.DEFAULT_CANCEL_GRACE));
    }

    @Test
    void readsAStandbysArguments() {
        // as StandbyTaskAgent writes them: the task's id and max run time arrive on standard input
        Optional<TaskAgentOptions> options = TaskAgentOptions.read(new String[] {"task-agent", "--standby",
                "--api-url", "http://127.0.0.1:8080", "--cancel-grace-period", "30s"}, 1);

        assertThat(options).contains(new TaskAgentOptions(URI.create("http://127.0.0.1:8080"), null,
                TaskAgentOptions.DEFAULT_MAX_RUN_TIME, "30s", true));
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
        assertThat(TaskAgentOptions.read(("task-agent " + arguments).split(" "), 1)).isEmpty();
    }
}
