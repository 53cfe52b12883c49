package dev.runway.launcher.linux.subreaper;

import com.sun.jna.LastErrorException;
import dev.runway.launcher.linux.jna.LibC;
import dev.runway.launcher.tracking.ProcessId;
import dev.runway.launcher.tracking.ProcessInfo;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reaps orphans that died after re-parenting to the agent (as a subreaper, or as a container's PID 1), which nobody
 * else waits for. Never {@code waitpid(-1)}: that would steal the exit status of processes the JVM started (their
 * {@link Process#waitFor()} would then lie). Only a zombie child that is an orphan (see {@link OrphanAdoptingTable})
 * and was already a zombie one round earlier is reaped, by its pid: the JVM waits for its own children at once.
 */
final class ZombieReaper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ZombieReaper.class);
    private static final long INTERVAL_MILLIS = 500;

    private final OrphanAdoptingTable table;
    private final ScheduledExecutorService scheduler;
    private Set<ProcessId> zombiesLastRound = Set.of();

    ZombieReaper(OrphanAdoptingTable table) {
        this.table = table;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "runway-zombie-reaper");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::reapOnce, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** One round; returns how many zombies were reaped. */
    synchronized int reapOnce() {
        try {
            List<ProcessInfo> snapshot = table.snapshot();
            Set<ProcessId> zombies = table.orphans(snapshot).stream().filter(p -> !p.isAlive())
                    .map(ProcessInfo::id).collect(Collectors.toCollection(HashSet::new));
            int reaped = 0;
            for (ProcessId zombie : zombies) {
                if (zombiesLastRound.contains(zombie) && reap(zombie.pid())) {
                    reaped++;
                }
            }
            zombiesLastRound = zombies;
            return reaped;
        } catch (RuntimeException e) {
            LOG.warn("reaping orphaned zombies failed: {}", e.toString()); // next round retries
            return 0;
        }
    }

    private static boolean reap(long pid) {
        try {
            return LibC.INSTANCE.waitpid((int) pid, new int[1], LibC.WNOHANG) == pid;
        } catch (LastErrorException e) {
            return false; // ECHILD: someone else reaped it
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
