package dev.runway.launcher.process;

import dev.runway.launcher.HandoverWriter;
import dev.runway.launcher.LaunchException;
import dev.runway.launcher.StandbyProcess;
import dev.runway.launcher.TaskProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ExecutorService;

/** A task agent child process started ahead of its task, its standard input open until the task is handed over. */
final class ProcessStandby implements StandbyProcess {
    private final TrackedTaskProcess tracked;
    private final Process process;
    private final ExecutorService writer;

    ProcessStandby(TrackedTaskProcess tracked, Process process, ExecutorService writer) {
        this.tracked = tracked;
        this.process = process;
        this.writer = writer;
    }

    @Override
    public void handOver(byte[] input) throws LaunchException {
        if (!process.isAlive()) {
            throw new LaunchException("launch " + launchId() + ": the standby task agent has exited (exit status "
                    + process.exitValue() + ")");
        }
        HandoverWriter.write(this, () -> {
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(input);
            }
        }, writer);
    }

    @Override
    public void dismiss() {
        try {
            process.getOutputStream().close();
        } catch (IOException alreadyClosed) {
            // it has ended: nothing to tell it
        }
    }

    @Override
    public TaskProcess taskProcess() {
        return tracked;
    }
}
