package dev.runway.agent;

import dev.runway.client.ApiException;
import dev.runway.client.RunnerClient;
import dev.runway.protocol.RunnerApi.ClaimRequest;
import dev.runway.protocol.RunnerApi.ClaimResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.ObjIntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the server for work while the agent is not draining: one long poll at a time (the server holds it up to
 * {@link #LONG_POLL} until a task is ready). With a free slot, for any task; with every slot busy, and a server that
 * takes it ({@link RunnerClient#claimsAfterTasks}), for the slot of whichever running task the server closes first
 * ({@link BusySlots}): the job that requires a finished one is then claimed as the server queues it, not after the
 * launch agent has heard from the ending task agent and confirmed its end. Failures are retried after a jittered,
 * capped backoff ({@link ReconnectBackoff}). Ends when the agent drains, after one task in single-task mode, or when
 * idle_timeout expires; {@link #endReason()} says which.
 */
final class ClaimLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ClaimLoop.class);
    static final Duration LONG_POLL = Duration.ofSeconds(30);
    /** How often a loop waiting for a free slot looks at drain and idle state. */
    private static final Duration SLOT_CHECK = Duration.ofMillis(250);
    /** How long a task claimed for a busy slot waits for the closed task's slot where it could not take it over. */
    static final Duration FREED_SLOT_WAIT = Duration.ofSeconds(3);

    enum EndReason { DRAINING, SINGLE_TASK_CLAIMED, IDLE_TIMEOUT }

    /** The agent's busy slots, as a claim for the next task of one of them sees them. */
    interface BusySlots {
        /**
         * The running tasks that hold their slots; none where a slot may not take its next task before the last
         * one's task agent has exited ({@link LaunchAgent#slotsBeforeExit}).
         */
        List<String> tasksHoldingSlots();

        /**
         * The server closed {@code taskId} and answered a claim with a task for its slot: that slot's number, now the
         * new task's; 0 when it cannot be had now (its slot went back already, or its task agent is being stopped or
         * not started yet: the slot then goes back once that task is over).
         */
        int takeOver(String taskId);
    }

    private final AgentContext context;
    private final RunnerClient client;
    private final RunnerIdentity identity;
    private final Slots slots;
    private final BusySlots busySlots;
    private final IdleTimer idle;
    private final BooleanSupplier draining;
    /** The claimed task and the slot (1..max_concurrent_tasks) it runs in. */
    private final ObjIntConsumer<ClaimResponse> onTask;
    private final boolean singleTask;
    private final ReconnectBackoff backoff = new ReconnectBackoff();
    private volatile EndReason endReason;
    private boolean connectedOnce;
    /** The server refused a claim for a busy slot: from then on the loop waits for a free slot. */
    private volatile boolean afterTasksRefused;

    ClaimLoop(AgentContext context, RunnerClient client, RunnerIdentity identity, Slots slots, BusySlots busySlots,
            IdleTimer idle, BooleanSupplier draining, ObjIntConsumer<ClaimResponse> onTask) {
        this.context = context;
        this.client = client;
        this.identity = identity;
        this.slots = slots;
        this.busySlots = busySlots;
        this.idle = idle;
        this.draining = draining;
        this.onTask = onTask;
        this.singleTask = context.config().runner().mode() == dev.runway.config.Mode.SINGLE_TASK;
    }

    EndReason endReason() {
        return endReason;
    }

    /**
     * Whether a busy slot goes to the next task through this loop's claim for it, as soon as the server has closed
     * its task ({@link BusySlots}): the server takes such claims, and has not refused one.
     */
    boolean claimsForBusySlots() {
        return !afterTasksRefused && client.claimsAfterTasks();
    }

    @Override
    public void run() {
        try {
            endReason = loop();
        } catch (InterruptedException e) {
            endReason = EndReason.DRAINING; // interrupted only by a drain
        }
        LOG.debug("claim loop ended: {}", endReason);
    }

    private EndReason loop() throws InterruptedException {
        while (true) {
            if (draining.getAsBoolean()) {
                return EndReason.DRAINING;
            }
            if (idle.expired()) {
                LOG.info("nothing claimed for runner.idle_timeout; stopping");
                return EndReason.IDLE_TIMEOUT;
            }
            int slot = slots.take(Duration.ZERO);
            if (slot == 0) {
                List<String> ending = claimsForBusySlots() ? busySlots.tasksHoldingSlots() : List.of();
                if (!ending.isEmpty()) {
                    Optional<ClaimResponse> task = claimOnce(ending);
                    if (task.isPresent() && startInBusySlot(task.get())) {
                        return EndReason.DRAINING;
                    }
                    continue;
                }
                slot = slots.take(SLOT_CHECK);
                if (slot == 0) {
                    continue;
                }
            }
            boolean handedOver = false;
            try {
                Optional<ClaimResponse> task = claimOnce(null);
                if (task.isPresent()) {
                    if (draining.getAsBoolean()) {
                        giveBack(task.get());
                        return EndReason.DRAINING;
                    }
                    idle.taskStarted();
                    handedOver = true;
                    onTask.accept(task.get(), slot);
                    if (singleTask) {
                        LOG.info("single-task mode: claimed one task; no more claims");
                        return EndReason.SINGLE_TASK_CLAIMED;
                    }
                }
            } finally {
                if (!handedOver) {
                    slots.give(slot);
                }
            }
        }
    }

    /**
     * Starts a task claimed for a busy slot in the slot of the task the server closed, or in a slot freed meanwhile;
     * gives it back when there is none (or the agent drains). Answers whether the agent drains.
     */
    private boolean startInBusySlot(ClaimResponse task) throws InterruptedException {
        if (draining.getAsBoolean()) {
            giveBack(task);
            return true;
        }
        int slot = task.replacesTask() == null ? 0 : busySlots.takeOver(task.replacesTask());
        if (slot == 0) {
            // the task the server closed gives its slot back once it is over; the claim's first lease is longer
            slot = slots.take(task.replacesTask() == null ? Duration.ZERO : FREED_SLOT_WAIT);
        }
        if (slot == 0) {
            if (task.replacesTask() == null) {
                LOG.warn("the server answered a claim for a busy slot without naming the task it closed; "
                        + "claiming only for free slots from now on");
                afterTasksRefused = true;
            }
            giveBack(task);
            return false;
        }
        idle.taskStarted();
        onTask.accept(task, slot);
        return false;
    }

    /**
     * One claim, for a free slot ({@code afterTasks} null) or for the slot of the first of {@code afterTasks} the
     * server closes; on failure waits out the backoff and answers empty.
     */
    private Optional<ClaimResponse> claimOnce(List<String> afterTasks) throws InterruptedException {
        long started = System.nanoTime();
        try {
            Optional<ClaimResponse> task = client.claim(new ClaimRequest(identity.name(), identity.hostname(),
                    identity.version(), identity.os(), identity.arch(), afterTasks == null ? slots.free() + 1
                    : slots.free(), waitSeconds(), afterTasks));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            connectedOnce = true;
            if (backoff.consecutiveFailures() > 0) {
                LOG.info("connected to {} again after {} failed claims", context.config().api().url(),
                        backoff.consecutiveFailures());
            }
            backoff.reset();
            context.health().apiAnswered();
            if (task.isPresent()) {
                context.metrics().taskClaimed(took);
            } else {
                context.metrics().claimEmpty(took);
            }
            return task;
        } catch (ApiException e) {
            if (afterTasks != null && e.status() == 400) {
                // e.g. a server that has its own reasons not to take them: claim for free slots, as before
                LOG.warn("the server refused a claim for a busy slot; claiming only for free slots from now on: {}",
                        e.getMessage());
                afterTasksRefused = true;
                return Optional.empty();
            }
            context.metrics().apiError();
            context.health().apiFailed(e.getMessage());
            Duration pause = backoff.nextDelay(e.retryAfter().orElse(null));
            if (e.status() == 401 || e.status() == 403) {
                LOG.error("the server refused the resource-class token (check api.auth_token): {}", e.getMessage());
                pause = pause.plus(Duration.ofSeconds(5)); // a wrong token will not fix itself within a second
            } else if (backoff.consecutiveFailures() == 1 || backoff.consecutiveFailures() % 30 == 0) {
                LOG.warn("claim failed ({} in a row), retrying: {}", backoff.consecutiveFailures(), e.getMessage());
            } else {
                LOG.debug("claim failed, retrying in {} ms: {}", pause.toMillis(), e.getMessage());
            }
            Thread.sleep(pause.toMillis());
            return Optional.empty();
        }
    }

    /**
     * The first claim does not wait (so READY comes at once); later ones hold for the long poll, but not past the
     * idle timeout.
     */
    private int waitSeconds() {
        if (!connectedOnce) {
            return 0;
        }
        long seconds = LONG_POLL.toSeconds();
        Duration idleLeft = idle.remaining();
        if (idleLeft != null) {
            seconds = Math.min(seconds, Math.max(1, (idleLeft.toMillis() + 999) / 1000));
        }
        return (int) seconds;
    }

    /** A task that arrived as the drain began goes back to the queue untouched. */
    private void giveBack(ClaimResponse task) throws InterruptedException {
        Thread.interrupted(); // the drain's interrupt must not cut the unclaim short
        try {
            client.forTask(task).unclaim();
            LOG.info("[task {}] given back: the agent is draining", task.taskId());
        } catch (ApiException e) {
            LOG.warn("[task {}] could not give the task back (its lease will lapse and requeue it): {}",
                    task.taskId(), e.getMessage());
        }
    }
}
