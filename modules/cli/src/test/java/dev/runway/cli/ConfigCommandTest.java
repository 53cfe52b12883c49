package dev.runway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code runway config validate}: real files, the samples, exit codes, output on each stream, redaction. */
class ConfigCommandTest {
    private static final String TOKEN = "rct_7f3a9c2e1b8d4f6a0e5c3b2a1d9f8e7c";
    private static final Path SAMPLES = Path.of(System.getProperty("runway.repo", "../..")).resolve("config-samples");

    @TempDir
    Path temp;

    private record Run(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private static Run run(CommandLine commandLine, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static Run validate(Map<String, String> environment, String... args) {
        return run(ConfigCommand.validate(environment), args);
    }

    private Path config(String content, String mode) throws IOException {
        Path file = temp.resolve("launch-agent-config.yaml");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    @Test
    void theLinuxSamplePrintsItsEffectiveConfigurationAndExits0() throws IOException {
        Run run = validate(Map.of(), SAMPLES.resolve("linux/launch-agent-config.yaml").toString());

        assertThat(run.exitCode()).isZero();
        JsonNode yaml = new YAMLMapper().readTree(run.out());
        assertThat(yaml.path("runner").path("name").asText()).isEqualTo("linux-runner-1");
        assertThat(yaml.path("runner").path("command_prefix").get(0).asText()).isEqualTo("/opt/runway/launch-task");
        assertThat(yaml.path("api").path("auth_token").asText()).isEqualTo("********");
        assertThat(run.out()).doesNotContain("REPLACE_WITH_RESOURCE_CLASS_TOKEN");
        assertThat(run.err()).contains("warning: ").contains("placeholder");
    }

    @Test
    void theMacosSampleAndTheGuidesFlatTemplateValidate() throws IOException {
        assertThat(validate(Map.of(), SAMPLES.resolve("macos/launch-agent-config.yaml").toString()).exitCode())
                .isZero();
        Path flat = config("    auth_token: AUTH_TOKEN\n    name: RUNNER_NAME\n"
                + "    command_prefix : [\"sudo\", \"-niHu\", \"USERNAME\", \"--\"]\n    working_directory: /tmp/%s\n"
                + "    cleanup_working_directory: true\n    file: /Library/Logs/com.circleci.runner.log\n", "rw-------");
        Run run = validate(Map.of(), flat.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).contains("flat layout").contains("runner.command_prefix");
        assertThat(new YAMLMapper().readTree(run.out()).path("logging").path("file").asText())
                .isEqualTo("/Library/Logs/com.circleci.runner.log");
    }

    @Test
    void withoutAFileTheEnvironmentIsTheConfigurationAsInDocker() throws IOException {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String line : Files.readAllLines(SAMPLES.resolve("docker/launch-agent.env.example"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                environment.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        Run run = validate(environment);
        assertThat(run.exitCode()).isZero();
        assertThat(new YAMLMapper().readTree(run.out()).path("runner").path("name").asText())
                .isEqualTo("docker-runner-1");

        Run none = validate(Map.of());
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("environment: api.auth_token: no API token supplied");
    }

    @Test
    void proxyAndCaVariablesAreCheckedAsTheEnvironmentsProblems() throws IOException {
        Path file = temp.resolve("launch-agent-config.yaml");
        Files.writeString(file, "api:\n  auth_token: t0k3n-value\n  url: https://runway.example.org\n");
        Run run = validate(Map.of("HTTPS_PROXY", "socks5://user:hunter22@proxy.corp:1080", "SSL_CERT_FILE",
                "/nonexistent/company-ca.pem"), file.toString());
        assertThat(run.exitCode()).isEqualTo(Runway.EXIT_INVALID);
        assertThat(run.err()).contains("environment: HTTPS_PROXY: socks5:// proxies are not supported")
                .contains("environment: SSL_CERT_FILE /nonexistent/company-ca.pem")
                .doesNotContain("hunter22").doesNotContain("t0k3n-value");
        Run json = validate(Map.of("HTTP_PROXY", "http://u:hunter22@:3128"), "--json", file.toString());
        assertThat(json.out()).contains("\"valid\": false").contains("HTTP_PROXY").doesNotContain("hunter22");
        assertThat(validate(Map.of("HTTPS_PROXY", "proxy.corp:3128", "NO_PROXY", ".corp"), file.toString())
                .exitCode()).isZero();
    }

    @Test
    void environmentOverridesAreApplied() throws IOException {
        Path file = config("api:\n  auth_token: " + TOKEN + "\nrunner:\n  name: from-file\n", "rw-------");
        Run run = validate(Map.of("LAUNCH_AGENT_RUNNER_NAME", "from-env",
                "LAUNCH_AGENT_RUNNER_COMMAND_PREFIX", "[\"/opt/x/launch-task\"]"), file.toString());
        assertThat(run.exitCode()).isZero();
        JsonNode yaml = new YAMLMapper().readTree(run.out());
        assertThat(yaml.path("runner").path("name").asText()).isEqualTo("from-env");
        assertThat(yaml.path("runner").path("command_prefix").get(0).asText()).isEqualTo("/opt/x/launch-task");
    }

    @Test
    void anInvalidFileExits2WithEveryProblemOnStandardError() throws IOException {
        Path file = config("api:\n  auth_token: " + TOKEN + "\nrunner:\n  nmae: x\n  max_run_time: 5x\n"
                + "logging:\n  level: loud\n", "rw-------");
        Run run = validate(Map.of(), file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("invalid configuration (3 problems)")
                .contains(file + ":4:3: runner.nmae: unknown key (did you mean runner.name?)")
                .contains(file + ":5:3: runner.max_run_time: invalid duration \"5x\"")
                .contains(file + ":7:3: logging.level: \"loud\"");
        assertThat(run.all()).doesNotContain(TOKEN);
    }

    @Test
    void jsonOutputForValidAndInvalid() throws IOException {
        Path good = config("api:\n  auth_token: " + TOKEN + "\n", "rw-------");
        Run valid = validate(Map.of(), "--json", good.toString());
        assertThat(valid.exitCode()).isZero();
        JsonNode result = new ObjectMapper().readTree(valid.out());
        assertThat(result.path("valid").asBoolean()).isTrue();
        assertThat(result.path("config").path("api").path("auth_token").asText()).isEqualTo("********");
        assertThat(result.path("config").path("runner").path("max_run_time").asText()).isEqualTo("5h0m0s");
        assertThat(valid.all()).doesNotContain(TOKEN);

        Path bad = config("api:\n  auth_token: " + TOKEN + "\nrunner:\n  mode: " + TOKEN + "\n", "rw-------");
        Run invalid = validate(Map.of(), "--json", bad.toString());
        assertThat(invalid.exitCode()).isEqualTo(2);
        JsonNode problems = new ObjectMapper().readTree(invalid.out()).path("problems");
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).path("line").asInt()).isEqualTo(4);
        assertThat(problems.get(0).path("column").asInt()).isEqualTo(3);
        assertThat(problems.get(0).path("key").asText()).isEqualTo("runner.mode");
        assertThat(problems.get(0).path("file").asText()).isEqualTo(bad.toString());
        assertThat(invalid.all()).doesNotContain(TOKEN).contains("********");
    }

    @Test
    void looseModesWarnAndStrictMakesThemAnError() throws IOException {
        Path file = config("api:\n  auth_token: " + TOKEN + "\n", "rw-r--r--");
        Run lenient = validate(Map.of(), file.toString());
        assertThat(lenient.exitCode()).isZero();
        assertThat(lenient.err()).contains("readable by group or others (rw-r--r--)");

        Run strict = validate(Map.of(), "--strict", file.toString());
        assertThat(strict.exitCode()).isEqualTo(2);
        assertThat(strict.err()).contains("readable by group or others");
        assertThat(strict.all()).doesNotContain(TOKEN);
    }

    @Test
    void aMissingFileExits2NamingIt() {
        Run run = validate(Map.of(), temp.resolve("absent.yaml").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("absent.yaml: does not exist");
    }

    @Test
    void itIsRegisteredUnderRunwayConfig() throws IOException {
        Path file = config("api:\n  auth_token: " + TOKEN + "\n", "rw-------");
        Run run = run(Runway.commandLine(), "config", "validate", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--strict").contains("--json").contains("FILE");

        Run real = run(Runway.commandLine(), "config", "validate", file.toString());
        assertThat(real.exitCode()).isZero();
        assertThat(real.out()).contains("auth_token: \"********\"");

        Run bare = run(Runway.commandLine(), "config");
        assertThat(bare.exitCode()).isEqualTo(2);
        assertThat(bare.err()).contains("validate");
    }
}
