package dev.runway.it.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runway.client.HttpTransport;
import dev.runway.client.ManagementClient;
import dev.runway.client.PipelinesClient;
import dev.runway.it.support.GitRepositories;
import dev.runway.it.support.LaunchAgentProcess;
import dev.runway.it.support.ReplicatedServers;
import dev.runway.it.support.RunwayImage;
import dev.runway.it.support.Waits;
import dev.runway.protocol.PipelinesApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas of the image's {@code runway server} on one PostgreSQL must share one blob directory (caches, workspaces
 * and artifacts stored through one are read through the others): replicas that mount the shared directory start, a
 * replica with a blob directory of its own is refused at its start with the directory named, instead of answering
 * "no such blob" for what the others stored; a workspace and a cache saved by a job claimed through one replica are
 * attached and restored by a job claimed through another.
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

    @Test
    void aJobClaimedThroughAnotherReplicaAttachesTheWorkspaceAndRestoresTheCache() throws Exception {
        RunwayImage.runway();
        Path repo = Files.createDirectories(home.resolve("repo/.circleci")).getParent();
        Files.writeString(repo.resolve(".circleci/config.yml"), """
                version: 2.1
                jobs:
                  produce:
                    machine: true
                    resource_class: shared/first
                    steps:
                      - run: mkdir -p out deps && head -c 3000000 /dev/urandom > out/data.bin && cp out/data.bin deps/
                      - run: sha256sum out/data.bin > sum.txt
                      - save_cache: {key: deps-v1, paths: [deps]}
                      - persist_to_workspace: {root: ., paths: [out, sum.txt]}
                  consume:
                    machine: true
                    resource_class: shared/second
                    steps:
                      - attach_workspace: {at: ws}
                      - restore_cache: {key: deps-v1}
                      - run: cd ws && sha256sum -c sum.txt && cmp out/data.bin ../deps/data.bin && echo BYTES-MATCH
                workflows:
                  main:
                    jobs: [produce, {consume: {requires: [produce]}}]
                """);
        GitRepositories.commitAll(repo, "config");
        try (ReplicatedServers servers = ReplicatedServers.start(home, 2, "60s")) {
            ManagementClient management = servers.management(0);
            management.createNamespace("shared", "org-shared");
            List<LaunchAgentProcess> agents = new ArrayList<>();
            try {
                // the producing job is claimed through replica 0 and the consuming one through replica 1
                for (int i = 0; i < 2; i++) {
                    String resourceClass = "shared/" + (i == 0 ? "first" : "second");
                    management.createResourceClass(resourceClass, "replica " + i);
                    agents.add(LaunchAgentProcess.start(List.of(), home.resolve("agent-" + i), "agent-" + i,
                            servers.uri(i).toString(), management.createToken(resourceClass, "t").token(),
                            "max_concurrent_tasks: 1\n", Map.of()));
                }
                PipelinesClient pipelines = new PipelinesClient(new HttpTransport(servers.uri(0),
                        Duration.ofSeconds(30)), servers.replica(0).adminToken());
                String slug = pipelines.createProject(new PipelinesApi.ProjectCreate("shared", repo.toString(),
                        "repo", "main")).slug();
                String pipeline = pipelines.trigger(slug, "main", null, Map.of()).id();
                PipelinesClient throughOther = new PipelinesClient(new HttpTransport(servers.uri(1),
                        Duration.ofSeconds(30)), servers.replica(1).adminToken());
                JsonNode workflow = Waits.lastUntil(Duration.ofMinutes(3), Duration.ofMillis(250),
                        () -> throughOther.workflows(pipeline).path("items").path(0),
                        found -> found.path("status").asText().matches("success|failed|error|canceled"));
                assertThat(workflow.path("status").asText()).as(agents.get(1).logText()).isEqualTo("success");
                assertThat(agents.get(0).logText()).contains("claimed");
                assertThat(agents.get(1).logText()).contains("claimed");
            } finally {
                for (LaunchAgentProcess agent : agents) {
                    agent.kill();
                }
            }
        }
    }
}
