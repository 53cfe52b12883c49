package dev.runway.launcher.linux.subreaper;

import dev.runway.launcher.tracking.ProcessId;
import dev.runway.launcher.tracking.ProcessInfo;
import dev.runway.launcher.tracking.ProcessTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The process table as a subreaper agent sees it. An orphan re-parented to the agent lost its link to the task that
 * started it; this table links it back, as a child of the task root that most recently started before it, so that the
 * task's {@link dev.runway.launcher.tracking.TreeTracker} keeps it even when it also left the task's session and
 * scrubbed its environment.
 *
 * <p>Which children of the agent are orphans: task roots are registered by the launcher as it starts them; the agent's
 * other children (helpers such as {@code id} or {@code kill}) stay in the agent's session; task processes never do
 * (each task root starts a session of its own). So a child of the agent outside the agent's session that is not a
 * task root can only be an orphan.
 */
final class OrphanAdoptingTable implements ProcessTable {
    private final ProcessTable table;
    private final long agentPid;
    private final long agentSid;
    /** Task roots, kept until the JVM has collected them (a zombie root's exit status is the JVM's, not ours). */
    private final Set<ProcessId> roots = new HashSet<>();

    OrphanAdoptingTable(ProcessTable table, long agentPid) {
        this.table = table;
        this.agentPid = agentPid;
        this.agentSid = table.process(agentPid).map(ProcessInfo::sid).orElse(-1L);
    }

    /** Registers a task root the launcher just started. */
    void addRoot(long pid) {
        table.process(pid).ifPresent(root -> {
            synchronized (roots) {
                roots.add(root.id());
            }
        });
    }

    @Override
    public List<ProcessInfo> snapshot() {
        List<ProcessInfo> snapshot = table.snapshot();
        List<ProcessInfo> children = snapshot.stream().filter(p -> p.ppid() == agentPid)
                .collect(Collectors.toList());
        List<ProcessInfo> taskRoots;
        synchronized (roots) {
            roots.retainAll(children.stream().map(ProcessInfo::id).collect(Collectors.toSet()));
            taskRoots = children.stream().filter(p -> p.isAlive() && roots.contains(p.id()))
                    .collect(Collectors.toList());
        }
        List<ProcessInfo> adopted = new ArrayList<>(snapshot.size());
        for (ProcessInfo p : snapshot) {
            adopted.add(p.isAlive() && isOrphan(p) ? adopt(p, taskRoots) : p);
        }
        return adopted;
    }

    /**
     * Orphans in a snapshot of this table that no running task adopted (zombies included): what is left of tasks
     * that ended.
     */
    List<ProcessInfo> orphans(List<ProcessInfo> snapshot) {
        return snapshot.stream().filter(this::isOrphan).collect(Collectors.toList());
    }

    @Override
    public Optional<ProcessInfo> process(long pid) {
        return table.process(pid);
    }

    @Override
    public Optional<String> environmentVariable(long pid, String name) {
        return table.environmentVariable(pid, name);
    }

    @Override
    public Optional<String> commandLine(long pid) {
        return table.commandLine(pid);
    }

    private boolean isOrphan(ProcessInfo p) {
        if (p.ppid() != agentPid || p.sid() == agentSid) {
            return false;
        }
        synchronized (roots) {
            return !roots.contains(p.id());
        }
    }

    /** The orphan as a child of the latest task root started no later than it (unchanged if there is none). */
    private static ProcessInfo adopt(ProcessInfo orphan, List<ProcessInfo> taskRoots) {
        return taskRoots.stream().filter(root -> root.startTime() <= orphan.startTime())
                .max(Comparator.comparingLong(ProcessInfo::startTime))
                .map(root -> new ProcessInfo(orphan.pid(), root.pid(), orphan.pgid(), orphan.sid(), orphan.uid(),
                        orphan.startTime(), orphan.state()))
                .orElse(orphan);
    }
}
