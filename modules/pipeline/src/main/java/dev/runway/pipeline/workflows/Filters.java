package dev.runway.pipeline.workflows;

import dev.runway.pipeline.logic.BoundedRegex;
import dev.runway.pipeline.logic.Expression;
import dev.runway.pipeline.yaml.Node;
import dev.runway.pipeline.yaml.Problems;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A workflow job's {@code filters}: branches and tags with {@code only} / {@code ignore} (names, or /regex/ matched
 * in full), or an expression string. Without tag filters a job does not run for a tag. A {@code branches:} with
 * neither only nor ignore admits every branch (as the configuration reference says).
 */
final class Filters {
    private static final List<String> KEYS = List.of("branches", "tags");
    private static final List<String> RULE_KEYS = List.of("only", "ignore");

    private final Problems problems;
    private final Function<String, Object> values;

    Filters(Problems problems, Function<String, Object> values) {
        this.problems = problems;
        this.values = values;
    }

    /** Checks {@code filters} (null: none) and says whether they admit {@code branch} / {@code tag}. */
    boolean admits(Node filters, String branch, String tag) {
        boolean forTag = tag != null && !tag.isEmpty();
        if (filters == null || filters instanceof Node.Scalar s && s.isNull()) {
            return !forTag;
        }
        if (filters instanceof Node.Scalar scalar && scalar.isString()) {
            try {
                return Expression.parse(scalar.text()).test(values, scalar.at());
            } catch (Expression.Invalid | IllegalArgumentException e) {
                problems.error(scalar.at(), "filters '" + scalar.text() + "' is not a valid expression: "
                        + e.getMessage());
                return false;
            }
        }
        if (!(filters instanceof Node.Mapping mapping)) {
            problems.error(filters.at(), "filters must be a mapping (branches:, tags:) or an expression string,"
                    + " found " + filters.describe());
            return false;
        }
        for (Node.Entry entry : mapping.entries().values()) {
            if (!KEYS.contains(entry.key())) {
                problems.error(entry.keyAt(), "filters have branches: and tags:, not '" + entry.key() + "'"
                        + Problems.hint(entry.key(), KEYS));
            }
        }
        boolean branches = rule(mapping.get("branches"), forTag ? null : branch, "branches");
        Node tags = mapping.get("tags");
        boolean tagsAdmit = rule(tags, forTag ? tag : null, "tags");
        if (forTag) {
            return tags != null && tagsAdmit;
        }
        return branches;
    }

    /** Checks one only/ignore rule; whether it admits {@code value} (null: not applicable, admitted). */
    private boolean rule(Node rule, String value, String what) {
        if (rule == null || rule instanceof Node.Scalar s && s.isNull()) {
            return true;
        }
        if (!(rule instanceof Node.Mapping mapping)) {
            problems.error(rule.at(), what + " filters are a mapping with only: and/or ignore:, found "
                    + rule.describe());
            return false;
        }
        for (Node.Entry entry : mapping.entries().values()) {
            if (!RULE_KEYS.contains(entry.key())) {
                problems.error(entry.keyAt(), what + " filters have only: and ignore:, not '" + entry.key() + "'"
                        + Problems.hint(entry.key(), RULE_KEYS));
            }
        }
        List<Pattern> only = patterns(mapping.get("only"), what);
        List<Pattern> ignore = patterns(mapping.get("ignore"), what);
        if (value == null) {
            return true;
        }
        if (mapping.get("only") != null && !matchesAny(only, value, mapping.get("only"))) {
            return false;
        }
        return !matchesAny(ignore, value, mapping.get("ignore"));
    }

    private boolean matchesAny(List<Pattern> patterns, String value, Node at) {
        for (Pattern pattern : patterns) {
            if (BoundedRegex.fullMatch(pattern, value, at.at())) {
                return true;
            }
        }
        return false;
    }

    private List<Pattern> patterns(Node node, String what) {
        List<Pattern> patterns = new ArrayList<>();
        if (node == null) {
            return patterns;
        }
        List<Node> items = node instanceof Node.Seq seq ? seq.items() : List.of(node);
        for (Node item : items) {
            if (!(item instanceof Node.Scalar scalar) || scalar.isNull()) {
                problems.error(item.at(), what + " filters list names or /regular expressions/, found "
                        + item.describe());
                continue;
            }
            String text = scalar.text();
            if (text.length() >= 2 && text.startsWith("/") && text.endsWith("/")) {
                String[] error = new String[1];
                Pattern pattern = BoundedRegex.compile(text.substring(1, text.length() - 1), error);
                if (pattern == null) {
                    problems.error(item.at(), "'" + text + "' is not a valid regular expression: " + error[0]);
                } else {
                    patterns.add(pattern);
                }
            } else {
                patterns.add(Pattern.compile(Pattern.quote(text)));
            }
        }
        return patterns;
    }
}
