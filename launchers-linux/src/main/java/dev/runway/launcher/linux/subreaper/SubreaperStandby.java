package dev.runway.launcher.linux.subreaper;

import dev.runway.launcher.LaunchException;
import dev.runway.launcher.StandbyProcess;
import dev.runway.launcher.TaskProcess;

/**
 * A standby task agent under the subreaper: the process launcher's standby, registered as a root that adopts orphans
 * only from its hand-over on, and whose end takes the orphans its task left, as any task's does.
 */
final class SubreaperStandby implements StandbyProcess {
    private final StandbyProcess standby;
    private final OrphanAdoptingTable table;
    private final TaskProcess withOrphans;

    SubreaperStandby(StandbyProcess standby, OrphanAdoptingTable table, TaskProcess withOrphans) {
        this.standby = standby;
        this.table = table;
        this.withOrphans = withOrphans;
    }

    @Override
    public void handOver(byte[] input) throws LaunchException {
        table.standbyTakesTask(standby.pid());
        standby.handOver(input);
    }

    @Override
    public void dismiss() {
        standby.dismiss();
    }

    @Override
    public TaskProcess taskProcess() {
        return withOrphans;
    }
}
