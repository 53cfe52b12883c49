package dev.runway.config;

import static dev.runway.config.Configs.TOKEN;
import static dev.runway.config.Configs.parse;
import static dev.runway.config.Configs.problems;
import static dev.runway.config.Configs.withToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every kind of mistake: reported with file, line, column and key, all at once. */
class ValidationTest {

    private static Problem onlyProblem(String yaml) {
        List<Problem> problems = problems(yaml);
        assertThat(problems).hasSize(1);
        return problems.get(0);
    }

    @Test
    void anUnknownKeyIsNamedWithItsPlaceAndASuggestion() {
        Problem problem = onlyProblem(withToken("runner:\n  nmae: x\n"));
        assertThat(problem).isEqualTo(new Problem("launch-agent-config.yaml", 4, 3, "runner.nmae",
                "unknown key (did you mean runner.name?)"));
        assertThat(problem.toString())
                .isEqualTo("launch-agent-config.yaml:4:3: runner.nmae: unknown key (did you mean runner.name?)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "'runer:\n  name: x\n'                 | runer                         | did you mean runner?",
            "'runner:\n  max_runtime: 1h\n'        | runner.max_runtime            | did you mean runner.max_run_time?",
            "'runner:\n  workdir: /x\n'            | runner.workdir                | known keys here: runner.name",
            "'logging:\n  levle: info\n'           | logging.levle                 | did you mean logging.level?",
            "'runner:\n  ssh:\n    advertise: x\n' | runner.ssh.advertise          | did you mean runner.ssh.advertise_addr?",
            "'runner:\n  auth_token: x\n'          | runner.auth_token             | belongs under api: as api.auth_token",
            "'health:\n  file: x\n'                | health.file                      | belongs under logging: as logging.file",
            "'Runner:\n  name: x\n'                | Runner                        | did you mean runner?",
            "'runner:\n  max-run-time: 1h\n'       | runner.max-run-time           | did you mean runner.max_run_time?",
    })
    void unknownKeysGetAHint(String yaml, String key, String hint) {
        Problem problem = onlyProblem(withToken(yaml));
        assertThat(problem.key()).isEqualTo(key);
        assertThat(problem.message()).startsWith("unknown key").contains(hint);
        assertThat(problem.line()).isGreaterThan(2);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "'runner:\n  name: [a, b]\n'                 | runner.name                 | expected a single value, found a list",
            "'runner:\n  name: {a: b}\n'                 | runner.name                 | expected a single value, found a mapping",
            "'runner:\n  command_prefix: /opt/x\n'       | runner.command_prefix       | expected a list of strings",
            "'runner:\n  command_prefix: {a: b}\n'       | runner.command_prefix       | found a mapping",
            "'runner:\n  command_prefix: [[a]]\n'        | runner.command_prefix[0]    | expected a string, found a list",
            "'runner:\n  command_prefix: [\"\"]\n'       | runner.command_prefix       | item 0 is an empty string",
            "'runner: x\n'                               | runner                      | expected a mapping of keys under runner:, found a string",
            "'runner:\n  - name: x\n'                    | runner                      | found a list",
            "'runner:\n  ssh: x\n'                       | runner.ssh                  | expected a mapping",
            "'runner:\n  max_concurrent_tasks: two\n'    | runner.max_concurrent_tasks | is not a whole number from 1 to 1024",
            "'runner:\n  max_concurrent_tasks: 0\n'      | runner.max_concurrent_tasks | out of range",
            "'runner:\n  max_concurrent_tasks: 1.5\n'    | runner.max_concurrent_tasks | is not a whole number",
            "'runner:\n  max_concurrent_tasks: 99999999999999999999\n' | runner.max_concurrent_tasks | is not a whole number",
            "'runner:\n  cleanup_working_directory: maybe\n' | runner.cleanup_working_directory | is not a boolean",
            "'runner:\n  max_run_time: 5\n'              | runner.max_run_time         | has no unit",
            "'runner:\n  max_run_time: [5h]\n'           | runner.max_run_time         | found a list",
            "'runner:\n  mode: single_task\n'            | runner.mode                 | did you mean single-task?",
            "'runner:\n  launcher: sytemd\n'             | runner.launcher             | did you mean systemd?",
            "'runner:\n  task_user: \"bad user\"\n'      | runner.task_user            | is not a user name",
            "'runner:\n  ssh:\n    advertise_addr: nohost\n' | runner.ssh.advertise_addr | is not host:port",
            "'logging:\n  level: warning\n'              | logging.level               | did you mean warn?",
            "'logging:\n  format: yaml\n'                | logging.format              | is not one of color, text, json, none",
            "'logging:\n  file: \"\"\n'                  | logging.file                | is empty",
            "'logging:\n  file: \"  \"\n'                | logging.file                | is empty",
            "'logging:\n  file: /var/log/a%d.log\n'     | logging.file                | may not hold %",
            "'logging:\n  max_files: 0\n'                | logging.max_files           | out of range",
            "'logging:\n  max_files: 21\n'               | logging.max_files           | from 1 to 20",
            "'health:\n  listen: 9797\n'                 | health.listen               | is not host:port",
            "'health:\n  listen: localhost:99999\n'      | health.listen               | is not host:port",
    })
    void wrongTypesAndValuesAreNamed(String yaml, String key, String message) {
        Problem problem = onlyProblem(withToken(yaml));
        assertThat(problem.key()).isEqualTo(key);
        assertThat(problem.message()).contains(message);
        assertThat(problem.line()).isGreaterThanOrEqualTo(3);
        assertThat(problem.column()).isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"127.0.0.1:9797", ":9797", "[::1]:9797", "localhost:0", "metrics.internal:65535", ""})
    void acceptsListenAddresses(String listen) throws ConfigException {
        assertThat(parse(withToken("health:\n  listen: \"" + listen + "\"\n")).config().health().listen())
                .isEqualTo(listen);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "ftp://runner.example.com | is not an http:// or https:// URL",
            "runner.example.com       | is not an http:// or https:// URL",
            "'http://'                | is not a valid URL",
            "http:///path             | has no host name",
            "https://user:pw@x.example | must not hold a user name or password",
            "'http://exa mple.com'    | is not a valid URL",
    })
    void refusesBadUrls(String url, String message) {
        Problem problem = onlyProblem("api:\n  auth_token: " + TOKEN + "\n  url: " + url + "\n");
        assertThat(problem.key()).isEqualTo("api.url");
        assertThat(problem.message()).contains(message);
    }

    @Test
    void aMissingTokenIsAnError() {
        for (String yaml : List.of("runner:\n  name: x\n", "api:\n  url: http://x.example\n", "api:\n  auth_token:\n",
                "api:\n  auth_token: \"\"\n", "api:\n  auth_token: '   '\n", "api:\n")) {
            Problem problem = onlyProblem(yaml);
            assertThat(problem.key()).as(yaml).isEqualTo("api.auth_token");
            assertThat(problem.message()).as(yaml).contains("no API token supplied");
        }
    }

    @Test
    void aTokenWithSpacesIsAnErrorThatDoesNotShowIt() {
        Problem problem = onlyProblem("api:\n  auth_token: \"abcd efgh\"\n");
        assertThat(problem.message()).contains("spaces or line breaks").doesNotContain("abcd").doesNotContain("efgh");
    }

    @Test
    void aPlaceholderTokenIsAWarningOnly() throws ConfigException {
        for (String token : List.of("AUTH_TOKEN", "REPLACE_WITH_RESOURCE_CLASS_TOKEN", "<runner-token>")) {
            LoadedConfig loaded = parse("api:\n  auth_token: \"" + token + "\"\n");
            assertThat(loaded.warnings()).singleElement().satisfies(warning -> assertThat(warning)
                    .contains("api.auth_token").contains("placeholder"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"build-host-1", "mac.mini_(2)", "A", "runner.example.com", "1.10"})
    void acceptsRunnerNames(String name) throws ConfigException {
        assertThat(parse(withToken("runner:\n  name: \"" + name + "\"\n")).config().runner().name()).isEqualTo(name);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "my runner | a space at position 3",
            "runner@host | '@' at position 7",
            "ünïcode | 'ü' at position 1",
            "a/b/c | '/' at position 2",
            "\"\" | is empty",
    })
    void refusesBadRunnerNames(String name, String message) {
        Problem problem = onlyProblem(withToken("runner:\n  name: \"" + name + "\"\n"));
        assertThat(problem.key()).isEqualTo("runner.name");
        assertThat(problem.message()).contains(message);
        if (!name.isEmpty()) {
            assertThat(problem.message()).contains("letters, digits and . ( ) - _");
        }
    }

    @Test
    void aResourceClassAsRunnerNameGetsAHintThatTheTokenDecides() {
        Problem problem = onlyProblem(withToken("runner:\n  name: my-namespace/my-resource-class\n"));
        assertThat(problem.message()).contains("resource class").contains("the token alone decides");
    }

    @Test
    void workingDirectoryHoldsAtMostOnePercentS() {
        assertThat(onlyProblem(withToken("runner:\n  working_directory: /w/%s/%s\n")).message())
                .contains("holds %s 2 times");
        assertThat(onlyProblem(withToken("runner:\n  working_directory: /w/%d\n")).message())
                .contains("a % that is not part of %s");
        assertThat(onlyProblem(withToken("runner:\n  working_directory: w/%s\n")).message())
                .contains("not an absolute path");
    }

    @Test
    void noPercentSWithConcurrencyIsAWarningThatTasksWouldShareTheDirectory() throws ConfigException {
        LoadedConfig loaded = parse(withToken("runner:\n  working_directory: /w\n  max_concurrent_tasks: 3\n"));
        assertThat(loaded.warnings()).singleElement().satisfies(warning -> assertThat(warning)
                .startsWith("launch-agent-config.yaml:4:3: runner.working_directory:")
                .contains("3 concurrent tasks").contains("share one directory"));
        assertThat(parse(withToken("runner:\n  working_directory: /w\n")).warnings()).isEmpty();
        assertThat(parse(withToken("runner:\n  working_directory: /w/%s\n  max_concurrent_tasks: 3\n")).warnings())
                .isEmpty();
    }

    @Test
    void theProcessLauncherWithASharedUserOrSeveralSlotsIsAWarningThatItCannotContainEveryJob()
            throws ConfigException {
        assertThat(parse(withToken("runner:\n  launcher: process\n")).warnings()).singleElement()
                .satisfies(warning -> assertThat(warning).startsWith("launch-agent-config.yaml:4:3: runner.launcher:")
                        .contains("cannot contain a job that scrubs its environment")
                        .contains("agent's user").contains("systemd or subreaper"));
        assertThat(parse(withToken("runner:\n  launcher: process\n  task_user: ci\n  max_concurrent_tasks: 2\n"))
                .warnings()).anySatisfy(warning -> assertThat(warning).contains("2 slots")
                        .contains("cannot contain"));
        assertThat(parse(withToken("runner:\n  launcher: process\n  task_user: ci-%d\n  max_concurrent_tasks: 2\n"))
                .warnings()).isEmpty();
        assertThat(parse(withToken("runner:\n  launcher: process\n  task_user: ci\n")).warnings()).isEmpty();
        assertThat(parse(withToken("runner:\n  launcher: subreaper\n")).warnings()).isEmpty();
    }

    @Test
    void severalSlotsSharingOneTaskUserAreAWarningThatTasksCanReadEachOther() throws ConfigException {
        for (String launcher : List.of("process", "subreaper")) {
            assertThat(parse(withToken("runner:\n  launcher: " + launcher + "\n  task_user: ci\n"
                    + "  max_concurrent_tasks: 3\n")).warnings()).anySatisfy(warning -> assertThat(warning)
                            .startsWith("launch-agent-config.yaml:5:3: runner.task_user:")
                            .contains("3 slots").contains("can read each other").contains("task_user: ci-%d"));
        }
        assertThat(parse(withToken("runner:\n  launcher: subreaper\n  task_user: ci-%d\n  max_concurrent_tasks: 3\n"))
                .warnings()).isEmpty();
        assertThat(parse(withToken("runner:\n  launcher: subreaper\n  task_user: ci\n")).warnings()).isEmpty();
    }

    @Test
    void aPerSlotTaskUserExpandsToTheSlotNumber() throws ConfigException {
        Runner runner = parse(withToken("runner:\n  task_user: circleci-%d\n  max_concurrent_tasks: 3\n")).config()
                .runner();
        assertThat(runner.perSlotTaskUser()).isTrue();
        assertThat(List.of(runner.taskUserFor(1), runner.taskUserFor(2), runner.taskUserFor(3)))
                .containsExactly("circleci-1", "circleci-2", "circleci-3");
        assertThatThrownBy(() -> runner.taskUserFor(4)).hasMessageContaining("1..3");
        Runner shared = parse(withToken("runner:\n  task_user: ci\n  max_concurrent_tasks: 2\n")).config().runner();
        assertThat(shared.perSlotTaskUser()).isFalse();
        assertThat(shared.taskUserFor(2)).isEqualTo("ci");
    }

    @Test
    void aTaskUserWithAPercentThatIsNotNameThenSlotIsAnError() throws ConfigException {
        for (String bad : List.of("%d", "ci-%d-%d", "ci-%s", "1%d", "c i-%d", "ci%")) {
            assertThat(onlyProblem(withToken("runner:\n  task_user: \"" + bad + "\"\n")).message())
                    .as(bad).contains("is not a per-slot user name")
                    .contains("circleci-%d");
        }
    }

    @Test
    void runnerEnvironmentListsVariableNamesOnly() throws ConfigException {
        assertThat(parse(withToken("runner:\n  environment: [BUILD_CACHE_URL, LC_X]\n")).config().runner()
                .environment()).containsExactly("BUILD_CACHE_URL", "LC_X");
        assertThat(onlyProblem(withToken("runner:\n  environment: [\"TOKEN=abc\"]\n")).message())
                .contains("invalid environment variable name").contains("list names only");
    }

    @Test
    void theSandboxListsProtectionsToRelaxAndNothingElse() throws ConfigException {
        assertThat(parse(withToken("runner:\n  sandbox: [sudo, home]\n")).config().runner().sandbox())
                .containsExactly("sudo", "home");
        assertThat(parse(withToken("")).config().runner().sandbox()).isEmpty();
        assertThat(onlyProblem(withToken("runner:\n  sandbox: [sudo, network]\n")).message())
                .contains("\"network\" is not a protection to relax").contains("sudo, tmp, system, home, proc");
    }

    @Test
    void cleanupWithoutPercentSWarnsThatTheWholeDirectoryGoes() throws ConfigException {
        LoadedConfig loaded = parse(withToken("runner:\n  working_directory: /home/ci\n"
                + "  cleanup_working_directory: true\n"));
        assertThat(loaded.warnings()).singleElement().satisfies(warning -> assertThat(warning)
                .contains("/home/ci is removed after each task"));
    }

    @Test
    void everyProblemIsReportedAtOnceInReadingOrder() {
        List<Problem> problems = problems("""
                api:
                  url: ftp://x
                runner:
                  name: "a b"
                  max_run_time: 5 hours
                  nmae: x
                  command_prefix: /opt/x
                logging:
                  level: loud
                """);
        assertThat(problems).extracting(Problem::line, Problem::key).containsExactly(
                org.assertj.core.groups.Tuple.tuple(2, "api.url"),
                org.assertj.core.groups.Tuple.tuple(4, "runner.name"),
                org.assertj.core.groups.Tuple.tuple(5, "runner.max_run_time"),
                org.assertj.core.groups.Tuple.tuple(6, "runner.nmae"),
                org.assertj.core.groups.Tuple.tuple(7, "runner.command_prefix"),
                org.assertj.core.groups.Tuple.tuple(9, "logging.level"),
                org.assertj.core.groups.Tuple.tuple(0, "api.auth_token"));
        ConfigException exception = new ConfigException(problems);
        assertThat(exception.getMessage()).startsWith("invalid configuration (7 problems):")
                .contains("launch-agent-config.yaml:5:3: runner.max_run_time: invalid duration \"5 hours\"");
    }

    @Test
    void aTabIsAYamlErrorWithItsPlace() {
        Problem problem = onlyProblem("api:\n\tauth_token: " + TOKEN + "\n");
        assertThat(problem.line()).isEqualTo(2);
        assertThat(problem.column()).isEqualTo(1);
        assertThat(problem.message()).contains("not valid YAML").contains("TAB");
    }

    @Test
    void syntaxErrorsHaveTheirPlace() {
        Problem unterminated = onlyProblem("api:\n  auth_token: \"abc\nrunner:\n  name: x\n");
        assertThat(unterminated.message()).contains("not valid YAML");
        assertThat(unterminated.line()).isPositive();

        Problem badIndent = onlyProblem("api:\n  auth_token: x\n url: y\n");
        assertThat(badIndent.line()).isEqualTo(3);
        assertThat(badIndent.message()).contains("not valid YAML");
    }

    @Test
    void aDuplicateKeyNamesBothLines() {
        Problem problem = onlyProblem(withToken("runner:\n  name: a\n  name: b\n"));
        assertThat(problem).isEqualTo(new Problem("launch-agent-config.yaml", 5, 3, "runner.name",
                "is given twice (first on line 4); keep one"));
    }

    @Test
    void aliasesAreRefusedSoAYamlBombCannotGrow() {
        List<Problem> problems = problems(ConfigFuzzTest.billionLaughs(9));
        assertThat(problems).anySatisfy(problem -> assertThat(problem.message()).contains("YAML alias"));
        assertThat(onlyProblem(withToken("runner:\n  name: &n host\nlogging:\n  file: *n\n")).message())
                .contains("uses a YAML alias (*n)");
    }

    @Test
    void deepNestingIsRefusedBeforeItCostsAnything() {
        assertThat(onlyProblem("[".repeat(200_000)).message()).contains("more than 16 levels");
        assertThat(onlyProblem("a: " + "{b: ".repeat(50) + "1" + "}".repeat(50) + "\n").message())
                .contains("more than 16 levels");
        StringBuilder blocks = new StringBuilder();
        for (int depth = 0; depth < 100; depth++) {
            blocks.append("  ".repeat(depth)).append("k:\n");
        }
        assertThat(onlyProblem(blocks + "  ".repeat(100) + "v\n").message()).contains("more than 16 levels");
    }

    @Test
    void hugeInputIsRefused() {
        byte[] huge = ("# " + "x".repeat(YamlReader.MAX_BYTES) + "\n").getBytes(StandardCharsets.UTF_8);
        ConfigException refused = null;
        try {
            ConfigLoader.parse("big.yaml", huge, Map.of(), () -> "h");
        } catch (ConfigException e) {
            refused = e;
        }
        assertThat(refused).isNotNull();
        assertThat(refused.problems()).singleElement()
                .satisfies(problem -> assertThat(problem.message()).contains("at most 1048576 bytes"));
    }

    @Test
    void aSecondDocumentAndBinaryValuesAreRefused() {
        assertThat(onlyProblem(withToken("runner:\n  name: a\n---\nrunner:\n  name: b\n")).message())
                .contains("second YAML document");
        assertThat(onlyProblem(withToken("runner:\n  name: !!binary aGVsbG8=\n")).message()).contains("binary");
    }

    @Test
    void badBytesAreRefusedWithTheirPlace() {
        ConfigException refused = null;
        try {
            ConfigLoader.parse("f.yaml", new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28}, Map.of(), () -> "h");
        } catch (ConfigException e) {
            refused = e;
        }
        assertThat(refused).isNotNull();
        assertThat(refused.problems().get(0).message()).contains("not UTF-8");

        Problem control = onlyProblem(withToken("runner:\n  name: a\u0007b\n"));
        assertThat(control.line()).isEqualTo(4);
        assertThat(control.column()).isEqualTo(10);
        assertThat(control.message()).contains("U+0007");
    }

    @Test
    void aRootThatIsNotAMappingIsNamed() {
        assertThat(onlyProblem("- a\n- b\n").message()).contains("must be a mapping").contains("found a list");
        assertThat(onlyProblem("just text\n").message()).contains("found a string");
    }
}
