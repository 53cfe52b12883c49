package dev.runway.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a store shared by replicas must keep, on every engine: every migration applied, output by offset, and, where
 * the engine is shared ({@link Store#replicated()}), two stores on one database as two replicas: claims never
 * delivered twice, signals crossing, periodic tasks one at a time and once per tick, a cut connection survived.
 */
@ParameterizedClass
@EnumSource(StoreEngines.class)
class StoreReplicasContractTest {
    @Parameter
    StoreEngines engine;
    @TempDir
    Path temp;
    private StoreEngines.Place place;
    private final List<Store> opened = new ArrayList<>();

    @BeforeEach
    void place() {
        place = engine.newPlace(temp);
    }

    @AfterEach
    void close() {
        opened.forEach(Store::close);
    }

    private Store open() {
        Store store = place.open();
        opened.add(store);
        return store;
    }

    @Test
    void everyMigrationIsAppliedOnceAndOpeningAgainChangesNothing() throws Exception {
        open();
        Store again = open(); // a second replica, or a restart: nothing left to apply
        assertThat(again.management().namespaces()).isEmpty();
        List<Integer> versions = new ArrayList<>();
        if (engine == StoreEngines.H2) {
            opened.forEach(Store::close);
            opened.clear();
            try (Connection connection = new org.h2.Driver().connect("jdbc:h2:file:" + place.dataDir()
                    .resolve("runway").toAbsolutePath(), new java.util.Properties())) {
                versions = versions(connection);
            }
        } else {
            try (Connection connection = place.connect()) {
                versions = versions(connection);
            }
        }
        List<Integer> expected = new ArrayList<>();
        for (int v = 1; v <= dev.runway.server.store.jdbc.MigrationFiles.count(); v++) {
            expected.add(v);
        }
        assertThat(versions).isEqualTo(expected);
    }

    private static List<Integer> versions(Connection connection) throws SQLException {
        List<Integer> versions = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT version FROM schema_version ORDER BY version")) {
            while (rows.next()) {
                versions.add(rows.getInt(1));
            }
        }
        return versions;
    }

    @Test
    void outputIsStoredByOffsetAndAppendsAreIdempotent() {
        OutputRepository output = open().output();
        byte[] data = new byte[500_000]; // more than one row's piece
        new Random(7).nextBytes(data);
        assertThat(output.append("t1", 0, 0, java.util.Arrays.copyOf(data, 1000), 1).length()).isEqualTo(1000);
        // a retried chunk overlapping what is stored: only the new bytes are kept
        assertThat(output.append("t1", 0, 500, java.util.Arrays.copyOfRange(data, 500, data.length), 2))
                .isEqualTo(new OutputRepository.Appended(data.length, true));
        assertThat(output.append("t1", 0, 0, java.util.Arrays.copyOf(data, 10), 3))
                .isEqualTo(new OutputRepository.Appended(data.length, true));
        assertThat(output.append("t1", 0, data.length + 1, new byte[] {1}, 4))
                .as("a chunk past the end is refused").isEqualTo(new OutputRepository.Appended(data.length, false));
        assertThat(output.length("t1", 0)).isEqualTo(data.length);
        assertThat(output.length("t1", 1)).isZero();
        java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
        for (long at = 0; ; ) {
            byte[] bytes = output.read("t1", 0, at, 65_536);
            if (bytes.length == 0) {
                break;
            }
            read.writeBytes(bytes);
            at += bytes.length;
        }
        assertThat(read.toByteArray()).isEqualTo(data);
        assertThat(output.read("t1", 0, 999, 3)).containsExactly(data[999], data[1000], data[1001]);
        assertThat(new String(output.read("nope", 0, 0, 10), StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void claimsThroughTwoReplicasNeverTakeTheSameJob() throws Exception {
        Store a = open();
        Store b = engine == StoreEngines.H2 ? a : open(); // H2 has one process: both claimers share it
        a.management().createNamespace("acme", "github/acme", java.util.UUID.randomUUID().toString(), 0);
        ResourceClass linux = a.management().createResourceClass("acme", "linux", "", 0);
        a.management().createToken(linux.id(), "t", "rc-hash", 0);
        int jobs = 120;
        Set<String> queued = new HashSet<>();
        for (int i = 0; i < jobs; i++) {
            queued.add((i % 2 == 0 ? a : b).jobs().create(linux.id(), "acme/linux", "job-" + i, "{}", null, 60, i)
                    .id());
        }
        ConcurrentLinkedQueue<String> claimed = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> claimers = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            Store via = c % 2 == 0 ? a : b;
            String runner = "runner-" + c;
            claimers.add(pool.submit(() -> {
                start.await();
                for (int i = 0; ; i++) {
                    Optional<Claim> claim = via.tasks().claimNext(linux.id(), "rc-hash",
                            new RunnerVisit(runner, "h", "127.0.0.1", "v"), runner + "-" + i, 1000, 61_000);
                    if (claim.isEmpty()) {
                        return null;
                    }
                    claimed.add(claim.get().job().id());
                }
            }));
        }
        start.countDown();
        for (Future<?> claimer : claimers) {
            claimer.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(claimed).hasSize(jobs).doesNotHaveDuplicates();
        assertThat(new HashSet<>(claimed)).isEqualTo(queued);
    }

    @Test
    void aTokenDeletedThroughAnotherReplicaClaimsNothingWhetherJobsAreQueuedOrNot() {
        Store a = open();
        Store b = engine == StoreEngines.H2 ? a : open();
        a.management().createNamespace("acme", "github/acme", java.util.UUID.randomUUID().toString(), 0);
        ResourceClass linux = a.management().createResourceClass("acme", "linux", "", 0);
        a.management().createToken(linux.id(), "t", "rc-hash", 0);
        a.management().createToken(linux.id(), "u", "other-hash", 0);
        RunnerVisit runner = new RunnerVisit("r", "h", "127.0.0.1", "v");
        assertThat(a.tasks().claimNext(linux.id(), "rc-hash", runner, "t0", 1000, 61_000)).as("nothing queued yet")
                .isEmpty();
        for (int i = 0; i < 3; i++) {
            b.jobs().create(linux.id(), "acme/linux", "job-" + i, "{}", null, 60, i);
        }
        assertThat(a.tasks().claimNext(linux.id(), "rc-hash", runner, "t1", 1000, 61_000)).isPresent();

        b.management().deleteToken(b.management().tokens(linux.id()).stream()
                .filter(token -> token.nickname().equals("t")).findFirst().orElseThrow().id());

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> a.tasks().claimNext(linux.id(), "rc-hash", runner,
                "t2", 1000, 61_000)).isInstanceOf(StoreRefusal.class).satisfies(e -> assertThat(((StoreRefusal) e)
                .reason()).isEqualTo(StoreRefusal.Reason.REVOKED));
        assertThat(a.jobs().count(linux.id(), dev.runway.protocol.JobsApi.JobState.QUEUED)).as("jobs stay queued")
                .isEqualTo(2);
        assertThat(a.tasks().claimNext(linux.id(), "other-hash", runner, "t3", 1000, 61_000)).isPresent();
        assertThat(a.tasks().claimNext(linux.id(), "other-hash", runner, "t4", 1000, 61_000)).isPresent();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> a.tasks().claimNext(linux.id(), "rc-hash", runner,
                "t5", 1000, 61_000)).as("refused with nothing queued too").isInstanceOf(StoreRefusal.class);
        assertThat(a.tasks().claimNext(linux.id(), "other-hash", runner, "t6", 1000, 61_000)).isEmpty();
    }

    @Test
    void signalsReachTheOtherReplicaAndNeverTheSender() throws Exception {
        Store a = open();
        if (!a.replicated()) {
            assertThat(a.signals()).isSameAs(ReplicaSignals.NONE);
            return;
        }
        Store b = open();
        BlockingQueue<String> atA = new LinkedBlockingQueue<>();
        BlockingQueue<String> atB = new LinkedBlockingQueue<>();
        a.signals().subscribe(listener(atA));
        b.signals().subscribe(listener(atB));
        // LISTEN is in place once a signal sent after subscribing arrives
        String received = null;
        for (int i = 0; received == null && i < 100; i++) {
            a.signals().publish("claim", "probe-" + i);
            received = atB.poll(100, TimeUnit.MILLISECONDS);
        }
        assertThat(received).startsWith("claim probe-");
        b.signals().publish("output", "task-1");
        assertThat(atA.poll(10, TimeUnit.SECONDS)).isEqualTo("output task-1");
        assertThat(atB.poll(200, TimeUnit.MILLISECONDS)).as("b does not hear itself")
                .satisfiesAnyOf(s -> assertThat(s).isNull(), s -> assertThat(s).startsWith("claim probe-"));
    }

    private static ReplicaSignals.Listener listener(BlockingQueue<String> into) {
        return new ReplicaSignals.Listener() {
            @Override
            public void signalled(String topic, String key) {
                into.add(topic + " " + key);
            }

            @Override
            public void missed() {
                into.add("missed");
            }
        };
    }

    @Test
    void aPeriodicTaskRunsOnOneReplicaAtATime() throws Exception {
        Store a = open();
        Store b = a.replicated() ? open() : a;
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        AtomicBoolean ranAtA = new AtomicBoolean();
        ExecutorService thread = Executors.newSingleThreadExecutor();
        Future<Boolean> holder = thread.submit(() -> a.exclusively("reaper", () -> {
            ranAtA.set(true);
            inside.countDown();
            try {
                leave.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
        if (a.replicated()) {
            assertThat(b.exclusively("reaper", () -> { })).as("held by the other replica").isFalse();
            assertThat(b.exclusively("another-task", () -> { })).isTrue();
        }
        leave.countDown();
        assertThat(holder.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ranAtA).isTrue();
        assertThat(b.exclusively("reaper", () -> { })).as("free again").isTrue();
        thread.shutdown();
    }

    @Test
    void aPeriodicTaskRunsOncePerTickAcrossReplicas() throws Exception {
        Store a = open();
        Store b = a.replicated() ? open() : a;
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService replicas = Executors.newFixedThreadPool(2);
        for (long tick = 100; tick < 130; tick++) {
            long now = tick;
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> both = new ArrayList<>();
            for (Store via : List.of(a, b)) {
                both.add(replicas.submit(() -> {
                    start.await();
                    return via.oncePerTick("reaper", now, runs::incrementAndGet);
                }));
            }
            start.countDown();
            int ranHere = 0;
            for (Future<Boolean> replica : both) {
                ranHere += replica.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(ranHere).as("tick %d ran on one replica", tick).isEqualTo(1);
        }
        replicas.shutdown();
        assertThat(runs).hasValue(30);
        assertThat(b.oncePerTick("reaper", 129, runs::incrementAndGet)).as("a tick that already ran").isFalse();
        assertThat(a.oncePerTick("reaper", 120, runs::incrementAndGet)).as("an earlier tick").isFalse();
        assertThat(a.oncePerTick("another-task", 120, runs::incrementAndGet)).as("ticks are per task").isTrue();
        assertThat(runs).hasValue(31);
    }

    @Test
    void aCutDatabaseConnectionCostsNoRequest() throws Exception {
        Store store = open();
        store.management().createNamespace("acme", "github/acme", java.util.UUID.randomUUID().toString(), 0);
        if (!store.replicated()) {
            return; // an embedded database has no connection to cut
        }
        try (Connection admin = place.connect(); Statement statement = admin.createStatement()) {
            statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                    + place.database().database() + "' AND pid <> pg_backend_pid()");
        }
        assertThat(store.management().namespace("acme")).as("served on a new connection").isPresent();
        assertThat(store.management().createResourceClass("acme", "linux", "", 1).name()).isEqualTo("linux");
    }
}
