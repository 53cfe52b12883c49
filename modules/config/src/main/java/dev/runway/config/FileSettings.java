package dev.runway.config;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Walks a parsed launch-agent-config.yaml: the nested form (api:, runner:, logging:, health:) and the flat layout
 * of the install guide (auth_token: ... at the top level). Unknown keys and values of the wrong shape are problems.
 */
final class FileSettings {
    private static final List<String> SECTIONS = List.of("api", "runner", "logging", "health");

    private final String file;
    private final Findings findings;
    private final Map<Setting, RawValue> values = new EnumMap<>(Setting.class);

    private FileSettings(String file, Findings findings) {
        this.file = file;
        this.findings = findings;
    }

    /** The settings written in {@code root}, by setting. */
    static Map<Setting, RawValue> read(String file, YamlNode root, Findings findings) {
        FileSettings settings = new FileSettings(file, findings);
        settings.readRoot(root);
        return settings.values;
    }

    private void readRoot(YamlNode root) {
        if (root instanceof YamlNode.Null) {
            return; // a file holding only comments
        }
        if (!(root instanceof YamlNode.Mapping mapping)) {
            findings.error(file, root.line(), root.column(), "", "must be a mapping of keys (api:, runner:, "
                    + "logging:), found " + root.describe());
            return;
        }
        for (YamlNode.Entry entry : mapping.entries()) {
            String key = entry.key();
            Setting flat = Setting.byFlatName(key);
            if (SECTIONS.contains(key)) {
                readSection(key, entry);
            } else if (flat != null) {
                findings.warn(file, entry.line(), entry.column(), key, "is the install guide's flat layout; "
                        + "Runway reads it as " + flat.key() + " (write it under " + flat.section() + ":)");
                put(flat, entry, key);
            } else {
                List<String> candidates = new ArrayList<>(SECTIONS);
                for (Setting setting : Setting.values()) {
                    if (setting.allowedFlat()) {
                        candidates.add(setting.leafName());
                    }
                }
                unknown(entry, key, candidates, SECTIONS);
            }
        }
    }

    private void readSection(String section, YamlNode.Entry sectionEntry) {
        YamlNode value = sectionEntry.value();
        if (value instanceof YamlNode.Null) {
            return;
        }
        if (!(value instanceof YamlNode.Mapping mapping)) {
            findings.error(file, value.line(), value.column(), section, "expected a mapping of keys under "
                    + section + ":, found " + value.describe());
            return;
        }
        for (YamlNode.Entry entry : mapping.entries()) {
            String key = section + "." + entry.key();
            Setting setting = Setting.byKey(key);
            if (setting != null) {
                put(setting, entry, key);
            } else if (key.equals("runner.ssh")) {
                readSection(key, entry);
            } else {
                unknown(entry, key, keysIn(section), keysIn(section));
            }
        }
    }

    /**
     * @param candidates what the key may be a typo of
     * @param listed     what to list when no candidate is close
     */
    private void unknown(YamlNode.Entry entry, String key, List<String> candidates, List<String> listed) {
        String leaf = entry.key();
        Setting elsewhere = Setting.byFlatName(leaf);
        String hint;
        if (elsewhere != null && !elsewhere.key().equals(key)) {
            hint = " (" + leaf + " belongs under " + elsewhere.section() + ": as " + elsewhere.key() + ")";
        } else {
            String closest = Suggestions.closest(key, candidates);
            hint = closest == null ? "; known keys here: " + String.join(", ", listed)
                    : " (did you mean " + closest + "?)";
        }
        findings.error(file, entry.line(), entry.column(), key, "unknown key" + hint);
    }

    private static List<String> keysIn(String section) {
        List<String> keys = new ArrayList<>();
        for (Setting setting : Setting.values()) {
            if (setting.section().equals(section)) {
                keys.add(setting.key());
            }
        }
        if (section.equals("runner")) {
            keys.add("runner.ssh");
        }
        return keys;
    }

    private void put(Setting setting, YamlNode.Entry entry, String label) {
        Origin origin = new Origin(file, entry.line(), entry.column(), label);
        RawValue previous = values.get(setting);
        if (previous != null) {
            findings.error(origin, "sets " + setting.key() + " again (already set by "
                    + previous.origin().describe() + "); keep one");
            return;
        }
        YamlNode value = entry.value();
        if (value instanceof YamlNode.Null) {
            return; // "key:" with nothing after it: the default applies
        }
        RawValue raw = setting.isList() ? list(origin, value) : scalar(origin, value);
        if (raw != null) {
            values.put(setting, raw);
        }
    }

    private RawValue scalar(Origin origin, YamlNode value) {
        if (value instanceof YamlNode.Scalar scalar) {
            return RawValue.scalar(origin, scalar.text());
        }
        findings.error(origin, "expected a single value, found " + value.describe());
        return null;
    }

    private RawValue list(Origin origin, YamlNode value) {
        if (!(value instanceof YamlNode.Sequence sequence)) {
            findings.error(origin, "expected a list of strings such as [\"/opt/runway/launch-task\"], found "
                    + value.describe() + " (put the command and each argument in brackets)");
            return null;
        }
        List<String> items = new ArrayList<>();
        for (YamlNode item : sequence.items()) {
            if (item instanceof YamlNode.Scalar scalar) {
                items.add(scalar.text());
            } else {
                findings.error(file, item.line(), item.column(), origin.label() + "[" + items.size() + "]",
                        "expected a string, found " + item.describe());
                return null;
            }
        }
        return RawValue.list(origin, items);
    }
}
