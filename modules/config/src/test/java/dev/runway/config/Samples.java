package dev.runway.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The shipped samples (config-samples/) and the install guide's samples, as the tests read them. */
final class Samples {
    /** Tests run in modules/config; the samples sit at the top of the repository. */
    static final Path CONFIG_SAMPLES = Path.of(System.getProperty("runway.repo", "../..")).resolve("config-samples");
    static final Path LINUX = CONFIG_SAMPLES.resolve("linux/launch-agent-config.yaml");
    static final Path MACOS = CONFIG_SAMPLES.resolve("macos/launch-agent-config.yaml");
    static final Path DOCKER_ENV = CONFIG_SAMPLES.resolve("docker/launch-agent.env.example");

    /** The install guide's Linux configuration, verbatim (its HTML lost the nesting: the flat layout). */
    static final String GUIDE_LINUX = """
              auth_token: AUTH_TOKEN
              command_prefix: ["/opt/circleci/launch-task"]
              working_directory: /opt/circleci/workdir/%s
              cleanup_working_directory: true
            """;

    /** The install guide's macOS template, verbatim, including its "command_prefix :" with a space. */
    static final String GUIDE_MACOS = """
                auth_token: AUTH_TOKEN
                name: RUNNER_NAME
                command_prefix : ["sudo", "-niHu", "USERNAME", "--"]
                working_directory: /tmp/%s
                cleanup_working_directory: true
                file: /Library/Logs/com.circleci.runner.log
            """;

    /** The facts file's real nested form, every key set. */
    static final String NESTED_FULL = """
            api:
              auth_token: AUTH_TOKEN_VALUE_1234
              url: https://runner.example.com
            runner:
              name: RUNNER_NAME
              command_prefix: ["/opt/circleci/launch-task"]
              working_directory: /opt/circleci/workdir/%s
              cleanup_working_directory: true
              max_run_time: 5h
              mode: continuous
              idle_timeout: 30m
              disable_auto_update: true
              ssh:
                advertise_addr: host:54782
            logging:
              file: /Library/Logs/com.circleci.runner.log
              level: info
              format: text
            """;

    private Samples() {}

    static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Docker --env-file: NAME=value lines; comments and blank lines skipped. */
    static Map<String, String> envFile(Path path) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String line : read(path).split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int equals = trimmed.indexOf('=');
            environment.put(trimmed.substring(0, equals), trimmed.substring(equals + 1));
        }
        return environment;
    }
}
