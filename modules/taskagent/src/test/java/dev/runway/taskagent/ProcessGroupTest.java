package dev.runway.taskagent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessGroupTest {
    /** "pid pgid sid" of a bash started through {@code wrapper}. */
    private static String[] idsUnder(List<String> wrapper) throws Exception {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of("/bin/bash", "-c", "echo $$ $(cut -d' ' -f5,6 /proc/$$/stat)"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor()).as(out).isZero();
        return out.split(" ");
    }

    @Test
    void setsidMakesTheStepLeaderOfItsOwnSessionAndGroup() throws Exception {
        String[] ids = idsUnder(ProcessGroup.sessionWrapper(Files::isExecutable));
        assertThat(ids[1]).isEqualTo(ids[0]);
        assertThat(ids[2]).isEqualTo(ids[0]);
    }

    @Test
    void perlFallbackWhereSetsidIsMissingDoesTheSame() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/perl")), "no perl here");
        List<String> wrapper = ProcessGroup.sessionWrapper(p -> !p.getFileName().toString().equals("setsid")
                && Files.isExecutable(p));
        assertThat(wrapper).first().isEqualTo("/usr/bin/perl");
        String[] ids = idsUnder(wrapper);
        assertThat(ids[1]).isEqualTo(ids[0]);
        assertThat(ids[2]).isEqualTo(ids[0]);
    }

    @Test
    void withNeitherTheStepStaysInOurGroup() {
        assertThat(ProcessGroup.sessionWrapper(p -> false)).isEmpty();
    }
}
