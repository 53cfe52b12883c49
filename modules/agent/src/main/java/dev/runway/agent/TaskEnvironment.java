package dev.runway.agent;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The environment a task agent starts with: the launch agent's own, without what must not reach a job (the
 * resource-class token under any of its names, the agent's own LAUNCH_AGENT_* and CIRCLECI_RUNNER_* settings, the
 * service manager's sockets and watchdog), plus
 * {@code CIRCLECI_LAUNCH_ID} and {@code CIRCLE_WORKING_DIRECTORY}.
 */
final class TaskEnvironment {
    static final String LAUNCH_ID = "CIRCLECI_LAUNCH_ID";
    static final String WORKING_DIRECTORY = "CIRCLE_WORKING_DIRECTORY";

    /** Names never passed on: tokens, and sd_notify/socket-activation variables meant for the agent alone. */
    private static final Set<String> WITHHELD = Set.of("LAUNCH_AGENT_API_AUTH_TOKEN", "CIRCLECI_API_TOKEN",
            "CIRCLECI_RUNNER_API_AUTH_TOKEN", "CIRCLE_TOKEN", "RUNWAY_TOKEN", "NOTIFY_SOCKET", "WATCHDOG_USEC",
            "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "INVOCATION_ID");

    private TaskEnvironment() {}

    static Map<String, String> forTask(Map<String, String> agentEnvironment, String launchId, Path workingDirectory,
            String resourceClassToken) {
        Map<String, String> environment = new TreeMap<>();
        agentEnvironment.forEach((name, value) -> {
            boolean carriesToken = resourceClassToken != null && !resourceClassToken.isEmpty()
                    && value.contains(resourceClassToken);
            boolean agentSetting = name.startsWith("LAUNCH_AGENT_") || name.startsWith("CIRCLECI_RUNNER_");
            if (!WITHHELD.contains(name) && !agentSetting && !carriesToken) {
                environment.put(name, value);
            }
        });
        environment.put(LAUNCH_ID, launchId);
        environment.put(WORKING_DIRECTORY, workingDirectory.toString());
        return environment;
    }
}
