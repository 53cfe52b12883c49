package dev.runway.launcher.tracking;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every process of one task, from launch to the end, and kills them all. A process belongs to the task when
 * <ul>
 * <li>it is the task's root, or a child of a member (seen while the link exists: sample often);</li>
 * <li>its session or process group is led by a member (the task runs in a session of its own, so a double-forked
 * daemon that re-parented to init is still recognised), as long as that session or group exists without a gap;</li>
 * <li>its environment carries the task's marker variables (survives {@code setsid}, unless a job scrubs it);</li>
 * <li>it runs as the task's dedicated user, when the task has one: the uid is the one mark a job cannot drop, so
 * with it every process of that user is the task's, whenever it started.</li>
 * </ul>
 * Members are remembered by pid and start time, so a recycled pid is never taken for a member. Thread-safe.
 */
public final class TreeTracker {
    private static final Logger LOG = LoggerFactory.getLogger(TreeTracker.class);
    private static final long UNKNOWN = -1;
    private static final Duration POLL = Duration.ofMillis(50);
    /** After this long of SIGKILL rounds the ladder gives up and reports what it could not kill. */
    private static final Duration KILL_BOUND = Duration.ofSeconds(10);
    private static final Duration FORGET_AFTER = Duration.ofSeconds(1);

    private final ProcessTable table;
    private final Signaller signaller;
    private final Map<String, String> marker;
    /** Monotonic nanoseconds, as {@link System#nanoTime()}: the deadlines and how long a group has been missing. */
    private final LongSupplier clock;

    /** The uid every process of which belongs to this task, or {@link #UNKNOWN}. */
    private final long dedicatedUid;
    /** Processes started before this cannot be the task's (the root's start time). */
    private final long notBefore;
    private final ReentrantLock lock = new ReentrantLock();
    /** Set by {@link #kill()}: a ladder in its grace period goes straight to SIGKILL. */
    private volatile boolean hurry;

    private Map<ProcessId, ProcessInfo> live = Map.of();
    /** Session and process-group ids led by a member, with the leader's identity. */
    private final Map<Long, ProcessId> ownedGroups = new HashMap<>();
    /** When an owned group was first seen without processes. */
    private final Map<Long, Long> missingSince = new HashMap<>();
    /** Processes already found not to carry the marker (environments do not change without exec). */
    private final Set<ProcessId> unmarked = new HashSet<>();
    private final Set<ProcessId> unmarkedOnce = new HashSet<>();

    private TreeTracker(ProcessTable table, Signaller signaller, Map<String, String> marker, LongSupplier clock,
            long notBefore, long dedicatedUid) {
        this.table = table;
        this.signaller = signaller;
        this.marker = Map.copyOf(marker);
        this.clock = clock;
        this.notBefore = notBefore;
        this.dedicatedUid = dedicatedUid;
    }

    /**
     * Tracks the tree of a process just started in a session of its own. {@code marker} is the environment every
     * process of the task inherits (empty: none).
     */
    public static TreeTracker forRoot(ProcessTable table, Signaller signaller, long rootPid,
            Map<String, String> marker) {
        return forRoot(table, signaller, rootPid, marker, System::nanoTime, UNKNOWN);
    }

    /**
     * As {@link #forRoot(ProcessTable, Signaller, long, Map)}, and every process of {@code dedicatedUid} (negative:
     * none) is the task's too: only for a user that runs nothing but this one task.
     */
    public static TreeTracker forRoot(ProcessTable table, Signaller signaller, long rootPid,
            Map<String, String> marker, long dedicatedUid) {
        return forRoot(table, signaller, rootPid, marker, System::nanoTime, dedicatedUid);
    }

    /** {@link #forRoot(ProcessTable, Signaller, long, Map)} that reads the time from {@code clock} (nanoseconds). */
    public static TreeTracker forRoot(ProcessTable table, Signaller signaller, long rootPid,
            Map<String, String> marker, LongSupplier clock) {
        return forRoot(table, signaller, rootPid, marker, clock, UNKNOWN);
    }

    private static TreeTracker forRoot(ProcessTable table, Signaller signaller, long rootPid,
            Map<String, String> marker, LongSupplier clock, long dedicatedUid) {
        ProcessInfo root = table.process(rootPid).orElse(null);
        TreeTracker tracker = new TreeTracker(table, signaller, marker, clock,
                root == null ? UNKNOWN : root.startTime(), dedicatedUid < 0 ? UNKNOWN : dedicatedUid);
        if (root != null) {
            tracker.live = Map.of(root.id(), root);
        }
        // The session the root creates with setsid has the root's pid as its id.
        tracker.ownedGroups.put(rootPid, root == null ? new ProcessId(rootPid, UNKNOWN) : root.id());
        tracker.refresh();
        return tracker;
    }

    /** Tracks whatever carries {@code marker} (and its descendants): the leftovers of a launch agent that died. */
    public static TreeTracker forMarker(ProcessTable table, Signaller signaller, Map<String, String> marker) {
        return forMarker(table, signaller, marker, System::nanoTime);
    }

    /** {@link #forMarker(ProcessTable, Signaller, Map)} that reads the time from {@code clock} (nanoseconds). */
    public static TreeTracker forMarker(ProcessTable table, Signaller signaller, Map<String, String> marker,
            LongSupplier clock) {
        if (marker.isEmpty()) {
            throw new IllegalArgumentException("a marker is needed to find processes without a root");
        }
        TreeTracker tracker = new TreeTracker(table, signaller, marker, clock, UNKNOWN, UNKNOWN);
        tracker.refresh();
        return tracker;
    }

    /** Takes a snapshot now and returns the task's live processes. */
    public List<ProcessInfo> refresh() {
        lock.lock();
        try {
            update(table.snapshot());
            return List.copyOf(live.values());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records members from a snapshot taken by a shared sampler; skipped while a kill ladder runs (it samples
     * itself) so that the sampler never waits for a grace period.
     */
    public void offer(List<ProcessInfo> snapshot) {
        if (lock.tryLock()) {
            try {
                update(snapshot);
            } finally {
                lock.unlock();
            }
        }
    }

    /** The live members as of the last sample. */
    public List<ProcessInfo> members() {
        lock.lock();
        try {
            return List.copyOf(live.values());
        } finally {
            lock.unlock();
        }
    }

    /**
     * The kill ladder: SIGTERM to every member (and SIGCONT to stopped ones, so that they act on it), wait up to
     * {@code grace} for them to go, then {@link #kill()}. Returns whether any signal was needed: a task whose
     * processes all exited is not signalled at all.
     */
    public boolean terminate(Duration grace) {
        lock.lock();
        try {
            List<ProcessInfo> remaining = refresh();
            if (remaining.isEmpty()) {
                return false;
            }
            Set<ProcessId> termed = new HashSet<>();
            long deadline = clock.getAsLong() + grace.toNanos();
            while (!remaining.isEmpty()) {
                List<ProcessInfo> fresh = remaining.stream().filter(p -> termed.add(p.id()))
                        .collect(Collectors.toList());
                if (!fresh.isEmpty()) {
                    signaller.send(Signal.TERM, fresh);
                    // As systemd does: SIGCONT after SIGTERM, so a stopped process wakes up with SIGTERM pending.
                    signaller.send(Signal.CONT, fresh.stream().filter(ProcessInfo::isStopped)
                            .collect(Collectors.toList()));
                }
                if (hurry || clock.getAsLong() - deadline >= 0) {
                    break;
                }
                pause();
                remaining = refresh();
            }
            killRemaining();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * SIGKILL to every member, repeated until none is left. Returns whether any signal was needed. A running
     * {@link #terminate} skips the rest of its grace period, so this never waits for it.
     */
    public boolean kill() {
        hurry = true;
        lock.lock();
        try {
            if (refresh().isEmpty()) {
                return false;
            }
            killRemaining();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Rounds of SIGSTOP (a frozen process cannot fork while we collect its children), re-scan, SIGKILL, until nothing
     * of the task is left or the bound is reached.
     */
    private void killRemaining() {
        long deadline = clock.getAsLong() + KILL_BOUND.toNanos();
        List<ProcessInfo> remaining = refresh();
        while (!remaining.isEmpty()) {
            if (clock.getAsLong() - deadline >= 0) {
                LOG.warn("could not kill {} process(es) of a task: {}", remaining.size(), describe(remaining));
                return;
            }
            signaller.send(Signal.STOP, remaining);
            signaller.send(Signal.KILL, refresh());
            pause();
            remaining = refresh();
        }
    }

    private static String describe(Collection<ProcessInfo> processes) {
        return processes.stream().map(p -> p.pid() + " (" + p.state().name().toLowerCase() + ")")
                .collect(Collectors.joining(", "));
    }

    private static void pause() {
        try {
            TimeUnit.NANOSECONDS.sleep(POLL.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping a task", e);
        }
    }

    private void update(List<ProcessInfo> snapshot) {
        Map<Long, ProcessInfo> byPid = new HashMap<>();
        Map<Long, List<ProcessInfo>> childrenOf = new HashMap<>();
        for (ProcessInfo p : snapshot) {
            byPid.put(p.pid(), p);
            childrenOf.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p);
        }
        Map<ProcessId, ProcessInfo> found = new LinkedHashMap<>();
        Deque<ProcessInfo> toVisit = new ArrayDeque<>();
        for (ProcessId id : live.keySet()) {
            ProcessInfo now = byPid.get(id.pid());
            if (now != null && now.startTime() == id.startTime()) {
                add(now, found, toVisit);
            }
        }
        for (ProcessInfo p : snapshot) {
            if (!found.containsKey(p.id()) && (runsAsDedicatedUser(p) || mayBeOurs(p)
                    && (ownedGroups.containsKey(p.sid()) || ownedGroups.containsKey(p.pgid()) || carriesMarker(p)))) {
                add(p, found, toVisit);
            }
        }
        while (!toVisit.isEmpty()) {
            ProcessInfo member = toVisit.poll();
            boolean leader = member.pid() == member.sid() || member.pid() == member.pgid();
            if (leader && ownedGroups.putIfAbsent(member.pid(), member.id()) == null) {
                for (ProcessInfo p : snapshot) {
                    if (p.sid() == member.pid() || p.pgid() == member.pid()) {
                        add(p, found, toVisit);
                    }
                }
            }
            for (ProcessInfo child : childrenOf.getOrDefault(member.pid(), List.of())) {
                if (startsNoEarlier(child, member)) {
                    add(child, found, toVisit);
                }
            }
        }
        live = found;
        forgetEndedGroups(byPid);
        Set<ProcessId> present = byPid.values().stream().map(ProcessInfo::id).collect(Collectors.toSet());
        unmarked.retainAll(present);
        unmarkedOnce.retainAll(present);
    }

    private static void add(ProcessInfo p, Map<ProcessId, ProcessInfo> found, Deque<ProcessInfo> toVisit) {
        if (p.isAlive() && found.putIfAbsent(p.id(), p) == null) {
            toVisit.add(p);
        }
    }

    /**
     * A session or group id stays ours while its leader lives (a zombie still holds its pid) or a member has it. Once
     * it is gone the kernel may hand the number out again, so it is forgotten; but only after it has been missing for
     * {@link #FORGET_AFTER}, because a snapshot is not atomic and can miss the one process that was forking into the
     * session while /proc was read.
     */
    private void forgetEndedGroups(Map<Long, ProcessInfo> byPid) {
        Set<Long> inUse = new HashSet<>();
        for (ProcessInfo member : live.values()) {
            inUse.add(member.sid());
            inUse.add(member.pgid());
        }
        long now = clock.getAsLong();
        ownedGroups.keySet().removeIf(id -> {
            ProcessInfo leader = byPid.get(id);
            boolean leaderLives = leader != null && leader.startTime() == ownedGroups.get(id).startTime();
            if (leaderLives || inUse.contains(id)) {
                missingSince.remove(id);
                return false;
            }
            long since = missingSince.computeIfAbsent(id, k -> now);
            boolean forget = now - since >= FORGET_AFTER.toNanos();
            if (forget) {
                missingSince.remove(id);
            }
            return forget;
        });
    }

    private boolean runsAsDedicatedUser(ProcessInfo p) {
        return dedicatedUid != UNKNOWN && p.uid() == dedicatedUid;
    }

    private boolean mayBeOurs(ProcessInfo p) {
        return p.isAlive() && (notBefore == UNKNOWN || p.startTime() == UNKNOWN || p.startTime() >= notBefore);
    }

    private boolean carriesMarker(ProcessInfo p) {
        if (marker.isEmpty() || unmarked.contains(p.id())) {
            return false;
        }
        for (Map.Entry<String, String> entry : marker.entrySet()) {
            if (!table.environmentVariable(p.pid(), entry.getKey()).map(entry.getValue()::equals).orElse(false)) {
                // A process read while it execs shows an empty environment for a moment: only a second look, a
                // sample later, settles that it is not the task's (else an escaped child could be missed for good).
                if (!unmarkedOnce.add(p.id())) {
                    unmarked.add(p.id());
                }
                return false;
            }
        }
        return true;
    }

    private static boolean startsNoEarlier(ProcessInfo child, ProcessInfo parent) {
        return child.startTime() == UNKNOWN || parent.startTime() == UNKNOWN
                || child.startTime() >= parent.startTime();
    }
}
