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
 * @param taskId null for a standby
 * @param maxRunTime Go duration, not yet parsed: {@link TaskAgentProgram} names the option when it is bad
 * @param cancelGrace Go duration, not yet parsed
 * @param standby started ahead of its task, which arrives on standard input (its id and max run time with it)
 */
record TaskAgentOptions(URI apiUrl, String taskId, String maxRunTime, String cancelGrace, boolean standby) {
    static final String DEFAULT_MAX_RUN_TIME = "0";
    static final String DEFAULT_CANCEL_GRACE = "10s";
    static final String STANDBY = "--standby";
    private static final Set<String> NAMES = Set.of("--api-url", "--task-id", "--max-run-time",
            "--cancel-grace-period");

    TaskAgentOptions(URI apiUrl, String taskId, String maxRunTime, String cancelGrace) {
        this(apiUrl, taskId, maxRunTime, cancelGrace, false);
    }

    /**
     * The options in {@code args} after the subcommand's name, or empty for anything but the four options with
     * their values, each at most once and the first two present (help, an unknown option, a missing value, a URL
     * that is not one): picocli then reads the arguments and answers them as it does for every command. A standby's
     * are {@code --standby}, {@code --api-url} and {@code --cancel-grace-period}.
     */
    static Optional<TaskAgentOptions> read(String[] args, int from) {
        Map<String, String> values = new HashMap<>();
        boolean standby = false;
        for (int i = from; i < args.length; i++) {
            String name = args[i];
            if (STANDBY.equals(name) && !standby) {
                standby = true;
                continue;
            }
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
        boolean taskOptions = values.containsKey("--task-id") || values.containsKey("--max-run-time");
        if (!values.containsKey("--api-url") || (standby ? taskOptions : !values.containsKey("--task-id"))) {
            return Optional.empty();
        }
        try {
            return Optional.of(new TaskAgentOptions(new URI(values.get("--api-url")), values.get("--task-id"),
                    values.getOrDefault("--max-run-time", DEFAULT_MAX_RUN_TIME),
                    values.getOrDefault("--cancel-grace-period", DEFAULT_CANCEL_GRACE), standby));
        } catch (URISyntaxException notAUrl) {
            return Optional.empty();
        }
    }
}
