package dev.runway.config;

import dev.runway.protocol.GoDuration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A configuration as the nested launch-agent-config.yaml keys it came from, with the token redacted: what
 * {@code runway config validate} prints. Feeding the YAML back in gives the same configuration, token aside.
 */
public final class EffectiveConfig {
    private EffectiveConfig() {}

    /** Nested maps keyed as in the file (api, runner, logging, health), every value set, the token redacted. */
    public static Map<String, Object> toMap(LaunchAgentConfig config) {
        Map<String, Object> api = new LinkedHashMap<>();
        api.put("url", config.api().url());
        api.put("auth_token", config.api().authToken().toString());

        Runner runner = config.runner();
        Map<String, Object> runnerMap = new LinkedHashMap<>();
        runnerMap.put("name", runner.name());
        runnerMap.put("command_prefix", runner.commandPrefix());
        runnerMap.put("working_directory", runner.workingDirectory());
        runnerMap.put("cleanup_working_directory", runner.cleanupWorkingDirectory());
        runnerMap.put("max_run_time", GoDuration.format(runner.maxRunTime()));
        runnerMap.put("mode", runner.mode().yamlName());
        runnerMap.put("idle_timeout", GoDuration.format(runner.idleTimeout()));
        runnerMap.put("disable_auto_update", runner.disableAutoUpdate());
        runnerMap.put("launcher", runner.launcher());
        runnerMap.put("task_user", runner.taskUser());
        runnerMap.put("max_concurrent_tasks", runner.maxConcurrentTasks());
        runnerMap.put("grace_period", GoDuration.format(runner.gracePeriod()));
        runnerMap.put("standby_timeout", GoDuration.format(runner.standbyTimeout()));
        runnerMap.put("sandbox", runner.sandbox());
        runnerMap.put("environment", runner.environment());
        if (runner.sshAdvertiseAddr() != null) {
            runnerMap.put("ssh", Map.of("advertise_addr", runner.sshAdvertiseAddr()));
        }

        Logging logging = config.logging();
        Map<String, Object> loggingMap = new LinkedHashMap<>();
        loggingMap.put("file", logging.file());
        loggingMap.put("level", logging.level().name().toLowerCase(Locale.ROOT));
        loggingMap.put("format", logging.format().name().toLowerCase(Locale.ROOT));
        loggingMap.put("max_file_size", ByteSizes.format(logging.maxFileBytes()));
        loggingMap.put("max_files", logging.maxFiles());

        Map<String, Object> root = new LinkedHashMap<>();
        root.put("api", api);
        root.put("runner", runnerMap);
        root.put("logging", loggingMap);
        root.put("health", Map.of("listen", config.health().listen()));
        return root;
    }

    /**
     * {@link #toMap} as YAML: strings double-quoted (so no value can be misread), lists in flow style. Written by
     * hand rather than with Jackson's object mapper, which would double the start-up time of {@code config validate}.
     */
    public static String toYaml(LaunchAgentConfig config) {
        StringBuilder yaml = new StringBuilder(1024);
        yamlMapping(yaml, toMap(config), "");
        return yaml.toString();
    }

    /** Any value made of maps, lists, strings, numbers, booleans and nulls as indented JSON: the --json output. */
    public static String toJson(Object value) {
        StringBuilder json = new StringBuilder(1024);
        json(json, value, "");
        return json.toString();
    }

    private static void yamlMapping(StringBuilder yaml, Map<?, ?> map, String indent) {
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            yaml.append(indent).append(entry.getKey()).append(':');
            if (entry.getValue() instanceof Map<?, ?> nested) {
                yaml.append('\n');
                yamlMapping(yaml, nested, indent + "  ");
            } else {
                yaml.append(' ');
                json(yaml, entry.getValue(), null);
                yaml.append('\n');
            }
        }
    }

    /** JSON; with {@code indent} null on one line (also YAML's flow style, which is how the YAML uses it). */
    private static void json(StringBuilder out, Object value, String indent) {
        if (value instanceof Map<?, ?> map) {
            out.append('{');
            String inner = indent == null ? null : indent + "  ";
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                out.append(first ? "" : ",");
                newline(out, inner);
                string(out, String.valueOf(entry.getKey()));
                out.append(": ");
                json(out, entry.getValue(), inner);
                first = false;
            }
            if (!map.isEmpty()) {
                newline(out, indent);
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : ", ");
                json(out, list.get(i), indent);
            }
            out.append(']');
        } else if (value instanceof String text) {
            string(out, text);
        } else {
            out.append(value); // numbers, booleans, null
        }
    }

    private static void newline(StringBuilder out, String indent) {
        if (indent != null) {
            out.append('\n').append(indent);
        }
    }

    /** A double-quoted string, escaped the same way for JSON and YAML. */
    private static void string(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029' || c == '\ufeff') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
