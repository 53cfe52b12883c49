package dev.runway.agent;

import dev.runway.client.ApiException;
import dev.runway.client.HttpTransport;
import dev.runway.client.TaskClient;
import dev.runway.launcher.LaunchException;
import dev.runway.launcher.Leftover;
import dev.runway.protocol.RunnerApi.InfraFailure;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start-up, clears up after an earlier launch agent that died with tasks running: whatever its tasks left running
 * is stopped (the launcher's leftovers), and each task that has a state file is reported as an infrastructure
 * failure with its own token, then forgotten.
 */
final class CrashRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(CrashRecovery.class);

    private final AgentContext context;
    private final HttpTransport transport;

    CrashRecovery(AgentContext context, HttpTransport transport) {
        this.context = context;
        this.transport = transport;
    }

    /** Stops every leftover process tree. Fast and local: done before the first claim. */
    void removeLeftovers() {
        List<Leftover> leftovers = context.launcher().findLeftovers();
        for (Leftover leftover : leftovers) {
            LOG.warn("an earlier run left {} (launch id {}); stopping it", leftover.description(),
                    leftover.launchId());
            try {
                context.launcher().remove(leftover);
            } catch (LaunchException e) {
                LOG.error("could not remove {}: {}", leftover.description(), e.getMessage());
            }
        }
    }

    /** The tasks an earlier run was running, from their state files. */
    List<TaskStateStore.TaskState> interruptedTasks() {
        try {
            return context.stateStore().all();
        } catch (IOException e) {
            LOG.error("could not read task states in {}: {}", context.stateStore().directory(), e.getMessage());
            return List.of();
        }
    }

    /** Reports each interrupted task (retrying while the server is away), cleans up, deletes its state. */
    void reportInterrupted(List<TaskStateStore.TaskState> tasks) throws InterruptedException {
        for (TaskStateStore.TaskState task : tasks) {
            LOG.warn("[task {}] was running when an earlier launch agent stopped; reporting it failed",
                    task.taskId());
            TaskClient client = new TaskClient(transport, task.taskId(), task.taskToken());
            try {
                client.fail(new InfraFailure("the launch agent running this task stopped unexpectedly", null, ""));
            } catch (ApiException e) {
                if (e.retryable()) {
                    LOG.error("[task {}] could not report it (will try again at the next start): {}",
                            task.taskId(), e.getMessage());
                    continue;
                }
                LOG.info("[task {}] the server did not take the report (already finished?): {}", task.taskId(),
                        e.getMessage());
            }
            if (context.config().runner().cleanupWorkingDirectory() && task.workingDirectory() != null) {
                try {
                    TreeRemover.remove(Path.of(task.workingDirectory()));
                } catch (IOException e) {
                    LOG.warn("[task {}] cleanup incomplete: {}", task.taskId(), e.getMessage());
                }
            }
            context.stateStore().delete(task.launchId());
        }
    }
}
