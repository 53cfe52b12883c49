package dev.runway.config;

import static dev.runway.config.Configs.TOKEN;
import static dev.runway.config.Configs.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EffectiveConfigTest {

    @Test
    void theYamlReadsBackToTheSameConfiguration() throws Exception {
        for (String source : new String[] {Samples.NESTED_FULL, Samples.read(Samples.LINUX),
                Samples.read(Samples.MACOS), Samples.GUIDE_MACOS, "api:\n  auth_token: x1234\nrunner:\n"
                + "  grace_period: 1.5s\n  max_run_time: 250ms\n  idle_timeout: 90m\n"
                + "logging:\n  max_file_size: 1000\n"}) {
            LaunchAgentConfig original = parse(source).config();
            String yaml = EffectiveConfig.toYaml(original);
            LaunchAgentConfig reread = parse(yaml, Map.of("LAUNCH_AGENT_API_AUTH_TOKEN",
                    original.api().authToken().reveal())).config();
            assertThat(reread).as(yaml).isEqualTo(original);
        }
    }

    @Test
    void everyKeyIsShownNested() throws Exception {
        LaunchAgentConfig config = parse("api:\n  auth_token: " + TOKEN + "\n").config();
        JsonNode json = new ObjectMapper().readTree(EffectiveConfig.toJson(EffectiveConfig.toMap(config)));
        assertThat(json.path("api").path("url").asText()).isEqualTo("http://127.0.0.1:7733");
        assertThat(json.path("runner").path("max_run_time").asText()).isEqualTo("5h0m0s");
        assertThat(json.path("runner").path("working_directory").asText()).isEqualTo("/var/opt/runway/workdir/%s");
        assertThat(json.path("runner").path("task_user").isNull()).isTrue();
        assertThat(json.path("runner").path("max_concurrent_tasks").asInt()).isEqualTo(1);
        assertThat(json.path("logging").path("max_file_size").asText()).isEqualTo("10MiB");
        assertThat(json.path("health").path("listen").asText()).isEmpty();
    }

    @Test
    void oddCharactersSurviveTheRoundTripInYamlAndJson() throws Exception {
        // Built directly: YAML itself would fold the NEL and LS characters if they were written raw in a file.
        String file = "/var/log/\"odd\" \\ name: #x [y] {z} ü \u0085 \u2028 \t \u0001 end.log";
        LaunchAgentConfig parsed = parse("api:\n  auth_token: " + TOKEN + "\n").config();
        Logging logging = parsed.logging();
        LaunchAgentConfig config = new LaunchAgentConfig(parsed.api(), parsed.runner(),
                new Logging(file, logging.level(), logging.format(), logging.maxFileBytes(), logging.maxFiles()),
                parsed.health());

        LaunchAgentConfig reread = parse(EffectiveConfig.toYaml(config), Map.of("CIRCLECI_API_TOKEN", TOKEN)).config();
        assertThat(reread).isEqualTo(config);
        JsonNode json = new ObjectMapper().readTree(EffectiveConfig.toJson(EffectiveConfig.toMap(config)));
        assertThat(json.path("logging").path("file").asText()).isEqualTo(file);
    }

    @Test
    void jsonOfNestedValuesIsIndented() {
        assertThat(EffectiveConfig.toJson(Map.of("a", java.util.List.of("x", 1, true), "b", Map.of())))
                .isIn("{\n  \"a\": [\"x\", 1, true],\n  \"b\": {}\n}", "{\n  \"b\": {},\n  \"a\": [\"x\", 1, true]\n}");
    }
}
