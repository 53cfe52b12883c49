package dev.runway.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.runway.protocol.GoDuration;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A configuration as the nested launch-agent-config.yaml keys it came from, with the token redacted: what
 * {@code runway config validate} prints. Feeding the YAML back in gives the same configuration, token aside.
 */
public final class EffectiveConfig {
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build());
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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

    /** {@link #toMap} as YAML. */
    public static String toYaml(LaunchAgentConfig config) {
        return write(YAML, toMap(config));
    }

    /** Any value (maps, lists, strings, numbers) as indented JSON: the {@code --json} output. */
    public static String toJson(Object value) {
        return write(JSON, value);
    }

    private static String write(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
