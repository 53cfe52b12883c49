package dev.runway.it.faults;

import dev.runway.client.ApiException;
import dev.runway.client.HttpTransport;
import dev.runway.client.PipelinesClient;
import dev.runway.it.support.GitRepository;
import dev.runway.it.support.Waits;
import dev.runway.protocol.PipelinesApi;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The project a fault run triggers its workflows on: a git repository made here with the {@link FaultWorkflow}'s
 * config, the project pointing at it, and the pipelines triggered so far (pipeline id -> its {@code prefix}).
 */
final class FaultPipelines {
    private final FaultCluster cluster;
    private final FaultWorkflow workflow;
    private final String slug;
    private final Map<String, String> triggered = new LinkedHashMap<>();
    /** The server keeps its port and admin token across restarts: one client serves the whole run. */
    private final PipelinesClient client;

    private FaultPipelines(FaultCluster cluster, FaultWorkflow workflow, String slug, PipelinesClient client) {
        this.cluster = cluster;
        this.workflow = workflow;
        this.slug = slug;
        this.client = client;
    }

    /** Commits the workflow's config to a new repository under the cluster's home and creates its project. */
    static FaultPipelines create(FaultCluster cluster, FaultWorkflow workflow) throws Exception {
        GitRepository repository = GitRepository.withConfig(cluster.home.resolve("repository"), workflow.config());
        PipelinesClient client = new PipelinesClient(new HttpTransport(cluster.managementUri,
                Duration.ofSeconds(20)), cluster.server.adminToken());
        PipelinesApi.Project project = client.createProject(new PipelinesApi.ProjectCreate(FaultCluster.NAMESPACE,
                repository.directory().toString(), "fault-flows", "main"));
        return new FaultPipelines(cluster, workflow, project.slug(), client);
    }

    PipelinesClient client() {
        return client;
    }

    /**
     * Triggers a pipeline on main with {@code prefix}; while the server is coming back (a kill), tries again for up
     * to 30 s. Fails the run when the server refuses the trigger (a bad config is the suite's bug).
     */
    void trigger(String prefix) throws Exception {
        AtomicReference<ApiException> refused = new AtomicReference<>();
        PipelinesApi.PipelineCreated created = Waits.lastUntil(Duration.ofSeconds(30), Duration.ofMillis(200), () -> {
            try {
                return client.trigger(slug, "main", null, Map.of("prefix", prefix));
            } catch (ApiException e) {
                if (e.status() != 0 && e.status() < 500) {
                    refused.set(e);
                }
                return null;
            }
        }, answer -> answer != null || refused.get() != null);
        if (created == null) {
            throw new AssertionError("cannot trigger a pipeline of " + slug + ": " + refused.get(), refused.get());
        }
        triggered.put(created.id(), prefix);
        cluster.tally.jobs(workflow.jobs().size());
    }

    FaultWorkflow workflow() {
        return workflow;
    }

    /** Pipeline id -> the prefix it was triggered with. */
    Map<String, String> triggered() {
        return triggered;
    }
}
