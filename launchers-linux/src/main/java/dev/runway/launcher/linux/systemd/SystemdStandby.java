package dev.runway.launcher.linux.systemd;

import dev.runway.launcher.HandoverWriter;
import dev.runway.launcher.LaunchException;
import dev.runway.launcher.StandbyProcess;
import dev.runway.launcher.TaskProcess;
import dev.runway.launcher.linux.jna.OpenStdinPipe;
import java.util.concurrent.ExecutorService;

/** A task agent started ahead of its task in a transient unit of its own, its standard input a pipe held open here. */
final class SystemdStandby implements StandbyProcess {
    private final SystemdTaskProcess unit;
    private final OpenStdinPipe stdin;
    private final ExecutorService writer;

    SystemdStandby(SystemdTaskProcess unit, OpenStdinPipe stdin, ExecutorService writer) {
        this.unit = unit;
        this.stdin = stdin;
        this.writer = writer;
        unit.onExit().whenComplete((status, error) -> stdin.closeWriteEnd());
    }

    @Override
    public void handOver(byte[] input) throws LaunchException {
        if (unit.onExit().isDone()) {
            throw new LaunchException("launch " + launchId() + ": the standby task agent's unit " + unit.unit()
                    + " has ended (" + unit.onExit().getNow(null) + ")");
        }
        HandoverWriter.write(this, () -> stdin.writeAndClose(input), writer);
    }

    @Override
    public void dismiss() {
        stdin.closeWriteEnd();
    }

    @Override
    public TaskProcess taskProcess() {
        return unit;
    }
}
