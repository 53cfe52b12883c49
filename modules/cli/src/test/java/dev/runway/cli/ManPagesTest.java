package dev.runway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A man page per visible command, in troff that says what the help page says. */
class ManPagesTest {
    @TempDir
    Path dir;

    @Test
    void everyVisibleCommandGetsAPageWithItsOptionsAndSubcommands() throws Exception {
        assertThat(Runway.commandLine().execute("man-pages", dir.toString())).isZero();
        try (Stream<Path> pages = Files.list(dir)) {
            assertThat(pages.map(page -> page.getFileName().toString())).contains("runway.1", "runway-job.1",
                    "runway-job-submit.1", "runway-runner-token-list.1", "runway-completion.1")
                    .doesNotContain("runway-man-pages.1");
        }
        String submit = Files.readString(dir.resolve("runway-job-submit.1"));
        assertThat(submit).startsWith(".TH \"RUNWAY-JOB-SUBMIT\" 1")
                .contains(".SH NAME\nrunway\\-job\\-submit \\- Submits a job from a YAML or JSON file")
                .contains("\\fB\\-f, \\-\\-follow\\fR").contains(".SH ARGUMENTS\n.TP\n\\fIFILE\\fR")
                .contains("\\fBrunway\\-job\\fR(1)");
        assertThat(Files.readString(dir.resolve("runway-job.1"))).contains(".SH COMMANDS")
                .contains("\\fBsubmit\\fR");
    }
}
