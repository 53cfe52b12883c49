package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Transfers run on threads of their own up to a bound; past it the next is a 503 with Retry-After, not a wait. */
class TransfersTest {
    @Test
    void pastTheBoundATransferIsRefusedWithRetryAfter() throws Exception {
        Transfers transfers = new Transfers(2);
        transfers.start();
        CountDownLatch running = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        try {
            for (int i = 0; i < 2; i++) {
                transfers.execute(() -> {
                    running.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            running.await();
            assertThatThrownBy(() -> transfers.execute(() -> {})).isInstanceOfSatisfying(ApiError.class, error -> {
                assertThat(error.status()).isEqualTo(503);
                assertThat(error.headers()).containsEntry("Retry-After", "5");
                assertThat(error.getMessage()).contains("2 transfers under way");
            });
            release.countDown();
            CountDownLatch later = new CountDownLatch(1);
            // a finished transfer's thread takes the next one
            while (later.getCount() > 0) {
                try {
                    transfers.execute(later::countDown);
                    later.await();
                } catch (ApiError stillBusy) {
                    Thread.onSpinWait();
                }
            }
        } finally {
            release.countDown();
            transfers.stop();
        }
    }
}
