package dev.runway.pipeline.logic;

import dev.runway.pipeline.parameters.Truthiness;
import dev.runway.pipeline.yaml.Limits;
import dev.runway.pipeline.yaml.Node;
import dev.runway.pipeline.yaml.Problems;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Evaluates a logic statement after substitution: a literal (truthy or not), {@code and}, {@code or}, {@code not},
 * {@code equal}, {@code matches}, or an expression string. A statement with no arguments ({@code and: []}) is
 * false, as CircleCI's list of falsy values says.
 */
public final class Logic {
    private static final List<String> OPERATORS = List.of("and", "or", "not", "equal", "matches");

    private final Problems problems;
    private final Function<String, Object> values;

    /** {@code values} resolves the variables of expression strings (pipeline values and parameters). */
    public Logic(Problems problems, Function<String, Object> values) {
        this.problems = problems;
        this.values = values;
    }

    public boolean evaluate(Node statement) {
        return evaluate(statement, 0);
    }

    private boolean evaluate(Node statement, int depth) {
        if (depth > Limits.MAX_LOGIC_DEPTH) {
            problems.error(statement.at(), "logic statements nest more than " + Limits.MAX_LOGIC_DEPTH
                    + " levels deep (the cap on nesting)");
            return false;
        }
        if (statement instanceof Node.Scalar scalar) {
            if (scalar.value() instanceof String text && Expression.looksLikeExpression(text)) {
                return expression(text, scalar);
            }
            return Truthiness.truthy(scalar);
        }
        if (statement instanceof Node.Seq) {
            problems.error(statement.at(), "is a list where a logic statement was expected; wrap it in and:,"
                    + " or: or equal:");
            return false;
        }
        Node.Mapping mapping = (Node.Mapping) statement;
        if (mapping.entries().size() != 1) {
            problems.error(mapping.at(), "a logic statement has exactly one key (" + String.join(", ", OPERATORS)
                    + "), found " + mapping.entries().size());
            return false;
        }
        Node.Entry entry = mapping.entries().values().iterator().next();
        Node argument = entry.value();
        switch (entry.key()) {
            case "and", "or" -> {
                if (!(argument instanceof Node.Seq seq)) {
                    problems.error(argument.at(), entry.key() + " takes a list of logic statements, found "
                            + argument.describe());
                    return false;
                }
                if (seq.items().isEmpty()) {
                    return false;
                }
                boolean and = entry.key().equals("and");
                boolean result = and;
                for (Node item : seq.items()) {
                    boolean value = evaluate(item, depth + 1);
                    result = and ? result && value : result || value;
                }
                return result;
            }
            case "not" -> {
                return !evaluate(argument, depth + 1);
            }
            case "equal" -> {
                if (!(argument instanceof Node.Seq seq)) {
                    problems.error(argument.at(), "equal takes a list of values to compare, found "
                            + argument.describe());
                    return false;
                }
                if (seq.items().isEmpty()) {
                    return false;
                }
                Object first = comparable(seq.items().get(0).toPlain());
                for (Node item : seq.items()) {
                    if (!comparable(item.toPlain()).equals(first)) {
                        return false;
                    }
                }
                return true;
            }
            case "matches" -> {
                return matches(argument);
            }
            default -> {
                problems.error(entry.keyAt(), "'" + entry.key() + "' is not a logic statement"
                        + Problems.hint(entry.key(), OPERATORS) + "; the statements are "
                        + String.join(", ", OPERATORS));
                return false;
            }
        }
    }

    /** Numbers compare by value (1 equals 1.0); null is a value of its own. */
    private static Object comparable(Object value) {
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        return value == null ? Void.class : value;
    }

    private boolean matches(Node argument) {
        if (!(argument instanceof Node.Mapping mapping) || !(mapping.get("pattern") instanceof Node.Scalar pattern)
                || !(mapping.get("value") instanceof Node.Scalar value)) {
            problems.error(argument.at(), "matches takes a mapping with pattern: and value:");
            return false;
        }
        for (Node.Entry key : mapping.entries().values()) {
            if (!key.key().equals("pattern") && !key.key().equals("value")) {
                problems.error(key.keyAt(), "matches has pattern: and value:, not '" + key.key() + "'");
            }
        }
        String[] error = new String[1];
        Pattern compiled = BoundedRegex.compile(pattern.text(), error);
        if (compiled == null) {
            problems.error(pattern.at(), "'" + pattern.text() + "' is not a valid Java regular expression: "
                    + error[0]);
            return false;
        }
        return BoundedRegex.fullMatch(compiled, value.text(), value.at());
    }

    private boolean expression(String text, Node.Scalar at) {
        try {
            return Expression.parse(text).test(values, at.at());
        } catch (Expression.Invalid | IllegalArgumentException e) {
            problems.error(at.at(), "'" + text + "' is not a valid expression: " + e.getMessage());
            return false;
        }
    }
}
