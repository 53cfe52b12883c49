package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runway.protocol.JobsApi.JobState;
import dev.runway.server.Store.Claim;
import dev.runway.server.Store.ResourceClass;
import dev.runway.server.Store.RunnerVisit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's claim path under real concurrent claimers (group commit) and the remembered token classes. */
class H2StoreClaimsTest {
    @TempDir
    Path data;
    private H2Store store;
    private ResourceClass linux;

    @BeforeEach
    void open() {
        store = H2Store.open(data);
        store.createNamespace("acme", "github/acme", 0);
        linux = store.createResourceClass("acme", "linux", "", 0);
        store.createToken(linux.id(), "t", "rc-hash", 0);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Optional<Claim> claim(String runner, String taskTokenHash) {
        return store.claimNext(linux.id(), "rc-hash", new RunnerVisit(runner, "host", "127.0.0.1", "0.1.0"),
                taskTokenHash, 1000, 61_000);
    }

    @Test
    void concurrentClaimersNeverGetTheSameJobAndTakeTheQueueInOrder() throws Exception {
        int jobs = 300;
        List<String> queued = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            queued.add(store.createJob(linux.id(), "acme/linux", "job-" + i, "{}", 60, i).id());
        }
        int claimers = 24;
        ConcurrentLinkedQueue<Claimed> claims = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(claimers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> empties = new ArrayList<>();
        for (int c = 0; c < claimers; c++) {
            String runner = "runner-" + c;
            empties.add(pool.submit(() -> {
                start.await();
                for (int i = 0; ; i++) {
                    String taskTokenHash = runner + "-task-" + i;
                    Optional<Claim> claim = claim(runner, taskTokenHash);
                    if (claim.isEmpty()) {
                        return i;
                    }
                    claims.add(new Claimed(taskTokenHash, claim.get()));
                }
            }));
        }
        start.countDown();
        for (Future<Integer> empty : empties) {
            empty.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(claims).hasSize(jobs);
        Set<String> claimedJobs = new HashSet<>();
        Set<String> taskIds = new HashSet<>();
        for (Claimed claimed : claims) {
            Claim claim = claimed.claim();
            assertThat(claimedJobs.add(claim.job().id())).as("job %s claimed twice", claim.job().id()).isTrue();
            assertThat(taskIds.add(claim.task().id())).isTrue();
            // the answer matches what was committed
            Store.Job stored = store.job(claim.job().id()).orElseThrow();
            assertThat(stored).isEqualTo(claim.job());
            assertThat(stored.state()).isEqualTo(JobState.RUNNING);
            assertThat(store.task(claim.task().id())).contains(claim.task());
            assertThat(store.taskByTokenHash(claimed.taskTokenHash())).contains(claim.task());
        }
        assertThat(claimedJobs).containsExactlyInAnyOrderElementsOf(queued);
        assertThat(store.countJobs(linux.id(), JobState.QUEUED)).isZero();
        assertThat(store.countJobs(linux.id(), JobState.RUNNING)).isEqualTo(jobs);
    }

    private record Claimed(String taskTokenHash, Claim claim) {}

    @Test
    void theOldestQueuedJobGoesFirstAndARequeuedOneKeepsItsPlace() {
        String first = store.createJob(linux.id(), "acme/linux", "first", "{}", 60, 0).id();
        String second = store.createJob(linux.id(), "acme/linux", "second", "{}", 60, 0).id();
        Claim claimed = claim("r1", "t1").orElseThrow();
        assertThat(claimed.job().id()).isEqualTo(first);
        store.unclaim(claimed.task().id(), 2000);
        Claim again = claim("r2", "t2").orElseThrow();
        assertThat(again.job().id()).as("given back: first in line again").isEqualTo(first);
        assertThat(again.job().attempts()).isEqualTo(1);
        assertThat(claim("r3", "t3").orElseThrow().job().id()).isEqualTo(second);
        assertThat(claim("r4", "t4")).isEmpty();
    }

    @Test
    void aDeletedTokenIsForgottenAtOnce() {
        store.createJob(linux.id(), "acme/linux", "job", "{}", 60, 0);
        assertThat(store.resourceClassByTokenHash("rc-hash")).contains(linux); // now remembered
        String tokenId = store.tokens(linux.id()).get(0).id();

        assertThat(store.deleteToken(tokenId)).contains(linux.id());

        assertThat(store.resourceClassByTokenHash("rc-hash")).isEmpty();
        assertThatThrownBy(() -> claim("r1", "t1")).isInstanceOf(ApiError.class)
                .satisfies(e -> assertThat(((ApiError) e).status()).isEqualTo(401));
        assertThat(store.countJobs(linux.id(), JobState.QUEUED)).as("the job stays queued").isEqualTo(1);
    }

    @Test
    void aTokenOfADeletedClassIsForgottenAtOnceAndOtherClassesKeepTheirs() {
        ResourceClass mac = store.createResourceClass("acme", "mac", "", 0);
        store.createToken(mac.id(), "m", "mac-hash", 0);
        assertThat(store.resourceClassByTokenHash("rc-hash")).contains(linux);
        assertThat(store.resourceClassByTokenHash("mac-hash")).contains(mac);

        store.deleteResourceClass(linux.id(), true, 5000);

        assertThat(store.resourceClassByTokenHash("rc-hash")).isEmpty();
        assertThat(store.resourceClassByTokenHash("mac-hash")).contains(mac);
    }

    @Test
    void aTokenOfAnotherClassCannotClaimHere() {
        ResourceClass mac = store.createResourceClass("acme", "mac", "", 0);
        store.createToken(mac.id(), "m", "mac-hash", 0);
        store.createJob(linux.id(), "acme/linux", "job", "{}", 60, 0);
        assertThat(store.resourceClassByTokenHash("mac-hash")).contains(mac);
        assertThatThrownBy(() -> store.claimNext(linux.id(), "mac-hash", new RunnerVisit("r", "h", "ip", "v"), "t",
                0, 1000)).isInstanceOf(ApiError.class);
    }
}
