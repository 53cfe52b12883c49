package dev.runway.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkingDirectoriesTest {
    @TempDir
    Path parent;

    @Test
    void ordinaryAllocationIsUsedAsItIs() {
        WorkingDirectories directories = new WorkingDirectories(parent + "/%s");
        assertThat(directories.resolve("task-42_a.b")).isEqualTo(parent.resolve("task-42_a.b"));
        assertThat(WorkingDirectories.safeValue("abc-123")).isEqualTo("abc-123");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc", "/abs", "..", ".", "a/b", "", "...", "x/../../y", "\u00e9t\u00e9/\u2603",
        "a\u0000b", "..\\..\\windows", "~root", "$(rm -rf /)", " ", "a\nb"})
    void hostileAllocationsStayDirectlyUnderTheParent(String allocation) {
        WorkingDirectories directories = new WorkingDirectories(parent + "/%s");
        Path resolved = directories.resolve(allocation);
        assertThat(resolved.getParent()).isEqualTo(parent);
        String name = resolved.getFileName().toString();
        assertThat(name).matches("[A-Za-z0-9._-]+").isNotEqualTo(".").isNotEqualTo("..")
                .hasSizeLessThanOrEqualTo(WorkingDirectories.MAX_VALUE_LENGTH);
    }

    @Test
    void nullAllocationGetsAName() {
        assertThat(new WorkingDirectories(parent + "/%s").resolve(null).getParent()).isEqualTo(parent);
    }

    @Test
    void veryLongValuesAreCutButStayDistinct() {
        String a = "x".repeat(5000) + "a";
        String b = "x".repeat(5000) + "b";
        assertThat(WorkingDirectories.safeValue(a)).hasSizeLessThanOrEqualTo(WorkingDirectories.MAX_VALUE_LENGTH)
                .isNotEqualTo(WorkingDirectories.safeValue(b));
    }

    @Test
    void valuesThatNeededChangesDoNotCollide() {
        Set<String> values = new HashSet<>();
        for (String allocation : List.of("a/b", "a_b", "a:b", "..", ".", "...", "", "a b")) {
            values.add(WorkingDirectories.safeValue(allocation));
        }
        assertThat(values).hasSize(8);
    }

    @Test
    void templateWithoutPlaceholderIsUsedAsItIs() {
        WorkingDirectories directories = new WorkingDirectories(parent + "/shared");
        assertThat(directories.perTask()).isFalse();
        assertThat(directories.resolve("../../etc")).isEqualTo(parent.resolve("shared"));
    }

    @Test
    void placeholderInsideAComponentStaysUnderTheParent() {
        WorkingDirectories directories = new WorkingDirectories(parent + "/job-%s/work");
        Path hostile = directories.resolve("../../etc");
        assertThat(hostile.startsWith(parent)).isTrue();
        assertThat(hostile.getFileName()).hasToString("work");
        assertThat(hostile.getParent().getParent()).isEqualTo(parent);
        assertThat(directories.resolve("7")).isEqualTo(parent.resolve("job-7/work"));
    }

    @Test
    void emptyTemplateIsRefused() {
        assertThatThrownBy(() -> new WorkingDirectories(" ")).hasMessageContaining("working_directory");
    }

    @Test
    void createMakesMissingParents() throws Exception {
        Path directory = parent.resolve("a/b/c");
        WorkingDirectories.create(directory, null);
        assertThat(directory).isDirectory();
    }

    /** A task's directory is its owner's alone; the parents keep their usual mode (other tasks reach theirs). */
    @Test
    void theTasksDirectoryIsOwnerOnly() throws Exception {
        Path directory = parent.resolve("work/task-1");
        WorkingDirectories.create(directory, null);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwx------");
        assertThat(Files.getPosixFilePermissions(parent.resolve("work")))
                .contains(PosixFilePermission.OTHERS_EXECUTE);
    }

    @Test
    void createForAnUnknownUserFailsClearly() {
        assertThatThrownBy(() -> WorkingDirectories.create(parent.resolve("u"), "no-such-user-runway-test"))
                .hasMessageContaining("no-such-user-runway-test");
    }
}
