package dev.runway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.runway.protocol.GoDuration;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads launch-agent-config.yaml and the environment into a validated {@link LaunchAgentConfig}. */
public final class ConfigLoader {
    private ConfigLoader() {}

    /** Reads the file (may be null: environment only, as the Docker image does) and applies environment overrides. */
    public static LoadedConfig load(Path fileOrNull, Map<String, String> environment) throws ConfigException {
        // First cut (nested form only); validation with locations follows.
        String file = fileOrNull == null ? Problem.ENVIRONMENT : fileOrNull.toString();
        JsonNode root;
        try {
            root = fileOrNull == null ? new ObjectMapper().createObjectNode()
                    : new ObjectMapper(new YAMLFactory()).readTree(fileOrNull.toFile());
        } catch (IOException e) {
            throw new ConfigException(List.of(new Problem(file, 0, 0, "", "cannot read: " + e.getClass().getSimpleName())));
        }
        String token = environment.getOrDefault("LAUNCH_AGENT_API_AUTH_TOKEN",
                environment.getOrDefault("CIRCLECI_API_TOKEN", root.path("api").path("auth_token").asText("")));
        if (token.isEmpty()) {
            throw new ConfigException(List.of(new Problem(file, 0, 0, "api.auth_token", "is required")));
        }
        JsonNode runner = root.path("runner");
        List<String> prefix = new ArrayList<>();
        runner.path("command_prefix").forEach(item -> prefix.add(item.asText()));
        LaunchAgentConfig config = new LaunchAgentConfig(
                new Api(root.path("api").path("url").asText(Api.DEFAULT_URL), Secret.of(token)),
                new Runner(runner.path("name").asText("runway"), prefix,
                        runner.path("working_directory").asText(Runner.DEFAULT_WORKING_DIRECTORY),
                        runner.path("cleanup_working_directory").asBoolean(false),
                        duration(runner.path("max_run_time"), Runner.DEFAULT_MAX_RUN_TIME), Mode.CONTINUOUS,
                        duration(runner.path("idle_timeout"), Duration.ZERO), false, Runner.DEFAULT_LAUNCHER,
                        null, 1, Runner.DEFAULT_GRACE_PERIOD, null),
                new Logging(root.path("logging").path("file").asText(Logging.STDERR), Logging.Level.INFO,
                        Logging.Format.TEXT, Logging.DEFAULT_MAX_FILE_BYTES, Logging.DEFAULT_MAX_FILES),
                new Health(""));
        return new LoadedConfig(config, List.of());
    }

    private static Duration duration(JsonNode node, Duration fallback) {
        return node.isMissingNode() ? fallback : GoDuration.parse(node.asText());
    }
}
