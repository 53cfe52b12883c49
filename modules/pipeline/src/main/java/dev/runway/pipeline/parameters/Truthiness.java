package dev.runway.pipeline.parameters;

import dev.runway.pipeline.yaml.Node;

/** CircleCI's truthiness: false, null, 0, NaN and "" are false; every other value is true. */
public final class Truthiness {
    private Truthiness() {}

    public static boolean truthy(Node node) {
        return !(node instanceof Node.Scalar scalar) || truthy(scalar.value());
    }

    /** The same rule for a scalar's value (a logic expression's operands among them). */
    public static boolean truthy(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Long l) {
            return l != 0;
        }
        if (value instanceof Double d) {
            return d != 0 && !d.isNaN();
        }
        if (value instanceof String s) {
            return !s.isEmpty();
        }
        return true;
    }
}
