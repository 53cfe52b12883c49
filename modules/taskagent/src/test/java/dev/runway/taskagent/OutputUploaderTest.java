package dev.runway.taskagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.runway.protocol.RunnerApi.OutputAck;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** A step's output memory follows what it prints: little for a quiet step, the maximum only for a loud one. */
class OutputUploaderTest {
    private static final int MAX_CHUNK = 2 * 1024 * 1024;

    @Test
    void aStepThatPrintsALineHasNoLargeBuffers() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            OutputRing ring = new OutputRing(8 * 1024 * 1024);
            ByteArrayOutputStream stored = new ByteArrayOutputStream();
            OutputUploader uploader = new OutputUploader("quiet", ring, MAX_CHUNK, store(stored, null),
                    new CancelSignal());
            uploader.start();
            byte[] line = "one line\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            ring.write(line, 0, line.length, 1);
            ring.close();
            uploader.awaitDrained();
            assertThat(stored.toByteArray()).isEqualTo(line);
            assertThat(uploader.chunkBytes()).isEqualTo(OutputRing.INITIAL_BYTES);
            assertThat(ring.allocated()).isEqualTo(OutputRing.INITIAL_BYTES);
        });
    }

    @Test
    void outputThatPilesUpIsSentInChunksOfTheMaximumSizeAndArrivesWhole() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            byte[] output = new byte[6 * 1024 * 1024];
            new Random(7).nextBytes(output);
            OutputRing ring = new OutputRing(8 * 1024 * 1024);
            ByteArrayOutputStream stored = new ByteArrayOutputStream();
            CountDownLatch allWritten = new CountDownLatch(1);
            OutputUploader uploader = new OutputUploader("loud", ring, MAX_CHUNK, store(stored, allWritten),
                    new CancelSignal());
            uploader.start();
            // the first chunk's answer waits until every byte is written: the rest piles up in the ring meanwhile
            for (int at = 0; at < output.length; at += 100_000) {
                ring.write(output, at, Math.min(100_000, output.length - at), 1);
            }
            allWritten.countDown();
            ring.close();
            uploader.awaitDrained();
            assertThat(stored.toByteArray()).isEqualTo(output);
            assertThat(uploader.chunkBytes()).isEqualTo(MAX_CHUNK);
            assertThat(ring.allocated()).isEqualTo(8 * 1024 * 1024);
        });
    }

    /** An upload that keeps every byte in order, its first answer held until {@code firstAnswer} opens. */
    private static OutputUpload store(ByteArrayOutputStream stored, CountDownLatch firstAnswer) {
        return (offset, data, length, readAtMillis) -> {
            if (firstAnswer != null) {
                firstAnswer.await();
            }
            synchronized (stored) {
                assertThat(offset).isEqualTo(stored.size());
                stored.write(data, 0, length);
                return new OutputAck(stored.size(), false);
            }
        };
    }
}
