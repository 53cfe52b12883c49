package dev.runway.launcher.linux.subreaper;

import dev.runway.launcher.tracking.ProcessId;
import dev.runway.launcher.tracking.ProcessInfo;
import dev.runway.launcher.tracking.ProcessTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
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
 *
 * <p>A standby task agent is a root that adopts nothing while it waits (it starts no process that could leave an
 * orphan), and from its hand-over on adopts as a task root started then: an orphan that another running task leaves
 * while the standby waits is that task's, not the standby's.
 */
final class OrphanAdoptingTable implements ProcessTable {
    /** A waiting standby's "adopts from": later than any process. */
    private static final long ADOPTS_NOTHING = Long.MAX_VALUE;

    private final ProcessTable table;
    private final long agentPid;
    private final long agentSid;
    private final LongSupplier now;
    /**
     * Task roots, kept until the JVM has collected them (a zombie root's exit status is the JVM's, not ours), each
     * with the start time from which it adopts orphans: its own, or its hand-over's for a standby.
     */
    private final Map<ProcessId, Long> roots = new HashMap<>();

    /** {@code now}: the current time in the start-time units of {@code table}. */
    OrphanAdoptingTable(ProcessTable table, long agentPid, LongSupplier now) {
        this.table = table;
        this.agentPid = agentPid;
        this.agentSid = table.process(agentPid).map(ProcessInfo::sid).orElse(-1L);
        this.now = now;
    }

    /** Registers a task root the launcher just started; answers its start time (0 when it is already gone). */
    long addRoot(long pid) {
        return register(pid, false);
    }

    /**
     * Registers a standby task agent the launcher just started: a root that adopts nothing until its hand-over.
     * Answers its start time (0 when it is already gone).
     */
    long addStandbyRoot(long pid) {
        return register(pid, true);
    }

    private long register(long pid, boolean standby) {
        Optional<ProcessInfo> root = table.process(pid);
        root.ifPresent(info -> {
            synchronized (roots) {
                roots.put(info.id(), standby ? ADOPTS_NOTHING : info.startTime());
            }
        });
        return root.map(ProcessInfo::startTime).orElse(0L);
    }

    /**
     * The standby {@code pid} takes its task: from now on it adopts orphans as a task root started now. One unit after
     * now, so that an orphan born in the same clock tick stays with the task that was already running.
     */
    void standbyTakesTask(long pid) {
        long from = now.getAsLong() + 1;
        synchronized (roots) {
            roots.replaceAll((id, adoptsFrom) -> id.pid() == pid && adoptsFrom == ADOPTS_NOTHING ? from : adoptsFrom);
        }
    }

    @Override
    public List<ProcessInfo> snapshot() {
        List<ProcessInfo> snapshot = table.snapshot();
        List<ProcessInfo> children = snapshot.stream().filter(p -> p.ppid() == agentPid)
                .collect(Collectors.toList());
        List<Root> taskRoots = new ArrayList<>();
        synchronized (roots) {
            roots.keySet().retainAll(children.stream().map(ProcessInfo::id).collect(Collectors.toSet()));
            for (ProcessInfo child : children) {
                Long adoptsFrom = roots.get(child.id());
                if (child.isAlive() && adoptsFrom != null) {
                    taskRoots.add(new Root(child.pid(), adoptsFrom));
                }
            }
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
            return !roots.containsKey(p.id());
        }
    }

    /** A live task root and the start time from which it adopts orphans. */
    private record Root(long pid, long adoptsFrom) {}

    /** The orphan as a child of the task root that adopts latest, no later than the orphan's start (else unchanged). */
    private static ProcessInfo adopt(ProcessInfo orphan, List<Root> taskRoots) {
        return taskRoots.stream().filter(root -> root.adoptsFrom() <= orphan.startTime())
                .max(Comparator.comparingLong(Root::adoptsFrom))
                .map(root -> new ProcessInfo(orphan.pid(), root.pid(), orphan.pgid(), orphan.sid(), orphan.uid(),
                        orphan.startTime(), orphan.state()))
                .orElse(orphan);
    }
}
