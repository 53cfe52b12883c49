package dev.runway.launcher.linux.subreaper;

import dev.runway.launcher.process.LaunchMarker;
import dev.runway.launcher.tracking.ProcessInfo;
import dev.runway.launcher.tracking.Signaller;
import dev.runway.launcher.tracking.TreeTracker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills what ended tasks left re-parented to the agent and no running task can have started: orphans born after a
 * task's root that no live task root claims (the tracker missed them because their parent died between two samples
 * and they scrubbed the marker). Each goes with its own session and descendants, through the kill ladder.
 *
 * <p>Where the agent is a container's PID 1, every orphan of the container comes back to it: a daemon started with
 * {@code docker exec} while a task ran, and left without a parent, looks the same and goes too.
 */
final class StrayOrphans {
    private static final Logger LOG = LoggerFactory.getLogger(StrayOrphans.class);

    private final OrphanAdoptingTable table;
    private final Signaller signaller;
    private final Duration grace;
    private final Executor ladders;

    StrayOrphans(OrphanAdoptingTable table, Signaller signaller, Duration grace, Executor ladders) {
        this.table = table;
        this.signaller = signaller;
        this.grace = grace;
        this.ladders = ladders;
    }

    /** Terminates (TERM, grace, KILL) every unclaimed orphan started no earlier than {@code startTime}. */
    void killBornSince(long startTime) {
        // A process with a launch marker is found by its task's tracker; a root that is being started (not yet
        // registered) has one too, so it is never taken for a stray.
        List<ProcessInfo> strays = table.orphans(table.snapshot()).stream()
                .filter(p -> p.isAlive() && p.startTime() >= startTime
                        && table.environmentVariable(p.pid(), LaunchMarker.LAUNCH_ID).isEmpty())
                .collect(Collectors.toList());
        if (strays.isEmpty()) {
            return;
        }
        LOG.info("killing {} process(es) an ended task left behind: {}", strays.size(),
                strays.stream().map(p -> Long.toString(p.pid())).collect(Collectors.joining(", ")));
        CompletableFuture.allOf(strays.stream()
                .map(p -> CompletableFuture.runAsync(
                        () -> TreeTracker.forRoot(table, signaller, p.pid(), Map.of()).terminate(grace), ladders))
                .toArray(CompletableFuture[]::new)).join();
    }
}
