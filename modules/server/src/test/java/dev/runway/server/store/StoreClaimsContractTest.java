package dev.runway.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runway.protocol.JobsApi.JobState;
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
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The store's claim path under real concurrent claimers (group commit) and the remembered token classes, on every
 * engine ({@link StoreEngines}).
 */
@ParameterizedClass
@EnumSource(StoreEngines.class)
class StoreClaimsContractTest {
    @Parameter
    StoreEngines engine;
    @TempDir
    Path data;
    private Store store;
    private ResourceClass linux;

    @BeforeEach
    void open() {
        store = engine.newPlace(data).open();
        store.management().createNamespace("acme", "github/acme", java.util.UUID.randomUUID().toString(), 0);
        linux = store.management().createResourceClass("acme", "linux", "", 0);
        store.management().createToken(linux.id(), "t", "rc-hash", 0);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Optional<Claim> claim(String runner, String taskTokenHash) {
        return store.tasks().claimNext(linux.id(), "rc-hash", new RunnerVisit(runner, "host", "127.0.0.1", "0.1.0"),
                taskTokenHash, 1000, 61_000);
    }

    @Test
    void concurrentClaimersNeverGetTheSameJobAndTakeTheQueueInOrder() throws Exception {
        int jobs = 300;
        List<String> queued = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            queued.add(store.jobs().create(linux.id(), "acme/linux", "job-" + i, "{}", null, 60, i).id());
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
            Job stored = store.jobs().find(claim.job().id()).orElseThrow();
            assertThat(stored).isEqualTo(claim.job());
            assertThat(stored.state()).isEqualTo(JobState.RUNNING);
            assertThat(store.tasks().find(claim.task().id())).contains(claim.task());
            assertThat(store.tasks().findByTokenHash(claimed.taskTokenHash())).contains(claim.task());
        }
        assertThat(claimedJobs).containsExactlyInAnyOrderElementsOf(queued);
        assertThat(store.jobs().count(linux.id(), JobState.QUEUED)).isZero();
        assertThat(store.jobs().count(linux.id(), JobState.RUNNING)).isEqualTo(jobs);
    }

    private record Claimed(String taskTokenHash, Claim claim) {}

    @Test
    void theOldestQueuedJobGoesFirstAndARequeuedOneKeepsItsPlace() {
        String first = store.jobs().create(linux.id(), "acme/linux", "first", "{}", null, 60, 0).id();
        String second = store.jobs().create(linux.id(), "acme/linux", "second", "{}", null, 60, 0).id();
        Claim claimed = claim("r1", "t1").orElseThrow();
        assertThat(claimed.job().id()).isEqualTo(first);
        store.tasks().unclaim(claimed.task().id(), 2000);
        Claim again = claim("r2", "t2").orElseThrow();
        assertThat(again.job().id()).as("given back: first in line again").isEqualTo(first);
        assertThat(again.job().attempts()).isEqualTo(1);
        assertThat(claim("r3", "t3").orElseThrow().job().id()).isEqualTo(second);
        assertThat(claim("r4", "t4")).isEmpty();
    }

    @Test
    void lapsesOfOneBatchEachRequeueCancelOrGiveUpAsTheirJobAsks() {
        String requeued = store.jobs().create(linux.id(), "acme/linux", "requeued", "{}", null, 60, 0).id();
        String ended = store.jobs().create(linux.id(), "acme/linux", "ended", "{}", null, 60, 0).id();
        String canceled = store.jobs().create(linux.id(), "acme/linux", "canceled", "{}", null, 60, 0).id();
        String givenUp = store.jobs().create(linux.id(), "acme/linux", "given-up", "{}", null, 60, 0).id();
        Claim a = claim("r1", "t1").orElseThrow();
        Claim b = claim("r2", "t2").orElseThrow();
        Claim c = claim("r3", "t3").orElseThrow();
        Claim firstOfD = claim("r4", "t4").orElseThrow();
        assertThat(List.of(a.job().id(), b.job().id(), c.job().id(), firstOfD.job().id()))
                .containsExactly(requeued, ended, canceled, givenUp);
        store.tasks().finish(b.task().id(), TaskState.FINISHED, JobState.SUCCESS, null, 3000);
        store.jobs().cancel(canceled, 3000);
        assertThat(store.tasks().lapse(firstOfD.task().id(), 1, 3000).state()).as("its one requeue")
                .isEqualTo(JobState.QUEUED);
        Claim d = claim("r5", "t5").orElseThrow();

        List<Job> jobs = store.tasks().lapseAll(List.of(a.task().id(), b.task().id(), c.task().id(),
                d.task().id()), 1, 9000);

        assertThat(jobs).extracting(Job::id).containsExactly(requeued, ended, canceled, givenUp);
        assertThat(jobs.get(0).state()).isEqualTo(JobState.QUEUED);
        assertThat(jobs.get(0).requeues()).isEqualTo(1);
        assertThat(jobs.get(0).reason()).isEqualTo("runner \"r1\" stopped sending heartbeats (attempt 1); requeued");
        assertThat(jobs.get(0).finishedAt()).isNull();
        assertThat(jobs.get(1).state()).as("its task had ended: untouched").isEqualTo(JobState.SUCCESS);
        assertThat(jobs.get(2).state()).isEqualTo(JobState.CANCELED);
        assertThat(jobs.get(2).requeues()).as("a canceled job's lapse is no requeue").isZero();
        assertThat(jobs.get(2).finishedAt()).isEqualTo(9000);
        assertThat(jobs.get(3).state()).isEqualTo(JobState.FAILED);
        assertThat(jobs.get(3).reason()).isEqualTo("runner \"r5\" stopped sending heartbeats (attempt 2); it was"
                + " requeued 1 times already, giving up");
        for (Claim lapsed : List.of(a, c, d)) {
            Task task = store.tasks().find(lapsed.task().id()).orElseThrow();
            assertThat(task.state()).isEqualTo(TaskState.LAPSED);
            assertThat(task.finishedAt()).isEqualTo(9000);
        }
        assertThat(store.tasks().find(b.task().id()).orElseThrow().state()).isEqualTo(TaskState.FINISHED);
        assertThat(store.jobs().find(requeued)).contains(jobs.get(0));
        assertThat(claim("r6", "t6").map(claim -> claim.job().id())).as("back in the queue").contains(requeued);
    }

    @Test
    void checkoutCredentialsOfTasksThatEndedLongAgoAreForgottenAndLiveOnesKept() {
        store.jobs().create(linux.id(), "acme/linux", "ended", "{}", null, 60, 0);
        store.jobs().create(linux.id(), "acme/linux", "running", "{}", null, 60, 0);
        Claim ended = claim("r1", "t1").orElseThrow();
        Claim running = claim("r2", "t2").orElseThrow();
        store.tasks().addCheckoutCredential(ended.task().id(), "c-ended");
        store.tasks().addCheckoutCredential(running.task().id(), "c-running");
        store.tasks().finish(ended.task().id(), TaskState.FINISHED, JobState.SUCCESS, null, 5_000);

        assertThat(store.tasks().pruneCheckoutCredentials(5_000)).as("ended at the cut-off: kept").isZero();
        assertThat(store.tasks().findByCheckoutCredential("c-ended")).isPresent();
        assertThat(store.tasks().pruneCheckoutCredentials(5_001)).isEqualTo(1);
        assertThat(store.tasks().findByCheckoutCredential("c-ended")).isEmpty();
        assertThat(store.tasks().findByCheckoutCredential("c-running").map(Task::id))
                .contains(running.task().id());
    }

    @Test
    void aRunnerThatNeverTookATaskIsListedWithoutALastUse() {
        store.runners().touch(linux.id(), new RunnerVisit("idle", "host", "127.0.0.1", "0.1.0"), 500);
        assertThat(store.runners().list(List.of(linux.id()))).singleElement()
                .satisfies(runner -> assertThat(runner.lastUsed()).isNull());
        claim("idle", "t-idle");
        store.runners().touch(linux.id(), new RunnerVisit("idle", "host", "127.0.0.1", "0.1.0"), 2000);
        assertThat(store.runners().list(List.of(linux.id()))).singleElement()
                .satisfies(runner -> assertThat(runner.lastConnected()).isEqualTo(2000));
    }

    @Test
    void listsFilterByWhatIsGivenAndIgnoreWhatIsNot() {
        Job queued = store.jobs().create(linux.id(), "acme/linux", "a", "{}", null, 60, 1);
        assertThat(store.jobs().list(null, null, 10)).containsExactly(queued);
        assertThat(store.jobs().list(linux.id(), JobState.QUEUED, 10)).containsExactly(queued);
        assertThat(store.jobs().list(linux.id(), JobState.RUNNING, 10)).isEmpty();
        assertThat(store.pipelines().projects(null)).isEmpty();
        assertThat(store.pipelines().pipelines("no-project", null, 0, 10)).isEmpty();
    }

    @Test
    void aDeletedTokenIsForgottenAtOnce() {
        store.jobs().create(linux.id(), "acme/linux", "job", "{}", null, 60, 0);
        assertThat(store.management().resourceClassByTokenHash("rc-hash")).contains(linux); // now remembered
        String tokenId = store.management().tokens(linux.id()).get(0).id();

        assertThat(store.management().deleteToken(tokenId)).contains(linux.id());

        assertThat(store.management().resourceClassByTokenHash("rc-hash")).isEmpty();
        assertThatThrownBy(() -> claim("r1", "t1")).isInstanceOf(StoreRefusal.class)
                .satisfies(e -> assertThat(((StoreRefusal) e).reason()).isEqualTo(StoreRefusal.Reason.REVOKED));
        assertThat(store.jobs().count(linux.id(), JobState.QUEUED)).as("the job stays queued").isEqualTo(1);
    }

    @Test
    void aTokenOfADeletedClassIsForgottenAtOnceAndOtherClassesKeepTheirs() {
        ResourceClass mac = store.management().createResourceClass("acme", "mac", "", 0);
        store.management().createToken(mac.id(), "m", "mac-hash", 0);
        assertThat(store.management().resourceClassByTokenHash("rc-hash")).contains(linux);
        assertThat(store.management().resourceClassByTokenHash("mac-hash")).contains(mac);

        store.management().deleteResourceClass(linux.id(), true, 5000);

        assertThat(store.management().resourceClassByTokenHash("rc-hash")).isEmpty();
        assertThat(store.management().resourceClassByTokenHash("mac-hash")).contains(mac);
    }

    @Test
    void aTokenOfAnotherClassCannotClaimHere() {
        ResourceClass mac = store.management().createResourceClass("acme", "mac", "", 0);
        store.management().createToken(mac.id(), "m", "mac-hash", 0);
        store.jobs().create(linux.id(), "acme/linux", "job", "{}", null, 60, 0);
        assertThat(store.management().resourceClassByTokenHash("mac-hash")).contains(mac);
        assertThatThrownBy(() -> store.tasks().claimNext(linux.id(), "mac-hash", new RunnerVisit("r", "h", "ip", "v"),
                "t", 0, 1000)).isInstanceOf(StoreRefusal.class);
    }
}
