package dev.runway.taskagent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The ring wakes its taker only when a chunk is worth taking: no wake-up may be lost on the way. */
class OutputRingTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

    @Test
    void aWaitingTakerGetsALoneByteWrittenAfterItStartedWaiting() {
        assertTimeoutPreemptively(BOUND, () -> {
            OutputRing ring = new OutputRing(64);
            AtomicReference<OutputRing.Chunk> taken = new AtomicReference<>();
            byte[] dest = new byte[16];
            Thread taker = new Thread(() -> {
                try {
                    taken.set(ring.take(0, dest));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            taker.start();
            awaitWaiting(taker); // the taker waits for the first byte
            ring.write(new byte[] {'x'}, 0, 1, 5);
            taker.join();
            assertThat(taken.get().offset()).isZero();
            assertThat(taken.get().length()).isEqualTo(1); // less than half a chunk: sent after the linger
            assertThat(dest[0]).isEqualTo((byte) 'x');
        });
    }

    @Test
    void closingWakesAWaitingTakerWithNothingLeft() {
        assertTimeoutPreemptively(BOUND, () -> {
            OutputRing ring = new OutputRing(64);
            AtomicReference<Object> taken = new AtomicReference<>("not yet");
            Thread taker = new Thread(() -> {
                try {
                    taken.set(ring.take(0, new byte[16]));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            taker.start();
            awaitWaiting(taker);
            ring.close();
            taker.join();
            assertThat(taken.get()).isNull();
        });
    }

    @Test
    void everyByteArrivesInOrderThroughASmallRingWithWritesOfEverySize() {
        assertTimeoutPreemptively(BOUND, () -> {
            byte[] text = new byte[300_000];
            Random random = new Random(3);
            for (int i = 0; i < text.length; i++) {
                text[i] = (byte) ('a' + random.nextInt(26));
            }
            OutputRing ring = new OutputRing(16, 4096); // it also grows while the taker is behind
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            Thread taker = new Thread(() -> {
                byte[] chunk = new byte[1024];
                long next = 0;
                try {
                    OutputRing.Chunk taken;
                    while ((taken = ring.take(next, chunk)) != null) {
                        received.write(chunk, 0, taken.length());
                        next = taken.offset() + taken.length();
                        ring.release(next); // frees room: the writer blocked on a full ring goes on
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            taker.start();
            int at = 0;
            while (at < text.length) {
                int n = Math.min(text.length - at, 1 + random.nextInt(random.nextBoolean() ? 8 : 3000));
                ring.write(text, at, n, 1);
                at += n;
            }
            ring.close();
            taker.join();
            assertThat(new String(received.toByteArray(), StandardCharsets.US_ASCII))
                    .isEqualTo(new String(text, StandardCharsets.US_ASCII));
        });
    }

    @Test
    void aRingHoldsMemoryForWhatIsNotAcknowledgedYetNotForItsCapacity() throws InterruptedException {
        OutputRing ring = new OutputRing(8 * 1024 * 1024);
        assertThat(ring.allocated()).isEqualTo(OutputRing.INITIAL_BYTES);
        ring.write(new byte[1000], 0, 1000, 1);
        assertThat(ring.allocated()).isEqualTo(OutputRing.INITIAL_BYTES);
        ring.write(new byte[300_000], 0, 300_000, 1); // nothing acknowledged: it grows to hold it all
        assertThat(ring.allocated()).isEqualTo(512 * 1024);
        assertThat(new OutputRing(100).allocated()).isEqualTo(100);
    }

    @Test
    void bytesNotAcknowledgedKeepTheirOrderWhenTheRingGrowsAroundItsEnd() {
        assertTimeoutPreemptively(BOUND, () -> {
            OutputRing ring = new OutputRing(8, 64);
            byte[] text = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!?".getBytes(
                    StandardCharsets.US_ASCII);
            ring.write(text, 0, 6, 1);
            byte[] dest = new byte[4];
            ring.take(0, dest);
            ring.release(4); // bytes 4-5 live at the ring's end...
            ring.write(text, 6, 9, 1); // ...6-11 fill it, wrapping around to its start, so it grows to 16 for 12-14
            assertThat(ring.allocated()).isEqualTo(16);
            ring.write(text, 15, 49, 1); // grows to 64, the capacity
            assertThat(ring.allocated()).isEqualTo(64);
            ring.close();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] chunk = new byte[64];
            OutputRing.Chunk taken;
            for (long next = 4; (taken = ring.take(next, chunk)) != null; next = taken.offset() + taken.length()) {
                received.write(chunk, 0, taken.length());
                ring.release(taken.offset() + taken.length());
            }
            assertThat(received.toString(StandardCharsets.US_ASCII)).isEqualTo(new String(text, 4, 60,
                    StandardCharsets.US_ASCII));
        });
    }

    private static void awaitWaiting(Thread thread) {
        await().atMost(BOUND).pollInterval(Duration.ofMillis(1)).until(() -> thread.getState() == Thread.State.WAITING);
    }
}
