package dev.runway.server.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runway.server.store.Pipeline;
import dev.runway.server.store.Project;
import dev.runway.server.store.Store;
import dev.runway.server.store.Workflow;
import dev.runway.server.store.h2.H2Store;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trigger against a real store and a real git repository: when the scheduler is woken, and what it finds. */
class PipelineTriggersTest {
    @Test
    void wakesTheSchedulerOnceTheWorkflowsExistBeforeThePipelineRowIsComplete(@TempDir Path temp)
            throws Exception {
        Path repo = TimedTriggersTest.repository(temp.resolve("repo"), TimedTriggersTest.CONFIG);
        try (Store store = H2Store.open(temp.resolve("data"))) {
            Project project = store.pipelines().createProject(new Project(UUID.randomUUID().toString(),
                    "gh/acme/app", "app", "acme", repo.toString(), "main", 0));
            List<String> seen = new ArrayList<>();
            PipelineTriggers triggers = new PipelineTriggers(store, new GitRepositories(temp.resolve("mirrors")),
                    PipelineSettings.defaults(), () -> {
                        // what a scheduler pass started now would read
                        for (Workflow workflow : store.pipelines().activeWorkflows()) {
                            Pipeline pipeline = store.pipelines().pipeline(workflow.pipelineId()).orElseThrow();
                            seen.add(workflow.name() + (pipeline.compiled() == null ? " before" : " after")
                                    + " the pipeline row got its compiled config");
                        }
                    }, Clock.systemUTC());

            Pipeline pipeline = triggers.trigger(project, TriggerRequest.api("main", null, null, "admin"));

            assertThat(pipeline.state()).isEqualTo("created");
            assertThat(seen).as("woken once, with the workflow there (the scheduled one runs on its schedule)")
                    .containsExactly("push before the pipeline row got its compiled config");
            assertThat(store.pipelines().pipeline(pipeline.id()).orElseThrow().compiled()).isNotNull();
        }
    }
}
