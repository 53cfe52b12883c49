package dev.runway.launcher.tracking;

import java.util.List;
import java.util.Optional;

/**
 * The machine's processes, as the tracker needs them. Linux reads /proc ({@link ProcFsProcessTable}); macOS reads
 * libproc (launchers-macos); {@link JdkProcessTable} is the portable fallback. Implementations are thread-safe.
 */
public interface ProcessTable {
    /** Every process that exists now (processes that vanish while the table is read are left out). */
    List<ProcessInfo> snapshot();

    /** One process, if it exists now. */
    Optional<ProcessInfo> process(long pid);

    /**
     * The value of {@code name} in the environment the process was started (exec'd) with; empty when absent or not
     * readable (another user's process, unless the agent is root).
     */
    Optional<String> environmentVariable(long pid, String name);

    /** The process's command line for logs, if readable. */
    Optional<String> commandLine(long pid);
}
