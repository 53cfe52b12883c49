package dev.runway.agent;

import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM and SIGINT, counted (Buildkite's and CircleCI's semantics): the 1st drains, the 2nd cancels running tasks
 * and exits after the grace period, the 3rd kills every task tree at once and exits. Shutdown hooks cannot tell the
 * 1st from the 2nd, hence {@code sun.misc.Signal}.
 */
public final class ShutdownSignals {
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownSignals.class);

    /** What the n-th signal asks for. */
    enum Action { DRAIN, CANCEL, KILL }

    private final LaunchAgent agent;
    private final AtomicInteger received = new AtomicInteger();

    ShutdownSignals(LaunchAgent agent) {
        this.agent = agent;
    }

    /** Routes SIGTERM and SIGINT of this JVM to {@code agent} (replacing the JVM's exit on those signals). */
    public static ShutdownSignals install(LaunchAgent agent) {
        ShutdownSignals signals = new ShutdownSignals(agent);
        for (String name : new String[] {"TERM", "INT"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> signals.received("SIG" + signal.getName()));
        }
        return signals;
    }

    static Action actionFor(int count) {
        return count <= 1 ? Action.DRAIN : count == 2 ? Action.CANCEL : Action.KILL;
    }

    void received(String signal) {
        int count = received.incrementAndGet();
        switch (actionFor(count)) {
            case DRAIN:
                LOG.info("{} received: draining (no new tasks; running tasks go on up to max_run_time). "
                        + "Send it again to cancel them.", signal);
                agent.drain();
                break;
            case CANCEL:
                LOG.info("{} received again: canceling running tasks; exiting after the grace period", signal);
                agent.cancelRunning();
                break;
            default:
                LOG.warn("{} received a third time: killing every task now", signal);
                agent.killNow();
        }
    }
}
