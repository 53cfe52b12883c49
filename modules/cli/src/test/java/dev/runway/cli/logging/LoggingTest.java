package dev.runway.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runway.config.Logging.Format;
import dev.runway.config.Logging.Level;
import dev.runway.config.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The logback set-up, writing real files: rotation, formats, levels, masking, standard error, fallbacks. */
class LoggingTest {
    private static final Logger LOG = LoggerFactory.getLogger(LoggingTest.class);
    private static final String SECRET = "rct_0123456789abcdef0123456789abcdef";

    @TempDir
    Path temp;

    @AfterEach
    void backToStandardError() {
        Logging.configure(new dev.runway.config.Logging("-", Level.INFO, Format.TEXT, 0, 1));
    }

    private static dev.runway.config.Logging settings(Path file, Level level, Format format, long size, int files) {
        return new dev.runway.config.Logging(file.toString(), level, format, size, files);
    }

    @Test
    void timestampsAreIsoUtcWithMilliseconds() {
        java.time.format.DateTimeFormatter reference = java.time.format.DateTimeFormatter
                .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX").withZone(java.time.ZoneOffset.UTC);
        java.util.Random random = new java.util.Random(7);
        for (long millis : new long[] {0, 999, 1_000, 951_782_400_000L, 4_102_444_799_999L, 1_796_000_000_123L}) {
            assertThat(LogLines.timestamp(millis)).isEqualTo(reference.format(java.time.Instant.ofEpochMilli(millis)));
        }
        for (int i = 0; i < 10_000; i++) {
            long millis = Math.floorMod(random.nextLong(), 253_402_300_800_000L); // up to the year 9999
            assertThat(LogLines.timestamp(millis)).isEqualTo(reference.format(java.time.Instant.ofEpochMilli(millis)));
        }
    }

    @Test
    void aFileRotatesBySizeKeepingMaxFiles() throws IOException {
        Path log = temp.resolve("logs/agent.log");
        Logging.configure(settings(log, Level.INFO, Format.TEXT, 4096, 3));
        String padding = "x".repeat(100);
        for (int i = 0; i < 1000; i++) {
            LOG.info("line {} {}", i, padding);
        }

        assertThat(log).exists();
        assertThat(temp.resolve("logs/agent.log.1")).exists();
        assertThat(temp.resolve("logs/agent.log.2")).exists();
        assertThat(temp.resolve("logs/agent.log.3")).exists();
        assertThat(temp.resolve("logs/agent.log.4")).doesNotExist();
        for (String name : List.of("agent.log", "agent.log.1", "agent.log.2", "agent.log.3")) {
            assertThat(Files.size(temp.resolve("logs").resolve(name))).as(name).isLessThan(4096 + 400);
        }
        assertThat(Files.readString(log)).contains("line 999 ");
        assertThat(Files.readString(temp.resolve("logs/agent.log.1"))).doesNotContain("line 999 ");
    }

    @Test
    void sizeZeroNeverRotatesAndAppends() throws IOException {
        Path log = temp.resolve("agent.log");
        Logging.configure(settings(log, Level.INFO, Format.TEXT, 0, 1));
        LOG.info("first");
        Logging.configure(settings(log, Level.INFO, Format.TEXT, 0, 1));
        LOG.info("second");
        assertThat(Files.readString(log)).contains("first").contains("second");
        assertThat(temp.resolve("agent.log.1")).doesNotExist();
    }

    @Test
    void textLinesHaveTimeLevelThreadLoggerAndMessage() throws IOException {
        Path log = temp.resolve("agent.log");
        Logging.configure(settings(log, Level.INFO, Format.TEXT, 0, 1));
        LOG.info("claimed task {}", 42);
        assertThat(Files.readString(log)).matches(
                "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  \\[.+] LoggingTest - claimed task 42\\R");
    }

    @Test
    void textFromOutsideCannotForgeALineOrSendTerminalEscapes() throws IOException {
        Path log = temp.resolve("agent.log");
        Logging.configure(settings(log, Level.INFO, Format.TEXT, 0, 1));
        String jobName = "x\n2026-01-01T00:00:00.000Z ERROR [main] LaunchAgent - FORGED\r\u001b[31mred\u2028end";
        LOG.info("claimed job {}", jobName);
        String written = Files.readString(log);
        assertThat(written.lines()).hasSize(1);
        assertThat(written).doesNotContain("\u001b").doesNotContain("\r").doesNotContain("\u2028")
                .contains("claimed job x\\n2026-01-01T00:00:00.000Z ERROR [main] LaunchAgent - FORGED\\r"
                        + "\\x1b[31mred\\u2028end");
    }

    @Test
    void jsonLinesAreJsonObjects() throws IOException {
        Path log = temp.resolve("agent.json");
        Logging.configure(settings(log, Level.DEBUG, Format.JSON, 0, 1));
        LOG.debug("quote \" backslash \\ newline \n tab \t control \u0001 done");
        LOG.error("failed", new IllegalStateException("boom"));

        List<String> lines = Files.readAllLines(log);
        assertThat(lines).hasSize(2);
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertThat(first.path("level").asText()).isEqualTo("DEBUG");
        assertThat(first.path("logger").asText()).isEqualTo(LoggingTest.class.getName());
        assertThat(first.path("message").asText())
                .isEqualTo("quote \" backslash \\ newline \n tab \t control \u0001 done");
        assertThat(first.path("time").asText()).endsWith("Z");
        JsonNode second = new ObjectMapper().readTree(lines.get(1));
        assertThat(second.path("exception").asText()).contains("IllegalStateException: boom").contains("at ");
    }

    @Test
    void theLevelFilters() throws IOException {
        Path log = temp.resolve("agent.log");
        Logging.configure(settings(log, Level.WARN, Format.TEXT, 0, 1));
        LOG.debug("debug line");
        LOG.info("info line");
        LOG.warn("warn line");
        LOG.error("error line");
        assertThat(Files.readString(log)).doesNotContain("debug line").doesNotContain("info line")
                .contains("warn line").contains("error line");
    }

    @Test
    void secretsAreMaskedInEveryFormat() throws IOException {
        for (Format format : List.of(Format.TEXT, Format.JSON, Format.COLOR)) {
            Path log = temp.resolve("masked-" + format + ".log");
            Logging.configure(settings(log, Level.INFO, format, 0, 1), Secret.of(SECRET));
            LOG.info("token is {}", SECRET);
            LOG.error("failed", new IllegalStateException("bad token " + SECRET));
            assertThat(Files.readString(log)).as(format.name()).doesNotContain(SECRET).contains("********");
        }
    }

    @Test
    void colorMarksTheLevel() throws IOException {
        Path log = temp.resolve("color.log");
        Logging.configure(settings(log, Level.INFO, Format.COLOR, 0, 1));
        LOG.error("red");
        assertThat(Files.readString(log)).contains("\u001b[31mERROR").contains("red");
    }

    @Test
    void noneWritesNothing() {
        Path log = temp.resolve("none.log");
        Logging.configure(settings(log, Level.DEBUG, Format.NONE, 0, 1));
        LOG.error("nothing");
        assertThat(log).doesNotExist();
    }

    @Test
    void dashIsStandardError() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Logging.configure(new dev.runway.config.Logging("-", Level.INFO, Format.TEXT, 10 << 20, 5));
            LOG.info("to stderr");
        } finally {
            System.setErr(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("INFO  ").contains("to stderr");
    }

    @Test
    void aFileThatCannotBeOpenedFallsBackToStandardErrorSayingSo() throws IOException {
        Path notADirectory = Files.writeString(temp.resolve("plain-file"), "x");
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Logging.configure(settings(notADirectory.resolve("agent.log"), Level.INFO, Format.TEXT, 1 << 20, 2));
            LOG.info("still logged");
        } finally {
            System.setErr(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8))
                .contains("cannot write the log file " + notADirectory.resolve("agent.log"))
                .contains("logging to standard error instead")
                .contains("still logged");
    }

    @Test
    void aLaunchAgentConfigurationMasksItsOwnToken() throws Exception {
        Path log = temp.resolve("agent.log");
        dev.runway.config.LaunchAgentConfig config = dev.runway.config.ConfigLoader.load(null, java.util.Map.of(
                "LAUNCH_AGENT_API_AUTH_TOKEN", SECRET, "LAUNCH_AGENT_LOGGING_FILE", log.toString(),
                "LAUNCH_AGENT_LOGGING_LEVEL", "debug")).config();
        Logging.configure(config);
        LOG.debug("sending Authorization: Bearer {}", SECRET);
        assertThat(Files.readString(log)).contains("Bearer ********").doesNotContain(SECRET);
    }
}
