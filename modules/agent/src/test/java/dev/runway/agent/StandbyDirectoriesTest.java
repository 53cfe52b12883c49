package dev.runway.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is removed of a standby's directory, with real directories: only what was made for a standby, when empty. */
class StandbyDirectoriesTest {
    @TempDir
    Path root;

    @Test
    void leftoverStandbyDirectoriesGoWhenEmptyAndTasksDirectoriesStay() throws Exception {
        Path work = root.resolve("work");
        Path empty = Files.createDirectories(work.resolve("runway-standby-a"));
        Path used = Files.createDirectories(work.resolve("runway-standby-b"));
        Files.writeString(used.resolve("kept"), "a file nobody made for a standby");
        Path task = Files.createDirectories(work.resolve("task-1"));

        StandbyTaskAgent.removeLeftoverDirectories(new WorkingDirectories(work + "/%s"));

        assertThat(empty).doesNotExist();
        assertThat(used.resolve("kept")).exists();
        assertThat(task).exists();
    }

    @Test
    void aTemplateBelowTheTaskComponentLosesBothLevels() throws Exception {
        Path checkout = Files.createDirectories(root.resolve("w/runway-standby-c/checkout"));

        StandbyTaskAgent.removeLeftoverDirectories(new WorkingDirectories(root + "/w/%s/checkout"));

        assertThat(checkout.getParent()).doesNotExist();
        assertThat(root.resolve("w")).exists();
    }

    @Test
    void aSharedWorkingDirectoryIsNeverRemoved() throws Exception {
        Path shared = Files.createDirectories(root.resolve("shared"));

        StandbyTaskAgent.removeLeftoverDirectories(new WorkingDirectories(shared.toString()));
        StandbyTaskAgent.removeDirectory(new StandbyTaskAgent.Waiting(null, shared, Instant.EPOCH, false));

        assertThat(shared).exists();
    }

    @Test
    void aStandbysOwnDirectoryGoesOnlyWhileEmpty() throws Exception {
        Path directory = Files.createDirectories(root.resolve("runway-standby-d"));
        Files.writeString(directory.resolve("left by a task"), "x");

        StandbyTaskAgent.removeDirectory(new StandbyTaskAgent.Waiting(null, directory, Instant.EPOCH, false));
        assertThat(directory).exists();

        Files.delete(directory.resolve("left by a task"));
        StandbyTaskAgent.removeDirectory(new StandbyTaskAgent.Waiting(null, directory, Instant.EPOCH, false));
        assertThat(directory).doesNotExist();
        assertThat(root).exists();
    }
}
