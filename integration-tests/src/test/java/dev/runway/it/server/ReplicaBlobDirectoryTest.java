package dev.runway.it.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runway.it.support.ReplicatedServers;
import dev.runway.it.support.RunwayImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas of the image's {@code runway server} on one PostgreSQL must share one blob directory (caches, workspaces
 * and artifacts stored through one are read through the others): replicas that mount the shared directory start, a
 * replica with a blob directory of its own is refused at its start with the directory named, instead of answering
 * "no such blob" for what the others stored.
 */
class ReplicaBlobDirectoryTest {
    @TempDir
    Path home;

    @Test
    void aReplicaWhoseBlobDirectoryIsNotTheSharedOneDoesNotStart() throws Exception {
        RunwayImage.runway();
        try (ReplicatedServers servers = ReplicatedServers.start(home, 2, "60s")) {
            assertThat(servers.replicas()).allMatch(replica -> replica.isAlive());
            String mark = Files.readString(home.resolve("blobs/blob-directory-mark")).strip();
            assertThat(mark).matches("[0-9a-f-]{36}");

            Path own = home.resolve("replica-2/blobs");
            assertThatThrownBy(() -> servers.startReplica(2, false)).isInstanceOf(IOException.class)
                    .hasMessageContaining("runway server exited")
                    .hasMessageContaining("blob directory " + own + " has no blob-directory-mark file")
                    .hasMessageContaining("marked " + mark);
            assertThat(own.resolve("blob-directory-mark")).doesNotExist();
        }
    }
}
