package dev.runway.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.Collections;
import java.util.List;

/**
 * Every key of launch-agent-config.yaml: where it sits in the nested form, whether it holds a list, and the
 * environment variables that override it, highest precedence first.
 */
enum Setting {
    API_AUTH_TOKEN("api", "auth_token", "API_AUTH_TOKEN", "API_AUTH_TOKEN", "CIRCLECI_API_TOKEN"),
    API_URL("api", "url", "API_URL", "API_URL"),
    RUNNER_NAME("runner", "name", "RUNNER_NAME", "NAME"),
    RUNNER_COMMAND_PREFIX("runner", "command_prefix", "RUNNER_COMMAND_PREFIX", "COMMAND_PREFIX"),
    RUNNER_WORKING_DIRECTORY("runner", "working_directory", "RUNNER_WORK_DIR", "WORK_DIR"),
    RUNNER_CLEANUP_WORKING_DIRECTORY("runner", "cleanup_working_directory", "RUNNER_CLEANUP_WORK_DIR",
            "CLEANUP_WORK_DIR"),
    RUNNER_MAX_RUN_TIME("runner", "max_run_time", "RUNNER_MAX_RUN_TIME", "MAX_RUN_TIME"),
    RUNNER_MODE("runner", "mode", "RUNNER_MODE", "MODE"),
    RUNNER_IDLE_TIMEOUT("runner", "idle_timeout", "RUNNER_IDLE_TIMEOUT", "IDLE_TIMEOUT"),
    RUNNER_DISABLE_AUTO_UPDATE("runner", "disable_auto_update", "RUNNER_DISABLE_AUTO_UPDATE", "DISABLE_AUTO_UPDATE"),
    RUNNER_LAUNCHER("runner", "launcher", "RUNNER_LAUNCHER", "LAUNCHER"),
    RUNNER_TASK_USER("runner", "task_user", "RUNNER_TASK_USER", "TASK_USER"),
    RUNNER_MAX_CONCURRENT_TASKS("runner", "max_concurrent_tasks", "RUNNER_MAX_CONCURRENT_TASKS",
            "MAX_CONCURRENT_TASKS"),
    RUNNER_GRACE_PERIOD("runner", "grace_period", "RUNNER_GRACE_PERIOD", "GRACE_PERIOD"),
    RUNNER_STANDBY_TIMEOUT("runner", "standby_timeout", "RUNNER_STANDBY_TIMEOUT", "STANDBY_TIMEOUT"),
    RUNNER_SANDBOX("runner", "sandbox", "RUNNER_SANDBOX", "SANDBOX"),
    RUNNER_ENVIRONMENT("runner", "environment", "RUNNER_ENVIRONMENT", "ENVIRONMENT"),
    RUNNER_SSH_ADVERTISE_ADDR("runner.ssh", "advertise_addr", "RUNNER_SSH_ADVERTISE_ADDR", "SSH_ADVERTISE_ADDR"),
    LOGGING_FILE("logging", "file", "LOGGING_FILE", "LOGGING_FILE"),
    LOGGING_LEVEL("logging", "level", "LOGGING_LEVEL", "LOGGING_LEVEL"),
    LOGGING_FORMAT("logging", "format", "LOGGING_FORMAT", "LOGGING_FORMAT"),
    LOGGING_MAX_FILE_SIZE("logging", "max_file_size", "LOGGING_MAX_FILE_SIZE", "LOGGING_MAX_FILE_SIZE"),
    LOGGING_MAX_FILES("logging", "max_files", "LOGGING_MAX_FILES", "LOGGING_MAX_FILES"),
    HEALTH_LISTEN("health", "listen", "HEALTH_LISTEN", "HEALTH_LISTEN");

    static final String LAUNCH_AGENT_PREFIX = "LAUNCH_AGENT_";
    static final String CIRCLECI_RUNNER_PREFIX = "CIRCLECI_RUNNER_";
    private static final Set<String> ALL_ENVIRONMENT_NAMES = Arrays.stream(values())
            .flatMap(setting -> setting.environmentNames.stream())
            .collect(Collectors.toCollection(TreeSet::new));

    private final String section;
    private final String name;
    private final String key;
    private final List<String> environmentNames;

    Setting(String section, String name, String launchAgentSuffix, String circleciRunnerSuffix, String... aliases) {
        this.section = section;
        this.name = name;
        this.key = section + "." + name;
        List<String> names = new ArrayList<>();
        names.add(LAUNCH_AGENT_PREFIX + launchAgentSuffix);
        names.add(CIRCLECI_RUNNER_PREFIX + circleciRunnerSuffix);
        Collections.addAll(names, aliases);
        this.environmentNames = List.copyOf(names);
    }

    /** The section it sits in: {@code api}, {@code runner}, {@code runner.ssh}, {@code logging}, {@code health}. */
    String section() {
        return section;
    }

    /** Its name inside the section, also its top-level name in the flat layout. */
    String leafName() {
        return name;
    }

    /** The dotted key: {@code runner.max_run_time}. */
    String key() {
        return key;
    }

    /** Whether the value is a list (command_prefix, sandbox, environment) rather than a scalar. */
    boolean isList() {
        return this == RUNNER_COMMAND_PREFIX || this == RUNNER_SANDBOX || this == RUNNER_ENVIRONMENT;
    }

    /** Whether a top-level key of this name (the flat layout of the install guide) means this setting. */
    boolean allowedFlat() {
        return !section.contains(".");
    }

    /** Environment variables that set it, highest precedence first: LAUNCH_AGENT_*, CIRCLECI_RUNNER_*, aliases. */
    List<String> environmentNames() {
        return environmentNames;
    }

    /** Every environment variable that sets something. */
    static Set<String> allEnvironmentNames() {
        return ALL_ENVIRONMENT_NAMES;
    }

    static Setting byKey(String key) {
        for (Setting setting : values()) {
            if (setting.key().equals(key)) {
                return setting;
            }
        }
        return null;
    }

    static Setting byFlatName(String name) {
        for (Setting setting : values()) {
            if (setting.allowedFlat() && setting.leafName().equals(name)) {
                return setting;
            }
        }
        return null;
    }
}
