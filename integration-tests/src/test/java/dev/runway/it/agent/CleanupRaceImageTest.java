package dev.runway.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runway.it.support.DedicatedUser;
import dev.runway.protocol.JobsApi.JobState;
import dev.runway.protocol.JobsApi.JobStatus;
import dev.runway.testsupport.ProcessScan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack on the per-task cleanup, through the image: a job leaves a process behind (the process launcher with a
 * task user shared by two slots cannot contain one that scrubs its environment) that waits until the agent, as root,
 * starts deleting a directory of the job's working tree, then swaps that directory for a symbolic link to a directory
 * of root's holding files of the same names. A cleanup that deletes by path name follows the link and deletes root's
 * files; one that deletes through the directory handle it opened deletes only the job's.
 */
class CleanupRaceImageTest {
    private static final int FILES = 20_000;

    @Test
    void aDirectorySwappedForALinkDuringCleanupCannotTurnItAgainstRootsFiles(@TempDir Path home) throws Exception {
        try (DedicatedUser user = DedicatedUser.create(AgentHarness.runwayForOtherUsers());
                AgentHarness harness = AgentHarness.start(home)) {
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx--x--x"));
            harness.useRunway(AgentHarness.runwayForOtherUsers());
            Path canaries = Files.createDirectories(home.resolve("canaries"));
            Files.setPosixFilePermissions(canaries, PosixFilePermissions.fromString("rwx------"));
            for (int i = 0; i < FILES; i++) {
                Files.createFile(canaries.resolve(name(i)));
            }
            // the escaped process proves it mounted the attack by leaving a mark here
            Path proof = Files.createDirectories(home.resolve("proof"));
            Files.setPosixFilePermissions(proof, PosixFilePermissions.fromString("rwxrwxrwx"));
            String marker = "swapper-" + UUID.randomUUID();

            AgentProcess agent = harness.launchAgent("race",
                    "task_user: " + user.name() + "\nmax_concurrent_tasks: 2\ncleanup_working_directory: true\n");
            JobStatus job = harness.submit("swaps", attack(canaries, proof, marker));

            JobStatus done = harness.awaitFinal(job.id(), Duration.ofSeconds(120));
            assertThat(done.state()).as(done.reason() + "\n" + agent.logText()).isEqualTo(JobState.SUCCESS);
            assertThat(ProcessScan.awaitNoneWithMarker(marker, Duration.ofSeconds(120)))
                    .as("the swapper ends once it has swapped").isEmpty();
            Path work = home.resolve("race").resolve("work");
            await().atMost(Duration.ofSeconds(60)).until(() -> taskDirectories(work) == 0
                    || agent.logText().contains("cleanup incomplete"));

            assertThat(proof.resolve("swapped")).as("the swapper swapped while cleanup ran").exists();
            assertThat(entries(canaries)).as("root's files left after the cleanup").isEqualTo(FILES);
            assertThat(taskDirectories(work)).as(() -> "left in the working directories: " + listing(work) + "\n"
                    + agent.logText()).isZero();
            agent.killTree();
        }
    }

    /**
     * Fills {@code victim/} with the canaries' names, then leaves a process outside the task's session and
     * environment that swaps {@code victim} for a link to the canaries once the cleanup has deleted a few entries.
     */
    private static String attack(Path canaries, Path proof, String marker) {
        String swapper = "my ($dir, $target, $proof, $total) = @ARGV; my $end = time + 90;"
                + " while (time < $end) { opendir(my $h, $dir) or exit 1;"
                + " my $n = grep { !/^[.]/ } readdir($h); closedir($h);"
                + " if ($n < $total - 20) { rename($dir, \"$dir.old\") or exit 2; symlink($target, $dir) or exit 3;"
                + " open(my $f, \">\", \"$proof/swapped\"); exit 0 } select(undef, undef, undef, 0.001) }";
        return "mkdir victim && cd victim && seq -f 'c%05g' 0 " + (FILES - 1) + " | xargs touch && cd ..\n"
                + "env -i setsid -f perl -e '" + swapper + "' \"$PWD/victim\" " + canaries + " " + proof + " "
                + FILES + " " + marker + "\n"
                + "echo left a swapper behind";
    }

    private static String name(int i) {
        return String.format("c%05d", i);
    }

    private static String listing(Path directory) {
        try (Stream<Path> walk = Files.walk(directory, 3)) {
            return walk.limit(10).map(Path::toString).toList().toString();
        } catch (IOException | UncheckedIOException e) {
            return e.toString();
        }
    }

    /** The tasks' working directories (the standby task agent's own directory is not a task's). */
    private static long taskDirectories(Path work) throws IOException {
        try (Stream<Path> list = Files.list(work)) {
            return list.filter(p -> !p.getFileName().toString().startsWith("runway-standby-")).count();
        }
    }

    private static long entries(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        try (Stream<Path> list = Files.list(directory)) {
            return list.count();
        }
    }
}
