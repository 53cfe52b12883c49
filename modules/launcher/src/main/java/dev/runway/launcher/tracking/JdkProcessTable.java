package dev.runway.launcher.tracking;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The portable fallback: what {@link ProcessHandle} can tell (pid, parent, start time). It knows no sessions, groups,
 * states or environments, so only descent links processes to a task; platforms with a better table use theirs.
 */
public final class JdkProcessTable implements ProcessTable {
    @Override
    public List<ProcessInfo> snapshot() {
        return ProcessHandle.allProcesses().map(JdkProcessTable::info).flatMap(Optional::stream)
                .collect(Collectors.toList());
    }

    @Override
    public Optional<ProcessInfo> process(long pid) {
        return ProcessHandle.of(pid).flatMap(JdkProcessTable::info);
    }

    @Override
    public Optional<String> environmentVariable(long pid, String name) {
        return Optional.empty();
    }

    @Override
    public Optional<String> commandLine(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().commandLine());
    }

    private static Optional<ProcessInfo> info(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return Optional.empty();
        }
        long start = handle.info().startInstant().map(i -> i.toEpochMilli()).orElse(-1L);
        long ppid = handle.parent().map(ProcessHandle::pid).orElse(0L);
        return Optional.of(new ProcessInfo(handle.pid(), ppid, -1, -1, -1, start, ProcessState.OTHER));
    }
}
