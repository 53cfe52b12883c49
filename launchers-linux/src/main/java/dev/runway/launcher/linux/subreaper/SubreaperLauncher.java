package dev.runway.launcher.linux.subreaper;

import dev.runway.launcher.LaunchException;
import dev.runway.launcher.LaunchSpec;
import dev.runway.launcher.Launcher;
import dev.runway.launcher.Leftover;
import dev.runway.launcher.StandbyProcess;
import dev.runway.launcher.TaskProcess;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * The process launcher, plus what a subreaper needs: orphans that come back to the agent are reaped when they die
 * and killed with their task. The agent stays a subreaper after close.
 */
final class SubreaperLauncher implements Launcher {
    private final Launcher launcher;
    private final OrphanAdoptingTable table;
    private final StrayOrphans strays;
    private final ZombieReaper reaper;
    private final ExecutorService ladders;

    SubreaperLauncher(Launcher launcher, OrphanAdoptingTable table, StrayOrphans strays, ZombieReaper reaper,
            ExecutorService ladders) {
        this.launcher = launcher;
        this.table = table;
        this.strays = strays;
        this.reaper = reaper;
        this.ladders = ladders;
    }

    @Override
    public String id() {
        return SubreaperLauncherProvider.ID;
    }

    @Override
    public TaskProcess start(LaunchSpec spec) throws LaunchException {
        TaskProcess task = launcher.start(spec);
        long rootStartTime = table.addRoot(task.pid());
        return new SubreaperTaskProcess(task, strays, rootStartTime, ladders);
    }

    /** As the launcher it wraps: it may start before {@code stdin} is done. */
    @Override
    public TaskProcess start(LaunchSpec spec, java.util.concurrent.CompletableFuture<byte[]> stdin)
            throws LaunchException, InterruptedException {
        TaskProcess task = launcher.start(spec, stdin);
        long rootStartTime = table.addRoot(task.pid());
        return new SubreaperTaskProcess(task, strays, rootStartTime, ladders);
    }

    @Override
    public Optional<StandbyProcess> startStandby(LaunchSpec spec) throws LaunchException {
        Optional<StandbyProcess> started = launcher.startStandby(spec);
        if (started.isEmpty()) {
            return started;
        }
        StandbyProcess standby = started.get();
        long rootStartTime = table.addStandbyRoot(standby.pid());
        return Optional.of(new SubreaperStandby(standby, table,
                new SubreaperTaskProcess(standby, strays, rootStartTime, ladders)));
    }

    @Override
    public List<Leftover> findLeftovers() {
        return launcher.findLeftovers();
    }

    @Override
    public void remove(Leftover leftover) throws LaunchException {
        launcher.remove(leftover);
    }

    @Override
    public void close() {
        reaper.close();
        launcher.close();
        ladders.shutdown();
    }
}
