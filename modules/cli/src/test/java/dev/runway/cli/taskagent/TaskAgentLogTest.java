package dev.runway.cli.taskagent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.config.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class TaskAgentLogTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Logger log = new TaskAgentLog.Loggers(new PrintStream(bytes, true, StandardCharsets.UTF_8))
            .getLogger("dev.runway.taskagent.TaskAgent");

    @Test
    void writesTextLinesAsLogbacksTextLayoutDoes() {
        Thread.currentThread().setName("main");
        log.info("Task {}: job {} ({}), {} steps", "t-1", "build", "j-1", 3);
        String line = output();
        assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  \\[main\\] TaskAgent - "
                + "Task t-1: job build \\(j-1\\), 3 steps\\R");
    }

    @Test
    void infoAndUpOnly() {
        log.trace("trace");
        log.debug("debug {}", 1);
        log.warn("warned");
        log.error("failed");
        assertThat(output()).doesNotContain("trace", "debug").contains("WARN  ", "warned", "ERROR ", "failed");
        assertThat(log.isDebugEnabled()).isFalse();
        assertThat(log.isInfoEnabled()).isTrue();
    }

    @Test
    void stackTraceFollowsTheLine() {
        log.warn("could not report", new IOException("connection refused"));
        assertThat(output()).contains("could not report", "java.io.IOException: connection refused",
                "\tat dev.runway.cli.taskagent.TaskAgentLogTest.stackTraceFollowsTheLine");
    }

    @Test
    void masksSecretsInEveryLineAndStackTrace() {
        TaskAgentLog.mask(Secret.of("tok-9f8e7d6c5b4a"));
        log.info("token is {}", "tok-9f8e7d6c5b4a");
        log.error("failed", new IllegalStateException("bad token tok-9f8e7d6c5b4a"));
        assertThat(output()).doesNotContain("tok-9f8e7d6c5b4a").contains("token is " + Secret.REDACTED,
                "bad token " + Secret.REDACTED);
    }

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
