package dev.runway.launcher.process;

import dev.runway.launcher.LaunchException;
import dev.runway.launcher.Leftover;
import dev.runway.launcher.tracking.ProcessId;
import dev.runway.launcher.tracking.ProcessInfo;
import dev.runway.launcher.tracking.ProcessTable;
import dev.runway.launcher.tracking.SafeTargets;
import dev.runway.launcher.tracking.Signaller;
import dev.runway.launcher.tracking.TreeTracker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Finds processes that carry a launch marker whose launch agent (pid and start time) no longer runs: what a crashed
 * agent's tasks left behind. Processes whose environment was scrubbed, or that run as another user than a non-root
 * agent, cannot be found this way.
 */
final class LeftoverFinder {
    private static final int DESCRIBED_PROCESSES = 5;

    private final ProcessTable table;
    private final Signaller signaller;
    private final ProcessId self;
    /** Launch id -> the marker of the dead agent it was found under. */
    private final Map<String, Map<String, String>> found = new ConcurrentHashMap<>();

    LeftoverFinder(ProcessTable table, Signaller signaller, ProcessId self) {
        this.table = table;
        this.signaller = signaller;
        this.self = self;
    }

    List<Leftover> find() {
        Map<String, List<ProcessInfo>> byLaunch = new TreeMap<>();
        Map<String, String> agentOf = new TreeMap<>();
        for (ProcessInfo p : table.snapshot()) {
            if (!SafeTargets.mayBeSignalled(p)) {
                continue;
            }
            Optional<String> agent = table.environmentVariable(p.pid(), LaunchMarker.LAUNCH_AGENT);
            if (agent.isEmpty() || !isGone(agent.get())) {
                continue;
            }
            table.environmentVariable(p.pid(), LaunchMarker.LAUNCH_ID).ifPresent(launchId -> {
                byLaunch.computeIfAbsent(launchId, k -> new ArrayList<>()).add(p);
                agentOf.put(launchId, agent.get());
            });
        }
        List<Leftover> result = new ArrayList<>();
        byLaunch.forEach((launchId, processes) -> {
            found.put(launchId, Map.of(LaunchMarker.LAUNCH_ID, launchId, LaunchMarker.LAUNCH_AGENT,
                    agentOf.get(launchId)));
            result.add(new Leftover(launchId, describe(processes, agentOf.get(launchId))));
        });
        return result;
    }

    void remove(Leftover leftover, Duration grace) throws LaunchException {
        Map<String, String> marker = found.get(leftover.launchId());
        if (marker == null) {
            find();
            marker = found.get(leftover.launchId());
        }
        if (marker == null) {
            return; // nothing of it runs any more
        }
        TreeTracker.forMarker(table, signaller, marker).terminate(grace);
        List<ProcessInfo> survivors = TreeTracker.forMarker(table, signaller, marker).members();
        if (!survivors.isEmpty()) {
            throw new LaunchException("launch " + leftover.launchId() + ": " + survivors.size()
                    + " leftover process(es) survived SIGKILL: " + survivors.stream().map(p -> Long.toString(p.pid()))
                            .collect(Collectors.joining(", ")));
        }
        found.remove(leftover.launchId());
    }

    /** Whether the agent a marker names has ended (its pid is gone or belongs to a later process). */
    private boolean isGone(String agentValue) {
        Optional<ProcessId> agent = LaunchMarker.parseAgent(agentValue);
        if (agent.isEmpty() || agent.get().equals(self)) {
            return false;
        }
        return table.process(agent.get().pid()).map(p -> p.startTime() != agent.get().startTime() || !p.isAlive())
                .orElse(true);
    }

    private String describe(List<ProcessInfo> processes, String agent) {
        String listed = processes.stream().limit(DESCRIBED_PROCESSES)
                .map(p -> p.pid() + " " + table.commandLine(p.pid()).map(LeftoverFinder::shorten).orElse("?"))
                .collect(Collectors.joining("; "));
        String more = processes.size() > DESCRIBED_PROCESSES ? "; ..." : "";
        return processes.size() + " process(es) of launch agent " + agent + " (gone): " + listed + more;
    }

    private static String shorten(String commandLine) {
        return commandLine.length() <= 80 ? commandLine : commandLine.substring(0, 77) + "...";
    }
}
