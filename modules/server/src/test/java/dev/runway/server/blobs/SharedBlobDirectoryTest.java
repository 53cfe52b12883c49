package dev.runway.server.blobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runway.server.store.Store;
import dev.runway.server.store.StoreEngines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas on one PostgreSQL database and the blob directory they must share: the first records its mark, a replica
 * with the same directory starts, one with a directory of its own (empty, or another installation's) is refused
 * with the directory named and what to do.
 */
class SharedBlobDirectoryTest {
    @TempDir
    Path temp;
    private StoreEngines.Place place;
    private final List<Store> opened = new ArrayList<>();

    @BeforeEach
    void place() {
        place = StoreEngines.POSTGRESQL.newPlace(temp);
    }

    @AfterEach
    void close() {
        opened.forEach(Store::close);
    }

    private Store replica() {
        Store store = place.open();
        opened.add(store);
        return store;
    }

    @Test
    void theFirstReplicaMarksTheDirectoryAndTheOthersSharingItStart() throws Exception {
        Path shared = temp.resolve("shared-blobs");
        String mark = SharedBlobDirectory.verify(replica().blobs(), shared, 1);

        assertThat(Files.readString(shared.resolve(SharedBlobDirectory.FILE)).strip()).isEqualTo(mark);
        assertThat(replica().blobs().blobDirectoryMark()).contains(mark);
        assertThat(SharedBlobDirectory.verify(replica().blobs(), shared, 2)).isEqualTo(mark);
        assertThat(shared).isDirectoryContaining(p -> p.getFileName().toString().equals(SharedBlobDirectory.FILE));
        try (var entries = Files.list(shared)) {
            assertThat(entries).as("no temporary file left").hasSize(1);
        }
    }

    @Test
    void aReplicaWithADirectoryOfItsOwnIsRefusedWithTheDirectoryNamed() {
        String mark = SharedBlobDirectory.verify(replica().blobs(), temp.resolve("replica-1/blobs"), 1);
        Path own = temp.resolve("replica-2/blobs");

        assertThatThrownBy(() -> SharedBlobDirectory.verify(replica().blobs(), own, 2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("blob directory " + own + " has no " + SharedBlobDirectory.FILE)
                .hasMessageContaining("marked " + mark)
                .hasMessageContaining("mount that shared directory at " + own);
        assertThat(own.resolve(SharedBlobDirectory.FILE)).as("the refused replica marks nothing").doesNotExist();
    }

    @Test
    void aDirectoryOfAnotherInstallationIsRefused() throws Exception {
        SharedBlobDirectory.verify(replica().blobs(), temp.resolve("ours"), 1);
        Path theirs = Files.createDirectories(temp.resolve("theirs"));
        Files.writeString(theirs.resolve(SharedBlobDirectory.FILE), "0b6e2f0c-1d2e-4f3a-9b8c-7d6e5f4a3b2c\n");

        assertThatThrownBy(() -> SharedBlobDirectory.verify(replica().blobs(), theirs, 2))
                .hasMessageContaining("is marked 0b6e2f0c-1d2e-4f3a-9b8c-7d6e5f4a3b2c")
                .hasMessageContaining("belongs to another Runway installation");
    }

    @Test
    void aMarkFileWithSomethingElseInItIsNamed() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("blobs"));
        Files.writeString(dir.resolve(SharedBlobDirectory.FILE), "not a mark");

        assertThatThrownBy(() -> SharedBlobDirectory.verify(replica().blobs(), dir, 1))
                .hasMessageContaining(dir.resolve(SharedBlobDirectory.FILE).toString())
                .hasMessageContaining("found \"not a mark\"");
        assertThat(replica().blobs().blobDirectoryMark()).isEmpty();
    }

    @Test
    void aDirectoryUsedBeforeTheDatabaseKeepsItsMark() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("blobs"));
        Files.writeString(dir.resolve(SharedBlobDirectory.FILE), "0b6e2f0c-1d2e-4f3a-9b8c-7d6e5f4a3b2c\n");

        assertThat(SharedBlobDirectory.verify(replica().blobs(), dir, 1))
                .isEqualTo("0b6e2f0c-1d2e-4f3a-9b8c-7d6e5f4a3b2c");
        assertThat(replica().blobs().blobDirectoryMark()).contains("0b6e2f0c-1d2e-4f3a-9b8c-7d6e5f4a3b2c");
    }

    @Test
    void replicasStartingTogetherOnOneDirectoryAgreeOnOneMark() throws Exception {
        for (int round = 0; round < 5; round++) {
            place = StoreEngines.POSTGRESQL.newPlace(temp);
            Path shared = temp.resolve("together-" + round);
            List<Store> replicas = List.of(replica(), replica(), replica(), replica());
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService threads = Executors.newFixedThreadPool(replicas.size());
            try {
                List<Future<String>> marks = new ArrayList<>();
                for (Store store : replicas) {
                    marks.add(threads.submit(() -> {
                        start.await();
                        return SharedBlobDirectory.verify(store.blobs(), shared, 1);
                    }));
                }
                start.countDown();
                String first = marks.get(0).get();
                for (Future<String> mark : marks) {
                    assertThat(mark.get()).isEqualTo(first);
                }
                assertThat(Files.readString(shared.resolve(SharedBlobDirectory.FILE)).strip()).isEqualTo(first);
                assertThat(replicas.get(0).blobs().blobDirectoryMark()).contains(first);
            } finally {
                threads.shutdownNow();
            }
        }
    }
}
