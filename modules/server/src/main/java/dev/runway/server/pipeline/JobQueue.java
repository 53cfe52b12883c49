package dev.runway.server.pipeline;

import dev.runway.protocol.RunnerApi.Checkout;
import dev.runway.protocol.RunnerApi.StepSpec;
import java.util.List;
import java.util.Map;

/** What the scheduler needs of the server's job queue, which lives outside this package. */
public interface JobQueue {
    /**
     * The stored definition of a job that runs {@code steps} (what a runner's task agent gets); {@code secrets} are
     * added to its environment, sealed at rest and masked in its output.
     */
    String definition(List<StepSpec> steps, Map<String, String> environment, Map<String, String> secrets,
            Checkout checkout);

    /** The id of the key that seals the secrets of the definitions made now. */
    String secretsKey();

    /** Jobs of the class were queued: wake its waiting claims. */
    void queued(String resourceClassId);

    /** Cancels a job: at once when queued, through the task's cancel when running. */
    void cancel(String jobId);
}
