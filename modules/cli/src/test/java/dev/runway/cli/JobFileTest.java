package dev.runway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runway.protocol.JobsApi.JobSubmission;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobFileTest {
    private static final String JOB = """
            resource_class: my-org/linux
            name: build
            steps:
              - run: make
            """;

    @TempDir
    Path temp;

    @Test
    void readsAJobFile() throws Exception {
        JobSubmission job = JobCommand.readJobFile(Files.writeString(temp.resolve("job.yml"), JOB), null);
        assertThat(job.name()).isEqualTo("build");
        assertThat(job.resourceClass()).isEqualTo("my-org/linux");
    }

    @Test
    void aSecondYamlDocumentIsRefusedWithItsLineNotDropped() throws Exception {
        Path file = Files.writeString(temp.resolve("two.yml"), JOB + "---\nname: second\nsteps: [{run: rm -rf x}]\n");
        assertThatThrownBy(() -> JobCommand.readJobFile(file, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + ":6: holds a second YAML document (after ---); a job file holds one job");
    }

    @Test
    void aFileLargerThanTheServerTakesIsRefusedBeforeItIsParsed() throws Exception {
        Path file = temp.resolve("huge.yml");
        Files.writeString(file, JOB + "# " + "x".repeat(10 * 1024 * 1024) + "\n");
        assertThatThrownBy(() -> JobCommand.readJobFile(file, null))
                .hasMessageStartingWith(file + ": is " + Files.size(file) + " bytes; a job file may hold at most");
    }
}
