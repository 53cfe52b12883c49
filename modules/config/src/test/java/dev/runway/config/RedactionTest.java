package dev.runway.config;

import static dev.runway.config.Configs.TOKEN;
import static dev.runway.config.Configs.environmentOnly;
import static dev.runway.config.Configs.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The token appears nowhere: not in toString, problems, warnings, nor the effective configuration. */
class RedactionTest {

    private static String failureText(String yaml, Map<String, String> environment) {
        try {
            Configs.parse(yaml, environment);
        } catch (ConfigException e) {
            StringBuilder all = new StringBuilder(e.getMessage()).append(e);
            e.problems().forEach(problem -> all.append(problem).append(problem.key()).append(problem.file()));
            return all.toString();
        }
        throw new AssertionError("expected a ConfigException for:\n" + yaml);
    }

    @Test
    void secretNeverPrintsItsValue() {
        Secret secret = Secret.of(TOKEN);
        assertThat(secret.toString()).isEqualTo("********");
        assertThat(secret.reveal()).isEqualTo(TOKEN);
        assertThat(secret).isEqualTo(Secret.of(TOKEN)).isNotEqualTo(Secret.of("other"));
        assertThat(String.valueOf(secret)).doesNotContain(TOKEN);
    }

    @Test
    void recordsPrintTheTokenRedacted() throws ConfigException {
        LoadedConfig loaded = parse("api:\n  auth_token: " + TOKEN + "\n");
        assertThat(loaded.toString()).doesNotContain(TOKEN).contains("authToken=********");
        assertThat(loaded.config().api().toString()).doesNotContain(TOKEN);
    }

    @Test
    void theTokenUnderAnotherKeyIsRedactedInItsError() {
        String text = failureText("api:\n  auth_token: " + TOKEN + "\nrunner:\n  mode: " + TOKEN + "\n"
                + "  launcher: " + TOKEN + "\n", Map.of());
        assertThat(text).doesNotContain(TOKEN).contains("\"********\" is not a mode");
    }

    @Test
    void aTokenFromTheEnvironmentIsRedactedToo() {
        String text = failureText("runner:\n  max_run_time: " + TOKEN + "\n", Map.of("CIRCLECI_API_TOKEN", TOKEN));
        assertThat(text).doesNotContain(TOKEN).contains("invalid duration \"********\"");
    }

    @Test
    void aSyntaxErrorNearTheTokenDoesNotShowIt() {
        for (String yaml : List.of(
                "api:\n  auth_token: " + TOKEN + "\"\n  url: [\n",
                "api:\n  auth_token: \"" + TOKEN + "\n",
                "api:\n  auth_token: " + TOKEN + "\n\tbad: tab\n",
                "api:\n  auth_token: '" + TOKEN + "'\n  auth_token: " + TOKEN + "\n",
                "api:\n  auth_token: [" + TOKEN + "]\n",
                "api:\n  auth_token: {" + TOKEN + ": x}\n",
                "auth_token: " + TOKEN + " trailing words\nrunner: [\n")) {
            assertThat(failureText(yaml, Map.of())).as(yaml).doesNotContain(TOKEN);
        }
    }

    @Test
    void aTokenWithSpacesDoesNotShowIt() {
        assertThat(failureText("api:\n  auth_token: \"" + TOKEN + " x\"\n", Map.of())).doesNotContain(TOKEN);
    }

    @Test
    void conflictingEnvironmentTokensAreWarnedAboutByNameOnly() throws ConfigException {
        LoadedConfig loaded = environmentOnly(Map.of("LAUNCH_AGENT_API_AUTH_TOKEN", TOKEN,
                "CIRCLECI_API_TOKEN", TOKEN + "-other"));
        assertThat(loaded.warnings()).singleElement().satisfies(warning -> assertThat(warning)
                .contains("CIRCLECI_API_TOKEN").doesNotContain(TOKEN));
    }

    @Test
    void theEffectiveConfigurationShowsTheTokenRedacted() throws ConfigException {
        LaunchAgentConfig config = parse(Samples.NESTED_FULL.replace("AUTH_TOKEN_VALUE_1234", TOKEN)).config();
        assertThat(EffectiveConfig.toYaml(config)).doesNotContain(TOKEN).contains("auth_token: \"********\"");
        assertThat(EffectiveConfig.toJson(EffectiveConfig.toMap(config))).doesNotContain(TOKEN)
                .contains("\"auth_token\": \"********\"");
    }

    @Test
    void shortValuesAreNotRedactedEverywhere() {
        // A 1-3 character "token" is no secret, and redacting it would garble every message.
        String text = failureText("api:\n  auth_token: a\nrunner:\n  mode: bad\n", Map.of());
        assertThat(text).contains("\"bad\" is not a mode");
    }
}
