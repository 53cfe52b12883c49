package dev.runway.launcher.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.launcher.TaskProcess;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task agent's standard output: copied to its log, and only the whole result line says the result is in. */
class OutputRelayTest {
    private static final String LINE = TaskProcess.RESULT_REPORTED_LINE;

    @TempDir
    Path dir;

    private OutputRelay relay(InputStream output) {
        return new OutputRelay("launch-1", output, dir.resolve("task.log"));
    }

    private static InputStream text(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theWholeLineSaysTheResultIsInAndEveryByteReachesTheLog() throws Exception {
        Files.writeString(dir.resolve("task.log"), "earlier\n");
        OutputRelay relay = relay(text("a line\n" + LINE + "\nafter\n"));
        relay.run();
        assertThat(relay.resultReported()).isDone();
        assertThat(Files.readString(dir.resolve("task.log"))).isEqualTo("earlier\na line\n" + LINE + "\nafter\n");
    }

    @Test
    void aLineThatOnlyHoldsItOrIsCutShortSaysNothing() {
        OutputRelay relay = relay(text("x " + LINE + "\n" + LINE + " y\n" + LINE.substring(0, 10) + "\n" + LINE));
        relay.run();
        assertThat(relay.resultReported()).isNotDone();
    }

    @Test
    void theLineIsFoundAcrossReadsOfAnyLength() {
        byte[] bytes = ("x\n" + LINE + "\n").getBytes(StandardCharsets.UTF_8);
        // one byte per read, as a pipe may deliver it
        InputStream trickle = new InputStream() {
            private int next;

            @Override
            public int read() {
                return next < bytes.length ? bytes[next++] & 0xff : -1;
            }

            @Override
            public int read(byte[] into, int offset, int length) {
                int b = read();
                if (b < 0) {
                    return -1;
                }
                into[offset] = (byte) b;
                return 1;
            }
        };
        OutputRelay relay = relay(trickle);
        relay.run();
        assertThat(relay.resultReported()).isDone();
    }
}
