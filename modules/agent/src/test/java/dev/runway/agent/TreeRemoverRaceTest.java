package dev.runway.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack on cleanup: a process of the job (escaped, or of a concurrent task of the same user) keeps swapping a
 * subdirectory of the working directory for a symbolic link to a directory it must never reach, while the agent
 * (root in production) removes the tree. Removal through path names checked and then opened again loses that race;
 * removal through directory handles cannot follow the link whatever the timing.
 */
class TreeRemoverRaceTest {
    private static final int ROUNDS = 30;
    private static final int DIRECTORIES = 16;
    private static final int FILES = 40;

    @TempDir
    Path temp;

    @Test
    void aDirectorySwappedForALinkDuringRemovalNeverLetsCleanupReachTheLinkTarget() throws Exception {
        Path canary = Files.createDirectories(temp.resolve("root-owned"));
        for (int i = 0; i < FILES; i++) {
            Files.writeString(canary.resolve("f" + i), "must survive");
        }
        for (int round = 0; round < ROUNDS; round++) {
            Path work = Files.createDirectories(temp.resolve("work-" + round));
            for (int d = 0; d < DIRECTORIES; d++) {
                Path dir = Files.createDirectories(work.resolve("d" + d));
                for (int i = 0; i < FILES; i++) {
                    Files.writeString(dir.resolve("f" + i), "job file");
                }
            }
            AtomicBoolean stop = new AtomicBoolean();
            Thread swapper = new Thread(() -> swapUntilStopped(work, canary, stop), "swapper");
            swapper.start();
            try {
                TreeRemover.remove(work);
            } catch (IOException expected) {
                // Losing entries to the swapper is allowed; reaching the canary is not.
            } finally {
                stop.set(true);
                swapper.join();
            }
            try (Stream<Path> left = Files.list(canary)) {
                assertThat(left.count()).as("canary files left after round %d", round).isEqualTo(FILES);
            }
        }
    }

    /** Turns each d<i> into a link to the canary and back, as fast as it can. */
    private static void swapUntilStopped(Path work, Path canary, AtomicBoolean stop) {
        while (!stop.get()) {
            for (int d = 0; d < DIRECTORIES && !stop.get(); d++) {
                Path dir = work.resolve("d" + d);
                Path aside = work.resolve("aside" + d);
                try {
                    Files.move(dir, aside);
                    Files.createSymbolicLink(dir, canary);
                    Thread.onSpinWait();
                    Files.delete(dir);
                    Files.move(aside, dir);
                } catch (IOException | RuntimeException gone) {
                    // The remover took part of it: put a link back where a directory was, if we can.
                    try {
                        if (Files.exists(aside, LinkOption.NOFOLLOW_LINKS)
                                && !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                            Files.move(aside, dir);
                        }
                    } catch (IOException ignored) {
                        // The remover is winning; fine.
                    }
                }
            }
        }
    }
}
