package dev.runway.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runway.server.store.StoreRefusal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Real threads racing into one {@link GroupCommit}: batching, per-request outcomes, failures. */
class GroupCommitTest {
    private final Object storeLock = new Object();

    @Test
    void everyRequestIsServedOnceAndGetsItsOwnAnswerOnlyAfterItsBatchCommitted() throws Exception {
        Set<Integer> committed = Collections.synchronizedSet(new HashSet<>());
        AtomicInteger served = new AtomicInteger();
        AtomicBoolean overlapped = new AtomicBoolean();
        AtomicBoolean inBatch = new AtomicBoolean();
        GroupCommit<Integer, String> group = new GroupCommit<>(storeLock, requests -> {
            if (!inBatch.compareAndSet(false, true)) {
                overlapped.set(true); // two batches at once: the store's lock failed
            }
            List<GroupCommit.Outcome<String>> outcomes = new ArrayList<>();
            for (int request : requests) {
                served.incrementAndGet();
                outcomes.add(GroupCommit.Outcome.of("answer-" + request));
            }
            sleep(2); // the commit: slow enough that others arrive meanwhile
            committed.addAll(requests);
            inBatch.set(false);
            return outcomes;
        });
        int threads = 16;
        int perThread = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<String>>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            results.add(pool.submit(() -> {
                start.await();
                List<String> problems = new ArrayList<>();
                for (int i = base; i < base + perThread; i++) {
                    String answer = group.submit(i);
                    if (!answer.equals("answer-" + i)) {
                        problems.add(i + " got " + answer);
                    }
                    if (!committed.contains(i)) {
                        problems.add(i + " was answered before its batch committed");
                    }
                }
                return problems;
            }));
        }
        start.countDown();
        for (Future<List<String>> result : results) {
            assertThat(result.get(60, TimeUnit.SECONDS)).isEmpty();
        }
        pool.shutdown();
        assertThat(served.get()).isEqualTo(threads * perThread);
        assertThat(overlapped).as("batches ran one at a time").isFalse();
        assertThat(group.averageBatch()).as("requests that arrived during a commit shared the next one")
                .isGreaterThan(2.0);
    }

    @Test
    void aRefusedRequestFailsAloneAndAFailedBatchFailsAllOfItsRequests() {
        GroupCommit<Integer, Integer> group = new GroupCommit<>(storeLock, requests -> {
            if (requests.contains(13)) {
                throw new IllegalStateException("database error: the disk is full");
            }
            List<GroupCommit.Outcome<Integer>> outcomes = new ArrayList<>();
            for (int request : requests) {
                outcomes.add(request < 0 ? GroupCommit.Outcome.refused(
                        new StoreRefusal(StoreRefusal.Reason.REVOKED, "token deleted"))
                        : GroupCommit.Outcome.of(request * 2));
            }
            return outcomes;
        });
        assertThat(group.submit(21)).isEqualTo(42);
        assertThatThrownBy(() -> group.submit(-1)).isInstanceOf(StoreRefusal.class)
                .hasMessageContaining("token deleted");
        assertThatThrownBy(() -> group.submit(13)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("disk is full");
        assertThat(group.submit(4)).as("the next batch works again").isEqualTo(8);
    }

    @Test
    void aLoneRequestIsABatchOfOne() {
        GroupCommit<String, String> group = new GroupCommit<>(storeLock,
                requests -> requests.stream().map(r -> GroupCommit.Outcome.of(r.toUpperCase())).toList());
        assertThat(group.submit("a")).isEqualTo("A");
        assertThat(group.submit("b")).isEqualTo("B");
        assertThat(group.averageBatch()).isEqualTo(1.0);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
