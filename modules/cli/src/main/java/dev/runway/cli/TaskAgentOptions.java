package dev.runway.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The task agent's four options, as the launch agent writes them. {@link #read} reads them without picocli: picocli's
 * model of even this one command (annotation proxies generated and reflection, all of it interpreted this early)
 * costs about 100 ms of every task agent's start, and so of every job's pickup.
 *
 * @param maxRunTime Go duration, not yet parsed: {@link TaskAgentProgram} names the option when it is bad
 * @param cancelGrace Go duration, not yet parsed
 */
record TaskAgentOptions(URI apiUrl, String taskId, String maxRunTime, String cancelGrace) {
    static final String DEFAULT_MAX_RUN_TIME = "0";
    static final String DEFAULT_CANCEL_GRACE = "10s";
    private static final Set<String> NAMES = Set.of("--api-url", "--task-id", "--max-run-time",
            "--cancel-grace-period");

    /**
     * The options in {@code args} after the subcommand's name, or empty for anything but the four options with
     * their values, each at most once and the first two present (help, an unknown option, a missing value, a URL
     * that is not one): picocli then reads the arguments and answers them as it does for every command.
     */
    static Optional<TaskAgentOptions> read(String[] args, int from) {
        Map<String, String> values = new HashMap<>();
        for (int i = from; i < args.length; i++) {
            String name = args[i];
            String value;
            int equals = name.indexOf('=');
            if (name.startsWith("--") && equals > 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                return Optional.empty();
            }
            if (!NAMES.contains(name) || values.putIfAbsent(name, value) != null) {
                return Optional.empty();
            }
        }
        if (!values.containsKey("--api-url") || !values.containsKey("--task-id")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new TaskAgentOptions(new URI(values.get("--api-url")), values.get("--task-id"),
                    values.getOrDefault("--max-run-time", DEFAULT_MAX_RUN_TIME),
                    values.getOrDefault("--cancel-grace-period", DEFAULT_CANCEL_GRACE)));
        } catch (URISyntaxException notAUrl) {
            return Optional.empty();
        }
    }
}
