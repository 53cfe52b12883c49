package dev.runway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runway.server.store.Job;
import dev.runway.server.store.ResourceClass;
import dev.runway.server.store.Store;
import dev.runway.server.store.StoreEngines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An H2 data directory moved to a real PostgreSQL (export, import): every table and every output byte arrives, the
 * digests of both sides match, and the store goes on from there (job numbers continue).
 */
class StoreMoveTest {
    @TempDir
    Path temp;

    @Test
    void anH2DataDirectoryMovesToPostgresqlWithNothingLost() throws Exception {
        Path data = temp.resolve("data");
        ServerSettings h2 = new ServerSettings(data, "127.0.0.1", 0);
        byte[] output = new byte[300_000];
        new Random(3).nextBytes(output);
        Job first;
        try (Store store = h2.database().open(data)) {
            store.management().createNamespace("acme", "github/acme", java.util.UUID.randomUUID().toString(), 0);
            ResourceClass linux = store.management().createResourceClass("acme", "linux", "it's \"quoted\"\ttab", 0);
            store.management().createToken(linux.id(), "t", "hash", 0);
            first = store.jobs().create(linux.id(), "acme/linux", "first", "{\"steps\":[\"héllo\\n\"]}", null, 60, 1);
            store.jobs().create(linux.id(), "acme/linux", "second", "{}", null, 60, 2);
        }
        OutputFiles files = new OutputFiles(data.resolve("output"));
        files.append("task-1", 0, 0, output, 5);
        files.append("task-1", 1, 0, "tail\n".getBytes(), 6);

        Path export = temp.resolve("export");
        List<StoreMove.Table> exported = StoreMove.export(h2, export);
        assertThat(exported).extracting(StoreMove.Table::name).contains("jobs", "namespaces", StoreMove.OUTPUT);
        assertThat(exported).filteredOn(t -> t.name().equals("jobs")).singleElement()
                .extracting(StoreMove.Table::rows).isEqualTo(2L);
        assertThat(exported).filteredOn(t -> t.name().equals(StoreMove.OUTPUT)).singleElement()
                .extracting(StoreMove.Table::rows).isEqualTo(2L);

        StoreEngines.Place postgres = StoreEngines.POSTGRESQL.newPlace(temp);
        ServerSettings target = h2.withDatabase(new ServerDatabase(postgres.database().toString(), null));
        List<StoreMove.Table> imported = StoreMove.importInto(target, export);
        assertThat(imported).isEqualTo(exported);

        try (Store store = postgres.open()) {
            Job moved = store.jobs().find(first.id()).orElseThrow();
            assertThat(moved).isEqualTo(first);
            assertThat(store.management().resourceClassByName("acme", "linux").orElseThrow().description())
                    .isEqualTo("it's \"quoted\"\ttab");
            DatabaseOutput shared = new DatabaseOutput(store.output());
            assertThat(shared.length("task-1", 0)).isEqualTo(output.length);
            assertThat(shared.read("task-1", 0, 0, output.length)).isEqualTo(output);
            assertThat(shared.read("task-1", 1, 0, 100)).isEqualTo("tail\n".getBytes());
            ResourceClass linux = store.management().resourceClassByName("acme", "linux").orElseThrow();
            assertThat(store.jobs().create(linux.id(), "acme/linux", "third", "{}", null, 60, 3).buildNum())
                    .as("job numbers go on after the imported ones").isEqualTo(3);
        }
        assertThatThrownBy(() -> StoreMove.importInto(target, export)).hasMessageContaining("not empty");
        assertThatThrownBy(() -> StoreMove.export(h2, export)).hasMessageContaining("exists already");
        assertThat(Files.readString(export.resolve("manifest.tsv"))).contains("jobs\t2\t");
    }
}
