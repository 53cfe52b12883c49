package dev.runway.cli.taskagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TaskAgentWarmUpTest {
    @Test
    void itsSampleJobIsValidAndNothingFails() {
        // a sample that no longer reads as a job would throw here (and only slow a real task agent down)
        assertThatCode(() -> new TaskAgentWarmUp().run()).doesNotThrowAnyException();
    }

    @Test
    void aStandbyReadsItsInputWhileItsWarmUpStillGoesOn() {
        TaskAgentWarmUp unfinished = new TaskAgentWarmUp(); // never run: its work never finishes
        TaskAgentWarmUp before = TaskAgentWarmUp.started;
        TaskAgentWarmUp.started = unfinished;
        try {
            CommandLine command = new CommandLine(new TaskAgentCommand(new ByteArrayInputStream(new byte[0]),
                    Map.of()));
            command.setErr(new PrintWriter(new StringWriter(), true));

            // dismissed (its input ends without a task) while the warm-up still waits for that work
            assertThat(command.execute("--standby", "--api-url", "http://127.0.0.1:1")).isZero();

            assertThat(unfinished.finished.getCount()).isOne();
            assertThat(Thread.getAllStackTraces().keySet()).as("the warm-up, still under way aside")
                    .anyMatch(thread -> thread.getName().equals("standby-warm-up") && thread.isAlive());
        } finally {
            unfinished.finished.countDown();
            TaskAgentWarmUp.started = before;
        }
    }
}
