package dev.runway.launcher.tracking;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signals without native code. Java sends only SIGTERM and SIGKILL ({@link ProcessHandle#destroy()} /
 * {@link ProcessHandle#destroyForcibly()}, which themselves refuse a pid whose start time changed); SIGSTOP and
 * SIGCONT go through one {@code kill -s SIG pid...} invocation of the shell's built-in kill for all targets.
 */
public final class PosixSignaller implements Signaller {
    private static final Logger LOG = LoggerFactory.getLogger(PosixSignaller.class);

    private final ProcessTable table;

    public PosixSignaller(ProcessTable table) {
        this.table = table;
    }

    @Override
    public void send(Signal signal, Collection<ProcessInfo> targets) {
        List<Long> pids = new ArrayList<>();
        for (ProcessInfo target : targets) {
            if (SafeTargets.mayBeSignalled(target) && isStill(target)) {
                pids.add(target.pid());
            }
        }
        if (pids.isEmpty()) {
            return;
        }
        switch (signal) {
            case TERM:
                pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
                break;
            case KILL:
                pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
                break;
            default:
                runKill(signal, pids);
        }
    }

    /** The identity check: the pid still belongs to the process the snapshot saw. */
    private boolean isStill(ProcessInfo target) {
        Optional<ProcessInfo> now = table.process(target.pid());
        return now.isPresent() && now.get().startTime() == target.startTime() && now.get().isAlive();
    }

    private static void runKill(Signal signal, List<Long> pids) {
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "kill -s \"$0\" \"$@\" 2>/dev/null",
                signal.name()));
        pids.forEach(pid -> command.add(Long.toString(pid)));
        try {
            Process kill = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.getOutputStream().close();
            kill.waitFor(); // non-zero when some pid is gone meanwhile: expected, nothing to do
        } catch (IOException e) {
            LOG.warn("cannot run kill -s {}: {}", signal, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
