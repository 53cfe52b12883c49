package dev.runway.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskStateStoreTest {
    @TempDir
    Path temp;

    @Test
    void savedStateIsOwnerOnlyAndReadsBack() throws Exception {
        TaskStateStore store = new TaskStateStore(temp.resolve("state/tasks"));
        store.open();
        TaskStateStore.TaskState state = new TaskStateStore.TaskState("launch-1", "task-1", "secret-token",
                "/work/1", "2026-01-01T00:00:00Z");
        store.save(state);

        Path file = temp.resolve("state/tasks/launch-1.json");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(store.directory()))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(store.find("launch-1")).contains(state);
        assertThat(store.all()).containsExactly(state);
        assertThat(state.toString()).doesNotContain("secret-token");

        store.delete("launch-1");
        assertThat(file).doesNotExist();
        assertThat(store.all()).isEmpty();
    }

    @Test
    void unreadableFilesAreSkippedWithoutQuotingThem() throws Exception {
        TaskStateStore store = new TaskStateStore(temp.resolve("tasks"));
        store.open();
        Files.writeString(store.directory().resolve("broken.json"), "{\"task_token\": \"leak");
        assertThat(store.all()).isEmpty();
    }

    @Test
    void launchIdsCannotReachOutsideTheDirectory() {
        TaskStateStore store = new TaskStateStore(temp.resolve("tasks"));
        assertThatThrownBy(() -> store.delete("../x")).isInstanceOf(IllegalArgumentException.class);
    }
}
