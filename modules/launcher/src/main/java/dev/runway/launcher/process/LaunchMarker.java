package dev.runway.launcher.process;

import dev.runway.launcher.tracking.ProcessId;
import java.util.Map;
import java.util.Optional;

/**
 * The environment every process of a task inherits: which launch it belongs to and which launch agent (pid and start
 * time) started it. A process whose agent is gone is a leftover of a crash.
 */
public final class LaunchMarker {
    public static final String LAUNCH_ID = "RUNWAY_LAUNCH_ID";
    public static final String LAUNCH_AGENT = "RUNWAY_LAUNCH_AGENT";

    private LaunchMarker() {}

    public static Map<String, String> of(String launchId, ProcessId agent) {
        return Map.of(LAUNCH_ID, launchId, LAUNCH_AGENT, format(agent));
    }

    static String format(ProcessId agent) {
        return agent.pid() + ":" + agent.startTime();
    }

    /** Parses a {@link #LAUNCH_AGENT} value; empty when malformed. */
    static Optional<ProcessId> parseAgent(String value) {
        int colon = value.indexOf(':');
        try {
            return colon < 0 ? Optional.empty() : Optional.of(new ProcessId(Long.parseLong(value.substring(0, colon)),
                    Long.parseLong(value.substring(colon + 1))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
