package dev.runway.config;

import static dev.runway.config.Configs.TOKEN;
import static dev.runway.config.Configs.environmentOnly;
import static dev.runway.config.Configs.parse;
import static dev.runway.config.Configs.problems;
import static dev.runway.config.Configs.withToken;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** LAUNCH_AGENT_*, CIRCLECI_RUNNER_* and CIRCLECI_API_TOKEN over the file, and their order among themselves. */
class EnvironmentOverridesTest {
    /** A file that sets every setting to something other than what the environment will say. */
    private static final String FILE = """
            api:
              auth_token: file-token-0000
              url: http://file.example:1
            runner:
              name: file-name
              command_prefix: ["/file/prefix"]
              working_directory: /file/%s
              cleanup_working_directory: false
              max_run_time: 1h
              mode: continuous
              idle_timeout: 1m
              disable_auto_update: false
              launcher: process
              task_user: fileuser
              max_concurrent_tasks: 1
              grace_period: 1s
              standby_timeout: 1m
              ssh:
                advertise_addr: file.example:1
            logging:
              file: /file/log
              level: info
              format: text
              max_file_size: 1MiB
              max_files: 1
            health:
              listen: 127.0.0.1:1
            """;

    /** For each setting: a value to put in the environment, and what the configuration must then hold. */
    private record Case(Setting setting, String value, Function<LaunchAgentConfig, Object> read, Object expected) {}

    private static final List<Case> CASES = List.of(
            new Case(Setting.API_AUTH_TOKEN, TOKEN, c -> c.api().authToken().reveal(), TOKEN),
            new Case(Setting.API_URL, "https://env.example", c -> c.api().url(), "https://env.example"),
            new Case(Setting.RUNNER_NAME, "env-name", c -> c.runner().name(), "env-name"),
            new Case(Setting.RUNNER_COMMAND_PREFIX, "[\"/opt/x/launch-task\"]", c -> c.runner().commandPrefix(),
                    List.of("/opt/x/launch-task")),
            new Case(Setting.RUNNER_WORKING_DIRECTORY, "/env/%s", c -> c.runner().workingDirectory(), "/env/%s"),
            new Case(Setting.RUNNER_CLEANUP_WORKING_DIRECTORY, "true", c -> c.runner().cleanupWorkingDirectory(),
                    true),
            new Case(Setting.RUNNER_MAX_RUN_TIME, "1h30m20s", c -> c.runner().maxRunTime(),
                    Duration.parse("PT1H30M20S")),
            new Case(Setting.RUNNER_MODE, "single-task", c -> c.runner().mode(), Mode.SINGLE_TASK),
            new Case(Setting.RUNNER_IDLE_TIMEOUT, "30m", c -> c.runner().idleTimeout(), Duration.ofMinutes(30)),
            new Case(Setting.RUNNER_DISABLE_AUTO_UPDATE, "1", c -> c.runner().disableAutoUpdate(), true),
            new Case(Setting.RUNNER_LAUNCHER, "systemd", c -> c.runner().launcher(), "systemd"),
            new Case(Setting.RUNNER_TASK_USER, "envuser", c -> c.runner().taskUser(), "envuser"),
            new Case(Setting.RUNNER_MAX_CONCURRENT_TASKS, "8", c -> c.runner().maxConcurrentTasks(), 8),
            new Case(Setting.RUNNER_GRACE_PERIOD, "500ms", c -> c.runner().gracePeriod(), Duration.ofMillis(500)),
            new Case(Setting.RUNNER_STANDBY_TIMEOUT, "0", c -> c.runner().standbyTimeout(), Duration.ZERO),
            new Case(Setting.RUNNER_ENVIRONMENT, "[\"BUILD_CACHE_URL\"]", c -> c.runner().environment(),
                    List.of("BUILD_CACHE_URL")),
            new Case(Setting.RUNNER_SANDBOX, "[\"sudo\", \"home\"]", c -> c.runner().sandbox(),
                    List.of("sudo", "home")),
            new Case(Setting.RUNNER_SSH_ADVERTISE_ADDR, "203.0.113.7:54782", c -> c.runner().sshAdvertiseAddr(),
                    "203.0.113.7:54782"),
            new Case(Setting.LOGGING_FILE, "/env/log", c -> c.logging().file(), "/env/log"),
            new Case(Setting.LOGGING_LEVEL, "debug", c -> c.logging().level(), Logging.Level.DEBUG),
            new Case(Setting.LOGGING_FORMAT, "json", c -> c.logging().format(), Logging.Format.JSON),
            new Case(Setting.LOGGING_MAX_FILE_SIZE, "10MiB", c -> c.logging().maxFileBytes(), 10L << 20),
            new Case(Setting.LOGGING_MAX_FILES, "7", c -> c.logging().maxFiles(), 7),
            new Case(Setting.HEALTH_LISTEN, "0.0.0.0:9797", c -> c.health().listen(), "0.0.0.0:9797"));

    static Stream<Arguments> everyVariable() {
        List<Arguments> arguments = new ArrayList<>();
        for (Case testCase : CASES) {
            for (String variable : testCase.setting().environmentNames()) {
                arguments.add(Arguments.of(variable, testCase));
            }
        }
        return arguments.stream();
    }

    @Test
    void everySettingHasACase() {
        assertThat(CASES.stream().map(Case::setting)).containsExactlyInAnyOrder(Setting.values());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyVariable")
    void everyVariableOverridesTheFile(String variable, Case testCase) throws ConfigException {
        LaunchAgentConfig config = parse(FILE, Map.of(variable, testCase.value())).config();
        assertThat(testCase.read().apply(config)).isEqualTo(testCase.expected());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyVariable")
    void everyVariableWorksWithoutAFile(String variable, Case testCase) throws ConfigException {
        Map<String, String> environment = testCase.setting() == Setting.API_AUTH_TOKEN
                ? Map.of(variable, testCase.value())
                : Map.of("LAUNCH_AGENT_API_AUTH_TOKEN", TOKEN, variable, testCase.value());
        assertThat(testCase.read().apply(environmentOnly(environment).config())).isEqualTo(testCase.expected());
    }

    @Test
    void theDocumentedNamesAreThere() {
        assertThat(Setting.RUNNER_WORKING_DIRECTORY.environmentNames())
                .containsExactly("LAUNCH_AGENT_RUNNER_WORK_DIR", "CIRCLECI_RUNNER_WORK_DIR");
        assertThat(Setting.RUNNER_CLEANUP_WORKING_DIRECTORY.environmentNames())
                .containsExactly("LAUNCH_AGENT_RUNNER_CLEANUP_WORK_DIR", "CIRCLECI_RUNNER_CLEANUP_WORK_DIR");
        assertThat(Setting.API_AUTH_TOKEN.environmentNames()).containsExactly("LAUNCH_AGENT_API_AUTH_TOKEN",
                "CIRCLECI_RUNNER_API_AUTH_TOKEN", "CIRCLECI_API_TOKEN");
        assertThat(Setting.RUNNER_NAME.environmentNames())
                .containsExactly("LAUNCH_AGENT_RUNNER_NAME", "CIRCLECI_RUNNER_NAME");
    }

    @Test
    void launchAgentWinsOverCircleciRunnerWhichWinsOverTheApiTokenAlias() throws ConfigException {
        LoadedConfig all = environmentOnly(Map.of("LAUNCH_AGENT_API_AUTH_TOKEN", "launch-agent-token",
                "CIRCLECI_RUNNER_API_AUTH_TOKEN", "circleci-runner-token", "CIRCLECI_API_TOKEN", "alias-token"));
        assertThat(all.config().api().authToken().reveal()).isEqualTo("launch-agent-token");
        assertThat(all.warnings()).hasSize(2).allSatisfy(warning -> assertThat(warning)
                .contains("is ignored: LAUNCH_AGENT_API_AUTH_TOKEN is also set").doesNotContain("-token "));

        LoadedConfig twoOfThem = environmentOnly(Map.of("CIRCLECI_RUNNER_API_AUTH_TOKEN", "circleci-runner-token",
                "CIRCLECI_API_TOKEN", "alias-token"));
        assertThat(twoOfThem.config().api().authToken().reveal()).isEqualTo("circleci-runner-token");

        LoadedConfig names = environmentOnly(Map.of("CIRCLECI_API_TOKEN", TOKEN,
                "LAUNCH_AGENT_RUNNER_NAME", "from-launch-agent", "CIRCLECI_RUNNER_NAME", "from-circleci-runner"));
        assertThat(names.config().runner().name()).isEqualTo("from-launch-agent");
        assertThat(names.warnings()).singleElement().satisfies(warning -> assertThat(warning)
                .startsWith("environment: CIRCLECI_RUNNER_NAME: is ignored"));
    }

    @Test
    void theSameValueTwiceIsNoConflict() throws ConfigException {
        LoadedConfig loaded = environmentOnly(Map.of("CIRCLECI_API_TOKEN", TOKEN,
                "LAUNCH_AGENT_API_AUTH_TOKEN", TOKEN));
        assertThat(loaded.warnings()).isEmpty();
    }

    @Test
    void theEnvironmentWinsOverTheFileAndTheFileOverTheDefaults() throws ConfigException {
        LaunchAgentConfig config = parse(FILE, Map.of("LAUNCH_AGENT_RUNNER_NAME", "env-name")).config();
        assertThat(config.runner().name()).isEqualTo("env-name");
        assertThat(config.runner().taskUser()).isEqualTo("fileuser");
        assertThat(config.runner().maxRunTime()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void anEmptyVariableIsIgnored() throws ConfigException {
        LaunchAgentConfig config = parse(FILE, Map.of("LAUNCH_AGENT_RUNNER_NAME", "",
                "LAUNCH_AGENT_API_AUTH_TOKEN", "")).config();
        assertThat(config.runner().name()).isEqualTo("file-name");
        assertThat(config.api().authToken().reveal()).isEqualTo("file-token-0000");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[\"sudo\", \"-niHu\", \"USERNAME\", \"--\"]", "['sudo', '-niHu', USERNAME, '--']",
            "  [ sudo, -niHu, USERNAME, -- ]  "})
    void commandPrefixIsAListLiteral(String literal) throws ConfigException {
        assertThat(parse(FILE, Map.of("CIRCLECI_RUNNER_COMMAND_PREFIX", literal)).config().runner().commandPrefix())
                .containsExactly("sudo", "-niHu", "USERNAME", "--");
    }

    @Test
    void anEmptyListLiteralClearsTheFilesPrefix() throws ConfigException {
        assertThat(parse(FILE, Map.of("LAUNCH_AGENT_RUNNER_COMMAND_PREFIX", "[]")).config().runner().commandPrefix())
                .isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/opt/x/launch-task", "[\"/opt/x\"", "[[\"/opt/x\"]]", "[{a: b}]", "[\"a\"] [\"b\"]"})
    void aBadListLiteralIsAnErrorNamingTheVariable(String literal) {
        assertThat(problems(FILE, Map.of("LAUNCH_AGENT_RUNNER_COMMAND_PREFIX", literal))).singleElement()
                .satisfies(problem -> {
                    assertThat(problem.file()).isEqualTo("environment");
                    assertThat(problem.key()).isEqualTo("LAUNCH_AGENT_RUNNER_COMMAND_PREFIX");
                    assertThat(problem.message()).contains("[\"/opt/runway/launch-task\"]");
                });
    }

    @Test
    void aBadValueInTheEnvironmentNamesTheVariable() {
        assertThat(problems(FILE, Map.of("LAUNCH_AGENT_RUNNER_MAX_RUN_TIME", "5 hours", "CIRCLECI_RUNNER_MODE",
                "single"))).extracting(Problem::toString).containsExactly(
                "environment: CIRCLECI_RUNNER_MODE: \"single\" is not a mode; use continuous or single-task "
                        + "(did you mean single-task?)",
                "environment: LAUNCH_AGENT_RUNNER_MAX_RUN_TIME: invalid duration \"5 hours\": unknown unit \" hours\" "
                        + "(use ns, us, ms, s, m or h); use Go's form, e.g. 72h, 1h30m, 30s, 500ms, 1.5h");
    }

    @Test
    void aMisspeltVariableGetsAWarningWithASuggestion() throws ConfigException {
        LoadedConfig loaded = parse(withToken(""), Map.of("LAUNCH_AGENT_RUNNER_MAX_RUNTIME", "1h",
                "CIRCLECI_RUNNER_WORKDIR", "/x/%s", "CIRCLECI_RESOURCE_CLASS", "ns/rc", "PATH", "/bin"));
        assertThat(loaded.warnings()).containsExactly(
                "environment: CIRCLECI_RUNNER_WORKDIR: is not a Runway setting and is ignored "
                        + "(did you mean CIRCLECI_RUNNER_WORK_DIR?)",
                "environment: LAUNCH_AGENT_RUNNER_MAX_RUNTIME: is not a Runway setting and is ignored "
                        + "(did you mean LAUNCH_AGENT_RUNNER_MAX_RUN_TIME?)");
    }

    @Test
    void theDockerImagesAliasAloneIsEnough() throws ConfigException {
        LaunchAgentConfig config = environmentOnly(Map.of("CIRCLECI_API_TOKEN", TOKEN,
                "CIRCLECI_RESOURCE_CLASS", "ns/rc")).config();
        assertThat(config.api().authToken().reveal()).isEqualTo(TOKEN);
        assertThat(config.runner().name()).isEqualTo(Configs.HOST);
    }

    @Test
    void noTokenAnywhereIsAnError() {
        ConfigException refused = null;
        try {
            environmentOnly(Map.of("LAUNCH_AGENT_RUNNER_NAME", "x"));
        } catch (ConfigException e) {
            refused = e;
        }
        assertThat(refused).isNotNull();
        assertThat(refused.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.file()).isEqualTo("environment");
            assertThat(problem.key()).isEqualTo("api.auth_token");
            assertThat(problem.message()).contains("no API token supplied")
                    .contains("LAUNCH_AGENT_API_AUTH_TOKEN").contains("CIRCLECI_API_TOKEN");
        });
    }
}
