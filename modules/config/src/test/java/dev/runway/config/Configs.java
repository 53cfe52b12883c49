package dev.runway.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Test helpers: parse YAML text as launch-agent-config.yaml, with a fixed host name. */
final class Configs {
    static final String FILE = "launch-agent-config.yaml";
    static final String HOST = "build-host-1";
    static final String TOKEN = "d3b07384d113edec49eaa6238ad5ff00-runner-token";

    private Configs() {}

    static LoadedConfig parse(String yaml) throws ConfigException {
        return parse(yaml, Map.of());
    }

    static LoadedConfig parse(String yaml, Map<String, String> environment) throws ConfigException {
        return ConfigLoader.parse(FILE, yaml.getBytes(StandardCharsets.UTF_8), environment, () -> HOST);
    }

    static LoadedConfig environmentOnly(Map<String, String> environment) throws ConfigException {
        return ConfigLoader.parse(null, null, environment, () -> HOST);
    }

    /** The problems parsing {@code yaml} raises; fails the test when it parses. */
    static List<Problem> problems(String yaml) {
        return problems(yaml, Map.of());
    }

    static List<Problem> problems(String yaml, Map<String, String> environment) {
        ConfigException[] caught = new ConfigException[1];
        assertThatThrownBy(() -> {
            try {
                parse(yaml, environment);
            } catch (ConfigException e) {
                caught[0] = e;
                throw e;
            }
        }).isInstanceOf(ConfigException.class);
        return caught[0].problems();
    }

    static String withToken(String yaml) {
        return "api:\n  auth_token: " + TOKEN + "\n" + yaml;
    }
}
