package dev.runway.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Applies environment overrides: a variable that is set and not empty replaces the file's value. For one setting,
 * LAUNCH_AGENT_* wins over CIRCLECI_RUNNER_*, which wins over CIRCLECI_API_TOKEN; the losers get a warning.
 */
final class EnvironmentSettings {
    private static final String EXAMPLE_LIST = "'[\"/opt/runway/launch-task\"]'";

    private final Map<String, String> environment;
    private final Findings findings;
    private final Redactor redactor;

    private EnvironmentSettings(Map<String, String> environment, Findings findings, Redactor redactor) {
        this.environment = environment;
        this.findings = findings;
        this.redactor = redactor;
    }

    /** Overrides {@code values} in place from {@code environment}; token values are handed to the redactor. */
    static void apply(Map<String, String> environment, Map<Setting, RawValue> values, Findings findings,
            Redactor redactor) {
        EnvironmentSettings settings = new EnvironmentSettings(environment, findings, redactor);
        for (Setting setting : Setting.values()) {
            RawValue override = settings.override(setting);
            if (override != null) {
                values.put(setting, override);
            }
        }
        settings.warnAboutUnknownVariables();
    }

    private RawValue override(Setting setting) {
        String winner = null;
        for (String name : setting.environmentNames()) {
            String value = environment.get(name);
            if (value == null || value.isEmpty()) {
                continue;
            }
            if (setting == Setting.API_AUTH_TOKEN) {
                redactor.add(value);
            }
            if (winner == null) {
                winner = name;
            } else if (!value.equals(environment.get(winner))) {
                findings.warn(Origin.environment(name), "is ignored: " + winner + " is also set, differently, "
                        + "and takes precedence for " + setting.key());
            }
        }
        if (winner == null) {
            return null;
        }
        Origin origin = Origin.environment(winner);
        String text = environment.get(winner);
        return setting.isList() ? listLiteral(origin, text) : RawValue.scalar(origin, text);
    }

    /** COMMAND_PREFIX holds a list literal, as CircleCI's: {@code '["/opt/x/launch-task", "--flag"]'}. */
    private RawValue listLiteral(Origin origin, String text) {
        if (!text.strip().startsWith("[")) {
            findings.error(origin, "expected a list literal such as " + EXAMPLE_LIST + ", found a plain string");
            return null;
        }
        Findings scratch = new Findings();
        YamlNode node = YamlReader.read(origin.label(), text.getBytes(StandardCharsets.UTF_8), scratch);
        if (scratch.hasErrors() || !(node instanceof YamlNode.Sequence sequence)) {
            findings.error(origin, "is not a valid list literal; write it as " + EXAMPLE_LIST);
            return null;
        }
        List<String> items = new ArrayList<>();
        for (YamlNode item : sequence.items()) {
            if (!(item instanceof YamlNode.Scalar scalar)) {
                findings.error(origin, "item " + items.size() + " of the list is " + item.describe()
                        + "; every item must be a string, as in " + EXAMPLE_LIST);
                return null;
            }
            items.add(scalar.text());
        }
        return RawValue.list(origin, items);
    }

    /** A misspelt override would be silently ignored; point at it instead. */
    private void warnAboutUnknownVariables() {
        Set<String> known = Setting.allEnvironmentNames();
        for (String name : new TreeSet<>(environment.keySet())) {
            boolean ours = name.startsWith(Setting.LAUNCH_AGENT_PREFIX)
                    || name.startsWith(Setting.CIRCLECI_RUNNER_PREFIX);
            if (ours && !known.contains(name)) {
                findings.warn(Origin.environment(name), "is not a Runway setting and is ignored"
                        + Suggestions.hint(name, known));
            }
        }
    }
}
